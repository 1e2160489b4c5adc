package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/api"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/people"
)

// TestBadInput sends what a careless or hostile client sends and checks
// the problem answer names the field, and that nothing was written.
func TestBadInput(t *testing.T) {
	valid := `{"group_id":"{T}","kind":"proposal","title":"Smaller batches","status_quo":"Big releases.","better_way":"Small ones.","tickets_wanted":2}`
	tests := []struct {
		name   string
		who    string
		method string
		path   string
		body   string
		status int
		field  string
	}{
		{"no token", "", "POST", "/api/v1/pitches", valid, 401, ""},
		{"malformed JSON", "member", "POST", "/api/v1/pitches", `{"title": `, 400, "body"},
		{"not an object", "member", "POST", "/api/v1/pitches", `[1,2]`, 400, "body"},
		{"two objects", "member", "POST", "/api/v1/pitches", valid + valid, 400, "body"},
		{"empty body", "member", "POST", "/api/v1/pitches", ``, 400, "body"},
		{"unknown field", "member", "POST", "/api/v1/pitches", strings.Replace(valid, `"kind"`, `"colour":"red","kind"`, 1), 400, "colour"},
		{"wrong type", "member", "POST", "/api/v1/pitches", strings.Replace(valid, `"tickets_wanted":2`, `"tickets_wanted":"two"`, 1), 400, "tickets_wanted"},
		{"number id", "member", "POST", "/api/v1/pitches", strings.Replace(valid, `"group_id":"{T}"`, `"group_id":5`, 1), 400, "group_id"},
		{"bad id", "member", "POST", "/api/v1/pitches", strings.Replace(valid, `"group_id":"{T}"`, `"group_id":"x"`, 1), 400, "group_id"},
		{"invalid UTF-8", "member", "POST", "/api/v1/pitches", strings.Replace(valid, "Smaller", "Sm\xffaller", 1), 400, "body"},
		{"missing title", "member", "POST", "/api/v1/pitches", strings.Replace(valid, `"title":"Smaller batches",`, ``, 1), 400, "title"},
		{"bad evidence", "member", "POST", "/api/v1/pitches", strings.Replace(valid, `2}`, `2,"evidence":[{"kind":"link","label":"x","url":"ftp://x"}]}`, 1), 400, "evidence[0].url"},
		{"unknown group", "member", "POST", "/api/v1/pitches", strings.Replace(valid, `"group_id":"{T}"`, `"group_id":"999999"`, 1), 404, "group_id"},
		{"bad limit", "member", "GET", "/api/v1/pitches?limit=501", "", 400, "limit"},
		{"bad cursor", "member", "GET", "/api/v1/pitches?cursor=nope", "", 400, "cursor"},
		{"bad status filter", "member", "GET", "/api/v1/pitches?status=open", "", 400, "status"},
		{"bad function filter", "member", "GET", "/api/v1/acts?function=style", "", 400, "function"},
		{"bad verb filter", "member", "GET", "/api/v1/acts?verb=pitch.liked", "", 400, "verb"},
		{"unknown pitch", "member", "GET", "/api/v1/pitches/424242", "", 404, ""},
		{"malformed pitch id", "member", "GET", "/api/v1/pitches/abc", "", 404, ""},
		{"unknown route", "member", "GET", "/api/v1/nothing", "", 404, ""},
		{"decision without rationale", "manager", "POST", "/api/v1/pitches/{P}/decision", `{"outcome":"adopt","method":"directive"}`, 400, "rationale"},
		{"role not known", "admin", "PUT", "/api/v1/groups/{T}/members/{outsider}", `{"role":"owner"}`, 400, "role"},
		{"stop without done", "manager", "PATCH", "/api/v1/journeys/{J}/stops/{S}", `{}`, 400, "done"},
		{"check-in progress", "manager", "POST", "/api/v1/journeys/{J}/checkins", `{"progress":120,"confidence":"on_track"}`, 400, "progress"},
	}
	f := newFixture(t)
	before := f.do("admin", "GET", "/api/v1/acts?limit=500", nil).Body.Len()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := f.do(tt.who, tt.method, f.path(tt.path), f.path(tt.body))
			if w.Code != tt.status {
				t.Fatalf("got %s, want %d", describe(w), tt.status)
			}
			p := problemOf(t, w)
			if p.Field != tt.field || p.Status != tt.status {
				t.Fatalf("problem %+v, want field %q", p, tt.field)
			}
		})
	}
	if after := f.do("admin", "GET", "/api/v1/acts?limit=500", nil).Body.Len(); after != before {
		t.Fatal("refused requests wrote to the ledger")
	}
}

