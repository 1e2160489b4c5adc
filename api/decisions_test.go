package api_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/management"
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
