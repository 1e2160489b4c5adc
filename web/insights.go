package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/influence"
	"github.com/wayfare-org/wayfare/management"
)

// insightsView is the insights page: the organization's figures drawn as
// charts, the viewer's own figures and, for those who may see them, the
// people of highest influence.
type insightsView struct {
	base
	Org      *influence.OrgFigures
	Mine     *influence.PersonFigures
	Top      []influence.Ranked // nil unless the viewer may see everyone's figures
	Journeys []*management.JourneySummary

	Funnel     hbarChart
	FunnelRows []funnelRow
	BottomUp   *gauge
	Balance    pairChart
	Reach      columnChart
	Latency    columnChart
	Percentile marker
}

// funnelRow is one stage of the funnel, for its table.
type funnelRow struct {
	Stage, Means string
	Count        int
}

// insights shows influence analytics with pictures.
func (s *Server) insights(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	actor := wayfare.ActorFrom(ctx)
	v := &insightsView{base: base{Title: "Insights"}}
	var err error
	if v.Org, err = s.svc.InfluenceOrg(ctx); err != nil {
		return err
	}
	if v.Mine, err = s.svc.InfluencePerson(ctx, actor.PersonID); err != nil {
		return err
	}
	policy, err := s.svc.InfluencePolicy(ctx)
	if err != nil {
		return err
	}
	if influence.MaySeeEveryone(actor, policy) {
		if v.Top, err = s.svc.InfluenceTop(ctx, 10); err != nil {
			return err
		}
	}
	if v.Journeys, err = s.svc.Journeys(ctx, management.JourneyFilter{NeedsLeadership: true, Page: wayfare.Page{Limit: 10}}); err != nil {
		return err
	}
	v.draw()
	s.render(w, r, http.StatusOK, "insights", v)
	return nil
}

// draw works out the charts from the figures.
func (v *insightsView) draw() {
	f := v.Org.Funnel
	v.FunnelRows = []funnelRow{
		{"Pitched", "proposals published", f.Pitched},
		{"Ready", "tickets wanted reached", f.Ready},
		{"Decided", "management answered", f.Decided},
		{"Adopted", "became a journey", f.Adopted},
		{"Arrived", "journeys that arrived", f.Arrived},
	}
	var labels []string
	var counts []int
	for _, row := range v.FunnelRows {
		labels, counts = append(labels, row.Stage), append(counts, row.Count)
	}
	v.Funnel = newHbarChart(labels, counts, "bar-lead")
	if v.Org.BottomUpIndex != nil {
		g := newGauge(*v.Org.BottomUpIndex)
		v.BottomUp = &g
	}
	labels, counts = nil, nil
	var mgmt []int
	var subs []string
	for _, b := range v.Org.BalanceByLevel {
		labels, counts, mgmt = append(labels, levelsLabel(b)), append(counts, b.Leadership), append(mgmt, b.Management)
		subs = append(subs, fmt.Sprintf("%d people", b.People))
	}
	v.Balance = newPairChart(labels, subs, counts, mgmt)
	labels, counts = nil, nil
	for _, b := range v.Org.ReachDistribution {
		labels, counts = append(labels, bucketLabel(b)), append(counts, b.People)
	}
	v.Reach = newColumnChart(labels, counts, "bar-follow")
	labels, counts = nil, nil
	for _, b := range v.Org.LatencyDistribution {
		labels, counts = append(labels, latencyLabel(b.UpTo)), append(counts, b.Decisions)
	}
	v.Latency = newColumnChart(labels, counts, "bar-mgmt")
	v.Percentile = newMarker(v.Mine.InfluencePercentile)
}

// levelsLabel names a band of levels: "Level 2" or "Levels 0–1".
func levelsLabel(b influence.LevelBalance) string {
	if b.FromLevel == b.ToLevel {
		return fmt.Sprintf("Level %d", b.FromLevel)
	}
	return fmt.Sprintf("Levels %d–%d", b.FromLevel, b.ToLevel)
}

// bucketLabel names a reach bucket: "0", "3–5" or "101+".
func bucketLabel(b influence.ReachBucket) string {
	switch {
	case b.Max == nil:
		return fmt.Sprintf("%d+", b.Min)
	case *b.Max == b.Min:
		return fmt.Sprint(b.Min)
	}
	return fmt.Sprintf("%d–%d", b.Min, *b.Max)
}

// latencyLabel names a latency bucket by its upper bound: "≤ 1 h", or
// "longer" for the open one.
func latencyLabel(upTo *int) string {
	if upTo == nil {
		return "longer"
	}
	switch d := time.Duration(*upTo) * time.Second; {
	case d < 24*time.Hour:
		return fmt.Sprintf("≤ %d h", int(d.Hours()))
	case d == 7*24*time.Hour:
		return "≤ 1 week"
	case d == 24*time.Hour:
		return "≤ 1 day"
	default:
		return fmt.Sprintf("≤ %d days", int(d.Hours())/24)
	}
}

// share writes a share as a whole percentage, or a dash when unknown.
func share(p *float64) string {
	if p == nil {
		return "–"
	}
	return fmt.Sprintf("%.0f %%", *p*100)
}

// fixed writes a share as a decimal, or a dash when unknown.
func fixed(p *float64) string {
	if p == nil {
		return "–"
	}
	return fmt.Sprintf("%.2f", *p)
}

// duration writes seconds as a short duration: "3 h 20 min", "2 d 4 h".
func duration(seconds float64) string {
	d := time.Duration(seconds) * time.Second
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d d %d h", int(d.Hours())/24, int(d.Hours())%24)
	case d >= time.Hour:
		return fmt.Sprintf("%d h %d min", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%d min", int(d.Minutes()))
}