func TestOversizedBody(t *testing.T) {
	f := newFixture(t)
	big := `{"message":"` + strings.Repeat("a", api.MaxBody) + `"}`
	w := f.do("member", "POST", f.path("/api/v1/journeys/{J}/repitches"), big)
	if w.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("got %d", w.Code)
	}
	if p := problemOf(t, w); p.Field != "body" {
		t.Fatalf("problem %+v", p)
	}
}

// TestScriptIsStoredAsText checks that markup is data: it comes back as
// typed, JSON-escaped, never interpreted.
func TestScriptIsStoredAsText(t *testing.T) {
	f := newFixture(t)
	title := `<script>alert("x")</script> & <b>bold</b>`
	w := f.do("member", "POST", "/api/v1/pitches", map[string]any{"group_id": f.ids["T"].String(), "kind": "example",
		"title": title, "status_quo": "a", "better_way": "b", "tickets_wanted": 1})
	if w.Code != 201 {
		t.Fatal(describe(w))
	}
	if strings.Contains(w.Body.String(), "<script>") {
		t.Fatal("markup must be escaped in JSON")
	}
	if p := decodeInto[leadership.Pitch](t, w); p.Title != title {
		t.Fatalf("title %q", p.Title)
	}
}

func TestTicketsAreIdempotentOverHTTP(t *testing.T) {
	f := newFixture(t)
	path := f.path("/api/v1/pitches/{P}/tickets")
	if w := f.do("outsider", "POST", path, nil); w.Code != 201 {
		t.Fatal(describe(w))
	}
	if w := f.do("outsider", "POST", path, nil); w.Code != 200 {
		t.Fatal(describe(w))
	}
	p := decodeInto[leadership.Pitch](t, f.do("outsider", "GET", f.path("/api/v1/pitches/{P}"), nil))
	if p.TicketsSold != 1 {
		t.Fatalf("sold %d", p.TicketsSold)
	}
}

func TestSecondDecisionConflicts(t *testing.T) {
	f := newFixture(t)
	path := f.path("/api/v1/pitches/{P}/decision")
	w := f.do("manager", "POST", path, `{"outcome":"decline","method":"consent","rationale":"An objection stands."}`)
	if w.Code != 201 {
		t.Fatal(describe(w))
	}
	first := decodeInto[struct{ ID wayfare.ID }](t, w).ID
	w = f.do("manager", "POST", path, `{"outcome":"adopt","method":"vote","rationale":"Re-voted."}`)
	if w.Code != 409 || problemOf(t, w).Rule != "decisions-are-records" {
		t.Fatal(describe(w))
	}
	w = f.do("manager", "POST", path, `{"outcome":"adopt","method":"vote","rationale":"Re-voted.","supersedes":"`+first.String()+`"}`)
	if w.Code != 201 {
		t.Fatal(describe(w))
	}
	list := decodeInto[api.List[map[string]any]](t, f.do("member", "GET", f.path("/api/v1/pitches/{P}/decisions"), nil))
	if len(list.Items) != 2 || list.Items[1]["rationale"] != "An objection stands." {
		t.Fatalf("history %+v", list.Items)
	}
}

func TestRefundAfterDepartureConflicts(t *testing.T) {
	f := newFixture(t)
	if w := f.do("manager", "POST", f.path("/api/v1/journeys/{J}/depart"), nil); w.Code != 200 {
		t.Fatal(describe(w))
	}
	w := f.do("member", "DELETE", "/api/v1/pitches/"+f.pitchOfJourney().String()+"/tickets/me", nil)
	if w.Code != 409 || problemOf(t, w).Rule != "refunds-stop-at-departure" {
		t.Fatal(describe(w))
	}
}

func (f *fixture) pitchOfJourney() wayfare.ID {
	j, err := f.db.Journey(context.Background(), f.J)
	if err != nil {
		f.t.Fatal(err)
	}
	return j.PitchID
}

