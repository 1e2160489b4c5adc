package api_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/api"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/people"
)

func TestListFilters(t *testing.T) {
	f := newFixture(t)
	f.do("member", "POST", "/api/v1/pitches", map[string]any{"group_id": f.ids["O"].String(), "kind": "example",
		"title": "Standing desks for everyone", "status_quo": "a", "better_way": "b", "tickets_wanted": 1})
	pitches := func(q string) []leadership.Pitch {
		t.Helper()
		w := f.do("member", "GET", f.path("/api/v1/pitches?"+q), nil)
		if w.Code != 200 {
			t.Fatal(describe(w))
		}
		return decodeInto[api.List[leadership.Pitch]](t, w).Items
	}
	tests := []struct {
		query string
		want  int
	}{
		{"", 3},
		{"group_id={T}", 2},
		{"group_id={O}", 1},
		{"kind=example", 1},
		{"status=adopted", 1},
		{"status=selling&group_id={T}", 1},
		{"author_id={member}", 1},
		{"author_id={author}&kind=proposal", 2},
		{"q=standing", 1},
		{"q=desk", 1}, // the last word is a prefix
		{"q=weekly%20demos", 2},
		{"q=nothing%20like%20this", 0},
	}
	for _, tt := range tests {
		if got := pitches(tt.query); len(got) != tt.want {
			t.Errorf("?%s: %d pitches, want %d", tt.query, len(got), tt.want)
		}
	}
	peopleIn := func(q string) []people.Person {
		t.Helper()
		return decodeInto[api.List[people.Person]](t, f.do("member", "GET", f.path("/api/v1/people?"+q), nil)).Items
	}
	if got := peopleIn("group_id={T}"); len(got) != 2 {
		t.Errorf("people in T: %d", len(got))
	}
	if got := peopleIn("q=otherman"); len(got) != 1 || got[0].Name != "otherManager" || got[0].Email != "" {
		t.Errorf("people matching otherman: %+v (e-mails hidden from non-admins)", got)
	}
	acts := func(q string) []wayfare.Act {
		t.Helper()
		return decodeInto[api.List[wayfare.Act]](t, f.do("member", "GET", f.path("/api/v1/acts?"+q), nil)).Items
	}
	for _, a := range acts("function=management") {
		if a.Function != wayfare.Management {
			t.Errorf("function filter let through %+v", a)
		}
	}
	if got := acts("verb=decision.made"); len(got) != 1 || got[0].PersonID != f.ids["manager"] {
		t.Errorf("decision acts: %+v", got)
	}
	if got := acts("person_id={member}&group_id={O}"); len(got) != 1 || got[0].Verb != "example.posted" {
		t.Errorf("member's acts in O: %+v", got)
	}
}

func TestMetricsCountRequests(t *testing.T) {
	f := newFixture(t)
	f.do("member", "GET", f.path("/api/v1/pitches/{P}"), nil)
	f.do("member", "GET", "/api/v1/pitches/99999", nil)
	body := f.do("", "GET", "/metrics", nil).Body.String()
	for _, want := range []string{
		`wayfare_http_requests_total{route="GET /api/v1/pitches/{id}",status="200"} 1`,
		`wayfare_http_requests_total{route="GET /api/v1/pitches/{id}",status="404"} 1`,
		`wayfare_http_request_duration_seconds_count{route="GET /api/v1/pitches/{id}"} 2`,
		"wayfare_commits_total",
		"wayfare_event_listeners 0",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

func TestJourneyList(t *testing.T) {
	f := newFixture(t)
	list := func(q string) []map[string]any {
		t.Helper()
		w := f.do("outsider", "GET", f.path("/api/v1/journeys?"+q), nil)
		if w.Code != 200 {
			t.Fatal(describe(w))
		}
		return decodeInto[api.List[map[string]any]](t, w).Items
	}
	if got := list("group_id={T}&status=boarding"); len(got) != 1 || got[0]["rider_count"] != 1.0 || got[0]["stops"] != nil {
		t.Fatalf("journeys of T: %+v", got)
	}
	if got := list("needs_leadership=true"); len(got) != 0 {
		t.Fatalf("no doubts yet, but %d need leadership", len(got))
	}
	f.do("member", "POST", f.path("/api/v1/journeys/{J}/doubts"), nil)
	if got := list("needs_leadership=true"); len(got) != 1 || got[0]["needs_leadership"] != true {
		t.Fatalf("after the only rider's doubt: %+v", got)
	}
	if got := list("status=arrived"); len(got) != 0 {
		t.Fatalf("arrived: %+v", got)
	}
	if w := f.do("outsider", "GET", "/api/v1/journeys?needs_leadership=maybe", nil); w.Code != 400 || problemOf(t, w).Field != "needs_leadership" {
		t.Fatal(describe(w))
	}
}

func TestCachedPitchFollowsWrites(t *testing.T) {
	f := newFixture(t)
	path := f.path("/api/v1/pitches/{P}")
	read := func() leadership.Pitch {
		t.Helper()
		return decodeInto[leadership.Pitch](t, f.do("member", "GET", path, nil))
	}
	if read().TicketsSold != 0 || read().TicketsSold != 0 {
		t.Fatal("fresh pitch has tickets")
	}
	f.do("outsider", "POST", path+"/tickets", nil)
	if got := read(); got.TicketsSold != 1 {
		t.Fatalf("after a purchase the cached pitch shows %d sold", got.TicketsSold)
	}
	f.do("manager", "POST", path+"/decision", `{"outcome":"decline","method":"directive","rationale":"No."}`)
	if got := read(); got.Status != leadership.Declined {
		t.Fatalf("after a decision the cached pitch is %s", got.Status)
	}
}

func TestMetricsNeedTheirToken(t *testing.T) {
	f := newFixture(t)
	h := api.New(f.db, nil, "test").Metrics("metrics-secret")
	for _, tc := range []struct {
		auth string
		want int
	}{
		{"", 401},
		{"Bearer wrong", 401},
		{"Bearer " + f.tokens["admin"], 401}, // an API token is not the metrics token
		{"Bearer metrics-secret", 200},
	} {
		req := httptest.NewRequest("GET", "/metrics", nil)
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != tc.want || (tc.want == 200) != strings.Contains(w.Body.String(), "wayfare_commits_total") {
			t.Errorf("Authorization %q: %d, want %d", tc.auth, w.Code, tc.want)
		}
	}
	w := httptest.NewRecorder()
	api.New(f.db, nil, "test").ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	if w.Code != 404 {
		t.Errorf("the API itself serves /metrics: %d", w.Code)
	}
}
