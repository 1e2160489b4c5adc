package api_test

import (
	"context"
	"math"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/api"
	"github.com/wayfare-org/wayfare/influence"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/management"
	"github.com/wayfare-org/wayfare/people"
	"github.com/wayfare-org/wayfare/store"
	"github.com/wayfare-org/wayfare/store/pgtest"
)

// influenceOrg is a small organization whose figures can be worked out
// by hand:
//
//	Company (ceo) ⊃ Dept (vp) ⊃ TeamA (mgrA; e1, e2, e3) and TeamB (mgrB; f1)
//	levels: ceo 0; vp, admin 1; mgrA, mgrB 2; e1, e2, e3, f1 3
//
//	P1 e1 → TeamA, tickets e2 e3 mgrB vp (and e1's own), adopted by mgrA after 1 h;
//	   e3 drives its journey, which arrives
//	P3 e2 → TeamA, ticket e1, adopted by mgrA after 2 h; e1 doubts
//	P4 e3 → TeamA, adopted by mgrA after 3 h
//	P6 mgrA → TeamA (peer), adopted by mgrA after 4 h
//	P5 f1 → TeamB, adopted by mgrB after 5 h
//	P2 f1 → Company, ticket e1, declined by the ceo after 6 h
//	E1 e2's example to TeamA, adopted by e1 and e3
type influenceOrg struct {
	t      *testing.T
	db     *store.DB
	h      http.Handler
	ids    map[string]wayfare.ID
	tokens map[string]string
}

func newInfluenceOrg(t *testing.T) *influenceOrg {
	t.Helper()
	var mu sync.Mutex
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	ctx := context.Background()
	cfg := pgtest.Config(t, filepath.Join(t.TempDir(), "wayfare.db"))
	cfg.Now = clock
	db, err := store.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	o := &influenceOrg{t: t, db: db, h: wrap(t, withMetrics(api.New(db, nil, "test"))), ids: map[string]wayfare.ID{}, tokens: map[string]string{}}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	sys := wayfare.WithActor(ctx, wayfare.Actor{System: true})
	for _, p := range [][2]string{{"ceo", ""}, {"vp", "ceo"}, {"admin", "ceo"}, {"mgrA", "vp"}, {"mgrB", "vp"},
		{"e1", "mgrA"}, {"e2", "mgrA"}, {"e3", "mgrA"}, {"f1", "mgrB"}} {
		in := people.NewPerson{Name: p[0], Email: strings.ToLower(p[0]) + "@example.test", Admin: p[0] == "admin"}
		if p[1] != "" {
			m := o.ids[p[1]]
			in.ManagerID = &m
		}
		created, err := db.CreatePerson(sys, in)
		must(err)
		o.ids[p[0]] = created.ID
		tok, err := db.CreateToken(sys, created.ID, people.NewToken{Name: "tests"})
		must(err)
		o.tokens[p[0]] = tok.Token
	}
	group := func(name, parent string) wayfare.ID {
		in := people.NewGroup{Name: name}
		if parent != "" {
			id := o.ids[parent]
			in.ParentID = &id
		}
		g, err := db.CreateGroup(sys, in)
		must(err)
		o.ids[name] = g.ID
		return g.ID
	}
	group("Company", "")
	group("Dept", "Company")
	group("TeamA", "Dept")
	group("TeamB", "Dept")
	for _, r := range [][3]string{{"Company", "ceo", "manager"}, {"Dept", "vp", "manager"}, {"TeamA", "mgrA", "manager"},
		{"TeamB", "mgrB", "manager"}, {"TeamA", "e1", "member"}, {"TeamA", "e2", "member"}, {"TeamA", "e3", "member"}, {"TeamB", "f1", "member"}} {
		_, err := db.SetRole(sys, o.ids[r[0]], o.ids[r[1]], people.Role(r[2]))
		must(err)
	}
	as := func(who string) context.Context { return wayfare.WithActor(ctx, wayfare.Actor{PersonID: o.ids[who]}) }
	pitch := func(name, author, group string, kind leadership.Kind, buyers ...string) {
		p, err := db.Publish(as(author), leadership.NewPitch{GroupID: o.ids[group], Kind: kind, Title: "Pitch " + name,
			StatusQuo: "The way it is.", BetterWay: "A better way.", TicketsWanted: 2})
		must(err)
		o.ids[name] = p.ID
		for _, b := range buyers {
			_, _, err := db.BuyTicket(as(b), p.ID)
			must(err)
		}
	}
	pitch("P1", "e1", "TeamA", leadership.Proposal, "e2", "e3", "mgrB", "vp", "e1")
	pitch("P3", "e2", "TeamA", leadership.Proposal, "e1")
	pitch("P4", "e3", "TeamA", leadership.Proposal)
	pitch("P6", "mgrA", "TeamA", leadership.Proposal)
	pitch("P5", "f1", "TeamB", leadership.Proposal)
	pitch("P2", "f1", "Company", leadership.Proposal, "e1")
	pitch("E1", "e2", "TeamA", leadership.Example, "e1", "e3")
	journeys := map[string]wayfare.ID{}
	for _, d := range [][3]string{{"P1", "mgrA", "adopt"}, {"P3", "mgrA", "adopt"}, {"P4", "mgrA", "adopt"},
		{"P6", "mgrA", "adopt"}, {"P5", "mgrB", "adopt"}, {"P2", "ceo", "decline"}} {
		advance(time.Hour)
		dec, err := db.Decide(as(d[1]), o.ids[d[0]], management.NewDecision{Outcome: management.Outcome(d[2]),
			Method: management.Directive, Rationale: "Because."})
		must(err)
		if dec.JourneyID != nil {
			journeys[d[0]] = *dec.JourneyID
		}
	}
	must(db.NameDriver(as("mgrA"), journeys["P1"], o.ids["e3"]))
	_, err = db.Depart(as("e3"), journeys["P1"])
	must(err)
	_, err = db.End(as("e3"), journeys["P1"], management.Arrived, management.Ending{Review: "We got there."})
	must(err)
	_, _, err = db.RaiseDoubt(as("e1"), journeys["P3"], management.NewDoubt{Note: "Why?"})
	must(err)
	if _, err := db.RebuildInfluence(ctx); err != nil {
		t.Fatal(err)
	}
	return o
}

