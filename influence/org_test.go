package influence

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/management"
	"github.com/wayfare-org/wayfare/people"
)

func approx(p *float64, want float64) bool { return p != nil && math.Abs(*p-want) < 1e-9 }

func TestQuantileAndLatency(t *testing.T) {
	l := LatencyOf([]float64{40, 10, 30, 20})
	if l.Median != 25 || math.Abs(l.P90-37) > 1e-9 || l.Count != 4 {
		t.Errorf("LatencyOf = %+v, want median 25, p90 37", l)
	}
	if LatencyOf(nil) != nil {
		t.Error("no decisions, no latency")
	}
	if one := LatencyOf([]float64{7}); one.Median != 7 || one.P90 != 7 {
		t.Errorf("one decision: %+v", one)
	}
}

func TestFirstDecisions(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	pitches := []Pitch{{ID: 1, PublishedAt: t0}, {ID: 2, PublishedAt: t0}}
	got := FirstDecisions(pitches, []Decision{
		{PitchID: 1, DeciderID: 7, At: t0.Add(time.Hour)},
		{PitchID: 1, DeciderID: 8, At: t0.Add(5 * time.Hour)}, // supersedes: not the first answer
		{PitchID: 2, DeciderID: 8, At: t0.Add(30 * time.Minute)},
		{PitchID: 3, DeciderID: 8, At: t0}, // an unknown pitch
	})
	if got[1] != (FirstDecision{7, 3600}) || got[2] != (FirstDecision{8, 1800}) || len(got) != 2 {
		t.Errorf("FirstDecisions = %v", got)
	}
}

func TestDrivingOf(t *testing.T) {
	got := DrivingOf([]Journey{
		{ID: 1, Status: management.Arrived, AdoptedBy: 7, Drivers: []wayfare.ID{7, 8}}, // 7 adopted and drives: once
		{ID: 2, Status: management.Abandoned, AdoptedBy: 7},
		{ID: 3, Status: management.Underway, AdoptedBy: 9, Drivers: []wayfare.ID{8}},
	})
	if got[7] != (Driving{Journeys: 2, Arrived: 1, Ended: 2}) || got[8] != (Driving{Journeys: 2, Arrived: 1, Ended: 1}) {
		t.Errorf("DrivingOf = %v", got)
	}
	if !approx(got[7].ArrivalRate(), 0.5) || !approx(got[8].ArrivalRate(), 1) || got[9].ArrivalRate() != nil {
		t.Errorf("arrival rates: 7 %v, 8 %v, 9 %v", got[7].ArrivalRate(), got[8].ArrivalRate(), got[9].ArrivalRate())
	}
}

func TestFacilitatedBy(t *testing.T) {
	got := FacilitatedBy([]Session{
		{ID: 1, FacilitatorID: 7, Phase: management.Results},
		{ID: 2, FacilitatorID: 7, Phase: management.Votes},
		{ID: 3, FacilitatorID: 7, Phase: management.Ideas}, // opened, not yet run
		{ID: 4, FacilitatorID: 8, Phase: management.Closed},
	})
	if len(got) != 2 || got[7] != 2 || got[8] != 1 {
		t.Errorf("FacilitatedBy = %v", got)
	}
}

