package webhook_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/notifications/webhook"
)

// hostile is user text that tries every trick of the four formats.
const (
	hostileTitle = "Ana <script>alert(1)</script> *bold* _it_ & <!channel> [x](http://evil) @here"
	hostileText  = "See <!channel> & <@U123> *now* _or_ `never` ~gone~\n# heading\n1. list\n- item\n    code @all ![img](http://evil/p.png)"
)

func event() webhook.Event {
	at := time.Date(2026, 3, 1, 9, 30, 15, 0, time.UTC)
	act := wayfare.Act{ID: 42, At: at, PersonID: 7, Function: wayfare.Management, Verb: "decision.made", SubjectKind: "pitch", SubjectID: 9}
	data, _ := json.Marshal(act)
	return webhook.Event{
		ID: "msg_3_42", Type: "decision.made", Timestamp: at, Data: data,
		Title: hostileTitle, Text: hostileText,
		URL: "https://wayfare.example/pitches/9", Function: "management",
	}
}

func build(t *testing.T, f webhook.Format, ev webhook.Event) []byte {
	t.Helper()
	body, ct, err := webhook.Build(f, ev)
	if err != nil {
		t.Fatalf("Build(%s): %v", f, err)
	}
	if ct != "application/json" || !json.Valid(body) {
		t.Fatalf("Build(%s): content type %q, valid JSON %v:\n%s", f, ct, json.Valid(body), body)
	}
	return body
}

func decode(t *testing.T, body []byte, v any) {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(body))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		t.Fatalf("decode: %v\n%s", err, body)
	}
}