func (o *influenceOrg) get(who, path string) *httptest.ResponseRecorder {
	o.t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	if who != "" {
		req.Header.Set("Authorization", "Bearer "+o.tokens[who])
	}
	w := httptest.NewRecorder()
	o.h.ServeHTTP(w, req)
	return w
}

func (o *influenceOrg) person(who, of string) influence.PersonFigures {
	o.t.Helper()
	w := o.get(who, "/api/v1/influence/people/"+o.ids[of].String())
	if w.Code != 200 {
		o.t.Fatalf("%s's figures as %s: %s", of, who, describe(w))
	}
	return decodeInto[influence.PersonFigures](o.t, w)
}

func near(p *float64, want float64) bool { return p != nil && math.Abs(*p-want) < 1e-9 }

func TestInfluenceByHand(t *testing.T) {
	o := newInfluenceOrg(t)
	w := o.get("e1", "/api/v1/influence/org")
	if w.Code != 200 {
		t.Fatalf("org figures: %s", describe(w))
	}
	org := decodeInto[influence.OrgFigures](t, w)
	if want := (influence.Funnel{Pitched: 6, Ready: 1, Decided: 6, Adopted: 5, Arrived: 1}); org.Funnel != want {
		t.Errorf("funnel %+v, want %+v (only P1 sold the two tickets it wanted)", org.Funnel, want)
	}
	if !near(org.BottomUpIndex, 0.8) {
		t.Errorf("bottom-up index %v, want 0.8: four of five adoptions came from below, mgrA's is a peer's", org.BottomUpIndex)
	}
	// Reach over the nine people: 4 (e1), 2 (e2), 1 (f1) and six zeros;
	// Gini = 2·(7·1 + 8·2 + 9·4)/(9·7) − 10/9 = 48/63.
	if !near(org.LeadershipSpread, 15.0/63) {
		t.Errorf("leadership spread %v, want 15/63", org.LeadershipSpread)
	}
	if org.DecisionLatency != nil || len(org.LatencyDistribution) != 0 {
		t.Errorf("decision latency over three deciders must be hidden: %+v, %+v", org.DecisionLatency, org.LatencyDistribution)
	}
	// Levels 0–2 hold five people and level 3 only four, which joins them.
	// Leadership: six proposals and an example; management: six decisions,
	// a driver named, a departure and an arrival.
	if want := []influence.LevelBalance{{FromLevel: 0, ToLevel: 3, People: 9, Leadership: 7, Management: 9}}; len(org.BalanceByLevel) != 1 || org.BalanceByLevel[0] != want[0] {
		t.Errorf("balance by level %+v, want %+v", org.BalanceByLevel, want)
	}
	if org.JourneysNeedingLeadership != 1 || org.People != 9 || org.ComputedAt.IsZero() {
		t.Errorf("journeys needing leadership %d (want 1: P3's only rider doubts), people %d", org.JourneysNeedingLeadership, org.People)
	}

	e1 := o.person("e1", "e1")
	if e1.Reach != 4 || e1.CrossBoundaryReach != 1 || e1.UpwardReach != 2 {
		t.Errorf("e1: reach %d, cross-boundary %d, upward %d; want 4 (not e1's own ticket), 1 (mgrB of the sibling team; vp's Dept holds TeamA), 2 (mgrB, vp)",
			e1.Reach, e1.CrossBoundaryReach, e1.UpwardReach)
	}
	if !near(e1.AdoptionRate, 1) || e1.ExampleAdoptions != 0 {
		t.Errorf("e1: adoption rate %v, example adoptions %d", e1.AdoptionRate, e1.ExampleAdoptions)
	}
	admin := func(of string) influence.PersonFigures { return o.person("admin", of) }
	if e2 := admin("e2"); e2.Reach != 2 || e2.ExampleAdoptions != 2 || e2.CrossBoundaryReach != 0 || e2.UpwardReach != 0 {
		t.Errorf("e2: %+v; want reach 2 (e1, e3), 2 example adoptions", e2)
	}
	if f1 := admin("f1"); f1.Reach != 1 || f1.CrossBoundaryReach != 1 || !near(f1.AdoptionRate, 0.5) {
		t.Errorf("f1: %+v; want reach 1 across the sibling-team boundary, adoption rate 0.5", f1)
	}
	mgrA := admin("mgrA")
	if mgrA.DecisionsMade != 4 || mgrA.JourneysDriven != 4 || !near(mgrA.ArrivalRate, 1) || mgrA.SessionsFacilitated != 0 {
		t.Errorf("mgrA: %+v", mgrA)
	}
	if l := mgrA.DecisionLatency; l == nil || l.Count != 4 || l.Median != 9000 || math.Abs(l.P90-13320) > 1e-6 {
		t.Errorf("mgrA's decision latency %+v, want median 9000 s (of 1, 2, 3, 4 h) and p90 13320 s", l)
	}
	if e3 := admin("e3"); e3.JourneysDriven != 1 || !near(e3.ArrivalRate, 1) || e3.DecisionsMade != 0 {
		t.Errorf("e3 drives P1's journey: %+v", e3)
	}
	if f := admin("ceo"); f.AdoptionRate != nil || f.ArrivalRate != nil || f.JourneysDriven != 0 || f.DecisionsMade != 1 {
		t.Errorf("ceo: %+v; rates are null until something is decided or ended", f)
	}
	// PageRank: e1 is followed by four, among them the senior vp and mgrB;
	// e2 holds most of e1's own tickets; f1 one of them.
	ranks := map[string]float64{}
	for _, who := range []string{"ceo", "vp", "admin", "mgrA", "mgrB", "e1", "e2", "e3", "f1"} {
		ranks[who] = admin(who).InfluenceRank
	}
	if !(ranks["e1"] > ranks["e2"] && ranks["e2"] > ranks["f1"] && ranks["f1"] > ranks["ceo"] && ranks["ceo"] == ranks["vp"]) {
		t.Errorf("influence ranks %v: want e1 > e2 > f1 > the rest", ranks)
	}
	if e1.InfluencePercentile != 88 {
		t.Errorf("e1's percentile %d, want 88 (above 8 of 9)", e1.InfluencePercentile)
	}
}

