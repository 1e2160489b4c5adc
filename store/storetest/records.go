package storetest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/ledger"
	"github.com/wayfare-org/wayfare/management"
	"github.com/wayfare-org/wayfare/people"
)

func testDecisionsAreRecords(t *testing.T, o *org) {
	p := o.pitch(t, o.eng, o.exec, leadership.Proposal, 10)
	// Rule 6: management may decide at any time, before the tickets wanted.
	first, err := o.db.Decide(as(o.ceo), p.ID, management.NewDecision{Outcome: management.Defer, Method: management.Consultative,
		Rationale: "Revisit after the budget.", RevisitOn: "2099-01-01"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := decide(o, o.ceo, p.ID, management.Adopt); code(err) != wayfare.ECONFLICT {
		t.Fatalf("second decision without supersedes: %v", err)
	}
	second, err := o.db.Decide(as(o.ceo), p.ID, management.NewDecision{Outcome: management.Adopt, Method: management.Vote,
		Rationale: "The vote carried.", Supersedes: &first.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.db.Decide(as(o.ceo), p.ID, management.NewDecision{Outcome: management.Decline, Method: management.Directive,
		Rationale: "x", Supersedes: &first.ID}); code(err) != wayfare.ECONFLICT {
		t.Fatalf("superseding a decision no longer in force: %v", err)
	}
	ds, err := o.db.Decisions(context.Background(), p.ID)
	if err != nil || len(ds) != 2 {
		t.Fatalf("decisions = %d, %v", len(ds), err)
	}
	if ds[0].ID != second.ID || *ds[0].Supersedes != first.ID || ds[1].Rationale != "Revisit after the budget." || ds[1].RevisitOn != "2099-01-01" {
		t.Fatalf("history = %+v %+v", ds[0], ds[1])
	}
	got, _ := o.db.Pitch(context.Background(), p.ID)
	if got.Status != leadership.Adopted || *got.DecisionID != second.ID || got.JourneyID == nil {
		t.Fatalf("pitch after supersession = %+v", got)
	}
	// Declining later abandons the journey that the adoption started.
	if _, err := o.db.Decide(as(o.ceo), p.ID, management.NewDecision{Outcome: management.Decline, Method: management.Directive,
		Rationale: "Priorities changed.", Supersedes: &second.ID}); err != nil {
		t.Fatal(err)
	}
	j, _ := o.db.Journey(context.Background(), *got.JourneyID)
	if j.Status != management.Abandoned {
		t.Fatalf("journey after decline = %s", j.Status)
	}
}

func testConcurrentDecisions(t *testing.T, o *org) {
	p := o.pitch(t, o.eng, o.exec, leadership.Proposal, 1)
	var wins, conflicts atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			_, err := decide(o, o.ceo, p.ID, management.Adopt)
			switch code(err) {
			case "":
				wins.Add(1)
			case wayfare.ECONFLICT:
				conflicts.Add(1)
			default:
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if wins.Load() != 1 || conflicts.Load() != 19 {
		t.Fatalf("wins %d conflicts %d, want 1 and 19", wins.Load(), conflicts.Load())
	}
	if n := countActs(t, o, ledger.DecisionMade, p.ID); n != 1 {
		t.Fatalf("decision.made acts = %d", n)
	}
}

func testEvidence(t *testing.T, o *org) {
	v := 12.5
	p, err := o.db.Publish(as(o.eng), leadership.NewPitch{GroupID: o.exec, Kind: leadership.Proposal, Title: "Cut build time",
		StatusQuo: "Builds take 20 minutes.", BetterWay: "Cache dependencies.", TicketsWanted: 3,
		Evidence: []leadership.Evidence{
			{Kind: leadership.DataPoint, Label: "Median build", Value: &v, Unit: "minutes", Source: "CI dashboard"},
			{Kind: leadership.Experiment, Label: "Cached for a week: 4 minutes"},
			{Kind: leadership.Testimonial, Label: "It saved my afternoon", Source: "A teammate"},
		}})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := o.db.Pitch(context.Background(), p.ID)
	if len(got.Evidence) != 3 || *got.Evidence[0].Value != 12.5 || got.Evidence[0].Unit != "minutes" ||
		got.Evidence[1].Kind != leadership.Experiment || got.Evidence[2].Source != "A teammate" {
		t.Fatalf("evidence = %+v", got.Evidence)
	}
	list, _ := o.db.Pitches(context.Background(), leadership.PitchFilter{GroupID: o.exec})
	if len(list) != 1 || len(list[0].Evidence) != 3 {
		t.Fatalf("evidence in lists: %+v", list)
	}
	found, _ := o.db.Pitches(context.Background(), leadership.PitchFilter{Query: "cache depend"})
	if len(found) != 1 || found[0].ID != p.ID {
		t.Fatalf("full-text search found %d", len(found))
	}
}

func testBottomUpVisible(t *testing.T, o *org) {
	tests := []struct {
		author, group wayfare.ID
		want          people.Origin
	}{
		{o.eng, o.exec, people.Origin{Relation: people.Below, Levels: 3}},           // member through engineering
		{o.rep, o.exec, people.Origin{Relation: people.Outside, Levels: 1}},         // sales is not under exec
		{o.ceo, o.engineering, people.Origin{Relation: people.Outside, Levels: -2}}, // not a member below
		{o.lead, o.engineering, people.Origin{Relation: people.Peer, Levels: 0}},
		{o.vp, o.exec, people.Origin{Relation: people.Below, Levels: 1}},
	}
	for _, tt := range tests {
		p := o.pitch(t, tt.author, tt.group, leadership.Proposal, 1)
		if p.Origin != tt.want {
			t.Errorf("author %s to group %s: origin %+v, want %+v", tt.author, tt.group, p.Origin, tt.want)
		}
		got, _ := o.db.Pitch(context.Background(), p.ID)
		if got.Origin != tt.want {
			t.Errorf("stored origin %+v, want %+v", got.Origin, tt.want)
		}
	}
}

func testMerge(t *testing.T, o *org) {
	a := o.pitch(t, o.eng, o.exec, leadership.Proposal, 5)
	b := o.pitch(t, o.vp, o.exec, leadership.Proposal, 5)
	for _, who := range []wayfare.ID{o.vp, o.rep} {
		o.db.BuyTicket(as(who), a.ID)
	}
	o.db.BuyTicket(as(o.rep), b.ID)
	_, err := o.db.Decide(as(o.ceo), a.ID, management.NewDecision{Outcome: management.Merge, Method: management.Directive,
		Rationale: "Same idea.", MergeInto: &b.ID})
	if err != nil {
		t.Fatal(err)
	}
	ga, _ := o.db.Pitch(context.Background(), a.ID)
	gb, _ := o.db.Pitch(context.Background(), b.ID)
	if ga.Status != leadership.Merged || ga.TicketsSold != 0 || *ga.MergedInto != b.ID || gb.TicketsSold != 2 {
		t.Fatalf("after merge: a %s/%d, b %d", ga.Status, ga.TicketsSold, gb.TicketsSold)
	}
	if _, err := o.db.Decide(as(o.ceo), b.ID, management.NewDecision{Outcome: management.Merge, Method: management.Directive,
		Rationale: "x", MergeInto: &b.ID}); code(err) != wayfare.EINVALID {
		t.Fatalf("merge into itself: %v", err)
	}
	if _, err := o.db.Decide(as(o.ceo), b.ID, management.NewDecision{Outcome: management.Merge, Method: management.Directive,
		Rationale: "x", MergeInto: &a.ID}); code(err) != wayfare.ECONFLICT {
		t.Fatalf("merge into a merged pitch: %v", err)
	}
}

// testMergeIntoManagedOnly: a manager of one group may not merge into
// another group's pitch and so add riders to its journey.
func testMergeIntoManagedOnly(t *testing.T, o *org) {
	theirs := o.pitch(t, o.rep, o.sales, leadership.Proposal, 1)
	adopted, err := decide(o, o.rep, theirs.ID, management.Adopt)
	if err != nil {
		t.Fatal(err)
	}
	mine := o.pitch(t, o.eng, o.engineering, leadership.Proposal, 1)
	o.db.BuyTicket(as(o.vp), mine.ID)
	merge := management.NewDecision{Outcome: management.Merge, Method: management.Directive, Rationale: "Same idea.", MergeInto: &theirs.ID}
	if _, err := o.db.Decide(as(o.lead), mine.ID, merge); ruleOf(err) != management.RuleMergeManaged || code(err) != wayfare.EFORBIDDEN {
		t.Fatalf("merging into another group's pitch: %v", err)
	}
	if j, err := o.db.Journey(context.Background(), *adopted.JourneyID); err != nil || len(j.Riders) != 0 {
		t.Fatalf("the refused merge added riders: %+v %v", j, err)
	}
	if got, _ := o.db.Pitch(context.Background(), mine.ID); got.Status != leadership.Selling || got.TicketsSold != 1 {
		t.Fatalf("the refused merge changed the pitch: %s/%d", got.Status, got.TicketsSold)
	}
	into := o.pitch(t, o.vp, o.engineering, leadership.Proposal, 1)
	if _, err := o.db.Decide(as(o.ceo), mine.ID, management.NewDecision{Outcome: management.Merge, Method: management.Directive,
		Rationale: "Same idea.", MergeInto: &into.ID}); err != nil {
		t.Fatalf("a manager of an ancestor merging within its groups: %v", err)
	}
}

func testDoubts(t *testing.T, o *org) {
	p := o.pitch(t, o.eng, o.exec, leadership.Proposal, 1)
	riders := o.crowd(t, 8)
	for _, r := range riders {
		if _, _, err := o.db.BuyTicket(as(r), p.ID); err != nil {
			t.Fatal(err)
		}
	}
	j := mustJourney(t, o, p.ID)
	if j.RiderCount != 8 || len(j.Riders) != 8 {
		t.Fatalf("riders = %d", j.RiderCount)
	}
	if _, _, err := o.db.RaiseDoubt(as(o.rep), j.ID, management.NewDoubt{}); code(err) != wayfare.EFORBIDDEN {
		t.Fatalf("non-rider doubting: %v", err)
	}
	o.db.Depart(as(o.ceo), j.ID)
	first, created, _ := o.db.RaiseDoubt(as(riders[0]), j.ID, management.NewDoubt{Note: "Why?"})
	again, createdAgain, err := o.db.RaiseDoubt(as(riders[0]), j.ID, management.NewDoubt{Note: "Why, again?"})
	if err != nil || again.ID != first.ID || !created || createdAgain {
		t.Fatalf("a repeated doubt must return the open one: %v", err)
	}
	if got, _ := o.db.Journey(context.Background(), j.ID); got.NeedsLeadership {
		t.Fatal("1 of 8 doubting must not pass the 25 % threshold")
	}
	o.db.RaiseDoubt(as(riders[1]), j.ID, management.NewDoubt{})
	got, _ := o.db.Journey(context.Background(), j.ID)
	if !got.NeedsLeadership || got.OpenDoubts != 2 {
		t.Fatalf("2 of 8 doubting: needs %v, open %d", got.NeedsLeadership, got.OpenDoubts)
	}
	if err := o.db.Leave(as(riders[1]), j.ID); err != nil {
		t.Fatal(err)
	}
	if err := o.db.Reconfirm(as(riders[0]), j.ID); err != nil {
		t.Fatal(err)
	}
	got, _ = o.db.Journey(context.Background(), j.ID)
	if got.NeedsLeadership || got.OpenDoubts != 0 || got.RiderCount != 7 || got.Doubts[0].Resolution != "left" || got.Doubts[1].Resolution != "reconfirmed" {
		t.Fatalf("after leave and reconfirm: %+v", got)
	}
	if _, err := o.db.Repitch(as(o.rep), j.ID, leadership.NewRepitch{Message: "The pilot team shipped twice as often."}); err != nil {
		t.Fatal(err)
	}
	o.db.End(as(o.ceo), j.ID, management.Arrived, management.Ending{Review: "Done."})
	if _, _, err := o.db.RaiseDoubt(as(riders[2]), j.ID, management.NewDoubt{}); code(err) != wayfare.ECONFLICT {
		t.Fatalf("doubting an arrived journey: %v", err)
	}
	if _, err := o.db.Repitch(as(o.rep), j.ID, leadership.NewRepitch{Message: "x"}); code(err) != wayfare.ECONFLICT {
		t.Fatalf("re-pitching an arrived journey: %v", err)
	}
}

func testNothingHalfWritten(t *testing.T, o *org) {
	before, _ := o.db.Acts(context.Background(), ledger.Filter{})
	_, err := o.db.Publish(as(o.eng), leadership.NewPitch{GroupID: 999999, Kind: leadership.Proposal, Title: "Orphan",
		StatusQuo: "a", BetterWay: "b", TicketsWanted: 1})
	if code(err) != wayfare.ENOTFOUND {
		t.Fatalf("pitch to an unknown group: %v", err)
	}
	p := o.pitch(t, o.eng, o.exec, leadership.Proposal, 1)
	if _, err := decide(o, o.vp, p.ID, management.Adopt); code(err) != wayfare.EFORBIDDEN {
		t.Fatal(err)
	}
	after, _ := o.db.Acts(context.Background(), ledger.Filter{})
	if len(after) != len(before)+1 || after[0].Verb != ledger.PitchPublished {
		t.Fatalf("refused writes left acts behind: %d → %d", len(before), len(after))
	}
	if ds, _ := o.db.Decisions(context.Background(), p.ID); len(ds) != 0 {
		t.Fatal("a refused decision was stored")
	}
	if list, _ := o.db.Pitches(context.Background(), leadership.PitchFilter{}); len(list) != 1 {
		t.Fatalf("pitches = %d, want 1", len(list))
	}
}

func testPagination(t *testing.T, o *org) {
	for range 7 {
		o.pitch(t, o.eng, o.exec, leadership.Proposal, 1)
	}
	var seen []wayfare.ID
	page := wayfare.Page{Limit: 3}
	for {
		items, err := o.db.Pitches(context.Background(), leadership.PitchFilter{Page: page})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range items {
			seen = append(seen, p.ID)
		}
		if len(items) < page.Limit {
			break
		}
		page.Cursor = items[len(items)-1].ID
	}
	if len(seen) != 7 {
		t.Fatalf("paged through %d pitches, want 7", len(seen))
	}
	for i := 1; i < len(seen); i++ {
		if seen[i] >= seen[i-1] {
			t.Fatalf("not newest first: %v", seen)
		}
	}
}

func testEmailRedaction(t *testing.T, o *org) {
	p, _ := o.db.Person(as(o.vp), o.ceo)
	if p.Email != "" {
		t.Fatal("a colleague must not see e-mail addresses")
	}
	p, _ = o.db.Person(as(o.vp), o.vp)
	if p.Email != "vp@example.test" || p.Level != 1 {
		t.Fatalf("own record: %+v", p)
	}
	p, _ = o.db.Person(asAdmin(o.admin), o.ceo)
	if p.Email != "ceo@example.test" || len(p.Groups) != 1 || p.Groups[0].Role != people.Manager {
		t.Fatalf("admin's view: %+v", p)
	}
	g, _ := o.db.Group(context.Background(), o.engineering)
	if len(g.Managers) != 1 || g.Managers[0].PersonID != o.lead || len(g.Members) != 2 || *g.ParentID != o.exec {
		t.Fatalf("group: %+v", g)
	}
}

func testTokens(t *testing.T, o *org) {
	tok, err := o.db.CreateToken(system(), o.eng, people.NewToken{Name: "laptop"})
	if err != nil || !strings.HasPrefix(tok.Token, "wf_") {
		t.Fatalf("token %+v, %v", tok, err)
	}
	a, err := o.db.Authenticate(context.Background(), tok.Token)
	if err != nil || a.PersonID != o.eng || a.Admin {
		t.Fatalf("actor %+v, %v", a, err)
	}
	if _, err := o.db.Authenticate(context.Background(), tok.Token+"x"); code(err) != wayfare.EUNAUTHORIZED {
		t.Fatalf("wrong token: %v", err)
	}
	if _, err := o.db.CreateToken(as(o.vp), o.eng, people.NewToken{Name: "x"}); code(err) != wayfare.EFORBIDDEN {
		t.Fatalf("token for someone else: %v", err)
	}
}

func testPersonalLists(t *testing.T, o *org) {
	toExec := o.pitch(t, o.eng, o.exec, leadership.Proposal, 1)
	toEng := o.pitch(t, o.rep, o.engineering, leadership.Proposal, 1)
	toSales := o.pitch(t, o.vp, o.sales, leadership.Proposal, 1)
	o.db.BuyTicket(as(o.vp), toEng.ID)
	ids := func(f leadership.PitchFilter) []wayfare.ID {
		t.Helper()
		list, err := o.db.Pitches(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		var out []wayfare.ID
		for _, p := range list {
			out = append(out, p.ID)
		}
		return out
	}
	same := func(name string, got []wayfare.ID, want ...wayfare.ID) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: %v, want %v", name, got, want)
		}
	}
	same("in the eng's groups", ids(leadership.PitchFilter{MemberOf: o.eng}), toEng.ID)
	same("held by the vp", ids(leadership.PitchFilter{HeldBy: o.vp}), toEng.ID)
	// The ceo manages exec and, from above, engineering.
	same("awaiting the ceo", ids(leadership.PitchFilter{AwaitingDecisionBy: o.ceo}), toEng.ID, toExec.ID)
	same("awaiting the lead", ids(leadership.PitchFilter{AwaitingDecisionBy: o.lead}), toEng.ID)
	same("awaiting the rep", ids(leadership.PitchFilter{AwaitingDecisionBy: o.rep}), toSales.ID)
	j := mustJourney(t, o, toEng.ID)
	o.db.NameDriver(as(o.ceo), j.ID, o.lead)
	rides, _ := o.db.Journeys(context.Background(), management.JourneyFilter{RiderID: o.vp})
	drives, _ := o.db.Journeys(context.Background(), management.JourneyFilter{DriverID: o.lead})
	if len(rides) != 1 || len(drives) != 1 || rides[0].ID != j.ID || drives[0].ID != j.ID {
		t.Fatalf("rides %v drives %v", rides, drives)
	}
	same("awaiting the ceo after the decision", ids(leadership.PitchFilter{AwaitingDecisionBy: o.ceo}), toExec.ID)
	// Someone high up manages many groups: the same answer by another path.
	var last *leadership.Pitch
	for i := range 20 {
		g, err := o.db.CreateGroup(system(), people.NewGroup{Name: fmt.Sprintf("Team %d", i)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := o.db.SetRole(system(), g.ID, o.rep, people.Manager); err != nil {
			t.Fatal(err)
		}
		last = o.pitch(t, o.eng, g.ID, leadership.Proposal, 1)
	}
	if got := ids(leadership.PitchFilter{AwaitingDecisionBy: o.rep, Page: wayfare.Page{Limit: 30}}); len(got) != 21 || got[0] != last.ID {
		t.Errorf("awaiting a manager of 21 groups: %d pitches", len(got))
	}
	s, err := o.db.Standing(as(o.lead), o.engineering, j.ID)
	if err != nil || management.CanDecide(s) != nil || management.CanDrive(s) != nil {
		t.Fatalf("the lead manages engineering: %+v %v", s, err)
	}
	s, _ = o.db.Standing(as(o.eng), o.engineering, j.ID)
	if management.CanDecide(s) == nil || management.CanDrive(s) == nil {
		t.Fatalf("the eng neither decides nor drives: %+v", s)
	}
}
