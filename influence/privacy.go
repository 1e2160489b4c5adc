package influence

import "github.com/wayfare-org/wayfare"

// MinAggregate is the fewest people an aggregate may be computed over:
// below it, the figure is hidden, since it would tell about individuals.
const MinAggregate = 5

// RulePrivacy names the rule that refuses person figures of others.
const RulePrivacy = "influence-privacy"

// Policy is the organization's choice about person figures.
type Policy struct {
	// PeopleVisible shows every person's figures to everyone signed in;
	// off by default, when only admins see the figures of others.
	PeopleVisible bool
}

// Hidden reports whether an aggregate over n people must be hidden.
func Hidden(n int) bool { return n < MinAggregate }

// MaySeeEveryone reports whether the actor may see the figures of any
// person: admins, the command line, and everyone when the organization
// turns it on.
func MaySeeEveryone(a wayfare.Actor, p Policy) bool {
	if a.Anonymous() {
		return false
	}
	return a.Admin || a.System || p.PeopleVisible
}

// MaySeePerson says whether the actor may see one person's figures:
// people always see their own; others' only as MaySeeEveryone allows.
func MaySeePerson(a wayfare.Actor, personID wayfare.ID, p Policy) error {
	if a.Anonymous() {
		return &wayfare.Error{Code: wayfare.EUNAUTHORIZED, Message: "sign in to see influence figures"}
	}
	if a.PersonID == personID || MaySeeEveryone(a, p) {
		return nil
	}
	return wayfare.Forbidden(RulePrivacy, "people see their own figures; the figures of others are shown to admins only, unless the organization shows them to everyone")
}

// MaySeeOrg says whether the actor may see the organization's figures:
// anyone signed in, since they are aggregates.
func MaySeeOrg(a wayfare.Actor) error {
	if a.Anonymous() {
		return &wayfare.Error{Code: wayfare.EUNAUTHORIZED, Message: "sign in to see influence figures"}
	}
	return nil
}
