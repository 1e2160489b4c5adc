package management

import (
	"context"
	"fmt"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/text"
)

// Outcome is what a decision decides.
type Outcome string

// The outcomes of a decision.
const (
	Adopt   Outcome = "adopt"
	Decline Outcome = "decline"
	Defer   Outcome = "defer"
	Merge   Outcome = "merge"
)

// Method is how a decision was made.
type Method string

// The methods of a decision: for the group or with it.
const (
	Directive    Method = "directive"    // decided for the group
	Consultative Method = "consultative" // advice gathered, then decided
	Consent      Method = "consent"      // decided with the group: no objection stands
	Vote         Method = "vote"         // decided with the group: the majority
)

// Decision is a manager's decision on a pitch. It is immutable; a later
// decision may supersede it, and both stay visible (rule 6).
type Decision struct {
	ID         wayfare.ID  `json:"id"`
	PitchID    wayfare.ID  `json:"pitch_id"`
	DeciderID  wayfare.ID  `json:"decider_id"`
	Outcome    Outcome     `json:"outcome"`
	Method     Method      `json:"method"`
	Rationale  string      `json:"rationale"`
	RevisitOn  string      `json:"revisit_on,omitempty"`
	MergeInto  *wayfare.ID `json:"merge_into,omitempty"`
	Supersedes *wayfare.ID `json:"supersedes,omitempty"`
	JourneyID  *wayfare.ID `json:"journey_id,omitempty"`
	RoundID    *wayfare.ID `json:"round_id,omitempty"` // the round whose answers it weighed
	CreatedAt  time.Time   `json:"created_at"`
}

// NewDecision is the input of a decision.
type NewDecision struct {
	Outcome     Outcome     `json:"outcome"`
	Rationale   string      `json:"rationale"`
	Method      Method      `json:"method"`
	RevisitOn   string      `json:"revisit_on,omitempty"`
	MergeInto   *wayfare.ID `json:"merge_into,omitempty"`
	Supersedes  *wayfare.ID `json:"supersedes,omitempty"`
	Destination string      `json:"destination,omitempty"`
}

// Validate checks a decision's fields against the clock.
func (d *NewDecision) Validate(now time.Time) error {
	var errs wayfare.Fields
	var err error
	switch d.Outcome {
	case Adopt, Decline, Defer, Merge:
	default:
		errs.Add(wayfare.FieldError("outcome", "must be one of adopt, decline, defer, merge"))
	}
	switch d.Method {
	case Directive, Consultative, Consent, Vote:
	default:
		errs.Add(wayfare.FieldError("method", "must be one of directive, consultative, consent, vote"))
	}
	if d.Rationale, err = text.Block("rationale", d.Rationale, 1, 20000); err != nil {
		errs.Add(err)
	}
	if d.Destination, err = text.Block("destination", d.Destination, 0, 2000); err != nil {
		errs.Add(err)
	}
	errs.Add(d.validateRevisit(now))
	if d.Outcome == Merge && (d.MergeInto == nil || *d.MergeInto <= 0) {
		errs.Add(wayfare.FieldError("merge_into", "is required when the outcome is merge"))
	}
	if d.Outcome != Merge && d.MergeInto != nil {
		errs.Add(wayfare.FieldError("merge_into", "is only for the outcome merge"))
	}
	return errs.Err()
}

// validateRevisit checks the revisit date: required for defer, and only
// for defer.
func (d *NewDecision) validateRevisit(now time.Time) error {
	if d.Outcome != Defer {
		if d.RevisitOn != "" {
			return wayfare.FieldError("revisit_on", "is only for the outcome defer")
		}
		return nil
	}
	if d.RevisitOn == "" {
		return wayfare.FieldError("revisit_on", "is required when the outcome is defer")
	}
	day, err := time.Parse(time.DateOnly, d.RevisitOn)
	if err != nil {
		return wayfare.FieldError("revisit_on", "must be a date (YYYY-MM-DD)")
	}
	if !day.After(now.Truncate(24 * time.Hour).Add(-24 * time.Hour)) {
		return wayfare.FieldError("revisit_on", "must not be in the past")
	}
	return nil
}

// MergeTarget applies the rule on the pitch a merge names: a proposal
// selling, deferred or adopted, whose journey, if it has one, has not
// departed (its riders could no longer be moved).
func MergeTarget(kind leadership.Kind, status leadership.Status, departed bool) error {
	if kind != leadership.Proposal || (status != leadership.Selling && status != leadership.Deferred && status != leadership.Adopted) {
		return &wayfare.Error{Code: wayfare.ECONFLICT, Field: "merge_into", Rule: "merge-into-open-proposal",
			Message: fmt.Sprintf("names a %s %s; merge into a proposal that is selling, deferred or adopted", status, kind)}
	}
	if departed {
		return &wayfare.Error{Code: wayfare.ECONFLICT, Field: "merge_into", Rule: "refunds-stop-at-departure",
			Message: "names a pitch whose journey has departed"}
	}
	return nil
}

// Decided is what the system knows of a pitch when a decision arrives.
type Decided struct {
	Example bool        // the pitch is an example
	Current *wayfare.ID // the decision in force, if any
	Closed  bool        // withdrawn or merged away
}

// CanRecord applies rule 6 to a new decision: management may decide at any
// time; a decided pitch needs the new decision to name the one it
// supersedes; an example needs no decision.
func CanRecord(d Decided, in NewDecision) error {
	if d.Example {
		return wayfare.Conflict("example-needs-no-decision", "an example needs no decision")
	}
	if d.Closed {
		return wayfare.Conflict("pitch-closed", "this pitch was withdrawn or merged and can no longer be decided")
	}
	if d.Current == nil {
		if in.Supersedes != nil {
			return wayfare.FieldError("supersedes", "names no decision in force: this pitch is undecided")
		}
		return nil
	}
	if in.Supersedes == nil {
		return wayfare.Conflict("decisions-are-records", "this pitch is decided already (decision %s); a new decision must name it in supersedes", d.Current)
	}
	if *in.Supersedes != *d.Current {
		return wayfare.Conflict("decisions-are-records", "supersedes must name the decision in force (%s)", d.Current)
	}
	return nil
}

// Service records decisions.
type Service interface {
	// Decide records a decision on a pitch. Management of the target group
	// only (EFORBIDDEN); ECONFLICT on an example or a decided pitch without
	// supersedes. Adopt creates the journey; merge moves the tickets.
	Decide(ctx context.Context, pitchID wayfare.ID, in NewDecision) (*Decision, error)
	// Decisions lists a pitch's decisions, newest first.
	Decisions(ctx context.Context, pitchID wayfare.ID) ([]*Decision, error)
}
