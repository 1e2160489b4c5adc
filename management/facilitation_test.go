package management

import (
	"testing"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
)

func TestPhasesOnlyMoveForward(t *testing.T) {
	tests := []struct {
		from, to Phase
		want     string
	}{
		{Ideas, Clusters, ""},
		{Ideas, Votes, ""}, // clusters may be skipped
		{Clusters, Votes, ""},
		{Votes, Results, ""},
		{Results, Closed, ""},
		{Ideas, Closed, ""},
		{Ideas, Ideas, wayfare.ECONFLICT},
		{Votes, Clusters, wayfare.ECONFLICT},
		{Closed, Ideas, wayfare.ECONFLICT},
		{Results, Votes, wayfare.ECONFLICT},
		{Ideas, "brainstorm", wayfare.EINVALID},
	}
	for _, tt := range tests {
		if got := code(MovePhase(tt.from, tt.to)); got != tt.want {
			t.Errorf("MovePhase(%s, %s) = %q, want %q", tt.from, tt.to, got, tt.want)
		}
	}
}

func TestWhoFacilitatesAndContributes(t *testing.T) {
	person := wayfare.Actor{PersonID: 7}
	admin := wayfare.Actor{PersonID: 8, Admin: true}
	tests := []struct {
		name                   string
		s                      Standing
		facilitate, contribute string
	}{
		{"manager of the group or above", Standing{Actor: person, Manager: true}, "", wayfare.EFORBIDDEN},
		{"named facilitator", Standing{Actor: person, Facilitator: true}, "", wayfare.EFORBIDDEN},
		{"member", Standing{Actor: person, Member: true}, wayfare.EFORBIDDEN, ""},
		{"manager who is a member", Standing{Actor: person, Manager: true, Member: true}, "", ""},
		{"admin without a role", Standing{Actor: admin}, wayfare.EFORBIDDEN, wayfare.EFORBIDDEN},
		{"anonymous", Standing{}, wayfare.EFORBIDDEN, wayfare.EFORBIDDEN},
		{"command line", Standing{Actor: wayfare.Actor{System: true}}, "", wayfare.EFORBIDDEN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := code(CanFacilitate(tt.s)); got != tt.facilitate {
				t.Errorf("CanFacilitate = %q, want %q", got, tt.facilitate)
			}
			if got := code(CanContribute(tt.s, "post ideas")); got != tt.contribute {
				t.Errorf("CanContribute = %q, want %q", got, tt.contribute)
			}
		})
	}
	e, _ := wayfare.AsError(CanFacilitate(Standing{Actor: person}))
	if e.Rule != RuleOnlyFacilitator {
		t.Errorf("rule = %q", e.Rule)
	}
}

func TestSessionRules(t *testing.T) {
	if code(InPhase(Ideas, Ideas, "ideas")) != "" || code(InPhase(Votes, Ideas, "ideas")) != wayfare.ECONFLICT {
		t.Error("InPhase")
	}
	for cast, want := range map[int]string{0: "", 2: "", 3: wayfare.ECONFLICT, 9: wayfare.ECONFLICT} {
		if got := code(CanVote(cast, 3)); got != want {
			t.Errorf("CanVote(%d, 3) = %q, want %q", cast, got, want)
		}
	}
	token := NewClaim()
	claimed := Authorship{ClaimHash: ClaimHash(7, token)}
	tests := []struct {
		author  Authorship
		actor   wayfare.ID
		tokens  []string
		pitched bool
		want    string
	}{
		{Authorship{AuthorID: 7}, 7, nil, false, ""},
		{Authorship{AuthorID: 7}, 8, nil, false, wayfare.EFORBIDDEN},
		{Authorship{AuthorID: 7}, 0, nil, false, wayfare.EFORBIDDEN},
		{Authorship{AuthorID: 7}, 7, nil, true, wayfare.ECONFLICT},
		{claimed, 7, []string{"other", token}, false, ""},
		{claimed, 7, nil, false, wayfare.EFORBIDDEN},
		{claimed, 7, []string{NewClaim()}, false, wayfare.EFORBIDDEN},
		{claimed, 8, []string{token}, false, wayfare.EFORBIDDEN}, // the token alone claims nothing
		{claimed, 0, []string{token}, false, wayfare.EFORBIDDEN},
		{Authorship{}, 7, []string{token}, false, wayfare.EFORBIDDEN}, // anonymous before claims
		{claimed, 7, []string{token}, true, wayfare.ECONFLICT},
	}
	for _, tt := range tests {
		if got := code(CanPitchIdea(tt.author, tt.actor, tt.tokens, tt.pitched)); got != tt.want {
			t.Errorf("CanPitchIdea(%v) = %q, want %q", tt, got, tt.want)
		}
	}
}

