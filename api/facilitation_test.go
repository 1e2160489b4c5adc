package api_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/management"
)

func (f *fixture) as(who string) context.Context {
	return wayfare.WithActor(context.Background(), wayfare.Actor{PersonID: f.ids[who]})
}

// session opens a session for T as "manager", with an idea of "member"
// ({IDEA}), and moves it to the phase; its id is {SESSION}.
func (f *fixture) session(phase management.Phase, anonymous bool) {
	f.t.Helper()
	s, err := f.db.OpenSession(f.as("manager"), management.NewSession{GroupID: f.ids["T"], Prompt: "How do we show work?",
		Anonymous: anonymous, VotesPerPerson: 3})
	if err != nil {
		f.t.Fatal(err)
	}
	i, err := f.db.PostIdea(f.as("member"), s.ID, management.NewIdea{Text: "Weekly demos"})
	if err != nil {
		f.t.Fatal(err)
	}
	if phase != management.Ideas {
		if _, err := f.db.MovePhase(f.as("manager"), s.ID, phase); err != nil {
			f.t.Fatal(err)
		}
	}
	f.ids["SESSION"], f.ids["IDEA"], f.claim = s.ID, i.ID, i.ClaimToken
}

// round opens a round on P as "manager"; its id is {ROUND}.
func (f *fixture) round(m management.RoundMethod) {
	f.t.Helper()
	r, err := f.db.OpenRound(f.as("manager"), f.P, management.NewRound{Method: m, ClosesAt: time.Now().Add(time.Hour)})
	if err != nil {
		f.t.Fatal(err)
	}
	f.ids["ROUND"] = r.ID
}

func TestSessionPhasesOnlyMoveForward(t *testing.T) {
	f := newFixture(t)
	f.session(management.Votes, false)
	w := f.do("manager", "POST", f.path("/api/v1/sessions/{SESSION}/phase"), `{"phase":"ideas"}`)
	if p := problemOf(t, w); w.Code != http.StatusConflict || p.Rule != management.RulePhaseForward {
		t.Fatalf("moving back: %s", describe(w))
	}
	w = f.do("manager", "POST", f.path("/api/v1/sessions/{SESSION}/phase"), `{"phase":"votes"}`)
	if w.Code != http.StatusConflict {
		t.Fatalf("staying: %s", describe(w))
	}
	w = f.do("manager", "POST", f.path("/api/v1/sessions/{SESSION}/phase"), `{"phase":"brainstorm"}`)
	if p := problemOf(t, w); w.Code != http.StatusBadRequest || p.Field != "phase" {
		t.Fatalf("an unknown phase: %s", describe(w))
	}
	w = f.do("member", "POST", f.path("/api/v1/sessions/{SESSION}/ideas"), `{"text":"Too late"}`)
	if p := problemOf(t, w); w.Code != http.StatusConflict || p.Rule != management.RuleWrongPhase {
		t.Fatalf("an idea during votes: %s", describe(w))
	}
	w = f.do("manager", "POST", f.path("/api/v1/sessions/{SESSION}/phase"), `{"phase":"results"}`)
	d := decodeInto[management.SessionDetail](t, w)
	if w.Code != 200 || d.Phase != management.Results || len(d.Results) != 1 {
		t.Fatalf("to results: %s", describe(w))
	}
}

func TestAnonymousAuthorHiddenFromTheFacilitator(t *testing.T) {
	f := newFixture(t)
	f.session(management.Ideas, true)
	w := f.do("member", "POST", f.path("/api/v1/sessions/{SESSION}/ideas"), `{"text":"Rotate the chair"}`)
	if posted := decodeInto[map[string]any](t, w); w.Code != 201 || posted["author_id"] != nil || posted["claim_token"] == "" {
		t.Fatalf("posting: %s", describe(w))
	}
	for _, who := range []string{"manager", "admin", "outsider", "member"} {
		w := f.do(who, "GET", f.path("/api/v1/sessions/{SESSION}"), nil)
		d := decodeInto[struct {
			Ideas []map[string]any `json:"ideas"`
		}](t, w)
		for _, i := range d.Ideas {
			if _, ok := i["author_id"]; ok {
				t.Errorf("%s reads the author of an anonymous idea: %v", who, i)
			}
			if i["mine"] != false {
				t.Errorf("%s: mine = %v without the claim token", who, i["mine"])
			}
		}
	}
	w = f.do("manager", "GET", f.path("/api/v1/acts?verb=idea.posted"), nil)
	for _, a := range decodeInto[struct {
		Items []map[string]any `json:"items"`
	}](t, w).Items {
		if _, ok := a["person_id"]; ok {
			t.Errorf("the ledger names an anonymous idea's author: %v", a)
		}
	}
	// The author alone, with the idea's claim token, may still turn the
	// idea into a pitch.
	path := f.path("/api/v1/sessions/{SESSION}/ideas/{IDEA}/pitch")
	body := map[string]any{"status_quo": "Work is shown at the end.", "better_way": "Show it weekly.", "tickets_wanted": 2}
	if w := f.do("member", "POST", path, body); w.Code != 403 || problemOf(t, w).Rule != management.RuleAuthorPitches {
		t.Fatalf("the author pitching without the claim token: %s", describe(w))
	}
	body["claim_token"] = f.claim
	if w := f.do("manager", "POST", path, body); w.Code != 403 || problemOf(t, w).Rule != management.RuleAuthorPitches {
		t.Fatalf("the facilitator pitching with the author's claim token: %s", describe(w))
	}
	w = f.do("member", "POST", path, body)
	p := decodeInto[map[string]any](t, w)
	if w.Code != 201 || p["author_id"] != f.ids["member"].String() || p["session_id"] != f.ids["SESSION"].String() || p["title"] != "Weekly demos" {
		t.Fatalf("the author pitching: %s", describe(w))
	}
}