func TestListPagesAndCache(t *testing.T) {
	f := newFixture(t)
	for i := range 4 {
		w := f.do("member", "POST", "/api/v1/pitches", map[string]any{"group_id": f.ids["O"].String(), "kind": "proposal",
			"title": "Idea number " + string(rune('A'+i)), "status_quo": "a", "better_way": "b", "tickets_wanted": 1})
		if w.Code != 201 {
			t.Fatal(describe(w))
		}
	}
	path := f.path("/api/v1/pitches?group_id={O}&limit=3")
	first := decodeInto[api.List[leadership.Pitch]](t, f.do("member", "GET", path, nil))
	if len(first.Items) != 3 || first.NextCursor == "" {
		t.Fatalf("first page: %d items, cursor %q", len(first.Items), first.NextCursor)
	}
	second := decodeInto[api.List[leadership.Pitch]](t, f.do("member", "GET", path+"&cursor="+first.NextCursor, nil))
	if len(second.Items) != 1 || second.NextCursor != "" || second.Items[0].Title != "Idea number A" {
		t.Fatalf("last page: %+v", second)
	}
	// A purchase must show in the cached list at once.
	f.do("outsider", "POST", "/api/v1/pitches/"+first.Items[0].ID.String()+"/tickets", nil)
	again := decodeInto[api.List[leadership.Pitch]](t, f.do("member", "GET", path, nil))
	if again.Items[0].TicketsSold != 1 {
		t.Fatalf("cached list is stale: %d sold", again.Items[0].TicketsSold)
	}
}