func TestSessionInput(t *testing.T) {
	one, two := wayfare.ID(1), wayfare.ID(2)
	tests := []struct {
		name  string
		err   error
		field string
	}{
		{"session ok", (&NewSession{GroupID: 1, Prompt: "How do we ship faster?", VotesPerPerson: 3}).Validate(), ""},
		{"no group", (&NewSession{Prompt: "How?", VotesPerPerson: 3}).Validate(), "group_id"},
		{"no prompt", (&NewSession{GroupID: 1, VotesPerPerson: 3}).Validate(), "prompt"},
		{"no votes", (&NewSession{GroupID: 1, Prompt: "How?"}).Validate(), "votes_per_person"},
		{"too many votes", (&NewSession{GroupID: 1, Prompt: "How?", VotesPerPerson: 101}).Validate(), "votes_per_person"},
		{"idea ok", (&NewIdea{Text: "Pair on reviews"}).Validate(), ""},
		{"empty idea", (&NewIdea{Text: "  "}).Validate(), "text"},
		{"cluster ok", (&NewCluster{Title: "Reviews", IdeaIDs: []wayfare.ID{1, 2}}).Validate(), ""},
		{"cluster without ideas", (&NewCluster{Title: "Reviews"}).Validate(), "idea_ids"},
		{"cluster twice the same idea", (&NewCluster{Title: "Reviews", IdeaIDs: []wayfare.ID{1, 1}}).Validate(), "idea_ids"},
		{"vote on an idea", (&NewVote{IdeaID: &one}).Validate(), ""},
		{"vote on a cluster", (&NewVote{ClusterID: &two}).Validate(), ""},
		{"vote on both", (&NewVote{IdeaID: &one, ClusterID: &two}).Validate(), "idea_id"},
		{"vote on nothing", (&NewVote{}).Validate(), "idea_id"},
	}
	for _, tt := range tests {
		e, _ := wayfare.AsError(tt.err)
		switch {
		case tt.field == "" && tt.err != nil:
			t.Errorf("%s: %v", tt.name, tt.err)
		case tt.field != "" && (e == nil || e.Field != tt.field):
			t.Errorf("%s: %v, want an error about %s", tt.name, tt.err, tt.field)
		}
	}
}

func TestIdeaPitchDefaults(t *testing.T) {
	p := IdeaPitch{StatusQuo: "a", BetterWay: "b"}.Pitch(4, "Pair on reviews\nand rotate")
	if p.Title != "Pair on reviews" || p.Kind != "proposal" || p.TicketsWanted != DefaultTicketsWanted || p.GroupID != 4 {
		t.Fatalf("pitch = %+v", p)
	}
	zero := 0
	p = IdeaPitch{StatusQuo: "a", BetterWay: "b", TicketsWanted: &zero}.Pitch(4, "Pair")
	if err := p.Validate(time.Now()); wayfare.ErrorCode(err) != wayfare.EINVALID {
		t.Fatalf("an explicit 0 tickets wanted must be refused, not replaced: %v", err)
	}
	long := DefaultTitle(string(make([]rune, 300)))
	if n := len([]rune(long)); n != 200 {
		t.Fatalf("title of %d characters", n)
	}
}

func TestRank(t *testing.T) {
	c := wayfare.ID(10)
	ideas := []Idea{{ID: 1, Text: "a", Votes: 1, ClusterID: &c}, {ID: 2, Text: "b", Votes: 3}, {ID: 3, Text: "c", Votes: 2, ClusterID: &c}, {ID: 4, Text: "d", Votes: 3}}
	clusters := []Cluster{{ID: 10, Title: "ac", Votes: 1}}
	if got := Rank(Votes, ideas, clusters); len(got) != 0 {
		t.Fatalf("results before the results phase: %v", got)
	}
	got := Rank(Results, ideas, clusters)
	want := []Result{{"cluster", 10, "ac", 4}, {"idea", 2, "b", 3}, {"idea", 4, "d", 3}}
	if len(got) != len(want) {
		t.Fatalf("results = %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("result %d = %v, want %v", i, got[i], want[i])
		}
	}
}