func TestParseFormat(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want webhook.Format
		ok   bool
	}{
		{"standard", webhook.Standard, true},
		{"slack", webhook.Slack, true},
		{"teams", webhook.Teams, true},
		{"markdown", webhook.Markdown, true},
		{" Slack ", webhook.Slack, true},
		{"", webhook.Standard, true},
		{"messagecard", "", false},
		{"html", "", false},
	} {
		got, err := webhook.ParseFormat(tc.in)
		if tc.ok && (err != nil || got != tc.want) {
			t.Errorf("ParseFormat(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
		if !tc.ok && !isFieldError(err, "format") {
			t.Errorf("ParseFormat(%q) = %q, %v; want a format field error", tc.in, got, err)
		}
	}
}

func isFieldError(err error, field string) bool {
	e, ok := wayfare.AsError(err)
	return ok && e.Code == wayfare.EINVALID && e.Field == field
}

func TestBuildStandard(t *testing.T) {
	ev := event()
	var got map[string]json.RawMessage
	decode(t, build(t, webhook.Standard, ev), &got)
	if len(got) != 3 {
		t.Fatalf("fields %v, want exactly type, timestamp, data", keys(got))
	}
	var typ, ts string
	_ = json.Unmarshal(got["type"], &typ)
	_ = json.Unmarshal(got["timestamp"], &ts)
	if typ != "decision.made" {
		t.Errorf("type %q", typ)
	}
	if at, err := time.Parse(time.RFC3339, ts); err != nil || !at.Equal(ev.Timestamp) {
		t.Errorf("timestamp %q (%v), want %s in RFC 3339", ts, err, ev.Timestamp)
	}
	var act wayfare.Act
	if err := json.Unmarshal(got["data"], &act); err != nil || act.ID != 42 || act.Verb != "decision.made" {
		t.Errorf("data %s: %+v %v", got["data"], act, err)
	}
}

func keys(m map[string]json.RawMessage) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestBuildRefuses(t *testing.T) {
	noData, badData, noType, badURL := event(), event(), event(), event()
	noData.Data = nil
	badData.Data = json.RawMessage(`{"open":`)
	noType.Type = ""
	badURL.URL = "javascript:alert(1)"
	for _, tc := range []struct {
		name string
		f    webhook.Format
		ev   webhook.Event
	}{
		{"no data", webhook.Standard, noData},
		{"data not JSON", webhook.Standard, badData},
		{"no type", webhook.Standard, noType},
		{"unknown format", "messagecard", event()},
		{"slack javascript URL", webhook.Slack, badURL},
		{"teams javascript URL", webhook.Teams, badURL},
		{"markdown javascript URL", webhook.Markdown, badURL},
	} {
		if body, _, err := webhook.Build(tc.f, tc.ev); err == nil {
			t.Errorf("%s: built %s", tc.name, body)
		}
	}
	if _, _, err := webhook.Build("messagecard", event()); !isFieldError(err, "format") {
		t.Errorf("unknown format: %v, want a format field error", err)
	}
}

type slackMsg struct {
	Text   string `json:"text"`
	Blocks []struct {
		Type string `json:"type"`
		Text *struct {
			Type string `json:"type"`
			Text string `json:"text"`
		} `json:"text"`
		Elements []struct {
			Type string `json:"type"`
			Text string `json:"text"`
		} `json:"elements"`
	} `json:"blocks"`
}

// slackSafe fails when s holds a <, > or & that is not one of Slack's
// three entities.
func slackSafe(t *testing.T, what, s string) {
	t.Helper()
	rest := strings.NewReplacer("&amp;", "", "&lt;", "", "&gt;", "").Replace(s)
	if strings.ContainsAny(rest, "<>&") {
		t.Errorf("%s holds unescaped <, > or &: %q", what, s)
	}
}

func TestBuildSlack(t *testing.T) {
	ev := event()
	var m slackMsg
	decode(t, build(t, webhook.Slack, ev), &m)
	if len(m.Blocks) != 3 {
		t.Fatalf("%d blocks, want title, text, context", len(m.Blocks))
	}
	link := "*<" + ev.URL + "|"
	head := m.Blocks[0]
	if head.Type != "section" || head.Text.Type != "mrkdwn" || !strings.HasPrefix(head.Text.Text, link) || !strings.HasSuffix(head.Text.Text, ">*") {
		t.Fatalf("title block %+v, want a mrkdwn link %s…>*", head, link)
	}
	slackSafe(t, "title", strings.TrimSuffix(strings.TrimPrefix(head.Text.Text, link), ">*"))
	if !strings.Contains(head.Text.Text, "&lt;!channel&gt;") || !strings.Contains(head.Text.Text, "&lt;script&gt;") {
		t.Errorf("title %q: <!channel> and <script> not escaped", head.Text.Text)
	}
	body := m.Blocks[1]
	if body.Type != "section" || body.Text.Type != "mrkdwn" || !strings.Contains(body.Text.Text, "See &lt;!channel&gt; &amp; &lt;@U123&gt;") {
		t.Errorf("text block %+v", body)
	}
	slackSafe(t, "text", body.Text.Text)
	ctx := m.Blocks[2]
	date := fmt.Sprintf("<!date^%d^", ev.Timestamp.Unix())
	if ctx.Type != "context" || len(ctx.Elements) != 2 || ctx.Elements[0].Text != "management" ||
		!strings.HasPrefix(ctx.Elements[1].Text, date) || !strings.HasSuffix(ctx.Elements[1].Text, "|2026-03-01 09:30 UTC>") {
		t.Errorf("context block %+v", ctx)
	}
	if !strings.HasSuffix(m.Text, " <"+ev.URL+">") || strings.Contains(m.Text, "<!channel>") {
		t.Errorf("fallback %q, want the escaped title then the URL", m.Text)
	}
	slackSafe(t, "fallback", strings.TrimSuffix(m.Text, " <"+ev.URL+">"))
}

func TestBuildSlackLongText(t *testing.T) {
	ev := event()
	ev.Text = strings.Repeat("&", 1999) // 5 characters each once escaped
	ev.URL = ""
	var m slackMsg
	decode(t, build(t, webhook.Slack, ev), &m)
	s := m.Blocks[1].Text.Text
	if n := utf8.RuneCountInString(s); n > 3000 || !strings.HasSuffix(s, "&amp;…") {
		t.Errorf("text of %d characters ending %q, want at most 3000 ending with a whole entity", n, s[len(s)-10:])
	}
	if strings.HasPrefix(m.Blocks[0].Text.Text, "*<") {
		t.Errorf("no URL, yet a link: %q", m.Blocks[0].Text.Text)
	}
}

type teamsMsg struct {
	Type        string `json:"type"`
	Attachments []struct {
		ContentType string          `json:"contentType"`
		ContentURL  json.RawMessage `json:"contentUrl"`
		Content     struct {
			Schema  string `json:"$schema"`
			Type    string `json:"type"`
			Version string `json:"version"`
			Body    []struct {
				Type   string `json:"type"`
				Text   string `json:"text"`
				Weight string `json:"weight"`
				Size   string `json:"size"`
				Wrap   bool   `json:"wrap"`
				Facts  []struct {
					Title string `json:"title"`
					Value string `json:"value"`
				} `json:"facts"`
			} `json:"body"`
			Actions []struct {
				Type  string `json:"type"`
				Title string `json:"title"`
				URL   string `json:"url"`
			} `json:"actions"`
		} `json:"content"`
	} `json:"attachments"`
}

func TestBuildTeams(t *testing.T) {
	ev := event()
	var m teamsMsg
	decode(t, build(t, webhook.Teams, ev), &m) // unknown fields (a MessageCard's) fail
	if m.Type != "message" || len(m.Attachments) != 1 {
		t.Fatalf("message %+v", m)
	}
	a := m.Attachments[0]
	c := a.Content
	if a.ContentType != "application/vnd.microsoft.card.adaptive" || string(a.ContentURL) != "null" ||
		c.Schema != "http://adaptivecards.io/schemas/adaptive-card.json" || c.Type != "AdaptiveCard" || c.Version != "1.4" {
		t.Fatalf("attachment %+v", a)
	}
	if len(c.Body) != 3 {
		t.Fatalf("body %+v, want title, text, facts", c.Body)
	}
	head, text, facts := c.Body[0], c.Body[1], c.Body[2]
	if head.Type != "TextBlock" || head.Weight != "Bolder" || !head.Wrap || text.Type != "TextBlock" || !text.Wrap {
		t.Errorf("text blocks %+v %+v", head, text)
	}
	markdownSafe(t, "title", head.Text, `\*_[]()`)
	markdownSafe(t, "text", text.Text, `\*_[]()`)
	if !strings.Contains(head.Text, `\*bold\*`) || !strings.Contains(head.Text, "<!channel>") {
		t.Errorf("title %q", head.Text)
	}
	if facts.Type != "FactSet" || len(facts.Facts) != 2 || facts.Facts[0].Value != "management" || facts.Facts[1].Value != "2026-03-01 09:30 UTC" {
		t.Errorf("facts %+v", facts)
	}
	if len(c.Actions) != 1 || c.Actions[0].Type != "Action.OpenUrl" || c.Actions[0].Title != "Open in Wayfare" || c.Actions[0].URL != ev.URL {
		t.Errorf("actions %+v", c.Actions)
	}
}

// markdownSafe fails when s holds one of special not escaped by a
// backslash, or a line that starts a heading, list, quote or code block.
func markdownSafe(t *testing.T, what, s, special string) {
	t.Helper()
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t") || strings.ContainsAny(line[:min(len(line), 1)], "#-+>=") {
			t.Errorf("%s: line %q starts a block", what, line)
		}
		for i := 0; i < len(line); i++ {
			switch {
			case line[i] == '\\':
				i++ // the escaped character
			case strings.IndexByte(special, line[i]) >= 0:
				t.Errorf("%s: %q unescaped at %d of %q", what, line[i], i, line)
			case line[i] == '.' && i > 0 && strings.Trim(line[:i], "0123456789") == "":
				t.Errorf("%s: line %q starts an ordered list", what, line)
			}
		}
	}
}

