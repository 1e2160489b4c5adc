package mail

import (
	"strings"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare"
)

// items returns n items about one pitch.
func items(n int) []Item {
	out := make([]Item, n)
	for i := range out {
		out[i] = Item{Kind: "comment", Subject: "A new comment", Text: "Looks good.", URL: "https://w.example/pitches/1#c"}
	}
	return out
}

func TestDigestSubject(t *testing.T) {
	tests := []struct {
		groups  []Group
		waiting int
		want    string
	}{
		{[]Group{{Title: "A", Items: items(2)}, {Title: "B", Items: items(1)}}, 0, "Your Wayfare digest: 3 updates on 2 pitches"},
		{[]Group{{Title: "A", Items: items(1)}}, 0, "Your Wayfare digest: 1 update on 1 pitch"},
		{[]Group{{Title: "A", Items: items(4)}}, 0, "Your Wayfare digest: 4 updates on 1 pitch"},
		{[]Group{{Title: "A", Items: items(1)}, {Title: "Empty"}}, 0, "Your Wayfare digest: 1 update on 1 pitch"},
		{[]Group{{Title: "A", Items: items(1)}}, 1, "Your Wayfare digest: 1 update on 1 pitch, 1 decision waiting for you"},
		{nil, 2, "Your Wayfare digest: 2 decisions waiting for you"},
		{nil, 0, "Your Wayfare digest: nothing new"},
	}
	for _, tt := range tests {
		subject, text, html, err := RenderDigest(Digest{Period: "daily", Groups: tt.groups, Waiting: items(tt.waiting)})
		if err != nil {
			t.Fatal(err)
		}
		if subject != tt.want {
			t.Errorf("subject %q, want %q", subject, tt.want)
		}
		summary := strings.TrimPrefix(tt.want, "Your Wayfare digest: ")
		if !strings.Contains(text, summary) || !strings.Contains(html, summary) {
			t.Errorf("the body does not say %q", summary)
		}
		if strings.Contains(text, "Empty") {
			t.Error("a group without items is shown")
		}
	}
}

func TestDigestSections(t *testing.T) {
	d := Digest{
		Recipient: Address{Name: "Maya"},
		Period:    "weekly",
		Groups: []Group{
			{Title: "Four-day week", URL: "https://w.example/pitches/7", Items: []Item{
				{Subject: "Tom bought a ticket", URL: "https://w.example/pitches/7#t", At: time.Date(2026, 1, 2, 15, 4, 0, 0, time.UTC)},
			}},
			{Title: "New canteen", URL: "https://w.example/journeys/3", Items: []Item{
				{Subject: "A check-in", Text: "We are halfway.\nOn time.", URL: "https://w.example/journeys/3#c"},
			}},
		},
		Unsubscribe: "https://w.example/unsubscribe/t0k",
		Preferences: "https://w.example/settings",
	}
	_, text, html, err := RenderDigest(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"Hello Maya,", "in the last week", "== Four-day week ==", "https://w.example/pitches/7",
		"* Tom bought a ticket (2 Jan 2026, 15:04 UTC)", "  Open it: https://w.example/pitches/7#t",
		"== New canteen ==", "  We are halfway.\n  On time.", footerText(d.Preferences, d.Unsubscribe)} {
		if !strings.Contains(text, s) {
			t.Errorf("text lacks %q:\n%s", s, text)
		}
	}
	for _, s := range []string{`href="https://w.example/pitches/7"`, "Four-day week", "We are halfway.<br>On time.",
		`href="https://w.example/unsubscribe/t0k"`, `href="https://w.example/settings"`} {
		if !strings.Contains(html, s) {
			t.Errorf("html lacks %q", s)
		}
	}
	if strings.Contains(text, "Still waiting") || strings.Contains(html, "Still waiting") {
		t.Error("the waiting section is shown with nothing waiting")
	}

	d.Waiting = []Item{{Subject: "Decide on the canteen", URL: "https://w.example/pitches/9#decide"}}
	_, text, html, err = RenderDigest(d)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "== Still waiting for your decision ==\n\n* Decide on the canteen\n  Decide: https://w.example/pitches/9#decide") {
		t.Errorf("text lacks the waiting section:\n%s", text)
	}
	if !strings.Contains(html, "Still waiting for your decision") || !strings.Contains(html, `href="https://w.example/pitches/9#decide"`) {
		t.Error("html lacks the waiting section")
	}
}

func footerText(prefs, unsub string) string {
	return "-- \nYou receive this because of your notification settings: " + prefs +
		"\nUnsubscribe from these e-mails: " + unsub + "\n"
}

