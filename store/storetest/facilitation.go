package storetest

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/ledger"
	"github.com/wayfare-org/wayfare/management"
	"github.com/wayfare-org/wayfare/people"
)

func (o *org) session(t *testing.T, anonymous bool, votes int) *management.Session {
	t.Helper()
	s, err := o.db.OpenSession(as(o.lead), management.NewSession{GroupID: o.engineering, Prompt: "How do we cut review time?",
		Anonymous: anonymous, VotesPerPerson: votes})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (o *org) idea(t *testing.T, who, session wayfare.ID, text string) *management.Idea {
	t.Helper()
	i, err := o.db.PostIdea(as(who), session, management.NewIdea{Text: text})
	if err != nil {
		t.Fatal(err)
	}
	return i
}

func (o *org) move(t *testing.T, session wayfare.ID, to management.Phase) {
	t.Helper()
	if _, err := o.db.MovePhase(as(o.lead), session, to); err != nil {
		t.Fatal(err)
	}
}

func ruleOf(err error) string {
	if e, ok := wayfare.AsError(err); ok {
		return e.Rule
	}
	return ""
}

func testSessionPhases(t *testing.T, o *org) {
	in := management.NewSession{GroupID: o.engineering, Prompt: "Ideas?", VotesPerPerson: 3}
	for who, why := range map[wayfare.ID]string{o.eng: "a member", o.rep: "a manager of another group", o.admin: "an admin"} {
		ctx := as(who)
		if who == o.admin {
			ctx = asAdmin(who)
		}
		if _, err := o.db.OpenSession(ctx, in); code(err) != wayfare.EFORBIDDEN || ruleOf(err) != management.RuleOnlyFacilitator {
			t.Errorf("%s opening a session: %v", why, err)
		}
	}
	// The CEO manages exec, above engineering, and names eng facilitator.
	in.FacilitatorID = &o.eng
	named, err := o.db.OpenSession(as(o.ceo), in)
	if err != nil || named.FacilitatorID != o.eng {
		t.Fatalf("a session with a named facilitator: %+v %v", named, err)
	}
	if _, err := o.db.MovePhase(as(o.eng), named.ID, management.Clusters); err != nil {
		t.Errorf("the named facilitator moving the phase: %v", err)
	}
	s := o.session(t, false, 3)
	if _, err := o.db.MovePhase(as(o.eng), s.ID, management.Clusters); code(err) != wayfare.EFORBIDDEN {
		t.Errorf("a member moving the phase: %v", err)
	}
	if _, err := o.db.PostIdea(as(o.rep), s.ID, management.NewIdea{Text: "Outsider idea"}); ruleOf(err) != management.RuleMembersOnly {
		t.Errorf("a non-member posting an idea: %v", err)
	}
	a := o.idea(t, o.eng, s.ID, "Review in pairs")
	b := o.idea(t, o.lead, s.ID, "Smaller changes")
	if _, err := o.db.CastVote(as(o.eng), s.ID, management.NewVote{IdeaID: &a.ID}); ruleOf(err) != management.RuleWrongPhase {
		t.Errorf("voting during ideas: %v", err)
	}
	if _, err := o.db.MakeCluster(as(o.lead), s.ID, management.NewCluster{Title: "Flow", IdeaIDs: []wayfare.ID{a.ID}}); ruleOf(err) != management.RuleWrongPhase {
		t.Errorf("clustering during ideas: %v", err)
	}
	o.move(t, s.ID, management.Clusters)
	if _, err := o.db.PostIdea(as(o.eng), s.ID, management.NewIdea{Text: "Late idea"}); ruleOf(err) != management.RuleWrongPhase {
		t.Errorf("an idea during clusters: %v", err)
	}
	if _, err := o.db.MakeCluster(as(o.eng), s.ID, management.NewCluster{Title: "Flow", IdeaIDs: []wayfare.ID{a.ID}}); code(err) != wayfare.EFORBIDDEN {
		t.Errorf("a member clustering: %v", err)
	}
	c, err := o.db.MakeCluster(as(o.lead), s.ID, management.NewCluster{Title: "Flow", IdeaIDs: []wayfare.ID{a.ID, b.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.db.MakeCluster(as(o.lead), s.ID, management.NewCluster{Title: "Again", IdeaIDs: []wayfare.ID{a.ID}}); code(err) != wayfare.ECONFLICT {
		t.Errorf("an idea in two clusters: %v", err)
	}
	o.move(t, s.ID, management.Votes)
	if _, err := o.db.MovePhase(as(o.lead), s.ID, management.Ideas); code(err) != wayfare.ECONFLICT || ruleOf(err) != management.RulePhaseForward {
		t.Errorf("moving back: %v", err)
	}
	if _, err := o.db.CastVote(as(o.eng), s.ID, management.NewVote{ClusterID: &c.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := o.db.CastVote(as(o.eng), s.ID, management.NewVote{IdeaID: &b.ID}); err != nil {
		t.Fatal(err)
	}
	o.move(t, s.ID, management.Results)
	d, err := o.db.Session(as(o.vp), s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Results) != 1 || d.Results[0].Votes != 2 || d.Results[0].Kind != "cluster" || d.Clusters[0].Votes != 1 {
		t.Fatalf("results = %+v, clusters = %+v", d.Results, d.Clusters)
	}
	acts, err := o.db.Acts(context.Background(), ledger.Filter{Function: wayfare.Management, Verb: ledger.SessionMoved})
	if err != nil || len(acts) != 4 || acts[0].PersonID != o.lead || acts[0].SubjectKind != "session" {
		t.Fatalf("session.moved acts: %d %v", len(acts), err)
	}
	list, err := o.db.ListSessions(context.Background(), management.SessionFilter{GroupID: o.engineering})
	if err != nil || len(list) != 2 || list[0].ID != s.ID || list[0].IdeaCount != 2 {
		t.Fatalf("sessions = %+v %v", list, err)
	}
}

func testAnonymousSession(t *testing.T, o *org) {
	s := o.session(t, true, 2)
	mine := o.idea(t, o.eng, s.ID, "Blameless reviews")
	if mine.AuthorID != nil {
		t.Fatal("an anonymous idea's answer names its author")
	}
	if mine.ClaimToken == "" {
		t.Fatal("the author of an anonymous idea gets no claim token")
	}
	if d, err := o.db.Session(as(o.eng), s.ID); err != nil || d.Ideas[0].Mine {
		t.Fatalf("an anonymous idea is the reader's without its claim token: %v", err)
	}
	for _, reader := range []wayfare.ID{o.lead, o.ceo, o.vp, o.eng} {
		// Everyone shows the token: it claims the idea for its author only.
		d, err := o.db.Session(management.WithClaims(as(reader), []string{mine.ClaimToken}), s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d.Ideas[0].AuthorID != nil {
			t.Errorf("reader %s learns the author of an anonymous idea", reader)
		}
		if d.Ideas[0].Mine != (reader == o.eng) {
			t.Errorf("reader %s: mine = %v", reader, d.Ideas[0].Mine)
		}
	}
	acts, err := o.db.Acts(context.Background(), ledger.Filter{Verb: ledger.IdeaPosted})
	if err != nil || len(acts) != 1 {
		t.Fatalf("idea.posted acts: %d %v", len(acts), err)
	}
	if acts[0].PersonID != 0 || acts[0].Function != wayfare.Follower {
		t.Errorf("the ledger names the author of an anonymous idea: %+v", acts[0])
	}
	if acts, _ := o.db.Acts(context.Background(), ledger.Filter{PersonID: o.eng}); len(acts) != 0 {
		t.Errorf("the author's acts show the anonymous idea: %+v", acts[0])
	}
	open := o.session(t, false, 2)
	named := o.idea(t, o.eng, open.ID, "Named idea")
	if named.AuthorID == nil || *named.AuthorID != o.eng || named.ClaimToken != "" {
		t.Fatal("an idea in an open session names its author and needs no claim")
	}
}

func testConcurrentVotes(t *testing.T, o *org) {
	s := o.session(t, false, 3)
	i := o.idea(t, o.eng, s.ID, "Review in pairs")
	o.move(t, s.ID, management.Votes)
	var ok, refused atomic.Int32
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			_, err := o.db.CastVote(as(o.eng), s.ID, management.NewVote{IdeaID: &i.ID})
			switch {
			case err == nil:
				ok.Add(1)
			case ruleOf(err) == management.RuleVotesPerPerson:
				refused.Add(1)
			default:
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if ok.Load() != 3 || refused.Load() != 47 {
		t.Fatalf("%d votes accepted, %d refused; want 3 and 47", ok.Load(), refused.Load())
	}
	d, err := o.db.Session(as(o.eng), s.ID)
	if err != nil || d.Ideas[0].Votes != 3 || d.VotesLeft != 0 {
		t.Fatalf("after the rush: %+v %v", d, err)
	}
	if n := countActs(t, o, ledger.VoteCast, s.ID); n != 3 {
		t.Fatalf("vote.cast acts = %d", n)
	}
}

func testIdeaBecomesPitch(t *testing.T, o *org) {
	s := o.session(t, true, 2)
	i := o.idea(t, o.eng, s.ID, "Review in pairs")
	in := management.IdeaPitch{StatusQuo: "Reviews wait a day.", BetterWay: "Pair for the review."}
	if _, err := o.db.PitchIdea(as(o.eng), s.ID, i.ID, in); ruleOf(err) != management.RuleAuthorPitches {
		t.Fatalf("the author pitching an anonymous idea without its claim token: %v", err)
	}
	in.ClaimToken = i.ClaimToken
	if _, err := o.db.PitchIdea(as(o.lead), s.ID, i.ID, in); ruleOf(err) != management.RuleAuthorPitches {
		t.Fatalf("the facilitator pitching another's idea with its token: %v", err)
	}
	if _, err := o.db.PitchIdea(as(o.eng), s.ID, i.ID, management.IdeaPitch{StatusQuo: "x", ClaimToken: i.ClaimToken}); code(err) != wayfare.EINVALID {
		t.Fatalf("a pitch without its better way: %v", err)
	}
	p, err := o.db.PitchIdea(as(o.eng), s.ID, i.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if p.AuthorID != o.eng || p.Title != "Review in pairs" || p.SessionID == nil || *p.SessionID != s.ID ||
		p.GroupID != o.engineering || p.Status != leadership.Selling {
		t.Fatalf("pitch = %+v", p)
	}
	if _, err := o.db.PitchIdea(as(o.eng), s.ID, i.ID, in); ruleOf(err) != management.RuleIdeaPitched {
		t.Fatalf("pitching twice: %v", err)
	}
	d, _ := o.db.Session(as(o.lead), s.ID)
	if d.Ideas[0].PitchID == nil || *d.Ideas[0].PitchID != p.ID {
		t.Fatal("the idea must link its pitch")
	}
	if n := countActs(t, o, ledger.PitchPublished, p.ID); n != 1 {
		t.Fatalf("pitch.published acts = %d", n)
	}
}

func (o *org) round(t *testing.T, p wayfare.ID, m management.RoundMethod) *management.Round {
	t.Helper()
	r, err := o.db.OpenRound(as(o.lead), p, management.NewRound{Method: m, ClosesAt: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func testConsentRound(t *testing.T, o *org) {
	p := o.pitch(t, o.vp, o.engineering, leadership.Proposal, 1)
	if _, err := o.db.OpenRound(as(o.eng), p.ID, management.NewRound{Method: management.ConsentRound,
		ClosesAt: time.Now().Add(time.Hour)}); ruleOf(err) != management.RuleOnlyManagement {
		t.Fatalf("a member opening a round: %v", err)
	}
	r := o.round(t, p.ID, management.ConsentRound)
	if _, err := o.db.OpenRound(as(o.lead), p.ID, management.NewRound{Method: management.VoteRound,
		ClosesAt: time.Now().Add(time.Hour)}); ruleOf(err) != management.RuleOneRound {
		t.Fatalf("a second open round: %v", err)
	}
	if _, _, err := o.db.Respond(as(o.rep), r.ID, management.NewResponse{Objection: "Not mine to say."}); ruleOf(err) != management.RuleMembersOnly {
		t.Fatalf("a non-member answering: %v", err)
	}
	awaiting := func(who wayfare.ID) bool {
		t.Helper()
		rs, err := o.db.RoundsAwaiting(system(), who, 10)
		if err != nil {
			t.Fatal(err)
		}
		return len(rs) == 1 && rs[0].ID == r.ID
	}
	if !awaiting(o.eng) || awaiting(o.rep) {
		t.Fatal("the round waits for engineering's members, not for sales")
	}
	yes := true
	if _, created, err := o.db.Respond(as(o.lead), r.ID, management.NewResponse{Consent: &yes}); err != nil || !created {
		t.Fatal(created, err)
	}
	if _, _, err := o.db.Respond(as(o.eng), r.ID, management.NewResponse{Objection: "We lack the people."}); err != nil {
		t.Fatal(err)
	}
	if awaiting(o.eng) {
		t.Fatal("an answered round no longer waits")
	}
	if _, _, err := o.db.CloseRound(as(o.ceo), r.ID, management.Closing{Rationale: "x"}); ruleOf(err) != management.RuleRoundOpener {
		t.Fatalf("another manager closing: %v", err)
	}
	if _, _, err := o.db.CloseRound(as(o.lead), r.ID, management.Closing{Rationale: "x", Outcome: management.Adopt}); code(err) != wayfare.ECONFLICT {
		t.Fatalf("overruling an objection: %v", err)
	}
	closed, d, err := o.db.CloseRound(as(o.lead), r.ID, management.Closing{Rationale: "An objection stands."})
	if err != nil {
		t.Fatal(err)
	}
	if d.Outcome != management.Decline || d.Method != management.Consent || d.RoundID == nil || *d.RoundID != r.ID {
		t.Fatalf("decision = %+v", d)
	}
	if closed.Open || closed.DecisionID == nil || *closed.DecisionID != d.ID || closed.Tally.Objections != 1 || len(closed.Responses) != 2 {
		t.Fatalf("round = %+v", closed)
	}
	if _, _, err := o.db.Respond(as(o.eng), r.ID, management.NewResponse{Consent: &yes}); ruleOf(err) != management.RuleRoundClosed {
		t.Fatalf("answering a closed round: %v", err)
	}
	// A new round on the declined pitch: the objection is withdrawn.
	again := o.round(t, p.ID, management.ConsentRound)
	if _, _, err := o.db.Respond(as(o.eng), again.ID, management.NewResponse{Objection: "Still unsure."}); err != nil {
		t.Fatal(err)
	}
	if _, created, err := o.db.Respond(as(o.eng), again.ID, management.NewResponse{Consent: &yes}); err != nil || created {
		t.Fatalf("changing an answer: %v %v", created, err)
	}
	_, d2, err := o.db.CloseRound(as(o.lead), again.ID, management.Closing{Rationale: "No objection stands."})
	if err != nil {
		t.Fatal(err)
	}
	if d2.Outcome != management.Adopt || d2.Supersedes == nil || *d2.Supersedes != d.ID || d2.JourneyID == nil {
		t.Fatalf("second decision = %+v", d2)
	}
}

func testVoteRound(t *testing.T, o *org) {
	p := o.pitch(t, o.vp, o.engineering, leadership.Proposal, 1)
	o.db.BuyTicket(as(o.rep), p.ID)
	if _, err := o.db.SetRole(system(), o.engineering, o.rep, people.Member); err != nil {
		t.Fatal(err)
	}
	r := o.round(t, p.ID, management.VoteRound)
	for who, c := range map[wayfare.ID]management.Choice{o.eng: management.ChooseAdopt, o.lead: management.ChooseAdopt, o.rep: management.ChooseDecline} {
		if _, _, err := o.db.Respond(as(who), r.ID, management.NewResponse{Choice: c}); err != nil {
			t.Fatalf("%s voting: %v", who, err)
		}
	}
	// The vp belongs to exec, above engineering: not a member of it.
	if _, _, err := o.db.Respond(as(o.vp), r.ID, management.NewResponse{Choice: management.ChooseDecline}); code(err) != wayfare.EFORBIDDEN {
		t.Fatalf("a member of the group above voting: %v", err)
	}
	_, d, err := o.db.CloseRound(as(o.lead), r.ID, management.Closing{Rationale: "The majority is for it."})
	if err != nil {
		t.Fatal(err)
	}
	if d.Outcome != management.Adopt || d.Method != management.Vote || d.JourneyID == nil {
		t.Fatalf("decision = %+v", d)
	}
	j, err := o.db.Journey(context.Background(), *d.JourneyID)
	if err != nil || j.RiderCount != 1 {
		t.Fatalf("journey = %+v %v", j, err)
	}
	got, _ := o.db.Pitch(context.Background(), p.ID)
	if got.Status != leadership.Adopted {
		t.Fatalf("status = %s", got.Status)
	}
	acts, _ := o.db.Acts(context.Background(), ledger.Filter{GroupID: o.engineering, Page: wayfare.Page{Limit: 3}})
	if acts[0].Verb != ledger.RoundClosed || acts[1].Verb != ledger.DecisionMade || acts[0].Function != wayfare.Management {
		t.Fatalf("acts = %s, %s", acts[0].Verb, acts[1].Verb)
	}
}

// testRoundElectorateFixed: the people who may answer a round are the
// members of its group and of the groups below it when it opened; a
// sub-group's manager cannot add voters to the parent group's round.
func testRoundElectorateFixed(t *testing.T, o *org) {
	p := o.pitch(t, o.eng, o.exec, leadership.Proposal, 1)
	r, err := o.db.OpenRound(as(o.ceo), p.ID, management.NewRound{Method: management.VoteRound, ClosesAt: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	newcomer, err := o.db.CreatePerson(system(), people.NewPerson{Name: "newcomer", Email: "newcomer@example.test"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.db.SetRole(as(o.lead), o.engineering, newcomer.ID, people.Member); err != nil {
		t.Fatal(err)
	}
	vote := management.NewResponse{Choice: management.ChooseAdopt}
	if _, _, err := o.db.Respond(as(newcomer.ID), r.ID, vote); code(err) != wayfare.EFORBIDDEN || ruleOf(err) != management.RuleMembersOnly {
		t.Fatalf("a member added after the round opened answering: %v", err)
	}
	if rs, err := o.db.RoundsAwaiting(system(), newcomer.ID, 10); err != nil || len(rs) != 0 {
		t.Fatalf("the round waits for a member added after it opened: %d %v", len(rs), err)
	}
	if rs, err := o.db.RoundsAwaiting(system(), o.eng, 10); err != nil || len(rs) != 1 || rs[0].ID != r.ID {
		t.Fatalf("the round does not wait for a member of a group below when it opened: %v", err)
	}
	if _, _, err := o.db.Respond(as(o.eng), r.ID, vote); err != nil {
		t.Fatalf("a member of a group below when the round opened answering: %v", err)
	}
	// Someone who had left when a round opened is not in its electorate,
	// even once back.
	if _, err := o.db.SetStatus(asAdmin(o.admin), o.vp, people.Deactivated); err != nil {
		t.Fatal(err)
	}
	q := o.pitch(t, o.eng, o.exec, leadership.Proposal, 1)
	later, err := o.db.OpenRound(as(o.ceo), q.ID, management.NewRound{Method: management.VoteRound, ClosesAt: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.db.SetStatus(asAdmin(o.admin), o.vp, people.Active); err != nil {
		t.Fatal(err)
	}
	if _, _, err := o.db.Respond(as(o.vp), later.ID, vote); code(err) != wayfare.EFORBIDDEN {
		t.Fatalf("someone who had left when the round opened answering: %v", err)
	}
	if rs, err := o.db.RoundsAwaiting(system(), o.vp, 10); err != nil || slices.ContainsFunc(rs, func(x *management.Round) bool { return x.ID == later.ID }) {
		t.Fatalf("the round waits for someone who had left when it opened: %v", err)
	}
}

func testAdviceRound(t *testing.T, o *org) {
	p := o.pitch(t, o.vp, o.engineering, leadership.Proposal, 1)
	r := o.round(t, p.ID, management.Advice)
	if _, _, err := o.db.Respond(as(o.eng), r.ID, management.NewResponse{Choice: management.ChooseAdopt}); code(err) != wayfare.EINVALID {
		t.Fatalf("a vote in an advice round: %v", err)
	}
	if _, _, err := o.db.Respond(as(o.eng), r.ID, management.NewResponse{Advice: "Try it on one team first."}); err != nil {
		t.Fatal(err)
	}
	_, _, err := o.db.CloseRound(as(o.lead), r.ID, management.Closing{Rationale: "Advised."})
	if e, ok := wayfare.AsError(err); !ok || e.Field != "outcome" {
		t.Fatalf("closing an advice round without an outcome: %v", err)
	}
	_, d, err := o.db.CloseRound(as(o.lead), r.ID, management.Closing{Rationale: "Advised: one team first.", Outcome: management.Decline})
	if err != nil || d.Method != management.Consultative || d.Outcome != management.Decline {
		t.Fatalf("decision = %+v %v", d, err)
	}
	ds, _ := o.db.Decisions(context.Background(), p.ID)
	if len(ds) != 1 || ds[0].RoundID == nil || *ds[0].RoundID != r.ID {
		t.Fatalf("decisions = %+v", ds)
	}
}

// testRoundsEnd checks that no round outlives what it asks about: a
// decision made directly ends the open round (which can then no longer
// overturn it), a withdrawal ends it, and when its opener no longer
// manages the group another manager may close it.
func testRoundsEnd(t *testing.T, o *org) {
	closed := func(id wayfare.ID) *management.Round {
		t.Helper()
		r, err := o.db.Round(system(), id)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	// Decided directly while a round is open.
	p := o.pitch(t, o.eng, o.engineering, leadership.Proposal, 1)
	r := o.round(t, p.ID, management.ConsentRound)
	d, err := o.db.Decide(as(o.ceo), p.ID, management.NewDecision{Outcome: management.Adopt, Method: management.Directive,
		Rationale: "Now."})
	if err != nil {
		t.Fatal(err)
	}
	if x := closed(r.ID); x.Open || x.DecisionID == nil || *x.DecisionID != d.ID {
		t.Fatalf("a direct decision must end the open round and be linked to it: %+v", x)
	}
	if _, _, err := o.db.Respond(as(o.eng), r.ID, management.NewResponse{Objection: "Too late?"}); ruleOf(err) != management.RuleRoundClosed {
		t.Fatalf("answering an ended round: %v", err)
	}
	if _, _, err := o.db.CloseRound(as(o.lead), r.ID, management.Closing{Rationale: "x"}); ruleOf(err) != management.RuleRoundClosed {
		t.Fatalf("closing an ended round must not overturn the decision: %v", err)
	}
	if got, _ := o.db.Pitch(system(), p.ID); got.Status != leadership.Adopted {
		t.Fatalf("the pitch is %s, want adopted", got.Status)
	}
	// Withdrawn while a round is open.
	q := o.pitch(t, o.eng, o.engineering, leadership.Proposal, 1)
	r = o.round(t, q.ID, management.Advice)
	if _, err := o.db.Withdraw(as(o.eng), q.ID); err != nil {
		t.Fatal(err)
	}
	if x := closed(r.ID); x.Open || x.DecisionID != nil {
		t.Fatalf("a withdrawal must end the open round: %+v", x)
	}
	// The opener is no longer a manager: another manager closes.
	w := o.pitch(t, o.eng, o.engineering, leadership.Proposal, 1)
	r = o.round(t, w.ID, management.VoteRound)
	if _, _, err := o.db.CloseRound(as(o.ceo), r.ID, management.Closing{Rationale: "x"}); ruleOf(err) != management.RuleRoundOpener {
		t.Fatalf("another manager while the opener manages: %v", err)
	}
	if _, err := o.db.SetRole(system(), o.engineering, o.lead, people.Member); err != nil {
		t.Fatal(err)
	}
	if _, _, err := o.db.CloseRound(as(o.ceo), r.ID, management.Closing{Rationale: "Its opener moved on."}); err != nil {
		t.Fatalf("another manager once the opener no longer manages: %v", err)
	}
}
