package influence

import (
	"slices"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/management"
	"github.com/wayfare-org/wayfare/people"
)

// decided reports whether management has answered a proposal.
func decided(p Pitch, decisions map[wayfare.ID]FirstDecision) bool {
	_, ok := decisions[p.ID]
	return ok
}

// FunnelOf counts proposals at each stage. Examples need no decision and
// stay out of the funnel. Arrived counts journeys that arrived.
func FunnelOf(pitches []Pitch, first map[wayfare.ID]FirstDecision, journeys []Journey) Funnel {
	var f Funnel
	for _, p := range pitches {
		if p.Kind != leadership.Proposal {
			continue
		}
		f.Pitched++
		if p.Ready {
			f.Ready++
		}
		if decided(p, first) {
			f.Decided++
		}
		if p.Status == leadership.Adopted {
			f.Adopted++
		}
	}
	for _, j := range journeys {
		if j.Status == management.Arrived {
			f.Arrived++
		}
	}
	return f
}

// BottomUp reports whether a pitch's origin (rule 8) makes its adoption
// bottom-up: the author was below the deciders or outside the group.
func BottomUp(r people.Relation) bool { return r == people.Outside || r == people.Below }

// BottomUpIndex is the share of adopted proposals that came from below or
// from outside the target group. Nil when fewer than MinAggregate people
// wrote the adopted proposals.
func BottomUpIndex(pitches []Pitch) *float64 {
	authors := map[wayfare.ID]bool{}
	adopted, up := 0, 0
	for _, p := range pitches {
		if p.Kind != leadership.Proposal || p.Status != leadership.Adopted {
			continue
		}
		adopted++
		authors[p.AuthorID] = true
		if BottomUp(p.Origin) {
			up++
		}
	}
	if Hidden(len(authors)) {
		return nil
	}
	return ratio(up, adopted)
}

// AdoptionRates gives each author's share of decided proposals that were
// adopted (the current status counts: a superseded adoption is not one).
func AdoptionRates(pitches []Pitch, first map[wayfare.ID]FirstDecision) map[wayfare.ID]*float64 {
	type tally struct{ adopted, decided int }
	t := map[wayfare.ID]tally{}
	for _, p := range pitches {
		if p.Kind != leadership.Proposal || !decided(p, first) {
			continue
		}
		c := t[p.AuthorID]
		c.decided++
		if p.Status == leadership.Adopted {
			c.adopted++
		}
		t[p.AuthorID] = c
	}
	out := make(map[wayfare.ID]*float64, len(t))
	for id, c := range t {
		out[id] = ratio(c.adopted, c.decided)
	}
	return out
}

// Gini is the Gini coefficient of non-negative values: 0 when all are
// equal, towards 1 when one holds everything. It is 0 for no values or a
// zero total.
func Gini(values []int) float64 {
	n := len(values)
	s := slices.Clone(values)
	slices.Sort(s)
	total, weighted := 0.0, 0.0
	for i, v := range s {
		total += float64(v)
		weighted += float64(i+1) * float64(v)
	}
	if n == 0 || total == 0 {
		return 0
	}
	return 2*weighted/(float64(n)*total) - float64(n+1)/float64(n)
}

// LeadershipSpread is 1 − Gini of reach over everyone (people without
// followers count with reach 0): 1 when leadership is spread evenly, near
// 0 when a few hold it all. Nil when nobody has followers yet or fewer
// than MinAggregate people are counted.
func LeadershipSpread(reach []int) *float64 {
	if Hidden(len(reach)) {
		return nil
	}
	total := 0
	for _, r := range reach {
		total += r
	}
	if total == 0 {
		return nil
	}
	s := 1 - Gini(reach)
	return &s
}

// BalanceByLevel counts leadership and management acts by the level of
// the person who acted. A band of levels must hold at least MinAggregate
// people: levels are taken from the top down and joined until the band is
// large enough; a last band that stays too small joins the band above it.
// With fewer than MinAggregate people in all, nothing is shown.
func BalanceByLevel(ps []Person, acts []ActCount) []LevelBalance {
	byLevel := map[int]*LevelBalance{}
	level := make(map[wayfare.ID]int, len(ps))
	for _, p := range ps {
		level[p.ID] = p.Level
		b := byLevel[p.Level]
		if b == nil {
			b = &LevelBalance{FromLevel: p.Level, ToLevel: p.Level}
			byLevel[p.Level] = b
		}
		b.People++
	}
	for _, a := range acts {
		l, ok := level[a.PersonID]
		if !ok {
			continue
		}
		switch a.Function {
		case wayfare.Leadership:
			byLevel[l].Leadership += a.Count
		case wayfare.Management:
			byLevel[l].Management += a.Count
		}
	}
	levels := make([]int, 0, len(byLevel))
	for l := range byLevel {
		levels = append(levels, l)
	}
	slices.Sort(levels)
	out := []LevelBalance{}
	var band *LevelBalance
	for _, l := range levels {
		b := byLevel[l]
		if band == nil {
			band = &LevelBalance{FromLevel: b.FromLevel}
		}
		band.ToLevel = b.ToLevel
		band.People += b.People
		band.Leadership += b.Leadership
		band.Management += b.Management
		if !Hidden(band.People) {
			out = append(out, *band)
			band = nil
		}
	}
	if band != nil && len(out) > 0 {
		last := &out[len(out)-1]
		last.ToLevel = band.ToLevel
		last.People += band.People
		last.Leadership += band.Leadership
		last.Management += band.Management
	}
	return out
}

// reachBounds are the lower bounds of the reach distribution's buckets.
var reachBounds = []int{0, 1, 3, 6, 11, 26, 51, 101}

// ReachDistribution counts people by reach in widening buckets: 0, 1–2,
// 3–5, 6–10, 11–25, 26–50, 51–100 and over 100, a bucket of fewer than
// MinAggregate people joined with its neighbour (MergeSmall). Empty when
// fewer than MinAggregate people are counted.
func ReachDistribution(reach []int) []ReachBucket {
	out := []ReachBucket{}
	if Hidden(len(reach)) {
		return out
	}
	counts := make([]int, len(reachBounds))
	for _, r := range reach {
		i := len(reachBounds) - 1
		for i > 0 && r < reachBounds[i] {
			i--
		}
		counts[i]++
	}
	for _, span := range MergeSmall(counts) {
		b := ReachBucket{Min: reachBounds[span[0]]}
		if span[1]+1 < len(reachBounds) {
			hi := reachBounds[span[1]+1] - 1
			b.Max = &hi
		}
		for _, n := range counts[span[0] : span[1]+1] {
			b.People += n
		}
		out = append(out, b)
	}
	return out
}

// NeedingLeadership counts journeys whose open doubts reach the threshold.
func NeedingLeadership(journeys []Journey, thresholdPercent int) int {
	n := 0
	for _, j := range journeys {
		if management.NeedsLeadership(j.Status, j.OpenDoubts, j.Riders, thresholdPercent) {
			n++
		}
	}
	return n
}
