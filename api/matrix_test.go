package api_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/management"
)

// roles are the columns of the authorization matrix.
var roles = []string{"admin", "manager", "otherManager", "driver", "member", "outsider", ""}

// TestAuthorizationMatrix calls every endpoint as each role, each on a
// fresh organization, and checks the status against the rules: anyone may
// lead, only management decides, drivers run the journey they were named
// to, riders doubt, admins configure but do not decide.
func TestAuthorizationMatrix(t *testing.T) {
	type row struct {
		method, path string
		body         string
		setup        func(f *fixture, who string)
		want         string // statuses for admin, manager, otherManager, driver, member, outsider, anonymous
	}
	buy := func(f *fixture, who string) {
		if who != "" {
			f.db.BuyTicket(wayfare.WithActor(context.Background(), wayfare.Actor{PersonID: f.ids[who]}), f.P)
		}
	}
	depart := func(f *fixture, _ string) {
		if _, err := f.db.Depart(wayfare.WithActor(context.Background(), wayfare.Actor{System: true}), f.J); err != nil {
			f.t.Fatal(err)
		}
	}
	newPitch := `{"group_id":"{T}","kind":"proposal","title":"Smaller batches","status_quo":"Big releases.","better_way":"Small ones.","tickets_wanted":2}`
	inPhase := func(p management.Phase) func(f *fixture, _ string) {
		return func(f *fixture, _ string) { f.session(p, false) }
	}
	round := func(f *fixture, _ string) { f.round(management.VoteRound) }
	closesAt := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
	rows := []row{
		{"POST", "/api/v1/people", `{"name":"New","email":"new@example.test"}`, nil, "201 403 403 403 403 403 401"},
		{"GET", "/api/v1/people", "", nil, "200 200 200 200 200 200 401"},
		{"GET", "/api/v1/people/{member}", "", nil, "200 200 200 200 200 200 401"},
		{"POST", "/api/v1/groups", `{"name":"Guild"}`, nil, "201 403 403 403 403 403 401"},
		{"GET", "/api/v1/groups", "", nil, "200 200 200 200 200 200 401"},
		{"GET", "/api/v1/groups/{T}", "", nil, "200 200 200 200 200 200 401"},
		{"PUT", "/api/v1/groups/{T}/members/{outsider}", `{"role":"member"}`, nil, "200 200 403 403 403 403 401"},
		{"DELETE", "/api/v1/groups/{T}/members/{member}", "", nil, "204 204 403 403 403 403 401"},
		{"DELETE", "/api/v1/groups/{T}/members/{outsider}", "", nil, "404 404 403 403 403 403 401"},
		{"PATCH", "/api/v1/groups/{T}", `{"name":"Renamed"}`, nil, "200 403 403 403 403 403 401"},
		{"GET", "/api/v1/me", "", nil, "200 200 200 200 200 200 401"},
		{"PATCH", "/api/v1/people/{member}", `{"title":"Lead"}`, nil, "200 403 403 403 403 403 401"},
		{"POST", "/api/v1/people/{outsider}/deactivate", "", nil, "200 403 403 403 403 403 401"},
		{"POST", "/api/v1/people/{outsider}/reactivate", "", nil, "200 403 403 403 403 403 401"},
		{"GET", "/api/v1/tokens", "", nil, "200 200 200 200 200 200 401"},
		{"GET", "/api/v1/tokens?person_id={member}", "", nil, "200 403 403 403 200 403 401"},
		{"POST", "/api/v1/tokens", `{"name":"ci"}`, nil, "201 201 201 201 201 201 401"},
		{"POST", "/api/v1/pitches", newPitch, nil, "201 201 201 201 201 201 401"},
		{"GET", "/api/v1/pitches", "", nil, "200 200 200 200 200 200 401"},
		{"GET", "/api/v1/pitches/{P}", "", nil, "200 200 200 200 200 200 401"},
		{"POST", "/api/v1/pitches/{P}/tickets", "", nil, "201 201 201 201 201 201 401"},
		{"DELETE", "/api/v1/pitches/{P}/tickets/me", "", buy, "204 204 204 204 204 204 401"},
		{"DELETE", "/api/v1/pitches/{P}/tickets/me", "", nil, "404 404 404 404 404 404 401"},
		{"POST", "/api/v1/pitches/{P}/decision", `{"outcome":"adopt","method":"directive","rationale":"Go."}`, nil, "403 201 403 403 403 403 401"},
		{"GET", "/api/v1/pitches/{P}/decisions", "", nil, "200 200 200 200 200 200 401"},
		{"POST", "/api/v1/pitches/{P}/withdraw", "", nil, "403 403 403 403 403 403 401"},
		{"GET", "/api/v1/journeys", "", nil, "200 200 200 200 200 200 401"},
		{"GET", "/api/v1/journeys/{J}", "", nil, "200 200 200 200 200 200 401"},
		{"PUT", "/api/v1/journeys/{J}/drivers/{outsider}", "", nil, "403 200 403 403 403 403 401"},
		{"POST", "/api/v1/journeys/{J}/stops", `{"title":"Retro","due_on":"2027-01-10"}`, nil, "403 201 403 201 403 403 401"},
		{"PATCH", "/api/v1/journeys/{J}/stops/{S}", `{"done":true}`, nil, "403 200 403 200 403 403 401"},
		{"POST", "/api/v1/journeys/{J}/depart", "", nil, "403 200 403 200 403 403 401"},
		{"POST", "/api/v1/journeys/{J}/arrive", `{"review":"We got there."}`, depart, "403 200 403 200 403 403 401"},
		{"POST", "/api/v1/journeys/{J}/abandon", `{"review":"Not worth it."}`, nil, "403 200 403 200 403 403 401"},
		{"POST", "/api/v1/journeys/{J}/checkins", `{"progress":30,"confidence":"at_risk","note":"Slow."}`, nil, "403 201 403 201 403 403 401"},
		{"POST", "/api/v1/journeys/{J}/doubts", `{"note":"Why?"}`, nil, "403 403 403 403 201 403 401"},
		{"POST", "/api/v1/journeys/{J}/reconfirm", "", nil, "403 403 403 403 200 403 401"},
		{"DELETE", "/api/v1/journeys/{J}/riders/me", "", nil, "403 403 403 403 204 403 401"},
		{"POST", "/api/v1/journeys/{J}/repitches", `{"message":"Look how far we are."}`, nil, "201 201 201 201 201 201 401"},
		{"POST", "/api/v1/pitches/{P}/rounds", `{"method":"vote","closes_at":"` + closesAt + `"}`, nil, "403 201 403 403 403 403 401"},
		{"GET", "/api/v1/rounds/{ROUND}", "", round, "200 200 200 200 200 200 401"},
		{"GET", "/api/v1/pitches/{P}/rounds", "", round, "200 200 200 200 200 200 401"},
		{"POST", "/api/v1/rounds/{ROUND}/responses", `{"choice":"adopt"}`, round, "403 201 403 403 201 403 401"},
		{"POST", "/api/v1/rounds/{ROUND}/close", `{"rationale":"The vote is in."}`, round, "403 201 403 403 403 403 401"},
		{"POST", "/api/v1/sessions", `{"group_id":"{T}","prompt":"How do we demo?","votes_per_person":3}`, nil, "403 201 403 403 403 403 401"},
		{"GET", "/api/v1/sessions", "", inPhase(management.Ideas), "200 200 200 200 200 200 401"},
		{"GET", "/api/v1/sessions/{SESSION}", "", inPhase(management.Ideas), "200 200 200 200 200 200 401"},
		{"POST", "/api/v1/sessions/{SESSION}/phase", `{"phase":"clusters"}`, inPhase(management.Ideas), "403 200 403 403 403 403 401"},
		{"POST", "/api/v1/sessions/{SESSION}/ideas", `{"text":"Demo on Fridays"}`, inPhase(management.Ideas), "403 201 403 403 201 403 401"},
		{"POST", "/api/v1/sessions/{SESSION}/clusters", `{"title":"Rhythm","idea_ids":["{IDEA}"]}`, inPhase(management.Clusters), "403 201 403 403 403 403 401"},
		{"POST", "/api/v1/sessions/{SESSION}/votes", `{"idea_id":"{IDEA}"}`, inPhase(management.Votes), "403 201 403 403 201 403 401"},
		{"POST", "/api/v1/sessions/{SESSION}/ideas/{IDEA}/pitch", `{"status_quo":"No demos.","better_way":"Weekly demos."}`, inPhase(management.Results), "403 403 403 403 201 403 401"},
		{"GET", "/api/v1/acts", "", nil, "200 200 200 200 200 200 401"},
		{"GET", "/api/v1/influence/org", "", nil, "200 200 200 200 200 200 401"},
		{"GET", "/api/v1/influence/people/{member}", "", nil, "200 403 403 403 200 403 401"},
		{"GET", "/api/v1/influence/people/999999", "", nil, "404 404 404 404 404 404 401"},
		{"GET", "/healthz", "", nil, "200 200 200 200 200 200 200"},
		{"GET", "/api/openapi.json", "", nil, "200 200 200 200 200 200 200"},
		{"GET", "/metrics", "", nil, "200 200 200 200 200 200 200"},
	}
	for _, r := range rows {
		want := strings.Fields(r.want)
		if len(want) != len(roles) {
			t.Fatalf("%s %s: %d statuses for %d roles", r.method, r.path, len(want), len(roles))
		}
		for i, who := range roles {
			name := who
			if name == "" {
				name = "anonymous"
			}
			t.Run(r.method+" "+r.path+" as "+name, func(t *testing.T) {
				t.Parallel()
				f := newFixture(t)
				if r.setup != nil {
					r.setup(f, who)
				}
				var body any
				if r.body != "" {
					body = f.path(r.body)
				}
				w := f.do(who, r.method, f.path(r.path), body)
				if strconv.Itoa(w.Code) != want[i] {
					t.Fatalf("got %s, want %s", describe(w), want[i])
				}
				if w.Code >= 400 {
					p := problemOf(t, w)
					if w.Code == 403 && p.Rule == "" {
						t.Errorf("a 403 must name the rule: %+v", p)
					}
				}
			})
		}
	}
}
