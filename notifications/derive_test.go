package notifications

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/ledger"
)

// facts is an organization for the rules: pitch 1 by author 10 to group 100
// (managers 1 and 2, members 20, 21), wanting 3; holders 20, 21, 10; journey
// 5 of pitch 1 with riders 20, 21, driver 30, doubter 21; round 7 asks 20
// and 21; session 9 of group 100.
type facts struct {
	noReads  bool // every question fails: the rule must not ask
	selling  bool
	private  bool
	drivers  []wayfare.ID
	managers map[wayfare.ID][]wayfare.ID
}

func (f facts) Name(_ context.Context, id wayfare.ID) (string, error) {
	return "Person " + id.String(), nil
}
func (f facts) Pitch(context.Context, wayfare.ID) (PitchFacts, error) {
	if f.noReads {
		return PitchFacts{}, errors.New("the pitch was read")
	}
	return PitchFacts{Title: "Weekly demos", AuthorID: 10, GroupID: 100, TicketsWanted: 3, Selling: f.selling}, nil
}
func (f facts) Journey(context.Context, wayfare.ID) (JourneyFacts, error) {
	return JourneyFacts{Title: "Weekly demos", PitchID: 1, AuthorID: 10, GroupID: 100}, nil
}
func (f facts) Decision(context.Context, wayfare.ID) (DecisionFacts, error) {
	return DecisionFacts{Outcome: "adopt", Method: "consent", Rationale: "No objection stood."}, nil
}
func (f facts) SessionPrompt(context.Context, wayfare.ID) (string, error) {
	return "Faster reviews", nil
}
func (f facts) Managers(_ context.Context, g wayfare.ID) ([]wayfare.ID, error) {
	return f.managers[g], nil
}
func (f facts) Members(context.Context, wayfare.ID) ([]wayfare.ID, error) {
	return []wayfare.ID{1, 20, 21}, nil
}
func (f facts) TicketHolders(context.Context, wayfare.ID) ([]wayfare.ID, error) {
	return []wayfare.ID{10, 20, 21}, nil
}
func (f facts) Riders(context.Context, wayfare.ID) ([]wayfare.ID, error) {
	return []wayfare.ID{20, 21}, nil
}
func (f facts) Drivers(context.Context, wayfare.ID) ([]wayfare.ID, error) {
	return f.drivers, nil
}
func (f facts) Doubters(context.Context, wayfare.ID) ([]wayfare.ID, error) {
	return []wayfare.ID{21}, nil
}
func (f facts) Electorate(context.Context, wayfare.ID) ([]wayfare.ID, error) {
	return []wayfare.ID{1, 20, 21}, nil
}
func (f facts) Admins(context.Context) ([]wayfare.ID, error) { return []wayfare.ID{90}, nil }
func (f facts) FollowsPrivate(context.Context) (bool, error) { return f.private, nil }

type told struct {
	kind Kind
	to   []wayfare.ID
}