func TestFunnelAdoptionAndBottomUp(t *testing.T) {
	p := func(id, author wayfare.ID, kind leadership.Kind, s leadership.Status, o people.Relation, ready bool) Pitch {
		return Pitch{ID: id, AuthorID: author, Kind: kind, Status: s, Origin: o, Ready: ready}
	}
	pitches := []Pitch{
		p(1, 1, leadership.Proposal, leadership.Adopted, people.Below, true),
		p(2, 2, leadership.Proposal, leadership.Adopted, people.Outside, false), // decided before ready
		p(3, 3, leadership.Proposal, leadership.Adopted, people.Peer, true),
		p(4, 4, leadership.Proposal, leadership.Adopted, people.Above, true),
		p(5, 5, leadership.Proposal, leadership.Adopted, people.Below, true),
		p(6, 1, leadership.Proposal, leadership.Declined, people.Below, true),
		p(7, 1, leadership.Proposal, leadership.Selling, people.Below, true),
		p(8, 1, leadership.Example, leadership.Showing, people.Below, false),
	}
	first := map[wayfare.ID]FirstDecision{1: {}, 2: {}, 3: {}, 4: {}, 5: {}, 6: {}}
	journeys := []Journey{{Status: management.Arrived}, {Status: management.Underway}, {Status: management.Arrived}}
	if got, want := FunnelOf(pitches, first, journeys), (Funnel{Pitched: 7, Ready: 6, Decided: 6, Adopted: 5, Arrived: 2}); got != want {
		t.Errorf("FunnelOf = %+v, want %+v", got, want)
	}
	if got := BottomUpIndex(pitches); !approx(got, 3.0/5) {
		t.Errorf("BottomUpIndex = %v, want 0.6 (below, outside, below of 5)", got)
	}
	if got := BottomUpIndex(pitches[:4]); got != nil {
		t.Errorf("BottomUpIndex over 4 authors = %v, want hidden", *got)
	}
	rates := AdoptionRates(pitches, first)
	if !approx(rates[1], 0.5) || !approx(rates[2], 1) || !approx(rates[4], 1) {
		t.Errorf("AdoptionRates: 1 %v (1 of 2 decided), 2 %v", rates[1], rates[2])
	}
}

func TestGiniAndSpread(t *testing.T) {
	tests := []struct {
		reach  []int
		gini   float64
		spread *float64
	}{
		{[]int{3, 3, 3, 3, 3}, 0, ptr(1)},
		{[]int{0, 0, 0, 0, 10}, 0.8, ptr(0.2)},
		{[]int{0, 0, 0, 10}, 0.75, nil}, // fewer than five people: hidden
		{[]int{1, 2, 3, 4, 0}, 0.4, ptr(0.6)},
		{[]int{0, 0, 0, 0, 0}, 0, nil}, // nobody leads yet
	}
	for _, tt := range tests {
		if g := Gini(tt.reach); math.Abs(g-tt.gini) > 1e-9 {
			t.Errorf("Gini(%v) = %v, want %v", tt.reach, g, tt.gini)
		}
		s := LeadershipSpread(tt.reach)
		if (s == nil) != (tt.spread == nil) || (s != nil && !approx(s, *tt.spread)) {
			t.Errorf("LeadershipSpread(%v) = %v, want %v", tt.reach, deref(s), deref(tt.spread))
		}
	}
}

func ptr(f float64) *float64 { return &f }

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestBalanceByLevel(t *testing.T) {
	var ps []Person
	var acts []ActCount
	id := wayfare.ID(0)
	// Levels 0: 1 person, 1: 4, 2: 6, 3: 2. Each person leads once; each
	// at level 0 and 1 also manages twice.
	for level, n := range []int{1, 4, 6, 2} {
		for range n {
			id++
			ps = append(ps, Person{ID: id, Level: level})
			acts = append(acts, ActCount{id, wayfare.Leadership, 1}, ActCount{id, wayfare.Follower, 9})
			if level < 2 {
				acts = append(acts, ActCount{id, wayfare.Management, 2})
			}
		}
	}
	want := []LevelBalance{
		{FromLevel: 0, ToLevel: 1, People: 5, Leadership: 5, Management: 10},
		{FromLevel: 2, ToLevel: 3, People: 8, Leadership: 8, Management: 0}, // level 3 alone is too small
	}
	if got := BalanceByLevel(ps, acts); !slices.Equal(got, want) {
		t.Errorf("BalanceByLevel = %+v, want %+v", got, want)
	}
	if got := BalanceByLevel(ps[:4], acts); len(got) != 0 {
		t.Errorf("four people in all: %+v, want nothing shown", got)
	}
}

