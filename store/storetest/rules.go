package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/ledger"
	"github.com/wayfare-org/wayfare/management"
	"github.com/wayfare-org/wayfare/people"
)

func decide(o *org, who wayfare.ID, pitch wayfare.ID, outcome management.Outcome) (*management.Decision, error) {
	return o.db.Decide(as(who), pitch, management.NewDecision{Outcome: outcome, Method: management.Directive, Rationale: "Decided."})
}

func mustJourney(t *testing.T, o *org, pitch wayfare.ID) *management.Journey {
	t.Helper()
	d, err := decide(o, o.ceo, pitch, management.Adopt)
	if err != nil {
		t.Fatal(err)
	}
	j, err := o.db.Journey(context.Background(), *d.JourneyID)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func testAnyoneMayLead(t *testing.T, o *org) {
	// rep is in sales only: pitching to engineering needs no membership.
	p := o.pitch(t, o.rep, o.engineering, leadership.Proposal, 1)
	if p.Status != leadership.Selling || p.Origin.Relation != people.Outside {
		t.Fatalf("outsider's pitch = %s %s", p.Status, p.Origin.Relation)
	}
	ex := o.pitch(t, o.eng, o.sales, leadership.Example, 3)
	if ex.Status != leadership.Showing {
		t.Fatalf("example status = %s, want showing", ex.Status)
	}
	if _, _, err := o.db.BuyTicket(as(o.rep), ex.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := decide(o, o.rep, ex.ID, management.Adopt); code(err) != wayfare.ECONFLICT {
		t.Fatalf("deciding an example: %v, want conflict", err)
	}
	if _, err := o.db.Publish(context.Background(), leadership.NewPitch{}); code(err) != wayfare.EUNAUTHORIZED {
		t.Fatalf("anonymous pitch: %v", err)
	}
}

func testLeadershipGrantsNothing(t *testing.T, o *org) {
	p := o.pitch(t, o.eng, o.exec, leadership.Proposal, 1)
	if _, err := decide(o, o.eng, p.ID, management.Adopt); code(err) != wayfare.EFORBIDDEN {
		t.Fatalf("author deciding: %v", err)
	}
	j := mustJourney(t, o, p.ID)
	if len(j.Drivers) != 0 {
		t.Fatalf("drivers = %v: neither the author nor the decider becomes a driver", j.Drivers)
	}
	if _, err := o.db.Depart(as(o.eng), j.ID); code(err) != wayfare.EFORBIDDEN {
		t.Fatalf("author departing: %v", err)
	}
	if err := o.db.NameDriver(as(o.eng), j.ID, o.eng); code(err) != wayfare.EFORBIDDEN {
		t.Fatalf("author naming herself driver: %v", err)
	}
}

func testOnlyManagementDecides(t *testing.T, o *org) {
	execPitch := o.pitch(t, o.eng, o.exec, leadership.Proposal, 1)
	engPitch := o.pitch(t, o.vp, o.engineering, leadership.Proposal, 1)
	refused := []struct {
		who   wayfare.ID
		pitch wayfare.ID
		why   string
	}{
		{o.vp, execPitch.ID, "a plain member of the target group"},
		{o.lead, execPitch.ID, "a manager of a child group does not manage the parent"},
		{o.rep, execPitch.ID, "a manager of another group"},
	}
	for _, r := range refused {
		_, err := decide(o, r.who, r.pitch, management.Adopt)
		if e, ok := wayfare.AsError(err); !ok || e.Code != wayfare.EFORBIDDEN || e.Rule != management.RuleOnlyManagement {
			t.Errorf("%s deciding: %v, want forbidden by %s", r.why, err, management.RuleOnlyManagement)
		}
	}
	if _, err := o.db.Decide(asAdmin(o.admin), execPitch.ID, management.NewDecision{Outcome: management.Adopt,
		Method: management.Directive, Rationale: "x"}); code(err) != wayfare.EFORBIDDEN {
		t.Errorf("admin deciding: %v, want forbidden", err)
	}
	// A manager of an ancestor group may decide for its descendants.
	d, err := decide(o, o.ceo, engPitch.ID, management.Adopt)
	if err != nil {
		t.Fatalf("ceo deciding for engineering: %v", err)
	}
	j := *d.JourneyID
	// A named driver runs the journey but does not decide.
	if err := o.db.NameDriver(as(o.lead), j, o.eng); err != nil {
		t.Fatal(err)
	}
	if _, err := o.db.AddStop(as(o.eng), j, management.NewStop{Title: "Pilot", DueOn: "2026-09-01"}); err != nil {
		t.Fatalf("driver adding a stop: %v", err)
	}
	progress := 10
	if _, err := o.db.Checkin(as(o.eng), j, management.NewCheckin{Progress: &progress, Confidence: management.OnTrack}); err != nil {
		t.Fatalf("driver checking in: %v", err)
	}
	if err := o.db.NameDriver(as(o.eng), j, o.vp); code(err) != wayfare.EFORBIDDEN {
		t.Fatalf("driver naming drivers: %v", err)
	}
	if _, err := o.db.Checkin(as(o.vp), j, management.NewCheckin{Progress: &progress, Confidence: management.OnTrack}); code(err) != wayfare.EFORBIDDEN {
		t.Fatalf("non-driver checking in: %v", err)
	}
	if _, err := o.db.Depart(as(o.eng), j); err != nil {
		t.Fatalf("driver departing: %v", err)
	}
	if _, err := o.db.End(as(o.eng), j, management.Arrived, management.Ending{Review: "Reached it."}); err != nil {
		t.Fatalf("driver arriving: %v", err)
	}
	if _, err := o.db.Depart(as(o.eng), j); code(err) != wayfare.ECONFLICT {
		t.Fatalf("departing an arrived journey: %v", err)
	}
}

func testAdminConfigures(t *testing.T, o *org) {
	if _, err := o.db.CreatePerson(as(o.ceo), people.NewPerson{Name: "X", Email: "x@example.test"}); code(err) != wayfare.EFORBIDDEN {
		t.Fatalf("non-admin creating a person: %v", err)
	}
	if _, err := o.db.CreatePerson(asAdmin(o.admin), people.NewPerson{Name: "X", Email: "ceo@example.test"}); code(err) != wayfare.ECONFLICT {
		t.Fatalf("taken e-mail: %v", err)
	}
	if _, err := o.db.CreateGroup(as(o.lead), people.NewGroup{Name: "Guild"}); code(err) != wayfare.EFORBIDDEN {
		t.Fatalf("non-admin creating a group: %v", err)
	}
	if _, err := o.db.SetRole(as(o.lead), o.engineering, o.rep, people.Member); err != nil {
		t.Fatalf("manager adding a member: %v", err)
	}
	if _, err := o.db.SetRole(as(o.lead), o.sales, o.eng, people.Manager); code(err) != wayfare.EFORBIDDEN {
		t.Fatalf("manager setting roles in another group: %v", err)
	}
	if _, err := o.db.SetRole(asAdmin(o.admin), o.sales, o.eng, people.Manager); err != nil {
		t.Fatalf("admin setting a role: %v", err)
	}
}

func testActsDeclareFunction(t *testing.T, o *org) {
	p := o.pitch(t, o.eng, o.exec, leadership.Proposal, 1)
	o.db.BuyTicket(as(o.vp), p.ID)
	mustJourney(t, o, p.ID)
	acts, err := o.db.Acts(context.Background(), ledger.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		verb string
		f    wayfare.Function
		who  wayfare.ID
	}{
		{ledger.DecisionMade, wayfare.Management, o.ceo},
		{ledger.TicketBought, wayfare.Follower, o.vp},
		{ledger.PitchPublished, wayfare.Leadership, o.eng},
	}
	for i, w := range want {
		a := acts[i]
		if a.Verb != w.verb || a.Function != w.f || a.PersonID != w.who || a.SubjectID != p.ID || a.GroupID != o.exec {
			t.Errorf("act %d = %+v, want %s/%s by %s", i, a, w.verb, w.f, w.who)
		}
	}
	for _, f := range []wayfare.Function{wayfare.Leadership, wayfare.Management, wayfare.Follower} {
		acts, err := o.db.Acts(context.Background(), ledger.Filter{Function: f, GroupID: o.exec})
		if err != nil || len(acts) != 1 || acts[0].Function != f {
			t.Errorf("filter %s: %d acts, %v", f, len(acts), err)
		}
	}
}

func testTicketsHonest(t *testing.T, o *org) {
	p := o.pitch(t, o.eng, o.exec, leadership.Proposal, 5)
	if _, created, err := o.db.BuyTicket(as(o.vp), p.ID); err != nil || !created {
		t.Fatalf("first purchase: %v %v", created, err)
	}
	if _, created, err := o.db.BuyTicket(as(o.vp), p.ID); err != nil || created {
		t.Fatalf("second purchase: %v %v, want an idempotent answer", created, err)
	}
	if err := o.db.RefundTicket(as(o.vp), p.ID); err != nil {
		t.Fatal(err)
	}
	if err := o.db.RefundTicket(as(o.vp), p.ID); code(err) != wayfare.ENOTFOUND {
		t.Fatalf("second refund: %v", err)
	}
	if got := sold(t, o, p.ID); got != 0 {
		t.Fatalf("sold after refund = %d", got)
	}
	bought := countActs(t, o, ledger.TicketBought, p.ID)
	refunded := countActs(t, o, ledger.TicketRefunded, p.ID)
	if bought != 1 || refunded != 1 {
		t.Fatalf("acts: %d bought, %d refunded; an idempotent repeat records nothing", bought, refunded)
	}
	if _, _, err := o.db.BuyTicket(as(o.vp), 999999); code(err) != wayfare.ENOTFOUND {
		t.Fatalf("unknown pitch: %v", err)
	}
	if _, _, err := o.db.BuyTicket(context.Background(), p.ID); code(err) != wayfare.EUNAUTHORIZED {
		t.Fatalf("anonymous purchase: %v", err)
	}
}

func testConcurrentPurchases(t *testing.T, o *org) {
	p := o.pitch(t, o.eng, o.exec, leadership.Proposal, 50)
	var wg sync.WaitGroup
	for range 100 {
		wg.Go(func() {
			if _, _, err := o.db.BuyTicket(as(o.vp), p.ID); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	buyers := o.crowd(t, 200)
	for _, b := range buyers {
		wg.Go(func() {
			if _, created, err := o.db.BuyTicket(as(b), p.ID); err != nil || !created {
				t.Error(created, err)
			}
		})
	}
	wg.Wait()
	if got := sold(t, o, p.ID); got != 201 {
		t.Fatalf("sold = %d, want 201 (one per person)", got)
	}
	if got := countActs(t, o, ledger.TicketBought, p.ID); got != 201 {
		t.Fatalf("ticket.bought acts = %d, want 201", got)
	}
	holders, err := o.db.Holders(system(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := append([]wayfare.ID{o.vp}, buyers...)
	slices.Sort(want)
	if !slices.Equal(holders, want) {
		t.Fatalf("holders: %d of them, want the %d buyers in the order of their ids", len(holders), len(want))
	}
	other := o.pitch(t, o.eng, o.exec, leadership.Proposal, 5)
	counts, err := o.db.TicketsSold(system(), []wayfare.ID{p.ID, other.ID, 999_999})
	if err != nil || len(counts) != 2 || counts[p.ID] != 201 || counts[other.ID] != 0 {
		t.Fatalf("tickets sold of the pitch, a new one and none: %v %v", counts, err)
	}
}

// crowd adds n people to engineering.
func (o *org) crowd(t *testing.T, n int) []wayfare.ID {
	t.Helper()
	ids := make([]wayfare.ID, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			p, err := o.db.CreatePerson(system(), people.NewPerson{Name: fmt.Sprintf("Person %d", i),
				Email: fmt.Sprintf("p%d@example.test", i), ManagerID: &o.lead})
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = p.ID
		})
	}
	wg.Wait()
	return ids
}

func sold(t *testing.T, o *org, pitch wayfare.ID) int {
	t.Helper()
	p, err := o.db.Pitch(context.Background(), pitch)
	if err != nil {
		t.Fatal(err)
	}
	return p.TicketsSold
}

func countActs(t *testing.T, o *org, verb string, subject wayfare.ID) int {
	t.Helper()
	acts, err := o.db.Acts(context.Background(), ledger.Filter{Verb: verb, Page: wayfare.Page{Limit: wayfare.MaxLimit}})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, a := range acts {
		if a.SubjectID == subject {
			n++
		}
	}
	return n
}

// testPitchesExcept: a list leaves out the pitches it is asked to, and
// still fills its page.
func testPitchesExcept(t *testing.T, o *org) {
	var ids []wayfare.ID
	for range 4 {
		ids = append(ids, o.pitch(t, o.eng, o.exec, leadership.Proposal, 1).ID)
	}
	got, err := o.db.Pitches(context.Background(), leadership.PitchFilter{GroupID: o.exec, Except: ids[2:], Page: wayfare.Page{Limit: 2}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != ids[1] || got[1].ID != ids[0] {
		t.Errorf("leaving out the newest two: %v, want the two before them", got)
	}
}