func TestVoteLimitUnderConcurrency(t *testing.T) {
	f := newFixture(t)
	f.session(management.Votes, false)
	var mu sync.Mutex
	codes := map[int]int{}
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			w := f.do("member", "POST", f.path("/api/v1/sessions/{SESSION}/votes"), f.path(`{"idea_id":"{IDEA}"}`))
			mu.Lock()
			codes[w.Code]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if codes[201] != 3 || codes[409] != 47 {
		t.Fatalf("statuses %v; want 3 × 201 and 47 × 409", codes)
	}
	d := decodeInto[management.SessionDetail](t, f.do("member", "GET", f.path("/api/v1/sessions/{SESSION}"), nil))
	if d.Ideas[0].Votes != 3 || d.VotesLeft != 0 {
		t.Fatalf("votes %d, left %d", d.Ideas[0].Votes, d.VotesLeft)
	}
}

func TestConsentRoundWithObjectionDeclines(t *testing.T) {
	f := newFixture(t)
	f.round(management.ConsentRound)
	if w := f.do("manager", "POST", f.path("/api/v1/rounds/{ROUND}/responses"), `{"consent":true}`); w.Code != 201 {
		t.Fatal(describe(w))
	}
	if w := f.do("member", "POST", f.path("/api/v1/rounds/{ROUND}/responses"), `{"objection":"We have no time."}`); w.Code != 201 {
		t.Fatal(describe(w))
	}
	w := f.do("member", "POST", f.path("/api/v1/rounds/{ROUND}/responses"), `{"choice":"adopt"}`)
	if w.Code != 400 || problemOf(t, w).Field != "choice" {
		t.Fatalf("a vote in a consent round: %s", describe(w))
	}
	w = f.do("manager", "POST", f.path("/api/v1/rounds/{ROUND}/close"), `{"rationale":"Overrule.","outcome":"adopt"}`)
	if w.Code != 409 || problemOf(t, w).Rule != management.RuleRoundOutcome {
		t.Fatalf("overruling: %s", describe(w))
	}
	w = f.do("manager", "POST", f.path("/api/v1/rounds/{ROUND}/close"), `{"rationale":"An objection stands."}`)
	c := decodeInto[struct {
		Round    management.Round    `json:"round"`
		Decision management.Decision `json:"decision"`
	}](t, w)
	if w.Code != 201 || c.Decision.Outcome != management.Decline || c.Decision.Method != management.Consent || c.Round.Open ||
		c.Round.Tally.Objections != 1 || *c.Decision.RoundID != f.ids["ROUND"] {
		t.Fatalf("closing: %s", describe(w))
	}
	if w := f.do("manager", "POST", f.path("/api/v1/rounds/{ROUND}/close"), `{"rationale":"Again."}`); w.Code != 409 {
		t.Fatalf("closing twice: %s", describe(w))
	}
	list := decodeInto[struct {
		Items []management.Round `json:"items"`
	}](t, f.do("outsider", "GET", f.path("/api/v1/pitches/{P}/rounds"), nil))
	if len(list.Items) != 1 || list.Items[0].ID != f.ids["ROUND"] || list.Items[0].Open || list.Items[0].Tally.Objections != 1 {
		t.Fatalf("the pitch's rounds: %+v", list.Items)
	}
}

func TestVoteRoundMajority(t *testing.T) {
	f := newFixture(t)
	f.round(management.VoteRound)
	for _, who := range []string{"manager", "member"} {
		if w := f.do(who, "POST", f.path("/api/v1/rounds/{ROUND}/responses"), `{"choice":"adopt"}`); w.Code != 201 {
			t.Fatal(describe(w))
		}
	}
	if w := f.do("member", "POST", f.path("/api/v1/rounds/{ROUND}/responses"), `{"choice":"adopt"}`); w.Code != 200 {
		t.Fatalf("answering again: %s", describe(w))
	}
	w := f.do("manager", "POST", f.path("/api/v1/rounds/{ROUND}/close"), `{"rationale":"Two for, none against."}`)
	c := decodeInto[struct {
		Decision management.Decision `json:"decision"`
	}](t, w)
	if w.Code != 201 || c.Decision.Outcome != management.Adopt || c.Decision.Method != management.Vote || c.Decision.JourneyID == nil {
		t.Fatalf("closing: %s", describe(w))
	}
	w = f.do("member", "GET", f.path("/api/v1/pitches/{P}/decisions"), nil)
	if d := decodeInto[struct{ Items []map[string]any }](t, w); len(d.Items) != 1 || d.Items[0]["round_id"] != f.ids["ROUND"].String() {
		t.Fatalf("decisions: %s", describe(w))
	}
}

