package demo_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/demo"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/ledger"
	"github.com/wayfare-org/wayfare/management"
	"github.com/wayfare-org/wayfare/people"
	"github.com/wayfare-org/wayfare/store"
)

// generated is one demo organization.
type generated struct {
	db      *store.DB
	clock   *demo.Clock
	res     *demo.Result
	elapsed time.Duration
}

// shared is generated once with seed 7 for the tests that only read.
var shared *generated

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "wayfare-demo-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	shared, err = build(filepath.Join(dir, "wayfare.db"), 7)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("generated in %s: %s\n", shared.elapsed, shared.res)
	code := m.Run()
	shared.db.Close()
	os.RemoveAll(dir)
	os.Exit(code)
}

func build(path string, seed uint64) (*generated, error) {
	clock := demo.NewClock()
	db, err := store.Open(context.Background(), store.Config{Path: path, Now: clock.Now})
	if err != nil {
		return nil, err
	}
	start := time.Now()
	res, err := demo.Generate(context.Background(), db, demo.Options{People: 300, Seed: seed, Clock: clock})
	if err != nil {
		db.Close()
		return nil, err
	}
	return &generated{db: db, clock: clock, res: res, elapsed: time.Since(start)}, nil
}

// generate makes another organization for one test.
func generate(t *testing.T, seed uint64) *generated {
	t.Helper()
	g, err := build(filepath.Join(t.TempDir(), "wayfare.db"), seed)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.db.Close() })
	return g
}

func org(*testing.T) *generated { return shared }

func sys() context.Context {
	return wayfare.WithActor(context.Background(), wayfare.Actor{System: true})
}

func allPeople(t *testing.T, db *store.DB) []*people.Person {
	t.Helper()
	var out []*people.Person
	for cursor := wayfare.ID(0); ; {
		page, err := db.People(sys(), people.PersonFilter{Page: wayfare.Page{Limit: wayfare.MaxLimit, Cursor: cursor}})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page...)
		if len(page) < wayfare.MaxLimit {
			return out
		}
		cursor = page[len(page)-1].ID
	}
}

func allPitches(t *testing.T, db *store.DB) []*leadership.Pitch {
	t.Helper()
	var out []*leadership.Pitch
	for cursor := wayfare.ID(0); ; {
		page, err := db.Pitches(sys(), leadership.PitchFilter{Page: wayfare.Page{Limit: wayfare.MaxLimit, Cursor: cursor}})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page...)
		if len(page) < wayfare.MaxLimit {
			return out
		}
		cursor = page[len(page)-1].ID
	}
}

func TestPeopleAndGroups(t *testing.T) {
	g := org(t)
	ps := allPeople(t, g.db)
	if len(ps) < 300 {
		t.Errorf("people = %d, want at least 300", len(ps))
	}
	levels := map[int]int{}
	for _, p := range ps {
		levels[p.Level]++
		if !strings.HasSuffix(p.Email, "@demo.test") {
			t.Errorf("e-mail %q does not end in @demo.test", p.Email)
		}
	}
	if len(levels) < 5 || levels[0] != 1 {
		t.Errorf("levels = %v, want at least 5 with one person at the top", levels)
	}
	groups, err := g.db.Groups(sys(), people.GroupFilter{Page: wayfare.Page{Limit: wayfare.MaxLimit}})
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) < 30 {
		t.Errorf("groups = %d, want at least 30", len(groups))
	}
	names := map[string]wayfare.ID{}
	for _, gr := range groups {
		names[gr.Name] = gr.ID
	}
	for _, want := range []string{"Executive team", "Engineering", "Product", "Sales", "Customer Support", "Operations",
		"People", "Finance", "Security guild", "Accessibility community"} {
		if names[want] == 0 {
			t.Errorf("no group %q", want)
		}
	}
	exec, err := g.db.Group(sys(), names["Executive team"])
	if err != nil {
		t.Fatal(err)
	}
	if len(exec.Managers) != 1 || exec.Managers[0].Level != 0 || len(exec.Members) < 6 {
		t.Errorf("executive team: managers %v, %d members; want the CEO managing the VPs", exec.Managers, len(exec.Members))
	}
	for _, m := range exec.Members {
		if m.Role == people.Member && m.Level != 1 {
			t.Errorf("executive team member %s at level %d, want VPs (level 1)", m.Name, m.Level)
		}
	}
}

