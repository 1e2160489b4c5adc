package mail

import (
	"bytes"
	"embed"
	"fmt"
	htemplate "html/template"
	"strings"
	ttemplate "text/template"
	"time"
)

// Item is one thing that happened, such as a comment or a decision.
type Item struct {
	Kind    string // what happened, for the caller; not shown
	Subject string // one line that says what happened
	Text    string // more, possibly several lines; may be empty
	URL     string // absolute URL of the page that shows it
	At      time.Time
}

// Group is the items about one pitch or journey.
type Group struct {
	Title string // the pitch's or journey's title
	URL   string // absolute URL of its page
	Items []Item
}

// Notice is one notification mailed as it happens.
type Notice struct {
	Recipient   Address
	Item        Item
	Unsubscribe string // absolute URL that unsubscribes without signing in
	Preferences string // absolute URL of the notification settings
}

// Digest is the notifications of a day or a week in one mail.
type Digest struct {
	Recipient   Address
	Period      string // "daily" or "weekly"
	Groups      []Group
	Waiting     []Item // decisions still waiting for the recipient
	Unsubscribe string
	Preferences string
}

// Account kinds.
const (
	AccountInvited       = "invited"
	AccountPasswordReset = "password_reset"
)

// Account is a mail about the recipient's account: an invitation or a
// password reset, each with a link that sets the password.
type Account struct {
	Recipient Address
	Kind      string // AccountInvited or AccountPasswordReset
	Link      string // absolute URL that sets the password, once
	Expires   time.Duration
	OrgName   string
}

//go:embed templates
var templateFS embed.FS

var funcs = map[string]any{
	"paragraphs": paragraphs,
	"when":       when,
	"indent":     indent,
	"button":     func(label, url string) link { return link{Label: label, URL: url} },
	"item":       func(it Item, label string) labelled { return labelled{Item: it, Label: label} },
}

// link is a call to action.
type link struct{ Label, URL string }

// labelled is an item with the label of its link.
type labelled struct {
	Item  Item
	Label string
}

// The templates, parsed once.
var (
	textTemplates = ttemplate.Must(ttemplate.New("text").Funcs(funcs).ParseFS(templateFS, "templates/*.txt"))
	htmlTemplates = htemplate.Must(htemplate.New("html").Funcs(funcs).ParseFS(templateFS, "templates/*.html"))
)

// page is what every template gets, with the kind's own data in Data.
type page struct {
	Subject     string
	Greeting    string // "Hello Maya," or "Hello,"
	Unsubscribe string
	Preferences string
	Data        any
}

// RenderNotice renders a mail about one item.
func RenderNotice(n Notice) (subject, text, html string, err error) {
	p := page{
		Subject:     oneLine(n.Item.Subject),
		Greeting:    greeting(n.Recipient),
		Unsubscribe: n.Unsubscribe,
		Preferences: n.Preferences,
		Data:        n.Item,
	}
	if p.Subject == "" {
		p.Subject = "News on Wayfare"
	}
	return render("notice", p)
}

// render executes the text and the HTML template called name.
func render(name string, p page) (subject, text, html string, err error) {
	var tb, hb bytes.Buffer
	if err := textTemplates.ExecuteTemplate(&tb, name+".txt", p); err != nil {
		return "", "", "", fmt.Errorf("mail: render %s text: %w", name, err)
	}
	if err := htmlTemplates.ExecuteTemplate(&hb, name+".html", p); err != nil {
		return "", "", "", fmt.Errorf("mail: render %s html: %w", name, err)
	}
	text = strings.TrimSpace(tb.String()) + "\n"
	html = strings.TrimSpace(hb.String()) + "\n"
	return p.Subject, text, html, nil
}

// greeting greets the recipient by name when there is one.
func greeting(a Address) string {
	if name := oneLine(a.Name); name != "" {
		return "Hello " + name + ","
	}
	return "Hello,"
}

// paragraphs turns plain text into HTML paragraphs: blank lines part
// them, single line ends become <br>. Everything is escaped.
func paragraphs(s string) htemplate.HTML {
	s = strings.ReplaceAll(strings.TrimSpace(s), "\r\n", "\n")
	if s == "" {
		return ""
	}
	var b strings.Builder
	for _, para := range strings.Split(s, "\n\n") {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		lines := strings.Split(para, "\n")
		for i := range lines {
			lines[i] = htemplate.HTMLEscapeString(lines[i])
		}
		b.WriteString(`<p style="margin:0 0 12px 0;">`)
		b.WriteString(strings.Join(lines, "<br>"))
		b.WriteString("</p>")
	}
	return htemplate.HTML(b.String())
}

// indent indents the lines after the first of a plain text by two
// spaces, to sit under a list item.
func indent(s string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), "\r\n", "\n")
	return strings.ReplaceAll(s, "\n", "\n  ")
}

// when shows a time the same for everyone, since the recipient's time
// zone is not known: "2 Jan 2026, 15:04 UTC"; "" for the zero time.
func when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2 Jan 2006, 15:04 UTC")
}

// plural returns "1 update" or "3 updates".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