func TestAdviceRoundNeedsOutcome(t *testing.T) {
	f := newFixture(t)
	f.round(management.Advice)
	if w := f.do("member", "POST", f.path("/api/v1/rounds/{ROUND}/responses"), `{"advice":"Start with one team."}`); w.Code != 201 {
		t.Fatal(describe(w))
	}
	w := f.do("manager", "POST", f.path("/api/v1/rounds/{ROUND}/close"), `{"rationale":"Advised."}`)
	if w.Code != 400 || problemOf(t, w).Field != "outcome" {
		t.Fatalf("an advice round without an outcome: %s", describe(w))
	}
	w = f.do("manager", "POST", f.path("/api/v1/rounds/{ROUND}/close"), `{"rationale":"Advised.","outcome":"decline"}`)
	c := decodeInto[struct {
		Decision management.Decision `json:"decision"`
	}](t, w)
	if w.Code != 201 || c.Decision.Method != management.Consultative || c.Decision.Outcome != management.Decline {
		t.Fatalf("closing: %s", describe(w))
	}
}

func TestNonManagersAreRefusedWithTheRule(t *testing.T) {
	f := newFixture(t)
	f.session(management.Clusters, false)
	f.round(management.ConsentRound)
	closesAt := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	tests := []struct {
		who, method, path, body, rule string
	}{
		{"member", "POST", "/api/v1/sessions", `{"group_id":"{T}","prompt":"Ideas?","votes_per_person":2}`, management.RuleOnlyFacilitator},
		{"admin", "POST", "/api/v1/sessions", `{"group_id":"{T}","prompt":"Ideas?","votes_per_person":2}`, management.RuleOnlyFacilitator},
		{"member", "POST", "/api/v1/sessions/{SESSION}/phase", `{"phase":"votes"}`, management.RuleOnlyFacilitator},
		{"member", "POST", "/api/v1/sessions/{SESSION}/clusters", `{"title":"x","idea_ids":["{IDEA}"]}`, management.RuleOnlyFacilitator},
		{"member", "POST", "/api/v1/pitches/{P}/rounds", `{"method":"advice","closes_at":"` + closesAt + `"}`, management.RuleOnlyManagement},
		{"outsider", "POST", "/api/v1/rounds/{ROUND}/responses", `{"consent":true}`, management.RuleMembersOnly},
		{"ceo", "POST", "/api/v1/rounds/{ROUND}/close", `{"rationale":"Mine to close."}`, management.RuleRoundOpener},
	}
	for _, tt := range tests {
		w := f.do(tt.who, tt.method, f.path(tt.path), f.path(tt.body))
		if w.Code != 403 || problemOf(t, w).Rule != tt.rule {
			t.Errorf("%s %s as %s: %s, want 403 %s", tt.method, tt.path, tt.who, describe(w), tt.rule)
		}
	}
}

func TestSessionInputErrorsNameTheField(t *testing.T) {
	f := newFixture(t)
	f.session(management.Votes, false)
	f.round(management.VoteRound)
	tests := []struct {
		path, body, field string
	}{
		{"/api/v1/sessions", `{"group_id":"{T}","prompt":"Ideas?","votes_per_person":0}`, "votes_per_person"},
		{"/api/v1/sessions", `{"group_id":"{T}","prompt":"Ideas?","votes_per_person":2,"colour":"red"}`, "colour"},
		{"/api/v1/sessions", `{"group_id":"{T}","prompt":5,"votes_per_person":2}`, "prompt"},
		{"/api/v1/sessions/{SESSION}/votes", `{}`, "idea_id"},
		{"/api/v1/sessions/{SESSION}/votes", `{"idea_id":"999999"}`, "idea_id"},
		{"/api/v1/pitches/{P}/rounds", `{"method":"poll","closes_at":"2030-01-01T00:00:00Z"}`, "method"},
		{"/api/v1/pitches/{P}/rounds", `{"method":"vote","closes_at":"2000-01-01T00:00:00Z"}`, "closes_at"},
		{"/api/v1/pitches/{P}/rounds", `{"method":"vote","closes_at":"tomorrow"}`, "closes_at"},
		{"/api/v1/pitches/{P}/rounds", `{"method":"vote"}`, "closes_at"},
		{"/api/v1/rounds/{ROUND}/responses", `{"choice":"maybe"}`, "choice"},
		{"/api/v1/rounds/{ROUND}/close", `{"rationale":""}`, "rationale"},
	}
	for _, tt := range tests {
		w := f.do("manager", "POST", f.path(tt.path), f.path(tt.body))
		if w.Code != 400 || problemOf(t, w).Field != tt.field {
			t.Errorf("%s %s: %s, want 400 naming %s", tt.path, tt.body, describe(w), tt.field)
		}
	}
}
