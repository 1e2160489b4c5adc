package webhook

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// slackBody is a Block Kit message for a Slack incoming webhook.
type slackBody struct {
	Text   string       `json:"text"` // the fallback, for notifications
	Blocks []slackBlock `json:"blocks"`
}

type slackBlock struct {
	Type     string      `json:"type"`
	Text     *slackText  `json:"text,omitempty"`
	Elements []slackText `json:"elements,omitempty"`
}

type slackText struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// slackMax is the most characters Slack takes in one text object.
const slackMax = 3000

// slack tells ev as Block Kit: the title as a link, the text, then the
// function and the time (shown in the reader's zone).
func slack(ev Event) slackBody {
	t := slackEscape(title(ev))
	heading, fallback := "*"+t+"*", t
	if ev.URL != "" {
		u := slackURL(ev.URL)
		heading = "*<" + u + "|" + t + ">*"
		fallback = t + " <" + u + ">"
	}
	blocks := []slackBlock{mrkdwnSection(heading)}
	if s := text(ev); s != "" {
		blocks = append(blocks, mrkdwnSection(slackEscape(s)))
	}
	blocks = append(blocks, slackContext(ev))
	return slackBody{Text: fallback, Blocks: blocks}
}

// mrkdwnSection is a section of escaped mrkdwn text.
func mrkdwnSection(escaped string) slackBlock {
	return slackBlock{Type: "section", Text: &slackText{Type: "mrkdwn", Text: slackFit(escaped)}}
}

func slackContext(ev Event) slackBlock {
	var el []slackText
	if ev.Function != "" {
		el = append(el, slackText{Type: "mrkdwn", Text: slackFit(slackEscape(ev.Function))})
	}
	when := fmt.Sprintf("<!date^%d^{date_short_pretty} at {time}|%s>", ev.Timestamp.Unix(), humanTime(ev.Timestamp))
	el = append(el, slackText{Type: "mrkdwn", Text: when})
	return slackBlock{Type: "context", Elements: el}
}

// slackEscaper escapes the three characters Slack gives a meaning to:
// with them escaped, user text can neither link, mention (<!channel>,
// <@U123>) nor break the message's own links. Slack has no escape for
// *, _, ~ and `, which can only style the text they surround.
var slackEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func slackEscape(s string) string { return slackEscaper.Replace(s) }

// slackFit cuts escaped text to slackMax characters without splitting an
// entity: an & after the last ; is an entity cut short.
func slackFit(s string) string {
	if utf8.RuneCountInString(s) <= slackMax {
		return s
	}
	s = string([]rune(s)[:slackMax-1])
	if amp := strings.LastIndexByte(s, '&'); amp > strings.LastIndexByte(s, ';') {
		s = s[:amp]
	}
	return s + "…"
}

// slackURL makes u safe inside <u|label>: the characters that would end
// the link are percent-encoded, & is escaped.
var slackURLEscaper = strings.NewReplacer("&", "&amp;", "<", "%3C", ">", "%3E", "|", "%7C", " ", "%20")

func slackURL(u string) string { return slackURLEscaper.Replace(u) }

// teamsBody is a message for a Teams Workflows webhook: one attachment
// holding an Adaptive Card.
type teamsBody struct {
	Type        string            `json:"type"`
	Attachments []teamsAttachment `json:"attachments"`
}

type teamsAttachment struct {
	ContentType string       `json:"contentType"`
	ContentURL  *string      `json:"contentUrl"` // always null
	Content     adaptiveCard `json:"content"`
}

type adaptiveCard struct {
	Schema  string       `json:"$schema"`
	Type    string       `json:"type"`
	Version string       `json:"version"`
	Body    []any        `json:"body"`
	Actions []cardAction `json:"actions,omitempty"`
}

type textBlock struct {
	Type   string `json:"type"`
	Text   string `json:"text"`
	Weight string `json:"weight,omitempty"`
	Size   string `json:"size,omitempty"`
	Wrap   bool   `json:"wrap"`
}

type factSet struct {
	Type  string `json:"type"`
	Facts []fact `json:"facts"`
}

type fact struct {
	Title string `json:"title"`
	Value string `json:"value"`
}

