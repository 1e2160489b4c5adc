// Package management holds the acts that decide and facilitate: decisions
// on pitches, decision rounds that gather the group's advice, consent or
// votes, the journeys that adopted pitches become, with their drivers,
// stops, check-ins and the riders' doubts, and facilitated sessions. Only management of the
// target group may do these (rule 3).
package management

import "github.com/wayfare-org/wayfare"

// Standing is what the system knows about an actor's standing towards one
// group and, where there is one, one journey.
type Standing struct {
	Actor   wayfare.Actor
	Manager bool // manager of the group or of an ancestor group
	Driver  bool // a named driver of the journey at stake
	// Facilitator is the named facilitator of the session at stake.
	Facilitator bool
	// Member is a membership in the group or in a group below it.
	Member bool
}

// Rule names used in errors.
const (
	RuleOnlyManagement = "only-management-decides"
	RuleSignedIn       = "signed-in"
	// RuleMergeManaged refuses a merge into a pitch the decider does not
	// manage.
	RuleMergeManaged = "merge-into-managed-pitch"
)

// CanDecide applies rule 3 to a decision or to naming drivers: the manager
// role in the target group (or an ancestor) is needed. Admin rights and
// authorship grant nothing here (rules 2 and 3).
func CanDecide(s Standing) error {
	if s.Actor.System || s.Manager {
		return nil
	}
	if s.Actor.Anonymous() {
		return wayfare.Forbidden(RuleSignedIn, "sign in to act")
	}
	return wayfare.Forbidden(RuleOnlyManagement, "only a manager of the target group (or of a group above it) may decide")
}

// CanDrive applies rule 3 to running a journey: management of the target
// group, or a driver it named (delegated management).
func CanDrive(s Standing) error {
	if s.Actor.System || s.Manager || s.Driver {
		return nil
	}
	if s.Actor.Anonymous() {
		return wayfare.Forbidden(RuleSignedIn, "sign in to act")
	}
	return wayfare.Forbidden(RuleOnlyManagement, "only the journey's drivers or a manager of the target group may run this journey")
}

// CanMergeInto applies rule 3 to the pitch a merge names: a merge moves
// the tickets, and riders where there is a journey, into that pitch, so
// the decider must manage its target group (or an ancestor) too. target is
// the decider's standing towards the target pitch's group.
func CanMergeInto(target Standing) error {
	if target.Actor.System || target.Manager {
		return nil
	}
	return &wayfare.Error{Code: wayfare.EFORBIDDEN, Field: "merge_into", Rule: RuleMergeManaged,
		Message: "names a pitch to a group you do not manage; merge only into a pitch you may decide on"}
}