func TestAdminAndPersonas(t *testing.T) {
	g := org(t)
	ps, err := demo.Personas(context.Background(), g.db)
	if err != nil {
		t.Fatal(err)
	}
	roles := map[string]demo.Persona{}
	for _, p := range ps {
		roles[p.Role] = p
	}
	for _, role := range []string{"front-line engineer", "team manager", "VP", "CEO", "another department", "admin"} {
		if roles[role].Email == "" {
			t.Errorf("no persona %q", role)
		}
	}
	want := map[string]int{"front-line engineer": 4, "team manager": 3, "VP": 1, "CEO": 0, "another department": 4}
	for role, level := range want {
		p, err := g.db.Person(sys(), roles[role].ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.Level != level {
			t.Errorf("%s %s at level %d, want %d", role, p.Name, p.Level, level)
		}
	}
	admin, err := g.db.Person(sys(), roles["admin"].ID)
	if err != nil {
		t.Fatal(err)
	}
	if admin.Email != "admin@demo.test" || !admin.Admin {
		t.Errorf("admin = %s (admin %v)", admin.Email, admin.Admin)
	}
	for _, m := range admin.Groups {
		if m.Role == people.Manager {
			t.Errorf("the admin manages %s", m.GroupName)
		}
	}
	acts, err := g.db.Acts(sys(), ledger.Filter{PersonID: admin.ID, Verb: ledger.RoleSet, Page: wayfare.Page{Limit: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if len(acts) == 0 || acts[0].Function != wayfare.Admin {
		t.Errorf("the admin set no roles: %v", acts)
	}
}

func TestPitchesAndEvidence(t *testing.T) {
	g := org(t)
	pitches := allPitches(t, g.db)
	if n := len(pitches); n < 150 || n > 250 {
		t.Errorf("pitches = %d, want 150 to 250", n)
	}
	kinds, evidence, origins, statuses := map[leadership.Kind]int{}, map[leadership.EvidenceKind]int{}, map[people.Relation]int{}, map[leadership.Status]int{}
	levelsOfAuthors, titles := map[int]bool{}, map[string]bool{}
	byID := map[wayfare.ID]*people.Person{}
	for _, p := range allPeople(t, g.db) {
		byID[p.ID] = p
	}
	for _, p := range pitches {
		if titles[p.Title] {
			t.Errorf("title %q is used twice", p.Title)
		}
		titles[p.Title] = true
		kinds[p.Kind]++
		origins[p.Origin.Relation]++
		statuses[p.Status]++
		levelsOfAuthors[byID[p.AuthorID].Level] = true
		for _, e := range p.Evidence {
			evidence[e.Kind]++
			if e.Kind == leadership.DataPoint && (e.Value == nil || e.Unit == "" || e.Source == "") {
				t.Errorf("data point without value, unit or source: %+v", e)
			}
			if e.URL != "" && (!strings.HasPrefix(e.URL, "https://") || !strings.Contains(e.URL, ".example.test/")) {
				t.Errorf("link %q is not https on example.test", e.URL)
			}
		}
	}
	t.Logf("kinds %v, evidence %v, origins %v, statuses %v", kinds, evidence, origins, statuses)
	if kinds[leadership.Proposal] == 0 || kinds[leadership.Example] == 0 {
		t.Errorf("kinds = %v, want both", kinds)
	}
	for _, k := range []leadership.EvidenceKind{leadership.DataPoint, leadership.Link, leadership.Experiment, leadership.Testimonial} {
		if evidence[k] == 0 {
			t.Errorf("no evidence of kind %s", k)
		}
	}
	if origins[people.Outside] < 20 || origins[people.Below] < 20 {
		t.Errorf("origins = %v, want many from outside and below", origins)
	}
	if len(levelsOfAuthors) < 5 {
		t.Errorf("authors come from levels %v, want every level", levelsOfAuthors)
	}
	for _, s := range []leadership.Status{leadership.Selling, leadership.Adopted, leadership.Declined, leadership.Deferred,
		leadership.Merged, leadership.Showing} {
		if statuses[s] == 0 {
			t.Errorf("no pitch is %s", s)
		}
	}
}

func TestTicketsAndDecisions(t *testing.T) {
	g := org(t)
	for _, verb := range []string{ledger.TicketBought, ledger.TicketRefunded, ledger.DecisionMade, ledger.RepitchPosted} {
		acts, err := g.db.Acts(sys(), ledger.Filter{Verb: verb, Page: wayfare.Page{Limit: 20}})
		if err != nil {
			t.Fatal(err)
		}
		if len(acts) < 5 {
			t.Errorf("%d acts %s, want several", len(acts), verb)
		}
	}
	outcomes, methods := map[management.Outcome]int{}, map[management.Method]int{}
	superseded := 0
	for _, p := range allPitches(t, g.db) {
		ds, err := g.db.Decisions(sys(), p.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			outcomes[d.Outcome]++
			methods[d.Method]++
			if d.Supersedes != nil {
				superseded++
			}
			if d.Rationale == "" || strings.Contains(d.Rationale, "{") {
				t.Errorf("rationale %q", d.Rationale)
			}
			if d.Outcome == management.Defer && d.RevisitOn == "" || d.Outcome == management.Merge && d.MergeInto == nil {
				t.Errorf("decision %+v lacks its revisit date or merge target", d)
			}
		}
	}
	t.Logf("outcomes %v, methods %v, %d superseding", outcomes, methods, superseded)
	for _, o := range []management.Outcome{management.Adopt, management.Decline, management.Defer, management.Merge} {
		if outcomes[o] == 0 {
			t.Errorf("no decision to %s", o)
		}
	}
	for _, m := range []management.Method{management.Directive, management.Consultative, management.Consent, management.Vote} {
		if methods[m] == 0 {
			t.Errorf("no %s decision", m)
		}
	}
	if superseded == 0 {
		t.Error("no decision supersedes another")
	}
}

func TestJourneys(t *testing.T) {
	g := org(t)
	for _, s := range []management.JourneyStatus{management.Boarding, management.Underway, management.Arrived, management.Abandoned} {
		js, err := g.db.Journeys(sys(), management.JourneyFilter{Status: s})
		if err != nil {
			t.Fatal(err)
		}
		if len(js) == 0 {
			t.Errorf("no journey is %s", s)
		}
	}
	needy, err := g.db.Journeys(sys(), management.JourneyFilter{NeedsLeadership: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(needy) == 0 {
		t.Error("no journey needs leadership")
	}
	all, err := g.db.Journeys(sys(), management.JourneyFilter{Page: wayfare.Page{Limit: wayfare.MaxLimit}})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, s := range all {
		j, err := g.db.Journey(sys(), s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(j.Drivers) == 0 || len(j.Stops) == 0 {
			t.Errorf("journey %s has %d drivers and %d stops", j.Title, len(j.Drivers), len(j.Stops))
		}
		for _, st := range j.Stops {
			if st.Done {
				seen["stop done"]++
			}
		}
		for _, c := range j.Checkins {
			seen[string(c.Confidence)]++
		}
		for _, d := range j.Doubts {
			seen["doubt "+d.Resolution]++
		}
		if len(j.Repitches) > 0 {
			seen["repitched"]++
		}
	}
	t.Logf("%d journeys: %v", len(all), seen)
	for _, k := range []string{"stop done", "on_track", "at_risk", "off_track", "doubt ", "doubt reconfirmed", "doubt left", "repitched"} {
		if seen[k] == 0 {
			t.Errorf("no %q across the journeys", k)
		}
	}
}

func TestHistoryAndClock(t *testing.T) {
	g := org(t)
	if d := time.Since(g.clock.Now()); d < 0 || d > time.Minute {
		t.Errorf("the clock is %s away from real time after Generate", d)
	}
	newest, err := g.db.Acts(sys(), ledger.Filter{Page: wayfare.Page{Limit: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if newest[0].At.After(time.Now()) || time.Since(newest[0].At) > 5*24*time.Hour {
		t.Errorf("the newest act is at %s", newest[0].At)
	}
	span := g.res.To.Sub(g.res.From)
	if span < 150*24*time.Hour || span > 200*24*time.Hour {
		t.Errorf("history spans %s, want about six months", span)
	}
	if g.elapsed > 15*time.Second {
		t.Errorf("generation took %s", g.elapsed)
	}
}

func TestSameSeedSameOrganization(t *testing.T) {
	a, b := org(t), generate(t, 7)
	titles := func(g *generated) []string {
		var out []string
		for _, p := range allPitches(t, g.db) {
			out = append(out, p.Title+"|"+string(p.Status)+"|"+p.AuthorID.String())
		}
		return out
	}
	ra, rb := *a.res, *b.res
	ra.From, ra.To, rb.From, rb.To = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if ra != rb {
		t.Errorf("counts differ:\n%+v\n%+v", ra, rb)
	}
	if !slices.Equal(titles(a), titles(b)) {
		t.Error("the same seed gave different pitches")
	}
	c := generate(t, 8)
	if slices.Equal(titles(a), titles(c)) {
		t.Error("another seed gave the same pitches")
	}
}

func TestGenerateRefuses(t *testing.T) {
	g := org(t)
	if _, err := demo.Generate(context.Background(), g.db, demo.Options{Clock: demo.NewClock()}); err == nil {
		t.Error("Generate wrote into a store that holds an organization")
	}
	if _, err := demo.Generate(context.Background(), g.db, demo.Options{}); err == nil {
		t.Error("Generate ran without a clock")
	}
	clock := demo.NewClock()
	db, err := store.Open(context.Background(), store.Config{Path: filepath.Join(t.TempDir(), "wayfare.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := demo.Generate(context.Background(), db, demo.Options{Clock: clock}); err == nil || !strings.Contains(err.Error(), "clock") {
		t.Errorf("Generate on a store that does not read the clock: %v", err)
	}
}

func TestFacilitation(t *testing.T) {
	g := org(t)
	ctx := sys()
	sessions, err := g.db.ListSessions(ctx, management.SessionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	phases, anonymous, pitched := map[management.Phase]bool{}, false, 0
	for _, s := range sessions {
		phases[s.Phase] = true
		anonymous = anonymous || s.Anonymous
		d, err := g.db.Session(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range d.Ideas {
			if i.PitchID != nil {
				pitched++
			}
		}
	}
	if len(sessions) != 3 || !anonymous || !phases[management.Votes] || !phases[management.Results] || pitched != 2 {
		t.Fatalf("%d sessions in %v, anonymous %v, %d ideas pitched", len(sessions), phases, anonymous, pitched)
	}
	for verb, want := range map[string]int{ledger.RoundOpened: 2, ledger.RoundClosed: 1, ledger.ResponseGiven: 7} {
		acts, err := g.db.Acts(ctx, ledger.Filter{Verb: verb})
		if err != nil || len(acts) != want {
			t.Errorf("%s: %d acts, want %d (%v)", verb, len(acts), want, err)
		}
	}
}
