package influence

import (
	"slices"

	"github.com/wayfare-org/wayfare"
)

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
	// FollowsPrivate keeps who acted as a follower (bought or refunded a
	// ticket, raised a doubt, reconfirmed, left a journey, posted an idea,
	// dotted, answered a round) from everyone but admins and the person
	// themself: the ledger, the pages and the live stream show such acts
	// without their person. Off by default.
	FollowsPrivate bool
}

// Hidden reports whether an aggregate over n people must be hidden.
func Hidden(n int) bool { return n < MinAggregate }

// MergeSmall joins each bucket of a distribution that counts from 1 to
// MinAggregate−1 with its neighbour below (the first bucket with the one
// above), the highest first, until every bucket counts none or at least
// MinAggregate: a bucket of two people would describe those two. It
// returns, for each bucket kept, the first and last of the buckets it
// covers.
func MergeSmall(counts []int) [][2]int {
	spans := make([][2]int, len(counts))
	sums := slices.Clone(counts)
	for i := range spans {
		spans[i] = [2]int{i, i}
	}
	for len(sums) > 1 {
		k := -1
		for i := len(sums) - 1; i >= 0; i-- {
			if sums[i] > 0 && Hidden(sums[i]) {
				k = i
				break
			}
		}
		if k < 0 {
			break
		}
		lo := max(k-1, 0)
		hi := lo + 1
		spans[lo][1] = spans[hi][1]
		sums[lo] += sums[hi]
		spans = slices.Delete(spans, hi, hi+1)
		sums = slices.Delete(sums, hi, hi+1)
	}
	return spans
}

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

// MaySeeFollower says whether the actor may learn that the person did a
// follower act: always, unless the organization keeps follows private;
// then admins, the command line and the person themself only.
func MaySeeFollower(a wayfare.Actor, p Policy, personID wayfare.ID) bool {
	if !p.FollowsPrivate || a.Admin || a.System {
		return true
	}
	return personID != 0 && a.PersonID == personID
}

// Redact returns the act as the actor may see it: a follower act whose
// person the actor may not learn comes without its person (a copy; act
// is left as it was).
func Redact(a wayfare.Actor, p Policy, act *wayfare.Act) *wayfare.Act {
	if act.Function != wayfare.Follower || MaySeeFollower(a, p, act.PersonID) {
		return act
	}
	c := *act
	c.PersonID = 0
	return &c
}