func TestBuildMarkdown(t *testing.T) {
	ev := event()
	var m struct {
		Text string `json:"text"`
	}
	decode(t, build(t, webhook.Markdown, ev), &m)
	head, text, ok := strings.Cut(m.Text, "\n\n")
	suffix := "](" + ev.URL + ")**"
	if !ok || !strings.HasPrefix(head, "**[") || !strings.HasSuffix(head, suffix) {
		t.Fatalf("text %q, want **[title](URL)**, a blank line, the text", m.Text)
	}
	special := "\\`*_~[]()<>|&!"
	markdownSafe(t, "title", strings.TrimSuffix(strings.TrimPrefix(head, "**["), suffix), special)
	markdownSafe(t, "text", text, special)
	for _, mention := range []string{"@here", "@all", "<!channel>"} {
		if strings.Contains(m.Text, mention) {
			t.Errorf("%q still mentions with %s", m.Text, mention)
		}
	}
	for _, want := range []string{`\<\!channel\>`, `\*now\*`, "\n\\# heading", "\n1\\. list", "\n\\- item", "\ncode @\u200ball", `\!\[img\]\(http://evil/p.png\)`} {
		if !strings.Contains(text, want) {
			t.Errorf("text %q lacks %q", text, want)
		}
	}
}

func TestBuildChatWithoutTitleOrText(t *testing.T) {
	ev := event()
	ev.Title, ev.Text, ev.Function = "", "", ""
	for _, f := range []webhook.Format{webhook.Slack, webhook.Teams, webhook.Markdown} {
		body := string(build(t, f, ev))
		if !strings.Contains(body, "decision.made") {
			t.Errorf("%s: %s, want the verb as title", f, body)
		}
	}
	var m slackMsg
	decode(t, build(t, webhook.Slack, ev), &m)
	if len(m.Blocks) != 2 || len(m.Blocks[1].Elements) != 1 {
		t.Errorf("slack without text: %+v, want no empty section (Slack refuses them)", m.Blocks)
	}
}