func TestDerive(t *testing.T) {
	org := facts{selling: true, drivers: []wayfare.ID{30}, managers: map[wayfare.ID][]wayfare.ID{100: {1, 2}}}
	act := func(verb string, by wayfare.ID, payload string) *wayfare.Act {
		f, _ := ledger.FunctionOf(verb)
		a := &wayfare.Act{ID: 77, At: time.Unix(1_800_000_000, 0), PersonID: by, Function: f, Verb: verb, SubjectID: 1, GroupID: 100}
		if payload != "" {
			a.Payload = json.RawMessage(payload)
		}
		return a
	}
	with := func(f facts, change func(*facts)) facts { change(&f); return f }
	tests := []struct {
		name  string
		facts facts
		act   *wayfare.Act
		want  []told
	}{
		{"first ticket tells the author", org, act(ledger.TicketBought, 20, `{"tickets_sold":1}`),
			[]told{{PitchSold, []wayfare.ID{10}}}},
		{"a middle ticket tells nobody", org, act(ledger.TicketBought, 20, `{"tickets_sold":2}`), nil},
		{"a middle ticket tells nobody, without reading the pitch", facts{noReads: true}, act(ledger.TicketBought, 20, `{"tickets_sold":2,"tickets_wanted":3}`), nil},
		{"the wanted ticket tells the author and the managers", org, act(ledger.TicketBought, 21, `{"tickets_sold":3}`),
			[]told{{PitchSold, []wayfare.ID{10}}, {DecisionWaiting, []wayfare.ID{1, 2}}}},
		{"a manager buying the wanted ticket is not told", org, act(ledger.TicketBought, 1, `{"tickets_sold":3}`),
			[]told{{PitchSold, []wayfare.ID{10}}, {DecisionWaiting, []wayfare.ID{2}}}},
		{"a pitch decided before its wanted waits for nobody", with(org, func(f *facts) { f.selling = false }),
			act(ledger.TicketBought, 21, `{"tickets_sold":3}`), []told{{PitchSold, []wayfare.ID{10}}}},
		{"tickets over the wanted tell nobody", org, act(ledger.TicketBought, 21, `{"tickets_sold":4}`), nil},
		{"an old purchase without a count tells nobody", org, act(ledger.TicketBought, 21, ""), nil},
		{"a decision tells the author and holders once each, not the decider", org,
			act(ledger.DecisionMade, 21, `{"decision_id":"3"}`), []told{{PitchDecided, []wayfare.ID{10, 20}}}},
		{"a round asks its electorate but its opener", org, act(ledger.RoundOpened, 1, `{"round_id":"7","method":"consent"}`),
			[]told{{RoundOpened, []wayfare.ID{20, 21}}}},
		{"a doubt tells the drivers", org, act(ledger.DoubtRaised, 21, `{"doubt_id":"4","crossed":false}`),
			[]told{{DoubtRaised, []wayfare.ID{30}}}},
		{"a doubt without drivers tells management", with(org, func(f *facts) { f.drivers = nil }),
			act(ledger.DoubtRaised, 21, `{"doubt_id":"4"}`), []told{{DoubtRaised, []wayfare.ID{1, 2}}}},
		{"the doubt that crosses the threshold calls for leadership", org, act(ledger.DoubtRaised, 21, `{"doubt_id":"4","crossed":true}`),
			[]told{{DoubtRaised, []wayfare.ID{30}}, {JourneyNeedsLeadership, []wayfare.ID{20, 30, 10}}}},
		{"departure tells the riders", org, act(ledger.JourneyDeparted, 30, ""), []told{{JourneyMoved, []wayfare.ID{20, 21}}}},
		{"a check-in tells the riders", org, act(ledger.CheckinPosted, 30, `{}`), []told{{JourneyMoved, []wayfare.ID{20, 21}}}},
		{"arrival tells the riders", org, act(ledger.JourneyArrived, 30, ""), []told{{JourneyMoved, []wayfare.ID{20, 21}}}},
		{"abandoning tells the riders", org, act(ledger.JourneyAbandon, 30, ""), []told{{JourneyMoved, []wayfare.ID{20, 21}}}},
		{"a stop reopened tells nobody", org, act(ledger.StopReopened, 30, ""), nil},
		{"a re-pitch tells the open doubters", org, act(ledger.RepitchPosted, 10, `{"repitch_id":"2"}`),
			[]told{{RepitchPosted, []wayfare.ID{21}}}},
		{"a session opening tells the members but its facilitator", org, act(ledger.SessionOpened, 1, `{}`),
			[]told{{SessionPhase, []wayfare.ID{20, 21}}}},
		{"a session moving to votes tells the members", org, act(ledger.SessionMoved, 1, `{"from":"clusters","to":"votes"}`),
			[]told{{SessionPhase, []wayfare.ID{20, 21}}}},
		{"a session moving to clusters tells nobody", org, act(ledger.SessionMoved, 1, `{"from":"ideas","to":"clusters"}`), nil},
		{"a webhook disabled tells the admins", org, act(ledger.WebhookDisabled, 0, `{"url":"https://chat.example/hook","reason":"410 Gone"}`),
			[]told{{WebhookStopped, []wayfare.ID{90}}}},
		{"a password set tells its person, even when they set it", org, func() *wayfare.Act { a := act(ledger.PasswordSet, 10, ""); a.SubjectID = 10; return a }(),
			[]told{{AccountSignIn, []wayfare.ID{10}}}},
		{"an API token made by an admin tells its owner", org, func() *wayfare.Act {
			a := act(ledger.TokenCreated, 90, `{"token_id":"3","name":"laptop","kind":"api"}`)
			a.SubjectID = 20
			return a
		}(), []told{{AccountSignIn, []wayfare.ID{20}}}},
		{"a provisioning token tells nobody", org, act(ledger.TokenCreated, 90, `{"token_id":"3","name":"okta","kind":"scim"}`), nil},
		{"an act no rule names tells nobody", org, act(ledger.PersonCreated, 1, `{}`), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Derive(context.Background(), tt.act, tt.facts)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("notices = %+v, want %+v", got, tt.want)
			}
			for i, n := range got {
				if n.Kind != tt.want[i].kind || !slices.Equal(n.Recipients, tt.want[i].to) {
					t.Errorf("notice %d = %s to %v, want %s to %v", i, n.Kind, n.Recipients, tt.want[i].kind, tt.want[i].to)
				}
				if n.ActID != 77 || n.Key == "" || n.Subject == "" || n.Text == "" || !strings.HasPrefix(n.URL, "/") || n.Thread == "" || n.Topic == "" {
					t.Errorf("notice %d is incomplete: %+v", i, n)
				}
			}
		})
	}
}

func TestDeriveKeepsFollowersPrivate(t *testing.T) {
	a := &wayfare.Act{ID: 1, PersonID: 20, Function: wayfare.Follower, Verb: ledger.TicketBought, SubjectID: 1,
		Payload: json.RawMessage(`{"tickets_sold":1}`)}
	for _, private := range []bool{false, true} {
		got, err := Derive(context.Background(), a, facts{selling: true, private: private})
		if err != nil || len(got) != 1 {
			t.Fatalf("notices = %v, %v", got, err)
		}
		named := strings.Contains(got[0].Text, "Person 20")
		if named == private {
			t.Errorf("follows private %v: text %q", private, got[0].Text)
		}
	}
}

func TestDueNotice(t *testing.T) {
	n := DueNotice(Due{RoundID: 7, PitchID: 1, ActID: 70, Opener: 1, Title: "Weekly demos"})
	if n.Kind != RoundDue || !slices.Equal(n.Recipients, []wayfare.ID{1}) || n.Key != "due:7" || n.ActID != 70 || n.URL != "/pitches/1#rounds" {
		t.Errorf("due notice = %+v", n)
	}
}
