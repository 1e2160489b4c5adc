package mail

import (
	"fmt"
	"time"

	"github.com/wayfare-org/wayfare"
)

// digestData is what the digest templates show.
type digestData struct {
	Intro   string  // the sentence under the greeting
	Groups  []Group // the groups that have items
	Waiting []Item
}

// RenderDigest renders a day's or a week's notifications in one mail:
// a section per pitch or journey, then the decisions still waiting.
func RenderDigest(d Digest) (subject, text, html string, err error) {
	since, err := digestSince(d.Period)
	if err != nil {
		return "", "", "", err
	}
	data := digestData{Waiting: d.Waiting}
	updates := 0
	for _, g := range d.Groups {
		if len(g.Items) > 0 {
			data.Groups = append(data.Groups, g)
			updates += len(g.Items)
		}
	}
	summary := digestSummary(updates, len(data.Groups), len(d.Waiting))
	data.Intro = fmt.Sprintf("Here is what happened on Wayfare %s: %s.", since, summary)
	p := page{
		Subject:     "Your Wayfare digest: " + summary,
		Greeting:    greeting(d.Recipient),
		Unsubscribe: d.Unsubscribe,
		Preferences: d.Preferences,
		Data:        data,
	}
	return render("digest", p)
}

// digestSince names the period of a digest.
func digestSince(period string) (string, error) {
	switch period {
	case "daily":
		return "in the last day", nil
	case "weekly":
		return "in the last week", nil
	case "":
		return "since your last digest", nil
	}
	return "", wayfare.FieldError("period", "must be daily or weekly, not %q", period)
}

// digestSummary counts what a digest holds, such as "3 updates on 2
// pitches, 1 decision waiting for you".
func digestSummary(updates, groups, waiting int) string {
	var s string
	if updates > 0 {
		s = plural(updates, "update", "updates") + " on " + plural(groups, "pitch", "pitches")
	}
	if waiting > 0 {
		if s != "" {
			s += ", "
		}
		s += plural(waiting, "decision", "decisions") + " waiting for you"
	}
	if s == "" {
		s = "nothing new"
	}
	return s
}

// accountData is what the account templates show.
type accountData struct {
	Kind    string
	Org     string // "Acme" or "Wayfare"
	Link    string
	Expires string // "1 hour"; "" when the link does not expire
}

// RenderAccount renders an invitation or a password reset mail.
func RenderAccount(a Account) (subject, text, html string, err error) {
	if a.Link == "" {
		return "", "", "", wayfare.FieldError("link", "is empty")
	}
	data := accountData{Kind: a.Kind, Org: oneLine(a.OrgName), Link: a.Link, Expires: duration(a.Expires)}
	p := page{Greeting: greeting(a.Recipient), Data: data}
	switch a.Kind {
	case AccountInvited:
		p.Subject = "You are invited to Wayfare"
		if data.Org != "" {
			p.Subject = "You are invited to " + data.Org + " on Wayfare"
		}
	case AccountPasswordReset:
		p.Subject = "Reset your Wayfare password"
	default:
		return "", "", "", wayfare.FieldError("kind", "must be %s or %s, not %q", AccountInvited, AccountPasswordReset, a.Kind)
	}
	return render("account", p)
}

// duration says how long a link lasts: "1 hour", "30 minutes", "2 days".
func duration(d time.Duration) string {
	switch {
	case d <= 0:
		return ""
	case d >= 48*time.Hour && d%(24*time.Hour) == 0:
		return plural(int(d/(24*time.Hour)), "day", "days")
	case d >= time.Hour && d%time.Hour == 0:
		return plural(int(d/time.Hour), "hour", "hours")
	case d >= time.Minute:
		return plural(int((d+time.Minute-1)/time.Minute), "minute", "minutes")
	}
	return plural(int((d+time.Second-1)/time.Second), "second", "seconds")
}