func TestReachDistribution(t *testing.T) {
	var reach []int
	for n, r := range map[int]int{10: 0, 6: 1, 2: 4, 5: 12, 1: 200} { // people: reach
		for range n {
			reach = append(reach, r)
		}
	}
	got := ReachDistribution(reach)
	counts := []int{}
	for _, b := range got {
		counts = append(counts, b.People)
	}
	// [10 6 2 0 5 0 0 1]: the one person over 100 joins 11–25 (through
	// the empty buckets between), the two at 3–5 join 1–2.
	if want := []int{10, 8, 0, 6}; !slices.Equal(counts, want) {
		t.Fatalf("ReachDistribution counts = %v, want %v", counts, want)
	}
	if got[1].Min != 1 || *got[1].Max != 5 || got[2].Min != 6 || *got[2].Max != 10 || got[3].Min != 11 || got[3].Max != nil {
		t.Errorf("buckets: %+v", got)
	}
	if len(ReachDistribution([]int{1, 2})) != 0 {
		t.Error("two people: hidden")
	}
}

func TestMergeSmall(t *testing.T) {
	for _, tc := range []struct {
		counts []int
		want   [][2]int
	}{
		{[]int{5, 0, 7}, [][2]int{{0, 0}, {1, 1}, {2, 2}}},    // none small: kept
		{[]int{5, 1, 7}, [][2]int{{0, 1}, {2, 2}}},            // joins the one below
		{[]int{2, 9, 0}, [][2]int{{0, 1}, {2, 2}}},            // the first joins the one above
		{[]int{6, 0, 0, 4}, [][2]int{{0, 3}}},                 // down through empty buckets
		{[]int{3, 1}, [][2]int{{0, 1}}},                       // all too few: one bucket
		{[]int{0, 0}, [][2]int{{0, 0}, {1, 1}}},               // nothing to hide
		{[]int{5, 4, 1, 5}, [][2]int{{0, 0}, {1, 2}, {3, 3}}}, // 1 joins 4: five
	} {
		if got := MergeSmall(tc.counts); !slices.Equal(got, tc.want) {
			t.Errorf("MergeSmall(%v) = %v, want %v", tc.counts, got, tc.want)
		}
	}
}

func TestNeedingLeadership(t *testing.T) {
	js := []Journey{
		{Status: management.Underway, Riders: 4, OpenDoubts: 1}, // 25 %: flagged
		{Status: management.Underway, Riders: 5, OpenDoubts: 1}, // 20 %
		{Status: management.Arrived, Riders: 4, OpenDoubts: 4},  // over
		{Status: management.Boarding, Riders: 2, OpenDoubts: 2}, // flagged
	}
	if got := NeedingLeadership(js, 25); got != 2 {
		t.Errorf("NeedingLeadership = %d, want 2", got)
	}
}

func TestLatencyDistribution(t *testing.T) {
	var secs []float64
	for _, s := range []float64{60, 120, 3600, 3000, 1, 3601, 86400 * 3, 86400 * 40, 86400 * 50, 86400 * 60, 86400 * 70, 86400 * 80} {
		secs = append(secs, s)
	}
	got := LatencyDistribution(secs)
	counts := []int{}
	for _, b := range got {
		counts = append(counts, b.Decisions)
	}
	// [5 1 1 0 5]: an hour exactly is within the hour; the day and the
	// week of one decision each join the hour.
	if want := []int{7, 0, 5}; !slices.Equal(counts, want) {
		t.Fatalf("LatencyDistribution = %v, want %v", counts, want)
	}
	if *got[0].UpTo != 7*86400 || *got[1].UpTo != 30*86400 || got[2].UpTo != nil {
		t.Errorf("bounds: %+v", got)
	}
	if len(LatencyDistribution(secs[:4])) != 0 {
		t.Error("four decisions: hidden")
	}
}
