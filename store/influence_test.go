package store_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/influence"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/management"
	"github.com/wayfare-org/wayfare/people"
	"github.com/wayfare-org/wayfare/store"
)

// TestInfluenceSnapshot: the first read computes; later reads answer at
// once from the snapshot, which is recomputed in the background once the
// data has changed and the interval has passed.
func TestInfluenceSnapshot(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, store.Config{Path: filepath.Join(t.TempDir(), "wayfare.db"), InfluenceEvery: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sys := wayfare.WithActor(ctx, wayfare.Actor{System: true})
	g, err := db.CreateGroup(sys, people.NewGroup{Name: "Team"})
	if err != nil {
		t.Fatal(err)
	}
	var ids []wayfare.ID
	for _, e := range []string{"a@example.test", "b@example.test", "c@example.test"} {
		p, err := db.CreatePerson(sys, people.NewPerson{Name: "P", Email: e})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	as := func(id wayfare.ID) context.Context { return wayfare.WithActor(ctx, wayfare.Actor{PersonID: id}) }
	p, err := db.Publish(as(ids[0]), leadership.NewPitch{GroupID: g.ID, Kind: leadership.Proposal, Title: "Weekly demos",
		StatusQuo: "Work is shown late.", BetterWay: "Show it weekly.", TicketsWanted: 2})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.BuyTicket(as(ids[1]), p.ID); err != nil {
		t.Fatal(err)
	}
	reach := func() int {
		f, err := db.InfluencePerson(as(ids[0]), ids[0])
		if err != nil {
			t.Fatal(err)
		}
		return f.Reach
	}
	if got := reach(); got != 1 {
		t.Fatalf("reach %d, want 1", got)
	}
	if _, _, err := db.BuyTicket(as(ids[2]), p.ID); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for reach() != 2 {
		if time.Now().After(deadline) {
			t.Fatal("the figures were not recomputed in the background")
		}
		time.Sleep(20 * time.Millisecond)
	}
	org, err := db.InfluenceOrg(as(ids[1]))
	if err != nil || org.Funnel.Pitched != 1 || org.Funnel.Ready != 1 || org.People != 3 {
		t.Fatalf("org figures %+v, %v", org, err)
	}
	if org.LeadershipSpread != nil || len(org.BalanceByLevel) != 0 {
		t.Errorf("three people: the aggregates over people are hidden, got %+v", org)
	}
	if _, err := db.InfluencePerson(as(ids[1]), ids[0]); wayfare.ErrorCode(err) != wayfare.EFORBIDDEN {
		t.Errorf("others' figures: %v, want forbidden", err)
	}
	if _, err := db.InfluencePerson(as(ids[1]), 9999); wayfare.ErrorCode(err) != wayfare.ENOTFOUND {
		t.Errorf("unknown person: %v, want not found", err)
	}
	if _, err := db.InfluenceTop(as(ids[1]), 3); wayfare.ErrorCode(err) != wayfare.EFORBIDDEN {
		t.Errorf("top list for a non-admin: %v, want forbidden", err)
	}
	if err := db.SetInfluencePolicy(as(ids[1]), influence.Policy{PeopleVisible: true}); wayfare.ErrorCode(err) != wayfare.EFORBIDDEN {
		t.Errorf("only admins set the policy: %v", err)
	}
	if err := db.SetInfluencePolicy(sys, influence.Policy{PeopleVisible: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.InfluencePerson(as(ids[1]), ids[0]); err != nil {
		t.Errorf("the organization shows person figures: %v", err)
	}
	top, err := db.InfluenceTop(as(ids[1]), 2)
	if err != nil || len(top) != 2 || top[0].PersonID != ids[0] || top[0].Name != "P" || top[0].Position != 1 {
		t.Errorf("top %+v, %v", top, err)
	}
}

// TestWarmInfluenceThenClose: warming up computes the first snapshot in
// the background, and closing waits for it rather than pulling the
// database from under it.
func TestWarmInfluenceThenClose(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, store.Config{Path: filepath.Join(t.TempDir(), "wayfare.db")})
	if err != nil {
		t.Fatal(err)
	}
	db.WarmInfluence()
	org, err := db.InfluenceOrg(wayfare.WithActor(ctx, wayfare.Actor{System: true}))
	if err != nil || org.People != 0 {
		t.Fatalf("figures of an empty organization: %+v, %v", org, err)
	}
	db.WarmInfluence()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db.WarmInfluence() // after closing: does nothing
}

// TestSessionsFacilitated: a session counts for its facilitator once it
// has gone past collecting ideas.
func TestSessionsFacilitated(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	sys := wayfare.WithActor(ctx, wayfare.Actor{System: true})
	g, err := db.CreateGroup(sys, people.NewGroup{Name: "Team"})
	if err != nil {
		t.Fatal(err)
	}
	mgr, err := db.CreatePerson(sys, people.NewPerson{Name: "M", Email: "m@example.test"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetRole(sys, g.ID, mgr.ID, people.Manager); err != nil {
		t.Fatal(err)
	}
	as := wayfare.WithActor(ctx, wayfare.Actor{PersonID: mgr.ID})
	for _, move := range []bool{true, false} {
		s, err := db.OpenSession(as, management.NewSession{GroupID: g.ID, Prompt: "Ideas?", VotesPerPerson: 2})
		if err != nil {
			t.Fatal(err)
		}
		if move {
			if _, err := db.MovePhase(as, s.ID, management.Votes); err != nil {
				t.Fatal(err)
			}
		}
	}
	f, err := db.RebuildInfluence(sys)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.People[mgr.ID].SessionsFacilitated; got != 1 {
		t.Fatalf("sessions facilitated = %d, want 1", got)
	}
}
