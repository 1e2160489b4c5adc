package influence

import (
	"time"

	"github.com/wayfare-org/wayfare"
)

// Compute computes every figure from the organization's data at one
// moment. It reads nothing but its input.
func Compute(o Org, now time.Time) *Snapshot {
	s := &Snapshot{ComputedAt: now, People: make(map[wayfare.ID]*PersonFigures, len(o.People))}
	ids := make([]wayfare.ID, len(o.People))
	levels := make(map[wayfare.ID]int, len(o.People))
	for i, p := range o.People {
		ids[i], levels[p.ID] = p.ID, p.Level
		s.People[p.ID] = &PersonFigures{PersonID: p.ID, Level: p.Level, ComputedAt: now}
	}
	edges := FollowerGraph(o.Follows)
	reach := ReachOf(edges, levels, NewMemberships(o.People, o.Groups))
	adoptions := ExampleAdoptions(o.Follows)
	first := FirstDecisions(o.Pitches, o.Decisions)
	rates := AdoptionRates(o.Pitches, first)
	driving := DrivingOf(o.Journeys)
	facilitated := FacilitatedBy(o.Sessions)
	made := map[wayfare.ID]int{}
	for _, d := range o.Decisions {
		made[d.DeciderID]++
	}
	latencies := map[wayfare.ID][]float64{}
	all := make([]float64, 0, len(first))
	deciders := map[wayfare.ID]bool{}
	for _, f := range first {
		latencies[f.DeciderID] = append(latencies[f.DeciderID], f.Seconds)
		all = append(all, f.Seconds)
		deciders[f.DeciderID] = true
	}
	rank := PageRank(ids, edges)
	var pct map[wayfare.ID]int
	s.Ranked, pct = Ranking(rank)
	reaches := make([]int, 0, len(o.People))
	for _, id := range ids {
		f, r, d := s.People[id], reach[id], driving[id]
		f.Reach, f.CrossBoundaryReach, f.UpwardReach = r.Followers, r.CrossBoundary, r.Upward
		f.ExampleAdoptions, f.AdoptionRate = adoptions[id], rates[id]
		f.InfluenceRank, f.InfluencePercentile = rank[id], pct[id]
		f.DecisionsMade, f.DecisionLatency = made[id], LatencyOf(latencies[id])
		f.JourneysDriven, f.ArrivalRate = d.Journeys, d.ArrivalRate()
		f.SessionsFacilitated = facilitated[id]
		reaches = append(reaches, r.Followers)
	}
	s.Org = OrgFigures{
		ComputedAt:                now,
		People:                    len(o.People),
		Funnel:                    FunnelOf(o.Pitches, first, o.Journeys),
		BottomUpIndex:             BottomUpIndex(o.Pitches),
		LeadershipSpread:          LeadershipSpread(reaches),
		BalanceByLevel:            BalanceByLevel(o.People, o.Acts),
		JourneysNeedingLeadership: NeedingLeadership(o.Journeys, o.DoubtThreshold),
		ReachDistribution:         ReachDistribution(reaches),
	}
	s.Org.LatencyDistribution = []LatencyBucket{}
	if !Hidden(len(deciders)) {
		s.Org.DecisionLatency = LatencyOf(all)
		s.Org.LatencyDistribution = LatencyDistribution(all)
	}
	return s
}
