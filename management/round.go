package management

import (
	"context"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/text"
)

// RoundMethod is how a decision round asks the group.
type RoundMethod string

// The methods of a round and the decision method each records.
const (
	Advice       RoundMethod = "advice"  // advice gathered; the manager decides (consultative)
	ConsentRound RoundMethod = "consent" // adopted only when no objection stands (consent)
	VoteRound    RoundMethod = "vote"    // the majority's outcome (vote)
)

// Valid reports whether m is a known method.
func (m RoundMethod) Valid() bool { return m == Advice || m == ConsentRound || m == VoteRound }

// DecisionMethod is the method the decision of such a round records.
func (m RoundMethod) DecisionMethod() Method {
	switch m {
	case ConsentRound:
		return Consent
	case VoteRound:
		return Vote
	}
	return Consultative
}

// Rule names of rounds.
const (
	RuleRoundOpener  = "round-opener-closes"
	RuleRoundClosed  = "round-closed"
	RuleOneRound     = "one-round-at-a-time"
	RuleRoundOutcome = "round-outcome"
)

// NewRound opens a decision round on a pitch.
type NewRound struct {
	Method   RoundMethod `json:"method"`
	ClosesAt time.Time   `json:"closes_at"`
}

// Validate checks a round against the clock: it closes in the future,
// within a year.
func (r *NewRound) Validate(now time.Time) error {
	if !r.Method.Valid() {
		return wayfare.FieldError("method", "must be one of advice, consent, vote")
	}
	if r.ClosesAt.IsZero() {
		return wayfare.FieldError("closes_at", "is required")
	}
	if !r.ClosesAt.After(now) {
		return wayfare.FieldError("closes_at", "must be in the future")
	}
	if r.ClosesAt.After(now.AddDate(1, 0, 0)) {
		return wayfare.FieldError("closes_at", "must be within a year")
	}
	return nil
}

// Choice is a vote in a vote round.
type Choice string

// The choices of a vote round.
const (
	ChooseAdopt   Choice = "adopt"
	ChooseDecline Choice = "decline"
)

// NewResponse is a member's answer to a round: advice for an advice
// round; consent or an objection for a consent round; a choice for a
// vote round.
type NewResponse struct {
	Advice    string `json:"advice,omitempty"`
	Consent   *bool  `json:"consent,omitempty"`
	Objection string `json:"objection,omitempty"`
	Choice    Choice `json:"choice,omitempty"`
}

