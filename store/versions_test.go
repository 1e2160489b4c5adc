package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/management"
	"github.com/wayfare-org/wayfare/people"
	"github.com/wayfare-org/wayfare/store"
)

// TestPitchVersionsMoveWithEveryChange checks that each write that changes
// how a pitch reads moves its version: the API's cache of encoded pitches
// depends on it.
func TestPitchVersionsMoveWithEveryChange(t *testing.T) {
	db := openDB(t)
	s := db
	sys := wayfare.WithActor(context.Background(), wayfare.Actor{System: true})
	mk := func(name string) wayfare.ID {
		p, err := s.CreatePerson(sys, people.NewPerson{Name: name, Email: name + "@example.test"})
		if err != nil {
			t.Fatal(err)
		}
		return p.ID
	}
	boss, fan := mk("boss"), mk("fan")
	g, _ := s.CreateGroup(sys, people.NewGroup{Name: "G"})
	s.SetRole(sys, g.ID, boss, people.Manager)
	as := func(id wayfare.ID) context.Context {
		return wayfare.WithActor(context.Background(), wayfare.Actor{PersonID: id})
	}
	publish := func() wayfare.ID {
		p, err := s.Publish(as(fan), leadership.NewPitch{GroupID: g.ID, Kind: leadership.Proposal, Title: "Idea",
			StatusQuo: "a", BetterWay: "b", TicketsWanted: 1})
		if err != nil {
			t.Fatal(err)
		}
		return p.ID
	}
	a, b, c := publish(), publish(), publish()
	moves := func(name string, ids []wayfare.ID, write func() error) {
		t.Helper()
		before := make([]uint64, len(ids))
		for i, id := range ids {
			before[i] = db.PitchVersion(id)
		}
		if err := write(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for i, id := range ids {
			if db.PitchVersion(id) == before[i] {
				t.Errorf("%s did not move the version of pitch %s", name, id)
			}
		}
	}
	moves("buying", []wayfare.ID{a}, func() error { _, _, err := s.BuyTicket(as(boss), a); return err })
	moves("refunding", []wayfare.ID{a}, func() error { return s.RefundTicket(as(boss), a) })
	moves("deciding", []wayfare.ID{a}, func() error {
		_, err := s.Decide(as(boss), a, management.NewDecision{Outcome: management.Decline, Method: management.Directive, Rationale: "No."})
		return err
	})
	moves("merging", []wayfare.ID{b, c}, func() error {
		_, err := s.Decide(as(boss), b, management.NewDecision{Outcome: management.Merge, Method: management.Directive,
			Rationale: "Same.", MergeInto: &c})
		return err
	})
	moves("withdrawing", []wayfare.ID{c}, func() error { _, err := s.Withdraw(as(fan), c); return err })
}

// TestListAndPersonVersions checks what moves the versions the pages keep
// their rendered parts by: ticket purchases move their pitch and their
// buyer only, unless they board a journey; other acts move the lists;
// people and groups move the roles.
func TestListAndPersonVersions(t *testing.T) {
	db := openDB(t)
	sys := wayfare.WithActor(context.Background(), wayfare.Actor{System: true})
	as := func(id wayfare.ID) context.Context {
		return wayfare.WithActor(context.Background(), wayfare.Actor{PersonID: id})
	}
	type versions struct{ lists, roles, boss, fan uint64 }
	var boss, fan wayfare.ID
	now := func() versions {
		return versions{db.ListsVersion(), db.RolesVersion(), db.PersonVersion(boss), db.PersonVersion(fan)}
	}
	step := func(name string, want versions, write func() error) {
		t.Helper()
		before := now()
		if err := write(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		after := now()
		got := versions{after.lists - before.lists, after.roles - before.roles, after.boss - before.boss, after.fan - before.fan}
		if (got.lists > 0) != (want.lists > 0) || (got.roles > 0) != (want.roles > 0) ||
			(got.boss > 0) != (want.boss > 0) || (got.fan > 0) != (want.fan > 0) {
			t.Errorf("%s moved lists %d, roles %d, boss %d, fan %d; want moved: %v", name, got.lists, got.roles, got.boss, got.fan, want)
		}
	}
	var g *people.Group
	step("creating people and a group", versions{lists: 1, roles: 1}, func() error {
		b, err := db.CreatePerson(sys, people.NewPerson{Name: "Boss", Email: "boss@example.test"})
		if err != nil {
			return err
		}
		f, err := db.CreatePerson(sys, people.NewPerson{Name: "Fan", Email: "fan@example.test"})
		if err != nil {
			return err
		}
		boss, fan = b.ID, f.ID
		g, err = db.CreateGroup(sys, people.NewGroup{Name: "G"})
		return err
	})
	step("naming a manager", versions{lists: 1, roles: 1}, func() error {
		_, err := db.SetRole(sys, g.ID, boss, people.Manager)
		return err
	})
	var p *leadership.Pitch
	step("publishing", versions{lists: 1, fan: 1}, func() (err error) {
		p, err = db.Publish(as(fan), leadership.NewPitch{GroupID: g.ID, Kind: leadership.Proposal, Title: "Idea",
			StatusQuo: "a", BetterWay: "b", TicketsWanted: 1})
		return err
	})
	step("buying", versions{fan: 1}, func() error { _, _, err := db.BuyTicket(as(fan), p.ID); return err })
	step("refunding", versions{fan: 1}, func() error { return db.RefundTicket(as(fan), p.ID) })
	step("buying again", versions{fan: 1}, func() error { _, _, err := db.BuyTicket(as(fan), p.ID); return err })
	var j wayfare.ID
	step("adopting", versions{lists: 1, boss: 1}, func() error {
		d, err := db.Decide(as(boss), p.ID, management.NewDecision{Outcome: management.Adopt, Method: management.Directive, Rationale: "Yes."})
		if err == nil {
			j = *d.JourneyID
		}
		return err
	})
	step("boarding", versions{lists: 1, boss: 1}, func() error { _, _, err := db.BuyTicket(as(boss), p.ID); return err })
	pv := db.PitchVersion(p.ID)
	step("departing", versions{lists: 1, boss: 1}, func() error { _, err := db.Depart(as(boss), j); return err })
	if db.PitchVersion(p.ID) == pv {
		t.Error("departing must move the version of the journey's pitch: its tickets can no longer be bought")
	}
	step("a refused purchase", versions{}, func() error {
		if _, _, err := db.BuyTicket(as(fan), 999_999); err == nil {
			return errors.New("a purchase of no pitch succeeded")
		}
		return nil
	})
}

func TestNames(t *testing.T) {
	db := openDB(t)
	sys := wayfare.WithActor(context.Background(), wayfare.Actor{System: true})
	a, _ := db.CreatePerson(sys, people.NewPerson{Name: "Ada", Email: "ada@example.test"})
	g, _ := db.CreateGroup(sys, people.NewGroup{Name: "Guild"})
	names, err := db.Names(context.Background(), "person", []wayfare.ID{a.ID, 999})
	if err != nil || len(names) != 1 || names[a.ID] != "Ada" {
		t.Fatalf("people: %v %v", names, err)
	}
	if names, _ := db.Names(context.Background(), "group", []wayfare.ID{g.ID}); names[g.ID] != "Guild" {
		t.Fatalf("groups: %v", names)
	}
	if _, err := db.Names(context.Background(), "tickets; DROP TABLE people", nil); err == nil {
		t.Fatal("an unknown kind must be refused")
	}
}

func TestSessions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	open := func() *store.DB {
		db, err := store.Open(context.Background(), store.Config{Path: path})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	s := open().Sessions()
	ctx := context.Background()
	if _, ok, err := s.FindCtx(ctx, "t1"); ok || err != nil {
		t.Fatal("an unknown session must not be found")
	}
	if err := s.CommitCtx(ctx, "t1", []byte("one"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.CommitCtx(ctx, "t2", []byte("old"), time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if b, ok, _ := s.FindCtx(ctx, "t1"); !ok || string(b) != "one" {
		t.Fatal("a live session must be found")
	}
	if _, ok, _ := s.FindCtx(ctx, "t2"); ok {
		t.Fatal("an expired session must not be found")
	}
	// Another store on the same file reads what was written, not a cache.
	if b, ok, _ := open().Sessions().FindCtx(ctx, "t1"); !ok || string(b) != "one" {
		t.Fatal("the session must be in the database")
	}
	s.DeleteCtx(ctx, "t1")
	if _, ok, _ := s.FindCtx(ctx, "t1"); ok {
		t.Fatal("a deleted session must not be found")
	}
}

// TestStandingFollowsRoles checks that the remembered answers to "does
// this person manage this group" change when roles do.
func TestStandingFollowsRoles(t *testing.T) {
	db := openDB(t)
	sys := wayfare.WithActor(context.Background(), wayfare.Actor{System: true})
	p, _ := db.CreatePerson(sys, people.NewPerson{Name: "Lee", Email: "lee@example.test"})
	top, _ := db.CreateGroup(sys, people.NewGroup{Name: "Top"})
	sub, _ := db.CreateGroup(sys, people.NewGroup{Name: "Sub", ParentID: &top.ID})
	me := wayfare.WithActor(context.Background(), wayfare.Actor{PersonID: p.ID})
	manages := func() bool {
		s, err := db.Standing(me, sub.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		return management.CanDecide(s) == nil
	}
	if manages() || manages() {
		t.Fatal("nobody manages Sub yet")
	}
	db.SetRole(sys, top.ID, p.ID, people.Manager)
	if !manages() {
		t.Fatal("a manager of Top manages Sub")
	}
	db.SetRole(sys, top.ID, p.ID, people.Member)
	if manages() {
		t.Fatal("a member of Top no longer manages Sub")
	}
}
