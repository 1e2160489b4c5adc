// Package webhook builds, signs and delivers the HTTP requests that tell
// an endpoint about an act of the ledger, and decides when to try again.
//
// An endpoint takes one of four formats: standard (the Standard Webhooks
// shape, with the act as data), slack (Block Kit), teams (an Adaptive Card
// for a Teams Workflows webhook) and markdown (a Mattermost-style incoming
// webhook). Every request is signed the Standard Webhooks way, whatever
// its format; chat services ignore the signature.
//
// The package keeps no state: the store and the worker that call it
// remember endpoints, secrets and attempts.
package webhook

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wayfare-org/wayfare"
)

// Format is the shape of the requests an endpoint receives.
type Format string

// The formats an endpoint can take.
const (
	Standard Format = "standard" // {"type", "timestamp", "data"}, for programs
	Slack    Format = "slack"    // Block Kit, for a Slack incoming webhook
	Teams    Format = "teams"    // an Adaptive Card, for a Teams Workflows webhook
	Markdown Format = "markdown" // {"text"}, for Mattermost and the like
)

// ContentType is the media type of every body Build returns.
const ContentType = "application/json"

// Valid reports whether f is one of the formats.
func (f Format) Valid() bool {
	switch f {
	case Standard, Slack, Teams, Markdown:
		return true
	}
	return false
}

// ParseFormat reads a format as an admin gives it; the empty string is
// the standard format.
func ParseFormat(s string) (Format, error) {
	f := Format(strings.ToLower(strings.TrimSpace(s)))
	if f == "" {
		return Standard, nil
	}
	if !f.Valid() {
		return "", formatError()
	}
	return f, nil
}

func formatError() error {
	return wayfare.FieldError("format", "must be one of standard, slack, teams, markdown")
}

// Event is one act told to one endpoint.
type Event struct {
	ID        string          // the webhook-id: stable across retries, e.g. "msg_<webhookID>_<actID>"
	Type      string          // the act's verb, e.g. "decision.made"
	Timestamp time.Time       // when the act happened
	Data      json.RawMessage // the act as JSON (wayfare.Act)
	Title     string          // one-line human summary
	Text      string          // a sentence or two of detail, plain text; may hold user text
	URL       string          // absolute link to the pitch or journey page
	Function  string          // "leadership" | "management" | "follower" | "admin"
}

// Build returns the body of the request that tells ev in format f, and its
// content type (always ContentType). Title, Text and Function are taken as
// plain text and escaped as each chat service requires; the standard
// format carries Data untouched.
func Build(f Format, ev Event) (body []byte, contentType string, err error) {
	if ev.URL != "" && !absoluteHTTP(ev.URL) {
		return nil, "", wayfare.Errorf(wayfare.EINVALID, "event URL %q is not an absolute http(s) URL", ev.URL)
	}
	var v any
	switch f {
	case Standard:
		v, err = standard(ev)
	case Slack:
		v = slack(ev)
	case Teams:
		v = teams(ev)
	case Markdown:
		v = markdown(ev)
	default:
		err = formatError()
	}
	if err != nil {
		return nil, "", err
	}
	body, err = encode(v)
	if err != nil {
		return nil, "", err
	}
	return body, ContentType, nil
}

// standardBody is Wayfare's contract with programs: exactly these fields.
type standardBody struct {
	Type      string          `json:"type"`
	Timestamp string          `json:"timestamp"`
	Data      json.RawMessage `json:"data"`
}

func standard(ev Event) (standardBody, error) {
	if ev.Type == "" {
		return standardBody{}, wayfare.Errorf(wayfare.EINVALID, "event has no type")
	}
	if len(ev.Data) == 0 || !json.Valid(ev.Data) {
		return standardBody{}, wayfare.Errorf(wayfare.EINVALID, "event data is not JSON")
	}
	return standardBody{Type: ev.Type, Timestamp: rfc3339(ev.Timestamp), Data: ev.Data}, nil
}

// encode writes v as compact JSON without escaping <, > and & (which
// chat services would otherwise show as escape sequences in raw views).
func encode(v any) ([]byte, error) {
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	if err := e.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// humanTime is the time as chat messages show it when they cannot show it
// in the reader's zone.
func humanTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

func absoluteHTTP(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// Limits of the human parts of chat messages, in characters, before
// escaping: a title is one line, a text a few sentences.
const (
	maxTitle = 250
	maxText  = 2000
)

// title returns the one-line title of ev, cut to maxTitle; the verb
// stands in for a missing title.
func title(ev Event) string {
	t := strings.Join(strings.Fields(ev.Title), " ")
	if t == "" {
		t = ev.Type
	}
	return cut(t, maxTitle)
}

// text returns the detail of ev, cut to maxText, with \r\n made \n.
func text(ev Event) string {
	t := strings.ReplaceAll(ev.Text, "\r\n", "\n")
	return cut(strings.TrimSpace(t), maxText)
}

// cut returns s with at most n characters, ending with … when cut.
func cut(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