func TestInfluencePrivacy(t *testing.T) {
	o := newInfluenceOrg(t)
	tests := []struct {
		who, of string
		want    int
	}{
		{"e1", "e1", 200}, {"e1", "e2", 403}, {"mgrA", "e1", 403}, {"ceo", "e1", 403},
		{"admin", "e1", 200}, {"", "e1", 401},
	}
	for _, tt := range tests {
		w := o.get(tt.who, "/api/v1/influence/people/"+o.ids[tt.of].String())
		if w.Code != tt.want {
			t.Errorf("%q sees %s's figures: %s, want %d", tt.who, tt.of, describe(w), tt.want)
		}
		if w.Code == 403 && problemOf(t, w).Rule != influence.RulePrivacy {
			t.Errorf("the refusal must name the rule: %s", w.Body)
		}
	}
	if w := o.get("e1", "/api/v1/influence/people/999999"); w.Code != 404 {
		t.Errorf("unknown person: %s", describe(w))
	}
	if w := o.get("e1", "/api/v1/influence/people/nope"); w.Code != 404 {
		t.Errorf("malformed id: %s", describe(w))
	}
	sys := wayfare.WithActor(context.Background(), wayfare.Actor{System: true})
	if err := o.db.SetInfluencePolicy(sys, influence.Policy{PeopleVisible: true}); err != nil {
		t.Fatal(err)
	}
	if w := o.get("e1", "/api/v1/influence/people/"+o.ids["e2"].String()); w.Code != 200 {
		t.Errorf("the organization shows person figures to everyone: %s", describe(w))
	}
}
