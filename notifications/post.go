package notifications

import (
	"context"
	"net/url"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/notifications/mail"
)

// Sender is the mail transport (mail.Sender).
type Sender interface {
	Send(ctx context.Context, msgs []*mail.Message) []mail.Result
}

// Post composes notification mail from our templates and sends it.
type Post struct {
	Sender  Sender
	BaseURL string // absolute, without a trailing slash: links in mail
	// Key signs unsubscribe links; Waiting lists the decisions still
	// waiting for a person, for digests.
	Key     func(ctx context.Context) ([]byte, error)
	Waiting func(ctx context.Context, personID wayfare.ID) ([]Notification, error)
	// OrgName names the organization in invitations.
	OrgName string
}

// MaxAttempts is how many times a mail is tried before it is given up.
const MaxAttempts = 8

// mailBackoff is the wait before attempt n+1 of a mail.
func mailBackoff(attempts int) time.Duration {
	waits := []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour}
	return waits[min(max(attempts, 0), len(waits)-1)]
}

// Post sends mails over one connection: notices read in the browser
// meanwhile are dropped, not sent.
func (p *Post) Post(ctx context.Context, mails []*Mail, now time.Time) []Sent {
	done := make([]Sent, 0, len(mails))
	var msgs []*mail.Message
	var sending []*Mail
	key, err := p.Key(ctx)
	if err != nil {
		return nil // tried again at the next cycle
	}
	for _, m := range mails {
		msg, drop, err := p.compose(ctx, m, key, now)
		switch {
		case drop != "":
			done = append(done, Sent{ID: m.ID, Dropped: true, Answer: drop})
		case err != nil:
			done = append(done, p.failed(m, err.Error(), true, now))
		default:
			msgs, sending = append(msgs, msg), append(sending, m)
		}
	}
	if len(msgs) == 0 {
		return done
	}
	for i, r := range p.Sender.Send(ctx, msgs) {
		m := sending[i]
		if r.Err == nil {
			done = append(done, Sent{ID: m.ID, OK: true, Answer: r.Answer})
			continue
		}
		answer := r.Answer
		if answer == "" {
			answer = r.Err.Error()
		}
		done = append(done, p.failed(m, answer, r.Temporary, now))
	}
	return done
}

func (p *Post) failed(m *Mail, answer string, temporary bool, now time.Time) Sent {
	s := Sent{ID: m.ID, Answer: answer}
	if temporary && m.Attempts+1 < MaxAttempts {
		s.Retry = now.Add(mailBackoff(m.Attempts))
	}
	return s
}

// compose builds a mail's message, or says why it is no longer needed.
func (p *Post) compose(ctx context.Context, m *Mail, key []byte, now time.Time) (*mail.Message, string, error) {
	to := mail.Address{Name: m.Name, Email: m.Email}
	unsubscribe := p.BaseURL + "/unsubscribe/" + UnsubscribeToken(key, m.PersonID)
	prefs := p.BaseURL + "/account/notifications"
	domain := p.domain()
	msg := &mail.Message{To: to, Unsubscribe: unsubscribe, Date: now}
	if !m.Active {
		return nil, "the person has left", nil
	}
	var err error
	switch m.Kind {
	case "notice":
		n := m.Notice
		if n == nil || n.Subject == "" {
			return nil, "the notification is gone", nil
		}
		if n.ReadAt != nil {
			return nil, "read in the browser first", nil
		}
		msg.Subject, msg.Text, msg.HTML, err = mail.RenderNotice(mail.Notice{Recipient: to, Item: p.item(n),
			Unsubscribe: unsubscribe, Preferences: prefs})
		msg.MessageID = mail.MessageID("n", int64(n.ID), domain)
		if n.Thread != "" {
			root := mail.ThreadID(n.Thread, domain)
			msg.InReplyTo, msg.References = root, []string{root}
		}
	case "digest":
		var unread []*Notification
		for _, n := range m.Items {
			if n.ReadAt == nil {
				unread = append(unread, n)
			}
		}
		d := mail.Digest{Recipient: to, Period: m.Period, Groups: p.groups(unread), Unsubscribe: unsubscribe, Preferences: prefs}
		if p.Waiting != nil {
			waiting, err := p.Waiting(ctx, m.PersonID)
			if err != nil {
				return nil, "", err
			}
			for i := range waiting {
				d.Waiting = append(d.Waiting, p.item(&waiting[i]))
			}
		}
		if len(d.Groups) == 0 && len(d.Waiting) == 0 {
			return nil, "everything in it was read in the browser first", nil
		}
		msg.Subject, msg.Text, msg.HTML, err = mail.RenderDigest(d)
		msg.MessageID = mail.MessageID("d", int64(m.ID), domain)
	case "account":
		a := m.Account
		if a == nil || a.Token == "" {
			return nil, "the link was sent already", nil
		}
		path := "/reset/"
		if a.Kind == LinkInvited {
			path = "/invite/"
		}
		msg.Unsubscribe = "" // a mail the person asked for, or their invitation
		msg.Subject, msg.Text, msg.HTML, err = mail.RenderAccount(mail.Account{Recipient: to, Kind: a.Kind,
			Link: p.BaseURL + path + a.Token, Expires: LinkLife, OrgName: p.orgName()})
		msg.MessageID = mail.MessageID("a", int64(m.ID), domain)
	default:
		return nil, "", wayfare.Errorf(wayfare.EINTERNAL, "unknown mail kind %q", m.Kind)
	}
	return msg, "", err
}

func (p *Post) item(n *Notification) mail.Item {
	return mail.Item{Kind: string(n.Kind), Subject: n.Subject, Text: n.Text, URL: p.BaseURL + n.URL, At: n.CreatedAt}
}

// groups gathers a digest's items by the pitch, journey or session they
// are about, in the order each first came.
func (p *Post) groups(items []*Notification) []mail.Group {
	var out []mail.Group
	at := map[string]int{}
	for _, n := range items {
		i, ok := at[n.Thread]
		if !ok {
			i = len(out)
			at[n.Thread] = i
			title := n.Topic
			if title == "" {
				title = n.Subject
			}
			out = append(out, mail.Group{Title: title, URL: p.BaseURL + threadURL(n)})
		}
		out[i].Items = append(out[i].Items, p.item(n))
	}
	return out
}

func threadURL(n *Notification) string {
	u, err := url.Parse(n.URL)
	if err != nil {
		return n.URL
	}
	u.Fragment = ""
	return u.String()
}

func (p *Post) orgName() string {
	if p.OrgName != "" {
		return p.OrgName
	}
	return "your organization"
}

// domain is the host of the base URL, for message ids.
func (p *Post) domain() string {
	if u, err := url.Parse(p.BaseURL); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "wayfare.invalid"
}
