package api_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/management"
	"github.com/wayfare-org/wayfare/people"
)

// TestMergeIntoManagedPitchOnly: a manager of one group may not merge a
// pitch into another group's adopted pitch and so add riders to its
// journey.
func TestMergeIntoManagedPitchOnly(t *testing.T) {
	f := newFixture(t)
	as := func(who string) context.Context {
		return wayfare.WithActor(context.Background(), wayfare.Actor{PersonID: f.ids[who]})
	}
	theirs, err := f.db.Publish(as("author"), leadership.NewPitch{GroupID: f.ids["O"], Kind: leadership.Proposal,
		Title: "Pair on incidents", StatusQuo: "One person alone.", BetterWay: "Two people.", TicketsWanted: 1})
	if err != nil {
		t.Fatal(err)
	}
	d, err := f.db.Decide(as("otherManager"), theirs.ID, management.NewDecision{Outcome: management.Adopt,
		Method: management.Directive, Rationale: "Yes."})
	if err != nil {
		t.Fatal(err)
	}
	f.do("outsider", "POST", f.path("/api/v1/pitches/{P}/tickets"), nil)
	w := f.do("manager", "POST", f.path("/api/v1/pitches/{P}/decision"),
		map[string]any{"outcome": "merge", "method": "directive", "rationale": "Same idea.", "merge_into": theirs.ID})
	if w.Code != http.StatusForbidden {
		t.Fatalf("merging into another group's pitch: %s", describe(w))
	}
	if p := problemOf(t, w); p.Rule != management.RuleMergeManaged {
		t.Fatalf("rule = %q", p.Rule)
	}
	j, err := f.db.Journey(context.Background(), *d.JourneyID)
	if err != nil || len(j.Riders) != 0 {
		t.Fatalf("the refused merge boarded riders: %+v %v", j, err)
	}
}

// TestRoundElectorateFixedAtOpening: someone a sub-group's manager adds
// after a round on the parent group opened may not answer it, and the
// round does not wait for them.
func TestRoundElectorateFixedAtOpening(t *testing.T) {
	f := newFixture(t)
	sys := wayfare.WithActor(context.Background(), wayfare.Actor{System: true})
	sub, err := f.db.CreateGroup(sys, people.NewGroup{Name: "Sub", ParentID: ptr(f.ids["T"])})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.SetRole(sys, sub.ID, f.ids["driver"], people.Manager); err != nil {
		t.Fatal(err)
	}
	f.round(management.VoteRound)
	f.ids["SUB"] = sub.ID
	if w := f.do("driver", "PUT", f.path("/api/v1/groups/{SUB}/members/{outsider}"), `{"role":"member"}`); w.Code != http.StatusOK {
		t.Fatalf("the sub-group's manager adding a member: %s", describe(w))
	}
	w := f.do("outsider", "POST", f.path("/api/v1/rounds/{ROUND}/responses"), `{"choice":"adopt"}`)
	if w.Code != http.StatusForbidden || problemOf(t, w).Rule != management.RuleMembersOnly {
		t.Fatalf("a member added after the round opened answering: %s", describe(w))
	}
	if rs, err := f.db.RoundsAwaiting(sys, f.ids["outsider"], 10); err != nil || len(rs) != 0 {
		t.Fatalf("the round waits for the newcomer: %d %v", len(rs), err)
	}
	if w := f.do("member", "POST", f.path("/api/v1/rounds/{ROUND}/responses"), `{"choice":"adopt"}`); w.Code != http.StatusCreated {
		t.Fatalf("a member when the round opened answering: %s", describe(w))
	}
}

func ptr[T any](v T) *T { return &v }