func TestRoundOutcome(t *testing.T) {
	tests := []struct {
		name  string
		m     RoundMethod
		t     Tally
		given Outcome
		want  Outcome
		code  string
	}{
		{"advice needs the manager's outcome", Advice, Tally{Responses: 3}, "", "", wayfare.EINVALID},
		{"advice: the manager decides", Advice, Tally{Responses: 3}, Decline, Decline, ""},
		{"consent without objection adopts", ConsentRound, Tally{Responses: 4}, "", Adopt, ""},
		{"consent with an objection declines", ConsentRound, Tally{Responses: 4, Objections: 1}, "", Decline, ""},
		{"consent cannot be overruled", ConsentRound, Tally{Objections: 1}, Adopt, "", wayfare.ECONFLICT},
		{"vote majority adopts", VoteRound, Tally{Adopt: 3, Decline: 2}, "", Adopt, ""},
		{"vote majority declines", VoteRound, Tally{Adopt: 1, Decline: 2}, "", Decline, ""},
		{"a tied vote declines", VoteRound, Tally{Adopt: 2, Decline: 2}, "", Decline, ""},
		{"no votes decline", VoteRound, Tally{}, "", Decline, ""},
		{"vote cannot be overruled", VoteRound, Tally{Adopt: 1}, Decline, "", wayfare.ECONFLICT},
		{"the rule's outcome may be given", VoteRound, Tally{Adopt: 1}, Adopt, Adopt, ""},
	}
	for _, tt := range tests {
		got, err := RoundOutcome(tt.m, tt.t, tt.given)
		if code(err) != tt.code || got != tt.want {
			t.Errorf("%s: %q %v, want %q %q", tt.name, got, err, tt.want, tt.code)
		}
	}
	if ConsentRound.DecisionMethod() != Consent || Advice.DecisionMethod() != Consultative || VoteRound.DecisionMethod() != Vote {
		t.Error("decision methods")
	}
}

func TestRoundInput(t *testing.T) {
	yes, no := true, false
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		err   error
		field string
	}{
		{"round ok", (&NewRound{Method: VoteRound, ClosesAt: now.Add(time.Hour)}).Validate(now), ""},
		{"bad method", (&NewRound{Method: "poll", ClosesAt: now.Add(time.Hour)}).Validate(now), "method"},
		{"closes in the past", (&NewRound{Method: Advice, ClosesAt: now.Add(-time.Hour)}).Validate(now), "closes_at"},
		{"no close", (&NewRound{Method: Advice}).Validate(now), "closes_at"},
		{"advice", (&NewResponse{Advice: "Try it for a month."}).Validate(Advice), ""},
		{"advice missing", (&NewResponse{}).Validate(Advice), "advice"},
		{"advice with a choice", (&NewResponse{Advice: "x", Choice: ChooseAdopt}).Validate(Advice), "choice"},
		{"consent", (&NewResponse{Consent: &yes}).Validate(ConsentRound), ""},
		{"objection", (&NewResponse{Objection: "Too costly."}).Validate(ConsentRound), ""},
		{"consent false", (&NewResponse{Consent: &no}).Validate(ConsentRound), "consent"},
		{"consent and objection", (&NewResponse{Consent: &yes, Objection: "x"}).Validate(ConsentRound), "objection"},
		{"consent missing", (&NewResponse{}).Validate(ConsentRound), "consent"},
		{"vote", (&NewResponse{Choice: ChooseDecline}).Validate(VoteRound), ""},
		{"vote with advice", (&NewResponse{Choice: ChooseAdopt, Advice: "x"}).Validate(VoteRound), "advice"},
		{"bad choice", (&NewResponse{Choice: "maybe"}).Validate(VoteRound), "choice"},
		{"closing", (&Closing{Rationale: "The group consented."}).Validate(), ""},
		{"closing without rationale", (&Closing{}).Validate(), "rationale"},
		{"closing defers", (&Closing{Rationale: "x", Outcome: Defer}).Validate(), "outcome"},
	}
	for _, tt := range tests {
		e, _ := wayfare.AsError(tt.err)
		switch {
		case tt.field == "" && tt.err != nil:
			t.Errorf("%s: %v", tt.name, tt.err)
		case tt.field != "" && (e == nil || e.Field != tt.field):
			t.Errorf("%s: %v, want an error about %s", tt.name, tt.err, tt.field)
		}
	}
}

