package mail

import (
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/notifications/mail/mailtest"
)

func TestIDs(t *testing.T) {
	tests := []struct{ got, want string }{
		{MessageID("notice", 123, "wayfare.example.org"), "notice.123@wayfare.example.org"},
		{MessageID("Digest Weekly", 7, "Wayfare.Example.org"), "digest-weekly.7@wayfare.example.org"},
		{MessageID("", 1, ""), "wayfare.1@localhost"},
		{ThreadID("pitch:12", "wayfare.example.org"), "pitch-12@wayfare.example.org"},
		{ThreadID("journey:3", "wayfare.example.org"), "journey-3@wayfare.example.org"},
		{ThreadID("pitch:<12>@x", "w.org"), "pitch--12--x@w.org"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
		if err := checkID("id", tt.got); err != nil {
			t.Errorf("%q is not a valid id: %v", tt.got, err)
		}
	}
}

// receive sends m to a fresh server and returns it as received.
func receive(t *testing.T, m *Message) mailtest.Received {
	t.Helper()
	srv := mailtest.Start(t)
	wantOK(t, sendOne(t, senderFor(t, srv, nil), m))
	got := srv.Wait(t, 1, 5*time.Second)[0]
	if got.Err != nil {
		t.Fatalf("parse: %v", got.Err)
	}
	return got
}

func TestHeadersAsReceived(t *testing.T) {
	const domain = "wayfare.example.org"
	thread := ThreadID("pitch:12", domain)
	date := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	got := receive(t, &Message{
		To:          Address{Name: "Maya Okafor", Email: "maya@example.org"},
		Subject:     "Über <script>alert(1)</script>",
		Text:        "Plain <script>x</script> text — with ünïcode",
		HTML:        "<p>HTML part</p>",
		MessageID:   "n123.p45@" + domain,
		InReplyTo:   thread,
		References:  []string{thread, "n120.p45@" + domain},
		Unsubscribe: "https://wayfare.example.org/unsubscribe?t=abc&x=1",
		Date:        date,
	})
	h := got.Header
	want := map[string]string{
		"Message-Id":               "<n123.p45@wayfare.example.org>",
		"In-Reply-To":              "<pitch-12@wayfare.example.org>",
		"References":               "<pitch-12@wayfare.example.org> <n120.p45@wayfare.example.org>",
		"Auto-Submitted":           "auto-generated",
		"X-Auto-Response-Suppress": "All",
		"List-Unsubscribe":         "<https://wayfare.example.org/unsubscribe?t=abc&x=1>",
		"List-Unsubscribe-Post":    "List-Unsubscribe=One-Click",
	}
	for k, v := range want {
		if h.Get(k) != v {
			t.Errorf("%s: %q, want %q", k, h.Get(k), v)
		}
	}
	if d, err := h.Date(); err != nil || !d.Equal(date) {
		t.Errorf("Date %v, %v; want %v", d, err, date)
	}
	if got.Subject() != "Über <script>alert(1)</script>" {
		t.Errorf("Subject %q", got.Subject())
	}
	from, err := netmail.ParseAddress(h.Get("From"))
	if err != nil || from.Name != "Wayfare" || from.Address != "wayfare@example.org" {
		t.Errorf("From %q", h.Get("From"))
	}
	to, err := netmail.ParseAddress(h.Get("To"))
	if err != nil || to.Name != "Maya Okafor" || to.Address != "maya@example.org" {
		t.Errorf("To %q", h.Get("To"))
	}
	if !strings.HasPrefix(h.Get("Content-Type"), "multipart/alternative;") {
		t.Errorf("Content-Type %q", h.Get("Content-Type"))
	}
	data := string(got.Data)
	if p, q := strings.Index(data, "text/plain"), strings.Index(data, "text/html"); p < 0 || q < p {
		t.Errorf("text/plain at %d, text/html at %d: want plain first", p, q)
	}
	if got.Text != "Plain <script>x</script> text — with ünïcode" || got.HTML != "<p>HTML part</p>" {
		t.Errorf("parts: text %q, html %q", got.Text, got.HTML)
	}
	if h.Get("User-Agent") != "" || h.Get("X-Mailer") != "" {
		t.Errorf("mailer headers %q %q", h.Get("User-Agent"), h.Get("X-Mailer"))
	}
}

func TestRenderedNoticeAsReceived(t *testing.T) {
	subject, text, html, err := RenderNotice(Notice{
		Recipient:   Address{Name: "Maya", Email: "maya@example.org"},
		Item:        Item{Subject: "<script>alert(1)</script> decided", Text: "Because <script>x</script>", URL: "https://w.example/pitches/12"},
		Unsubscribe: "https://w.example/unsubscribe/t0k3n",
		Preferences: "https://w.example/settings/notifications",
	})
	if err != nil {
		t.Fatal(err)
	}
	got := receive(t, &Message{To: Address{Email: "maya@example.org"}, Subject: subject, Text: text, HTML: html})
	if strings.Contains(got.HTML, "<script>") || !strings.Contains(got.HTML, "&lt;script&gt;alert(1)&lt;/script&gt; decided") {
		t.Errorf("HTML does not escape the subject:\n%s", got.HTML)
	}
	if !strings.Contains(got.HTML, "Because &lt;script&gt;x&lt;/script&gt;") {
		t.Errorf("HTML does not escape the text:\n%s", got.HTML)
	}
	if !strings.Contains(got.Text, "<script>alert(1)</script> decided") || !strings.Contains(got.Text, "Open it: https://w.example/pitches/12") {
		t.Errorf("text part:\n%s", got.Text)
	}
	if got.Subject() != "<script>alert(1)</script> decided" {
		t.Errorf("Subject %q", got.Subject())
	}
	if got.Header.Get("Message-Id") == "" || !strings.HasSuffix(got.Header.Get("Message-Id"), "@example.org>") {
		t.Errorf("made-up Message-Id %q", got.Header.Get("Message-Id"))
	}
}

func TestHeadersLeftOut(t *testing.T) {
	got := receive(t, &Message{
		To: Address{Email: "maya@example.org"}, Subject: "Plain only", Text: "Just text.",
		Unsubscribe: "http://wayfare.local/unsubscribe?t=1",
	})
	h := got.Header
	for _, k := range []string{"In-Reply-To", "References", "List-Unsubscribe-Post"} {
		if v := h.Get(k); v != "" {
			t.Errorf("%s: %q, want none", k, v)
		}
	}
	if h.Get("List-Unsubscribe") != "<http://wayfare.local/unsubscribe?t=1>" {
		t.Errorf("List-Unsubscribe %q", h.Get("List-Unsubscribe"))
	}
	if got.Text != "Just text." || got.HTML != "" {
		t.Errorf("parts: text %q, html %q", got.Text, got.HTML)
	}
}

func TestLongReferencesAreFolded(t *testing.T) {
	var refs []string
	for i := range 12 {
		refs = append(refs, MessageID("notice", int64(1000+i), "wayfare.example.org"))
	}
	got := receive(t, &Message{To: Address{Email: "m@example.org"}, Subject: "s", Text: "t", References: refs})
	for _, line := range strings.Split(string(got.Data), "\r\n") {
		if len(line) > 998 {
			t.Fatalf("line of %d characters", len(line))
		}
	}
	if n := len(strings.Fields(got.Header.Get("References"))); n != len(refs) {
		t.Errorf("%d references, want %d", n, len(refs))
	}
}

func TestBuildRefusesBadMessages(t *testing.T) {
	good := func() *Message {
		return &Message{To: Address{Email: "m@example.org"}, Subject: "s", Text: "t"}
	}
	tests := []struct {
		field  string
		change func(*Message)
	}{
		{"to", func(m *Message) { m.To.Email = "" }},
		{"to", func(m *Message) { m.To.Email = "Maya <m@example.org>" }},
		{"to", func(m *Message) { m.To.Email = "m@example.org\r\nBcc: x@example.org" }},
		{"message-id", func(m *Message) { m.MessageID = "<a@b>" }},
		{"message-id", func(m *Message) { m.MessageID = "no-at" }},
		{"in-reply-to", func(m *Message) { m.InReplyTo = "a b@c" }},
		{"references", func(m *Message) { m.References = []string{"a@b", "x\r\ny@z"} }},
		{"unsubscribe", func(m *Message) { m.Unsubscribe = "/relative" }},
		{"unsubscribe", func(m *Message) { m.Unsubscribe = "javascript:alert(1)" }},
		{"text", func(m *Message) { m.Text = "" }},
	}
	from := &netmail.Address{Address: "w@example.org"}
	for _, tt := range tests {
		m := good()
		tt.change(m)
		_, err := build(m, from)
		if e, ok := wayfare.AsError(err); !ok || e.Field != tt.field {
			t.Errorf("build(%+v) = %v, want a field error of %s", m, err, tt.field)
		}
	}
	if _, err := build(good(), from); err != nil {
		t.Errorf("build(good) = %v", err)
	}
}

func TestSubjectCannotInjectHeaders(t *testing.T) {
	got := receive(t, &Message{To: Address{Email: "m@example.org"}, Subject: "Hi\r\nBcc: evil@example.org", Text: "t"})
	if got.Header.Get("Bcc") != "" || got.Subject() != "Hi Bcc: evil@example.org" {
		t.Errorf("Bcc %q, subject %q", got.Header.Get("Bcc"), got.Subject())
	}
}
