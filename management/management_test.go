package management

import (
	"testing"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
)

func code(err error) string { return wayfare.ErrorCode(err) }

func TestAuthority(t *testing.T) {
	person := wayfare.Actor{PersonID: 7}
	admin := wayfare.Actor{PersonID: 8, Admin: true}
	tests := []struct {
		name          string
		s             Standing
		decide, drive string
	}{
		{"manager of the group or above", Standing{Actor: person, Manager: true}, "", ""},
		{"named driver", Standing{Actor: person, Driver: true}, wayfare.EFORBIDDEN, ""},
		{"plain member or author", Standing{Actor: person}, wayfare.EFORBIDDEN, wayfare.EFORBIDDEN},
		{"admin without a manager role", Standing{Actor: admin}, wayfare.EFORBIDDEN, wayfare.EFORBIDDEN},
		{"anonymous", Standing{}, wayfare.EFORBIDDEN, wayfare.EFORBIDDEN},
		{"command line", Standing{Actor: wayfare.Actor{System: true}}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := code(CanDecide(tt.s)); got != tt.decide {
				t.Errorf("CanDecide = %q, want %q", got, tt.decide)
			}
			if got := code(CanDrive(tt.s)); got != tt.drive {
				t.Errorf("CanDrive = %q, want %q", got, tt.drive)
			}
		})
	}
	if e, _ := wayfare.AsError(CanDecide(Standing{Actor: person})); e.Rule != RuleOnlyManagement {
		t.Errorf("rule = %q, want %q", e.Rule, RuleOnlyManagement)
	}
}

func TestCanMergeInto(t *testing.T) {
	person := wayfare.Actor{PersonID: 7}
	tests := []struct {
		name string
		s    Standing
		rule string
	}{
		{"manager of the target pitch's group or above", Standing{Actor: person, Manager: true}, ""},
		{"manager of another group only", Standing{Actor: person}, RuleMergeManaged},
		{"driver of the target pitch's journey", Standing{Actor: person, Driver: true}, RuleMergeManaged},
		{"admin without a manager role", Standing{Actor: wayfare.Actor{PersonID: 8, Admin: true}}, RuleMergeManaged},
		{"command line", Standing{Actor: wayfare.Actor{System: true}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CanMergeInto(tt.s)
			e, _ := wayfare.AsError(err)
			switch {
			case tt.rule == "" && err != nil:
				t.Errorf("CanMergeInto = %v, want nil", err)
			case tt.rule != "" && (e == nil || e.Rule != tt.rule || e.Code != wayfare.EFORBIDDEN):
				t.Errorf("CanMergeInto = %v, want forbidden by %q", err, tt.rule)
			}
		})
	}
}