// Validate checks a response against the round's method.
func (r *NewResponse) Validate(m RoundMethod) error {
	var err error
	if r.Advice, err = text.Block("advice", r.Advice, 0, 20000); err != nil {
		return err
	}
	if r.Objection, err = text.Block("objection", r.Objection, 0, 20000); err != nil {
		return err
	}
	only := func(field string, set bool) error {
		if set {
			return wayfare.FieldError(field, "is not an answer to a %s round", m)
		}
		return nil
	}
	switch m {
	case Advice:
		if r.Advice == "" {
			return wayfare.FieldError("advice", "is required in an advice round")
		}
		return firstErr(only("consent", r.Consent != nil), only("objection", r.Objection != ""), only("choice", r.Choice != ""))
	case ConsentRound:
		if err := firstErr(only("advice", r.Advice != ""), only("choice", r.Choice != "")); err != nil {
			return err
		}
		switch {
		case r.Consent != nil && r.Objection != "":
			return wayfare.FieldError("objection", "goes without consent: give one or the other")
		case r.Consent != nil && !*r.Consent:
			return wayfare.FieldError("consent", "must be true; to object, give an objection")
		case r.Consent == nil && r.Objection == "":
			return wayfare.FieldError("consent", "is required: give consent true or an objection")
		}
		return nil
	case VoteRound:
		if err := firstErr(only("advice", r.Advice != ""), only("consent", r.Consent != nil), only("objection", r.Objection != "")); err != nil {
			return err
		}
		if r.Choice != ChooseAdopt && r.Choice != ChooseDecline {
			return wayfare.FieldError("choice", "must be adopt or decline")
		}
	}
	return nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// Closing closes a round: the manager's rationale and, for an advice
// round, the outcome.
type Closing struct {
	Rationale string  `json:"rationale"`
	Outcome   Outcome `json:"outcome,omitempty"`
}

// Validate checks a closing's fields.
func (c *Closing) Validate() error {
	var err error
	if c.Rationale, err = text.Block("rationale", c.Rationale, 1, 20000); err != nil {
		return err
	}
	if c.Outcome != "" && c.Outcome != Adopt && c.Outcome != Decline {
		return wayfare.FieldError("outcome", "must be adopt or decline")
	}
	return nil
}

// Tally counts a round's standing answers.
type Tally struct {
	Responses  int `json:"responses"`
	Objections int `json:"objections"`
	Adopt      int `json:"adopt"`
	Decline    int `json:"decline"`
}

// RoundOutcome applies the round's rule to its answers:
//
//   - advice: the manager gives the outcome (required);
//   - consent: adopt only when no objection stands, else decline;
//   - vote: the majority; a tie (no votes included) declines — a change
//     needs more votes for it than against it.
//
// An outcome given for a consent or vote round must be the rule's.
func RoundOutcome(m RoundMethod, t Tally, given Outcome) (Outcome, error) {
	var rule Outcome
	switch m {
	case Advice:
		if given == "" {
			return "", wayfare.FieldError("outcome", "is required to close an advice round: the manager decides, advised")
		}
		return given, nil
	case ConsentRound:
		rule = Adopt
		if t.Objections > 0 {
			rule = Decline
		}
	case VoteRound:
		rule = Decline
		if t.Adopt > t.Decline {
			rule = Adopt
		}
	}
	if given != "" && given != rule {
		return "", &wayfare.Error{Code: wayfare.ECONFLICT, Field: "outcome", Rule: RuleRoundOutcome,
			Message: "must be " + string(rule) + ": a " + string(m) + " round decides by its rule, not by the manager"}
	}
	return rule, nil
}

// Round is a decision round on a pitch: the group's advice, consent or
// votes gathered before management records the decision.
type Round struct {
	ID         wayfare.ID  `json:"id"`
	PitchID    wayfare.ID  `json:"pitch_id"`
	GroupID    wayfare.ID  `json:"group_id"`
	OpenerID   wayfare.ID  `json:"opener_id"`
	Method     RoundMethod `json:"method"`
	ClosesAt   time.Time   `json:"closes_at"`
	Open       bool        `json:"open"`
	Tally      Tally       `json:"tally"`
	Responses  []Response  `json:"responses"`
	DecisionID *wayfare.ID `json:"decision_id,omitempty"`
	CreatedAt  time.Time   `json:"created_at"`
	ClosedAt   *time.Time  `json:"closed_at,omitempty"`
}

// Accepting reports whether the round takes answers at t.
func (r *Round) Accepting(t time.Time) error {
	if !r.Open {
		return wayfare.Conflict(RuleRoundClosed, "the round is closed")
	}
	if !t.Before(r.ClosesAt) {
		return wayfare.Conflict(RuleRoundClosed, "the round stopped taking answers at %s", r.ClosesAt.Format(time.RFC3339))
	}
	return nil
}

// Response is one member's standing answer to a round; answering again
// replaces it (an objection withdrawn by consenting no longer stands).
type Response struct {
	PersonID  wayfare.ID `json:"person_id"`
	Advice    string     `json:"advice,omitempty"`
	Consent   bool       `json:"consent,omitempty"`
	Objection string     `json:"objection,omitempty"`
	Choice    Choice     `json:"choice,omitempty"`
	At        time.Time  `json:"at"`
}

// Count tallies responses.
func Count(rs []Response) Tally {
	t := Tally{Responses: len(rs)}
	for _, r := range rs {
		switch {
		case r.Objection != "":
			t.Objections++
		case r.Choice == ChooseAdopt:
			t.Adopt++
		case r.Choice == ChooseDecline:
			t.Decline++
		}
	}
	return t
}

// CanOpenRound lets management of the target group open a round on a
// proposal that is selling, deferred or declined, one round at a time
// (open says a round is open on the pitch already).
func CanOpenRound(s Standing, kind leadership.Kind, status leadership.Status, open bool) error {
	if err := CanDecide(s); err != nil {
		return err
	}
	if kind == leadership.Example {
		return wayfare.Conflict("example-needs-no-decision", "an example needs no decision, nor a round")
	}
	if status != leadership.Selling && status != leadership.Deferred && status != leadership.Declined {
		return wayfare.Conflict("decisions-are-records", "a round is for a pitch that is selling, deferred or declined; this one is %s", status)
	}
	if open {
		return wayfare.Conflict(RuleOneRound, "this pitch has a round open already")
	}
	return nil
}

// CanCloseRound lets the manager who opened the round close it while they
// still manage the group; once they no longer do (openerManages false),
// any manager of the group may, so that no round is left open for good.
func CanCloseRound(s Standing, openerID wayfare.ID, openerManages bool) error {
	if err := CanDecide(s); err != nil {
		return err
	}
	if !s.Actor.System && s.Actor.PersonID != openerID && openerManages {
		return wayfare.Forbidden(RuleRoundOpener, "only the manager who opened the round may close it")
	}
	return nil
}

// CanAnswer applies a round's electorate, fixed when the round opened: the
// members of the target group, or of a group below it, at that moment.
// Someone who joins later does not answer a round already open, so that
// nobody can add voters to a round under way. elector says the actor is
// one of them.
func CanAnswer(s Standing, elector bool) error {
	if elector && !s.Actor.Anonymous() {
		return nil
	}
	if s.Actor.Anonymous() {
		return wayfare.Forbidden(RuleSignedIn, "sign in to act")
	}
	return wayfare.Forbidden(RuleMembersOnly, "only the members of the group when the round opened may answer it")
}

// RoundService runs decision rounds.
type RoundService interface {
	// OpenRound opens a round on a proposal that is selling, deferred or
	// declined. Management of the target group (EFORBIDDEN); ECONFLICT for
	// an example, a closed pitch or a pitch with a round open.
	OpenRound(ctx context.Context, pitchID wayfare.ID, in NewRound) (*Round, error)
	// Respond records or replaces the actor's answer; created is false for
	// a replacement. The round's electorate only (CanAnswer), while the
	// round is open.
	Respond(ctx context.Context, roundID wayfare.ID, in NewResponse) (r *Round, created bool, err error)
	// CloseRound closes a round and records its decision through Decide's
	// path, linked to the round. The manager who opened it only.
	CloseRound(ctx context.Context, roundID wayfare.ID, in Closing) (*Round, *Decision, error)
	// Round returns a round with its responses.
	Round(ctx context.Context, id wayfare.ID) (*Round, error)
	// Rounds lists a pitch's rounds, newest first.
	Rounds(ctx context.Context, pitchID wayfare.ID) ([]*Round, error)
}