func TestDigestEscapes(t *testing.T) {
	_, _, html, err := RenderDigest(Digest{Groups: []Group{{
		Title: `<img src=x onerror="alert(1)">`, URL: "javascript:alert(1)",
		Items: []Item{{Subject: "<b>bold</b>", Text: "a & b", URL: "https://w.example/?a=1&b=2"}},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<img", "<b>bold", "javascript:", "a & b"} {
		if strings.Contains(html, bad) {
			t.Errorf("html holds %q unescaped", bad)
		}
	}
	if !strings.Contains(html, "&lt;b&gt;bold&lt;/b&gt;") || !strings.Contains(html, `href="https://w.example/?a=1&amp;b=2"`) {
		t.Errorf("html:\n%s", html)
	}
}

func TestDigestPeriod(t *testing.T) {
	_, _, _, err := RenderDigest(Digest{Period: "hourly"})
	if e, ok := wayfare.AsError(err); !ok || e.Field != "period" {
		t.Errorf("RenderDigest(hourly) = %v", err)
	}
}

func TestNotice(t *testing.T) {
	n := Notice{
		Recipient:   Address{Email: "maya@example.org"},
		Item:        Item{Subject: "Your pitch was adopted", Text: "Management adopted it by consent.", URL: "https://w.example/pitches/4"},
		Unsubscribe: "https://w.example/unsubscribe/t0k",
		Preferences: "https://w.example/settings",
	}
	subject, text, html, err := RenderNotice(n)
	if err != nil {
		t.Fatal(err)
	}
	if subject != "Your pitch was adopted" {
		t.Errorf("subject %q", subject)
	}
	for _, s := range []string{"Hello,\n", "Management adopted it by consent.", "Open it: https://w.example/pitches/4",
		footerText(n.Preferences, n.Unsubscribe)} {
		if !strings.Contains(text, s) {
			t.Errorf("text lacks %q:\n%s", s, text)
		}
	}
	for _, s := range []string{">Open it</a>", `href="https://w.example/pitches/4"`, `href="https://w.example/unsubscribe/t0k"`,
		"notification settings</a>", "Unsubscribe from these e-mails</a>"} {
		if !strings.Contains(html, s) {
			t.Errorf("html lacks %q", s)
		}
	}

	n.Unsubscribe, n.Preferences = "", ""
	_, text, html, _ = RenderNotice(n)
	if strings.Contains(text, "Unsubscribe") || strings.Contains(html, "Unsubscribe") || strings.Contains(text, "\n-- \n") {
		t.Error("a footer without links")
	}
}

func TestAccount(t *testing.T) {
	tests := []struct {
		a       Account
		subject string
		says    []string
	}{
		{Account{Recipient: Address{Name: "Tom"}, Kind: AccountInvited, Link: "https://w.example/set?t=abc", Expires: time.Hour, OrgName: "Acme <Corp>"},
			"You are invited to Acme <Corp> on Wayfare",
			[]string{"Hello Tom,", "You are invited to Acme <Corp> on Wayfare", "https://w.example/set?t=abc", "works once and expires in 1 hour"}},
		{Account{Kind: AccountPasswordReset, Link: "https://w.example/reset?t=xyz", Expires: 30 * time.Minute},
			"Reset your Wayfare password",
			[]string{"Someone asked to reset your password", "https://w.example/reset?t=xyz", "expires in 30 minutes", "If it was not you, ignore this mail"}},
	}
	for _, tt := range tests {
		subject, text, html, err := RenderAccount(tt.a)
		if err != nil {
			t.Fatal(err)
		}
		if subject != tt.subject {
			t.Errorf("subject %q, want %q", subject, tt.subject)
		}
		for _, s := range tt.says {
			if !strings.Contains(text, s) {
				t.Errorf("text lacks %q:\n%s", s, text)
			}
		}
		if !strings.Contains(html, `href="`+tt.a.Link+`"`) || strings.Contains(html, "<Corp>") || strings.Contains(text, "Unsubscribe") {
			t.Errorf("html:\n%s", html)
		}
	}
	if _, _, _, err := RenderAccount(Account{Kind: "welcome", Link: "https://w"}); err == nil {
		t.Error("an unknown kind rendered")
	}
	if _, _, _, err := RenderAccount(Account{Kind: AccountInvited}); err == nil {
		t.Error("an invitation without a link rendered")
	}
}

func TestDuration(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, ""}, {time.Hour, "1 hour"}, {3 * time.Hour, "3 hours"}, {90 * time.Minute, "90 minutes"},
		{time.Minute, "1 minute"}, {48 * time.Hour, "2 days"}, {24 * time.Hour, "24 hours"}, {30 * time.Second, "30 seconds"},
	}
	for _, tt := range tests {
		if got := duration(tt.d); got != tt.want {
			t.Errorf("duration(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}
