package influence

import (
	"math"
	"slices"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/management"
)

// Quantile returns the q-quantile (0 ≤ q ≤ 1) of sorted values, linearly
// interpolated between the two nearest ranks.
func Quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	pos := q * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(sorted)-1)
	return sorted[lo] + (sorted[hi]-sorted[lo])*(pos-float64(lo))
}

// LatencyOf sums up latencies in seconds; nil when there are none.
func LatencyOf(seconds []float64) *Latency {
	if len(seconds) == 0 {
		return nil
	}
	s := slices.Clone(seconds)
	slices.Sort(s)
	return &Latency{Median: Quantile(s, 0.5), P90: Quantile(s, 0.9), Count: len(s)}
}

// FirstDecisions returns, for each pitch decided, how long the first
// decision on it took from publication, in seconds, and who made it.
// Later decisions (superseding ones) do not count: latency is how long a
// pitch waited for management's first answer.
func FirstDecisions(pitches []Pitch, decisions []Decision) map[wayfare.ID]FirstDecision {
	published := make(map[wayfare.ID]time.Time, len(pitches))
	for _, p := range pitches {
		published[p.ID] = p.PublishedAt
	}
	out := map[wayfare.ID]FirstDecision{}
	for _, d := range decisions {
		if _, done := out[d.PitchID]; done {
			continue
		}
		at, ok := published[d.PitchID]
		if !ok {
			continue
		}
		out[d.PitchID] = FirstDecision{DeciderID: d.DeciderID, Seconds: max(0, d.At.Sub(at).Seconds())}
	}
	return out
}

// FirstDecision is who first decided on a pitch, and how long it took.
type FirstDecision struct {
	DeciderID wayfare.ID
	Seconds   float64
}

// Driving counts the journeys a person drives and how they ended.
type Driving struct {
	Journeys, Arrived, Ended int
}

// DrivingOf counts journeys driven per person: a person drives a journey
// when they made the decision that created it (management drives until it
// delegates) or were named a driver of it. Each journey counts once per
// person.
func DrivingOf(journeys []Journey) map[wayfare.ID]Driving {
	out := map[wayfare.ID]Driving{}
	for _, j := range journeys {
		seen := map[wayfare.ID]bool{}
		for _, p := range append([]wayfare.ID{j.AdoptedBy}, j.Drivers...) {
			if p == 0 || seen[p] {
				continue
			}
			seen[p] = true
			d := out[p]
			d.Journeys++
			if j.Status.Over() {
				d.Ended++
			}
			if j.Status == management.Arrived {
				d.Arrived++
			}
			out[p] = d
		}
	}
	return out
}

// ArrivalRate is the share of ended journeys that arrived; nil when none
// has ended.
func (d Driving) ArrivalRate() *float64 { return ratio(d.Arrived, d.Ended) }

// ratio returns a/b, or nil when b is 0.
func ratio(a, b int) *float64 {
	if b == 0 {
		return nil
	}
	r := float64(a) / float64(b)
	return &r
}

// latencyBounds are the upper bounds of the latency distribution's
// buckets, in seconds: an hour, a day, a week, thirty days.
var latencyBounds = []int{3600, 86400, 7 * 86400, 30 * 86400}

// LatencyDistribution counts first decisions by how long they took: up to
// an hour, a day, a week, thirty days, and longer, a bucket of fewer than
// MinAggregate decisions joined with its neighbour (MergeSmall). Empty when
// fewer than MinAggregate decisions are counted.
func LatencyDistribution(seconds []float64) []LatencyBucket {
	out := []LatencyBucket{}
	if Hidden(len(seconds)) {
		return out
	}
	counts := make([]int, len(latencyBounds)+1)
	for _, s := range seconds {
		i := 0
		for i < len(latencyBounds) && s > float64(latencyBounds[i]) {
			i++
		}
		counts[i]++
	}
	for _, span := range MergeSmall(counts) {
		var b LatencyBucket
		if span[1] < len(latencyBounds) {
			b.UpTo = &latencyBounds[span[1]]
		}
		for _, n := range counts[span[0] : span[1]+1] {
			b.Decisions += n
		}
		out = append(out, b)
	}
	return out
}

// FacilitatedBy counts sessions per facilitator: the manager who opened a
// session or the person that manager named, once the session has gone past
// collecting ideas (a session opened and left is not yet facilitated).
func FacilitatedBy(sessions []Session) map[wayfare.ID]int {
	out := map[wayfare.ID]int{}
	for _, s := range sessions {
		if s.FacilitatorID != 0 && s.Phase.Valid() && s.Phase != management.Ideas {
			out[s.FacilitatorID]++
		}
	}
	return out
}