func TestEventsStreamActs(t *testing.T) {
	f := newFixture(t)
	srv := httptest.NewServer(f.h)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/api/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+f.tokens["outsider"])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("status %d, type %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	r := bufio.NewReader(res.Body)
	if line, _ := r.ReadString('\n'); !strings.HasPrefix(line, "retry:") {
		t.Fatalf("first line %q", line)
	}
	go f.do("outsider", "POST", f.path("/api/v1/pitches/{P}/tickets"), nil)
	var event, data string
	for event == "" || data == "" {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if v, ok := strings.CutPrefix(line, "event: "); ok {
			event = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(line, "data: "); ok {
			data = strings.TrimSpace(v)
		}
	}
	var act wayfare.Act
	if err := json.Unmarshal([]byte(data), &act); err != nil {
		t.Fatal(err)
	}
	if event != "ticket.bought" || act.Verb != event || act.Function != wayfare.Follower || act.PersonID != f.ids["outsider"] || act.SubjectID != f.P {
		t.Fatalf("event %q act %+v", event, act)
	}
	if w := f.do("", "GET", "/api/v1/events", nil); w.Code != 401 {
		t.Fatalf("anonymous stream: %d", w.Code)
	}
}

func TestEventsResumeFromLastEventID(t *testing.T) {
	f := newFixture(t)
	acts := decodeInto[api.List[wayfare.Act]](t, f.do("member", "GET", "/api/v1/acts?limit=1", nil))
	last := acts.Items[0].ID
	f.do("outsider", "POST", f.path("/api/v1/pitches/{P}/tickets"), nil)
	f.do("member", "POST", f.path("/api/v1/journeys/{J}/doubts"), nil)
	events := streamEvents(t, f, "", last.String(), 2)
	if events[0] != "ticket.bought" || events[1] != "doubt.raised" {
		t.Fatalf("missed events replayed as %v, want oldest first", events)
	}
}

func TestRepeatedDoubtIsIdempotent(t *testing.T) {
	f := newFixture(t)
	path := f.path("/api/v1/journeys/{J}/doubts")
	if w := f.do("member", "POST", path, `{"note":"Why?"}`); w.Code != 201 {
		t.Fatal(describe(w))
	}
	w := f.do("member", "POST", path, `{"note":"Why, again?"}`)
	if w.Code != 200 || decodeInto[map[string]any](t, w)["note"] != "Why?" {
		t.Fatal(describe(w))
	}
}

func TestLastPageHasNoCursor(t *testing.T) {
	f := newFixture(t)
	all := decodeInto[api.List[map[string]any]](t, f.do("member", "GET", "/api/v1/people", nil))
	n := len(all.Items)
	full := decodeInto[api.List[map[string]any]](t, f.do("member", "GET", "/api/v1/people?limit="+strconv.Itoa(n), nil))
	if len(full.Items) != n || full.NextCursor != "" {
		t.Fatalf("a full last page must carry no next_cursor: %d items, %q", len(full.Items), full.NextCursor)
	}
	short := decodeInto[api.List[map[string]any]](t, f.do("member", "GET", "/api/v1/people?limit="+strconv.Itoa(n-1), nil))
	if short.NextCursor == "" {
		t.Fatal("a page with more to follow must carry next_cursor")
	}
}

// TestEventsSayWhenActsWereLost resumes a stream after more acts than a
// stream replays: a "gap" event comes first, then the newest page.
func TestEventsSayWhenActsWereLost(t *testing.T) {
	f := newFixture(t)
	acts := decodeInto[api.List[wayfare.Act]](t, f.do("member", "GET", "/api/v1/acts?limit=1", nil))
	last := acts.Items[0].ID
	sys := wayfare.WithActor(context.Background(), wayfare.Actor{System: true})
	var wg sync.WaitGroup
	for i := range wayfare.MaxLimit + 20 {
		wg.Go(func() {
			if _, err := f.db.CreatePerson(sys, people.NewPerson{Name: "P", Email: fmt.Sprintf("p%d@example.test", i)}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	events := streamEvents(t, f, "", last.String(), 2)
	if events[0] != "gap" || events[1] != "person.created" {
		t.Fatalf("events %v, want a gap first", events)
	}
}

// TestEventsReplayAfter replays, for a first connection, the acts after
// the one ?after= names (the newest act a page was read after).
func TestEventsReplayAfter(t *testing.T) {
	f := newFixture(t)
	acts := decodeInto[api.List[wayfare.Act]](t, f.do("member", "GET", "/api/v1/acts?limit=1", nil))
	f.do("outsider", "POST", f.path("/api/v1/pitches/{P}/tickets"), nil)
	if events := streamEvents(t, f, "?after="+acts.Items[0].ID.String(), "", 1); events[0] != "ticket.bought" {
		t.Fatalf("replayed %v", events)
	}
	if w := f.do("member", "GET", "/api/v1/events?after=x", nil); w.Code != 400 || problemOf(t, w).Field != "after" {
		t.Fatalf("a bad after: %s", describe(w))
	}
}

// streamEvents opens the event stream as the member with the query and
// Last-Event-ID given, and returns the names of its first n events.
func streamEvents(t *testing.T, f *fixture, query, lastEventID string, n int) []string {
	t.Helper()
	srv := httptest.NewServer(f.h)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/api/v1/events"+query, nil)
	req.Header.Set("Authorization", "Bearer "+f.tokens["member"])
	if lastEventID != "" {
		req.Header.Set("Last-Event-ID", lastEventID)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	r := bufio.NewReader(res.Body)
	var events []string
	for len(events) < n {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if v, ok := strings.CutPrefix(line, "event: "); ok {
			events = append(events, strings.TrimSpace(v))
		}
	}
	return events
}

// TestProblemNamesEveryField: a body with several fields at fault names
// the first in field, and all of them, each with its detail, in errors.
func TestProblemNamesEveryField(t *testing.T) {
	f := newFixture(t)
	w := f.do("member", "POST", "/api/v1/pitches", f.path(`{"group_id":"{T}","kind":"proposal","title":"x","status_quo":"",
		"better_way":"b","tickets_wanted":0,"evidence":[{"kind":"link","label":"wiki"}]}`))
	if w.Code != 400 {
		t.Fatalf("got %s, want 400", describe(w))
	}
	var p api.Problem
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	var fields []string
	for _, e := range p.Errors {
		fields = append(fields, e.Field)
		if !strings.HasPrefix(e.Detail, e.Field+" ") {
			t.Errorf("detail %q does not start with its field", e.Detail)
		}
	}
	if want := "title status_quo tickets_wanted evidence[0].url"; p.Field != "title" || strings.Join(fields, " ") != want {
		t.Errorf("field %q, errors %v: want title, then %s", p.Field, fields, want)
	}
	if w := f.do("member", "POST", "/api/v1/pitches", f.path(`{"group_id":"{T}","kind":"proposal","title":"x","status_quo":"a","better_way":"b","tickets_wanted":2}`)); strings.Contains(w.Body.String(), `"errors"`) {
		t.Errorf("a problem with one field lists errors: %s", w.Body.String())
	}
}
