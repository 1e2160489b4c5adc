package api_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/management"
	"github.com/wayfare-org/wayfare/notifications"
)

// emptyLists is every list endpoint, asked for a page that holds nothing.
var emptyLists = map[string]string{
	"/api/v1/people":                   "/api/v1/people?q=nobody-by-this-name",
	"/api/v1/groups":                   "/api/v1/groups?parent_id={O}",
	"/api/v1/pitches":                  "/api/v1/pitches?group_id={O}",
	"/api/v1/pitches/{id}/decisions":   "/api/v1/pitches/{P}/decisions",
	"/api/v1/pitches/{id}/rounds":      "/api/v1/pitches/{P}/rounds",
	"/api/v1/journeys":                 "/api/v1/journeys?group_id={O}",
	"/api/v1/sessions":                 "/api/v1/sessions?group_id={O}",
	"/api/v1/acts":                     "/api/v1/acts?person_id={outsider}",
	"/api/v1/tokens":                   "/api/v1/tokens?person_id=999999",
	"/api/v1/notifications":            "/api/v1/notifications?unread=true",
	"/api/v1/webhooks":                 "/api/v1/webhooks",
	"/api/v1/webhooks/{id}/deliveries": "/api/v1/webhooks/{hook}/deliveries",
}

// TestEmptyListsAnswerEmptyArrays calls every list endpoint the OpenAPI
// document names on an empty result: each answers "items": [], never null.
func TestEmptyListsAnswerEmptyArrays(t *testing.T) {
	doc, _, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}
	for path, item := range doc.Paths.Map() {
		op := item.Get
		if op == nil || op.Responses.Status(200) == nil {
			continue
		}
		media := op.Responses.Status(200).Value.Content.Get("application/json")
		if media == nil || media.Schema == nil || !strings.HasSuffix(media.Schema.Ref, "List") {
			continue
		}
		if _, ok := emptyLists[path]; !ok {
			t.Errorf("the list endpoint GET %s is not in the table", path)
		}
	}
	f := newFixture(t)
	hook, err := f.db.CreateWebhook(wayfare.WithActor(context.Background(), wayfare.Actor{PersonID: f.ids["admin"], Admin: true}), notifications.NewWebhook{URL: "https://hooks.example.test/wayfare"})
	if err != nil {
		t.Fatal(err)
	}
	f.ids["hook"] = hook.ID
	for route, path := range emptyLists {
		t.Run(route, func(t *testing.T) {
			g := f
			if route == "/api/v1/webhooks" { // the fixture's endpoint would be listed
				g = newFixture(t)
			}
			w := g.do("admin", "GET", g.path(path), nil)
			if w.Code != 200 {
				t.Fatal(describe(w))
			}
			if !strings.HasPrefix(w.Body.String(), `{"items":[]`) {
				t.Errorf("want \"items\":[], got %s", w.Body)
			}
		})
	}
}

// TestEmptyNestedArrays reads single things whose arrays are empty: each
// array the OpenAPI document declares answers [], never null.
func TestEmptyNestedArrays(t *testing.T) {
	f := newFixture(t)
	bare := f.bareJourney()
	r, err := f.db.OpenRound(f.as("manager"), f.P, management.NewRound{Method: management.Advice, ClosesAt: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.db.OpenSession(f.as("manager"), management.NewSession{GroupID: f.ids["T"], Prompt: "How do we show work?", VotesPerPerson: 3})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		who, method, path, body string
		arrays                  []string
	}{
		{"member", "GET", "/api/v1/pitches/{P}", "", []string{"evidence"}},
		{"member", "GET", "/api/v1/journeys/" + bare.String(), "", []string{"drivers", "riders", "stops", "checkins", "doubts", "repitches"}},
		{"member", "GET", "/api/v1/rounds/" + r.ID.String(), "", []string{"responses"}},
		{"member", "GET", "/api/v1/sessions/" + s.ID.String(), "", []string{"ideas", "clusters", "results"}},
		{"member", "POST", "/api/v1/journeys/{J}/repitches", `{"message":"Still worth it."}`, []string{"evidence"}},
		{"member", "GET", "/api/v1/influence/org", "", []string{"balance_by_level", "reach_distribution", "decision_latency_distribution"}},
	} {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			var body any
			if c.body != "" {
				body = c.body
			}
			w := f.do(c.who, c.method, f.path(c.path), body)
			if w.Code >= 300 {
				t.Fatal(describe(w))
			}
			assertEmptyArrays(t, w.Body.Bytes(), c.arrays...)
		})
	}
}

// bareJourney adopts a new pitch nobody bought a ticket for: a journey
// with no riders, drivers or stops.
func (f *fixture) bareJourney() wayfare.ID {
	f.t.Helper()
	p, err := f.db.Publish(f.as("author"), leadership.NewPitch{GroupID: f.ids["T"], Kind: leadership.Proposal,
		Title: "Quiet mornings", StatusQuo: "Meetings all day.", BetterWay: "No meetings before noon.", TicketsWanted: 1})
	if err != nil {
		f.t.Fatal(err)
	}
	d, err := f.db.Decide(f.as("manager"), p.ID, management.NewDecision{Outcome: management.Adopt, Method: management.Directive, Rationale: "Yes."})
	if err != nil {
		f.t.Fatal(err)
	}
	return *d.JourneyID
}

// assertEmptyArrays checks that each named member of a JSON object is an
// array, not null or missing.
func assertEmptyArrays(t *testing.T, b []byte, names ...string) {
	t.Helper()
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	for _, name := range names {
		raw, ok := obj[name]
		if !ok || !strings.HasPrefix(string(raw), "[") {
			t.Errorf("%q is %s, want an array: %s", name, raw, b)
		}
	}
}