func TestCountAndClose(t *testing.T) {
	tally := Count([]Response{{Consent: true}, {Objection: "no"}, {Choice: ChooseAdopt}, {Choice: ChooseDecline}, {Choice: ChooseAdopt}, {Advice: "x"}})
	if tally != (Tally{Responses: 6, Objections: 1, Adopt: 2, Decline: 1}) {
		t.Fatalf("tally = %+v", tally)
	}
	mgr := Standing{Actor: wayfare.Actor{PersonID: 7}, Manager: true}
	for _, tc := range []struct {
		name          string
		s             Standing
		opener        wayfare.ID
		openerManages bool
		want          string // the rule that refuses, or ""
	}{
		{"the opener", mgr, 7, true, ""},
		{"another manager", mgr, 8, true, RuleRoundOpener},
		{"another manager, the opener no longer manages", mgr, 8, false, ""},
		{"the opener, no longer a manager", Standing{Actor: wayfare.Actor{PersonID: 7}}, 7, false, RuleOnlyManagement},
		{"a member, the opener gone", Standing{Actor: wayfare.Actor{PersonID: 9}, Member: true}, 7, false, RuleOnlyManagement},
	} {
		e, _ := wayfare.AsError(CanCloseRound(tc.s, tc.opener, tc.openerManages))
		if (e == nil) != (tc.want == "") || (e != nil && e.Rule != tc.want) {
			t.Errorf("%s: %v, want rule %q", tc.name, e, tc.want)
		}
	}
	now := time.Now()
	r := &Round{Open: true, ClosesAt: now.Add(time.Minute)}
	if r.Accepting(now) != nil || r.Accepting(now.Add(time.Hour)) == nil {
		t.Error("Accepting")
	}
}

func TestCanOpenRound(t *testing.T) {
	mgr := Standing{Actor: wayfare.Actor{PersonID: 7}, Manager: true}
	member := Standing{Actor: wayfare.Actor{PersonID: 8}, Member: true}
	for _, tt := range []struct {
		name   string
		s      Standing
		kind   leadership.Kind
		status leadership.Status
		open   bool
		want   string // the rule that refuses, or ""
	}{
		{"management, selling", mgr, leadership.Proposal, leadership.Selling, false, ""},
		{"management, deferred", mgr, leadership.Proposal, leadership.Deferred, false, ""},
		{"management, declined: a second try", mgr, leadership.Proposal, leadership.Declined, false, ""},
		{"a member", member, leadership.Proposal, leadership.Selling, false, RuleOnlyManagement},
		{"an example", mgr, leadership.Example, leadership.Showing, false, "example-needs-no-decision"},
		{"adopted", mgr, leadership.Proposal, leadership.Adopted, false, "decisions-are-records"},
		{"withdrawn", mgr, leadership.Proposal, leadership.Withdrawn, false, "decisions-are-records"},
		{"a round open already", mgr, leadership.Proposal, leadership.Selling, true, RuleOneRound},
	} {
		e, _ := wayfare.AsError(CanOpenRound(tt.s, tt.kind, tt.status, tt.open))
		if (e == nil) != (tt.want == "") || (e != nil && e.Rule != tt.want) {
			t.Errorf("%s: %v, want rule %q", tt.name, e, tt.want)
		}
	}
}

func TestCanAnswer(t *testing.T) {
	person := wayfare.Actor{PersonID: 7}
	tests := []struct {
		name    string
		s       Standing
		elector bool
		rule    string
	}{
		{"a member when the round opened", Standing{Actor: person}, true, ""},
		{"a member who joined after it opened", Standing{Actor: person, Member: true}, false, RuleMembersOnly},
		{"a manager who joined after it opened", Standing{Actor: person, Member: true, Manager: true}, false, RuleMembersOnly},
		{"never a member", Standing{Actor: person}, false, RuleMembersOnly},
		{"the command line", Standing{Actor: wayfare.Actor{System: true}}, false, RuleMembersOnly},
		{"anonymous", Standing{}, false, RuleSignedIn},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CanAnswer(tt.s, tt.elector)
			e, _ := wayfare.AsError(err)
			if (tt.rule == "") != (err == nil) || (e != nil && (e.Rule != tt.rule || e.Code != wayfare.EFORBIDDEN)) {
				t.Errorf("CanAnswer = %v, want rule %q", err, tt.rule)
			}
		})
	}
}