func TestCanRecord(t *testing.T) {
	current, other := wayfare.ID(10), wayfare.ID(11)
	tests := []struct {
		name       string
		d          Decided
		supersedes *wayfare.ID
		want       string
	}{
		{"first decision", Decided{}, nil, ""},
		{"first decision naming a predecessor", Decided{}, &current, wayfare.EINVALID},
		{"second decision without supersedes", Decided{Current: &current}, nil, wayfare.ECONFLICT},
		{"second decision superseding the one in force", Decided{Current: &current}, &current, ""},
		{"second decision superseding an old one", Decided{Current: &current}, &other, wayfare.ECONFLICT},
		{"an example", Decided{Example: true}, nil, wayfare.ECONFLICT},
		{"withdrawn or merged", Decided{Closed: true}, nil, wayfare.ECONFLICT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := code(CanRecord(tt.d, NewDecision{Supersedes: tt.supersedes})); got != tt.want {
				t.Errorf("CanRecord = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNewDecisionValidate(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	into := wayfare.ID(3)
	ok := func(o Outcome) NewDecision { return NewDecision{Outcome: o, Method: Directive, Rationale: "Because."} }
	tests := []struct {
		name  string
		edit  func(*NewDecision)
		field string
	}{
		{"adopt", func(d *NewDecision) { *d = ok(Adopt) }, ""},
		{"decline", func(d *NewDecision) { *d = ok(Decline) }, ""},
		{"defer with a date", func(d *NewDecision) { *d = ok(Defer); d.RevisitOn = "2026-09-01" }, ""},
		{"merge with a target", func(d *NewDecision) { *d = ok(Merge); d.MergeInto = &into }, ""},
		{"unknown outcome", func(d *NewDecision) { *d = ok("maybe") }, "outcome"},
		{"unknown method", func(d *NewDecision) { *d = ok(Adopt); d.Method = "coin" }, "method"},
		{"no rationale", func(d *NewDecision) { *d = ok(Adopt); d.Rationale = " " }, "rationale"},
		{"defer without a date", func(d *NewDecision) { *d = ok(Defer) }, "revisit_on"},
		{"defer to a bad date", func(d *NewDecision) { *d = ok(Defer); d.RevisitOn = "soon" }, "revisit_on"},
		{"defer to the past", func(d *NewDecision) { *d = ok(Defer); d.RevisitOn = "2026-01-01" }, "revisit_on"},
		{"date on an adopt", func(d *NewDecision) { *d = ok(Adopt); d.RevisitOn = "2026-09-01" }, "revisit_on"},
		{"merge without a target", func(d *NewDecision) { *d = ok(Merge) }, "merge_into"},
		{"target on a decline", func(d *NewDecision) { *d = ok(Decline); d.MergeInto = &into }, "merge_into"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d NewDecision
			tt.edit(&d)
			err := d.Validate(now)
			got := ""
			if e, ok := wayfare.AsError(err); ok {
				got = e.Field
			}
			if got != tt.field {
				t.Errorf("field = %q (%v), want %q", got, err, tt.field)
			}
		})
	}
}

func TestMove(t *testing.T) {
	all := []JourneyStatus{Boarding, Underway, Arrived, Abandoned}
	allowed := map[[2]JourneyStatus]bool{
		{Boarding, Underway}: true, {Underway, Arrived}: true,
		{Boarding, Abandoned}: true, {Underway, Abandoned}: true,
	}
	for _, from := range all {
		for _, to := range all {
			err := Move(from, to)
			if allowed[[2]JourneyStatus{from, to}] != (err == nil) {
				t.Errorf("Move(%s, %s) = %v", from, to, err)
			}
			if err != nil && code(err) != wayfare.ECONFLICT {
				t.Errorf("Move(%s, %s) code = %s", from, to, code(err))
			}
		}
	}
}

func TestNeedsLeadership(t *testing.T) {
	tests := []struct {
		status                    JourneyStatus
		doubts, riders, threshold int
		want                      bool
	}{
		{Underway, 0, 10, 25, false},
		{Underway, 2, 10, 25, false},
		{Underway, 3, 12, 25, true}, // exactly a quarter
		{Underway, 3, 10, 25, true},
		{Boarding, 1, 1, 25, true},
		{Arrived, 5, 5, 25, false}, // over: nothing to sell
		{Abandoned, 5, 5, 25, false},
		{Underway, 1, 0, 25, false},
		{Underway, 1, 10, 10, true},
	}
	for _, tt := range tests {
		if got := NeedsLeadership(tt.status, tt.doubts, tt.riders, tt.threshold); got != tt.want {
			t.Errorf("NeedsLeadership(%s, %d, %d, %d) = %v", tt.status, tt.doubts, tt.riders, tt.threshold, got)
		}
	}
}

func TestJourneyInputs(t *testing.T) {
	p := func(n int) *int { return &n }
	tests := []struct {
		name  string
		err   error
		field string
	}{
		{"stop", (&NewStop{Title: "Pilot", DueOn: "2026-07-01"}).Validate(), ""},
		{"stop without title", (&NewStop{DueOn: "2026-07-01"}).Validate(), "title"},
		{"stop with a bad date", (&NewStop{Title: "Pilot", DueOn: "July"}).Validate(), "due_on"},
		{"check-in", (&NewCheckin{Progress: p(40), Confidence: AtRisk}).Validate(), ""},
		{"check-in without progress", (&NewCheckin{Confidence: AtRisk}).Validate(), "progress"},
		{"check-in over 100", (&NewCheckin{Progress: p(101), Confidence: OnTrack}).Validate(), "progress"},
		{"check-in with a bad confidence", (&NewCheckin{Progress: p(1), Confidence: "fine"}).Validate(), "confidence"},
		{"ending without a review", (&Ending{}).Validate(), "review"},
		{"doubt without a note", (&NewDoubt{}).Validate(), ""},
	}
	for _, tt := range tests {
		got := ""
		if e, ok := wayfare.AsError(tt.err); ok {
			got = e.Field
		}
		if got != tt.field {
			t.Errorf("%s: field = %q (%v), want %q", tt.name, got, tt.err, tt.field)
		}
	}
}

func TestGoing(t *testing.T) {
	for _, s := range []JourneyStatus{Boarding, Underway} {
		if err := s.Going(); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	for _, s := range []JourneyStatus{Arrived, Abandoned} {
		if code(s.Going()) != wayfare.ECONFLICT {
			t.Errorf("%s must be over", s)
		}
	}
}

func TestMergeTarget(t *testing.T) {
	tests := []struct {
		kind     leadership.Kind
		status   leadership.Status
		departed bool
		rule     string
	}{
		{leadership.Proposal, leadership.Selling, false, ""},
		{leadership.Proposal, leadership.Deferred, false, ""},
		{leadership.Proposal, leadership.Adopted, false, ""},
		{leadership.Proposal, leadership.Adopted, true, "refunds-stop-at-departure"},
		{leadership.Proposal, leadership.Declined, false, "merge-into-open-proposal"},
		{leadership.Proposal, leadership.Merged, false, "merge-into-open-proposal"},
		{leadership.Proposal, leadership.Withdrawn, false, "merge-into-open-proposal"},
		{leadership.Example, leadership.Showing, false, "merge-into-open-proposal"},
	}
	for _, tt := range tests {
		err := MergeTarget(tt.kind, tt.status, tt.departed)
		e, _ := wayfare.AsError(err)
		if (tt.rule == "" && err != nil) || (tt.rule != "" && (e == nil || e.Rule != tt.rule || e.Field != "merge_into")) {
			t.Errorf("%s %s departed=%v: %v, want rule %q", tt.kind, tt.status, tt.departed, err, tt.rule)
		}
	}
}