type cardAction struct {
	Type  string `json:"type"`
	Title string `json:"title"`
	URL   string `json:"url"`
}

// teams tells ev as an Adaptive Card 1.4: the title in bold, the text,
// the function and the time as facts, and a button to open the page.
func teams(ev Event) teamsBody {
	body := []any{textBlock{Type: "TextBlock", Text: teamsEscape(title(ev)), Weight: "Bolder", Size: "Medium", Wrap: true}}
	if s := text(ev); s != "" {
		body = append(body, textBlock{Type: "TextBlock", Text: teamsEscape(s), Wrap: true})
	}
	var facts []fact
	if ev.Function != "" {
		facts = append(facts, fact{Title: "Function", Value: teamsEscape(ev.Function)})
	}
	facts = append(facts, fact{Title: "Time", Value: humanTime(ev.Timestamp)})
	body = append(body, factSet{Type: "FactSet", Facts: facts})
	card := adaptiveCard{
		Schema:  "http://adaptivecards.io/schemas/adaptive-card.json",
		Type:    "AdaptiveCard",
		Version: "1.4",
		Body:    body,
	}
	if ev.URL != "" {
		card.Actions = []cardAction{{Type: "Action.OpenUrl", Title: "Open in Wayfare", URL: ev.URL}}
	}
	return teamsBody{Type: "message", Attachments: []teamsAttachment{{
		ContentType: "application/vnd.microsoft.card.adaptive",
		Content:     card,
	}}}
}

// teamsSpecial are the characters of the Markdown subset Adaptive Cards
// render (bold, italic, links); Adaptive Cards render no HTML, so < > &
// stay as they are.
const teamsSpecial = "\\*_[]()"

func teamsEscape(s string) string { return escapeMarkdown(s, teamsSpecial) }

// markdownBody is a Mattermost-style incoming webhook message.
type markdownBody struct {
	Text string `json:"text"`
}

// markdown tells ev as "**[title](URL)**", a blank line, then the text.
func markdown(ev Event) markdownBody {
	t := mattermostEscape(title(ev))
	if ev.URL != "" {
		t = "[" + t + "](" + markdownURL(ev.URL) + ")"
	}
	s := "**" + t + "**"
	if x := text(ev); x != "" {
		s += "\n\n" + mattermostEscape(x)
	}
	return markdownBody{Text: s}
}

// markdownSpecial are the characters that start Markdown inline markup
// (emphasis, code, links, images, autolinks, tables, entities) in
// Mattermost; each is escaped with a backslash, as CommonMark allows for
// any ASCII punctuation. < and > also keep Mattermost from expanding a
// Slack-style <!channel>.
const markdownSpecial = "\\`*_~[]()<>|&!"

// mattermostEscape escapes Markdown and keeps user text from mentioning:
// a zero-width space after each @ breaks @channel, @all, @here and
// @someone without changing what the reader sees.
func mattermostEscape(s string) string {
	return strings.ReplaceAll(escapeMarkdown(s, markdownSpecial), "@", "@\u200b")
}

var markdownURLEscaper = strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E")

func markdownURL(u string) string { return markdownURLEscaper.Replace(u) }

// escapeMarkdown backslash-escapes the special characters of s, and on
// each line the markers that only mean something there: headings,
// lists, quotes and setext underlines. Indentation is dropped, so that no
// line becomes a code block.
func escapeMarkdown(s, special string) string {
	lines := strings.Split(s, "\n")
	for i, line := range lines {
		lines[i] = escapeLine(strings.TrimLeft(line, " \t"), special)
	}
	return strings.Join(lines, "\n")
}

func escapeLine(line, special string) string {
	var b strings.Builder
	for i, r := range line {
		switch {
		case strings.ContainsRune(special, r):
			b.WriteByte('\\')
		case i == 0 && strings.ContainsRune("#-+>=", r):
			b.WriteByte('\\')
		case (r == '.' || r == ')') && i > 0 && digits(line[:i]):
			b.WriteByte('\\') // "1." or "1)" would start an ordered list
		}
		b.WriteRune(r)
	}
	return b.String()
}

func digits(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}
