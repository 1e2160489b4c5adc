package mail

import (
	"crypto/rand"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/wayfare-org/wayfare"
)

// Address is a mail address with an optional display name.
type Address struct {
	Name  string
	Email string
}

// String returns the address as a header would show it.
func (a Address) String() string {
	return (&netmail.Address{Name: a.Name, Address: a.Email}).String()
}

// Message is one e-mail to one recipient.
type Message struct {
	To      Address
	Subject string
	Text    string // the text/plain part; required
	HTML    string // the text/html part; may be empty
	// MessageID is the id without angle brackets, such as
	// "notice.123@wayfare.example.org" (see MessageID); empty makes a
	// random one.
	MessageID string
	// InReplyTo and References are ids without angle brackets, such as
	// a ThreadID, so that mail clients thread the messages.
	InReplyTo  string
	References []string
	// Unsubscribe is an absolute URL that unsubscribes with one click;
	// empty leaves the List-Unsubscribe headers out.
	Unsubscribe string
	Date        time.Time // zero means now
}

// MessageID returns a message id for the notification id of one kind,
// such as MessageID("notice", 123, "wayfare.example.org") =
// "notice.123@wayfare.example.org". The same notification always gets
// the same id, so that a retried send does not look like a new mail.
func MessageID(kind string, id int64, domain string) string {
	return idPart(kind) + "." + strconv.FormatInt(id, 10) + "@" + idDomain(domain)
}

// ThreadID returns the id that every mail about one thing refers to as
// its thread root, such as ThreadID("pitch:12", "wayfare.example.org") =
// "pitch-12@wayfare.example.org".
func ThreadID(thread, domain string) string {
	return idPart(thread) + "@" + idDomain(domain)
}

// idPart keeps the characters that are safe in the left part of a
// message id and turns the others into '-'.
func idPart(s string) string {
	b := []byte(strings.ToLower(strings.TrimSpace(s)))
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_') {
			b[i] = '-'
		}
	}
	if len(b) == 0 {
		return "wayfare"
	}
	return string(b)
}

// idDomain is idPart for the domain, which defaults to "localhost".
func idDomain(domain string) string {
	if strings.TrimSpace(domain) == "" {
		return "localhost"
	}
	return idPart(domain)
}

// randomID returns a fresh message id in domain.
func randomID(domain string) string {
	return "wayfare." + strings.ToLower(rand.Text()) + "@" + idDomain(domain)
}

// build turns m into a go-mail message from the sender from.
func build(m *Message, from *netmail.Address) (*gomail.Msg, error) {
	if m == nil {
		return nil, wayfare.FieldError("message", "is missing")
	}
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(from)
	if err := setTo(msg, m.To); err != nil {
		return nil, err
	}
	if err := setIDs(msg, m, from); err != nil {
		return nil, err
	}
	if err := setUnsubscribe(msg, m.Unsubscribe); err != nil {
		return nil, err
	}
	msg.Subject(oneLine(m.Subject))
	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}
	msg.SetDateWithValue(date)
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetGenHeader(gomail.HeaderXAutoResponseSuppress, "All")
	return msg, setBody(msg, m)
}

// setTo sets the one recipient.
func setTo(msg *gomail.Msg, to Address) error {
	a, err := netmail.ParseAddress(to.Email)
	if err != nil || a.Name != "" || strings.ContainsAny(to.Email, "<>") {
		return wayfare.FieldError("to", "is not a mail address: %q", to.Email)
	}
	msg.ToMailAddress(&netmail.Address{Name: oneLine(to.Name), Address: a.Address})
	return nil
}

// setIDs sets Message-ID, In-Reply-To and References.
func setIDs(msg *gomail.Msg, m *Message, from *netmail.Address) error {
	id := m.MessageID
	if id == "" {
		_, domain, _ := strings.Cut(from.Address, "@")
		id = randomID(domain)
	}
	if err := checkID("message-id", id); err != nil {
		return err
	}
	msg.SetMessageIDWithValue(id)
	if m.InReplyTo != "" {
		if err := checkID("in-reply-to", m.InReplyTo); err != nil {
			return err
		}
		msg.SetGenHeader(gomail.HeaderInReplyTo, "<"+m.InReplyTo+">")
	}
	if len(m.References) == 0 {
		return nil
	}
	refs := make([]string, len(m.References))
	for i, r := range m.References {
		if err := checkID("references", r); err != nil {
			return err
		}
		refs[i] = "<" + r + ">"
	}
	// One value: go-mail folds it at the spaces between the ids.
	msg.SetGenHeader(gomail.HeaderReferences, strings.Join(refs, " "))
	return nil
}

// checkID accepts a message id without brackets: printable ASCII with
// one '@', no spaces or brackets.
func checkID(field, id string) error {
	left, right, ok := strings.Cut(id, "@")
	if !ok || left == "" || right == "" || strings.Contains(right, "@") {
		return wayfare.FieldError(field, "is not a message id (left@domain, without angle brackets): %q", id)
	}
	for _, c := range id {
		if c <= ' ' || c > '~' || c == '<' || c == '>' || c == '"' || c == '\\' {
			return wayfare.FieldError(field, "is not a message id (left@domain, without angle brackets): %q", id)
		}
	}
	return nil
}

// setUnsubscribe sets the one-click unsubscribe headers of RFC 8058.
// RFC 8058 wants an https URL; a plain http one (a server without TLS)
// still gets List-Unsubscribe, but no List-Unsubscribe-Post.
func setUnsubscribe(msg *gomail.Msg, link string) error {
	if link == "" {
		return nil
	}
	u, err := url.Parse(link)
	if err != nil || !u.IsAbs() || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return wayfare.FieldError("unsubscribe", "is not an absolute http(s) URL: %q", link)
	}
	if u.Scheme == "https" {
		return msg.SetListUnsubscribeOneClick(u.String())
	}
	msg.SetListUnsubscribe(u.String())
	return nil
}

// setBody sets text/plain, and text/html as its alternative.
func setBody(msg *gomail.Msg, m *Message) error {
	if m.Text == "" {
		return wayfare.FieldError("text", "is empty: every mail has a plain text part")
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return nil
}

// oneLine joins the lines of s with spaces, for a header.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// checkFrom parses the sender's address, which may have a display name.
func checkFrom(from string) (*netmail.Address, error) {
	a, err := netmail.ParseAddress(strings.TrimSpace(from))
	if err != nil {
		return nil, wayfare.FieldError("mail-from", "is not a mail address (such as \"Wayfare <wayfare@example.org>\"): %q", from)
	}
	return a, nil
}
