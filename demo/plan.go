package demo

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/management"
)

// pitchPlan is everything that will happen to one pitch.
type pitchPlan struct {
	n         int // position in publish order
	at        wt
	author    *person
	group     *group
	t         *tpl
	title     string
	quo       string // the status quo as published
	better    string // the better way as published
	wanted    int
	close     wt // end of ticket sales; 0 for none
	evidence  []leadership.Evidence
	buys      []move
	refunds   []move
	withdraw  wt // 0 for never
	decisions []*decisionPlan
	journey   *journeyPlan
	scripted  bool // its author only sells the tickets: never a driver

	// Filled in while the plan plays.
	id        wayfare.ID
	decided   wayfare.ID // the decision in force
	journeyID wayfare.ID
}

// move is one person's act at one moment.
type move struct {
	at  wt
	who *person
}

// decisionPlan is one planned decision.
type decisionPlan struct {
	at      wt
	by      *person
	outcome management.Outcome
	method  management.Method
	revisit wt         // for defer
	into    *pitchPlan // for merge
	lines   []string   // rationale lines, with placeholders
	redo    bool       // supersedes the decision in force
}

// planner makes the plan from the seeded generator. It never touches
// the store: the same seed gives the same plan.
type planner struct {
	rng     *rand.Rand
	o       *org
	cal     *calendar
	end     wt
	pitches []*pitchPlan
	titles  map[string]bool
}

// text replaces the placeholders of a template.
func (p *pitchPlan) text(s string) string {
	return fill(s, p.group.name, p.author.home.name)
}

// fill replaces the placeholders of a template's text.
func fill(s, group, team string) string {
	return strings.NewReplacer("{group}'s", possessive(group), "{team}'s", possessive(team),
		"{group}", group, "{team}", team).Replace(s)
}

// possessive writes "Payments'" and "Core Product's".
func possessive(name string) string {
	if strings.HasSuffix(name, "s") {
		return name + "'"
	}
	return name + "'s"
}

// decideAt reports when the first decision is planned, or 0.
func (p *pitchPlan) decideAt() wt {
	if len(p.decisions) == 0 {
		return 0
	}
	return p.decisions[0].at
}

// openAt reports whether p can take merged tickets at t: a proposal
// published before then and still selling, neither decided nor withdrawn.
func (p *pitchPlan) openAt(t wt) bool {
	if p.t.kind != leadership.Proposal || p.withdraw != 0 || p.at >= t {
		return false
	}
	first := p.decideAt()
	return first == 0 || first > t+hour
}

func (pl *planner) uniform(lo, hi wt) wt {
	if hi <= lo {
		return lo
	}
	return lo + wt(pl.rng.Int64N(int64(hi-lo)))
}

func (pl *planner) chance(p float64) bool { return pl.rng.Float64() < p }

// weighted returns an index drawn by weight.
func (pl *planner) weighted(weights ...int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	r := pl.rng.IntN(total)
	for i, w := range weights {
		if r < w {
			return i
		}
		r -= w
	}
	return len(weights) - 1
}

func oneOf[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

// publishTimes spreads n moments over the history, thicker towards now:
// the organization took to Wayfare gradually.
func (pl *planner) publishTimes(n int) []wt {
	first, last := 3*day, pl.end-2*hour
	out := make([]wt, n)
	for i := range out {
		u := pl.rng.Float64()
		if pl.chance(0.5) {
			u = math.Sqrt(u)
		}
		out[i] = first + wt(u*float64(last-first))
		out[i] = out[i]/day*day + pl.uniform(30*minute, 9*hour+30*minute)
	}
	slices.Sort(out)
	return out
}

// matches reports whether a template's scope fits a target group.
func (t *tpl) matches(g *group) bool {
	kind, dept, _ := strings.Cut(t.scope, ":")
	switch kind {
	case "team":
		return g.kind == teamGroup && (dept == "" || g.dept == dept)
	case "dept":
		return (g.kind == deptGroup || g.kind == subGroup) && (dept == "" || g.dept == dept)
	case "exec":
		return g.kind == execGroup
	}
	return g.kind == communityGroup && g.dept == kind
}

// byLevel draws a person from ps: first a level, most often the front
// line but now and then every level up to the top, then someone at it.
func (pl *planner) byLevel(ps []*person, not ...*person) *person {
	weights := []int{3, 8, 12, 22, 55}
	at := make([][]*person, len(weights))
	for _, p := range ps {
		if !p.admin && !slices.Contains(not, p) {
			l := min(p.level, len(weights)-1)
			at[l] = append(at[l], p)
		}
	}
	ws := make([]int, len(weights))
	total := 0
	for l, people := range at {
		if len(people) > 0 {
			ws[l] = weights[l]
			total += ws[l]
		}
	}
	if total == 0 {
		return nil
	}
	return oneOf(pl.rng, at[pl.weighted(ws...)])
}

// outsiders returns the people who do not count as members of g.
func (pl *planner) outsiders(g *group) []*person {
	var out []*person
	for _, p := range pl.o.people {
		if !g.member(p) {
			out = append(out, p)
		}
	}
	return out
}

// authorFor draws the author of a proposal to g: anyone may pitch to any
// group, and many come from the front line and from outside it.
func (pl *planner) authorFor(g *group) *person {
	inside := map[groupKind]float64{execGroup: 0.15, deptGroup: 0.6, subGroup: 0.6, teamGroup: 0.62, communityGroup: 0.6}[g.kind]
	if pl.chance(inside) {
		if a := pl.byLevel(g.everyone); a != nil {
			return a
		}
	}
	return pl.byLevel(pl.outsiders(g))
}

// deciderFor names who decides for g: its manager, now and then the
// manager of the group above.
func (pl *planner) deciderFor(g *group) *person {
	if g.parent != nil && (g.kind == teamGroup && pl.chance(0.12) || g.kind == subGroup && pl.chance(0.1)) {
		return g.parent.manager
	}
	return g.manager
}

// methodFor draws a decision method that fits the kind of group.
func (pl *planner) methodFor(g *group) management.Method {
	methods := []management.Method{management.Directive, management.Consultative, management.Consent, management.Vote}
	w := map[groupKind][]int{
		execGroup: {25, 45, 25, 5}, deptGroup: {30, 45, 15, 10}, subGroup: {30, 45, 15, 10},
		teamGroup: {20, 30, 35, 15}, communityGroup: {5, 25, 35, 35},
	}[g.kind]
	return methods[pl.weighted(w...)]
}

// wantedFor sets how many tickets a pitch to g asks for.
func (pl *planner) wantedFor(g *group) int {
	n := len(g.everyone)
	switch g.kind {
	case execGroup:
		return 8 + pl.rng.IntN(8)
	case communityGroup:
		return max(3, n/2+pl.rng.IntN(4)-2)
	}
	return min(25, max(3, n/3+pl.rng.IntN(5)-2))
}

// planAll plans total pitches: the scripted ones on their days, the rest
// drawn, in the order they will be published.
func (pl *planner) planAll(total int) {
	slots := pl.publishTimes(max(0, total-len(scriptedPitches)))
	order := make([]int, len(scriptedPitches))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Compare(scriptedPitches[a].day, scriptedPitches[b].day)
	})
	plans := make([]*pitchPlan, len(scriptedPitches))
	next := 0
	addScripted := func(until wt) {
		for next < len(order) && wt(scriptedPitches[order[next]].day*float64(day)) <= until {
			i := order[next]
			plans[i] = pl.scripted(&scriptedPitches[i], plans)
			pl.add(plans[i])
			next++
		}
	}
	for _, t := range slots {
		addScripted(t)
		if p := pl.randomPitch(t); p != nil {
			pl.add(p)
		}
	}
	addScripted(pl.end)
}

func (pl *planner) add(p *pitchPlan) {
	p.n = len(pl.pitches)
	pl.pitches = append(pl.pitches, p)
}

// scripted plans a scripted pitch; plans holds those planned before it.
func (pl *planner) scripted(s *scriptedPitch, plans []*pitchPlan) *pitchPlan {
	g := pl.o.find(s.group)
	p := &pitchPlan{at: wt(s.day*float64(day)) + 2*hour, author: s.author(pl.o), group: g, t: &s.t, wanted: s.wanted,
		scripted: true}
	p.title = p.text(s.t.title)
	p.quo, p.better = p.text(s.t.quo), p.text(s.t.better)
	pl.titles[p.title] = true
	adopted := pl.scriptedDecisions(s, p, plans)
	ratio := 0.3 + pl.rng.Float64()*1.5
	if p.wanted == 0 {
		p.wanted = pl.wantedFor(g)
	} else {
		ratio = float64(s.buyers) / float64(p.wanted)
	}
	pl.planTickets(p, ratio)
	pl.planEvidence(p, true)
	if adopted != nil {
		pl.planJourney(p, adopted, s.fate, s.mode, true)
	}
	return p
}

// scriptedDecisions plans the decisions of a scripted pitch, made by the
// target group's manager, and returns the adoption if there is one.
func (pl *planner) scriptedDecisions(s *scriptedPitch, p *pitchPlan, plans []*pitchPlan) *decisionPlan {
	var adopted *decisionPlan
	for i, st := range s.steps {
		d := &decisionPlan{at: wt(st.day*float64(day)) + 3*hour, by: p.group.manager, outcome: st.outcome, method: st.method, redo: i > 0}
		d.lines = []string{pl.methodLine(p, d.method, d.outcome), oneOf(pl.rng, outcomeLines[d.outcome])}
		if d.redo {
			d.lines = []string{oneOf(pl.rng, readoptLines[d.outcome]), d.lines[0]}
		}
		switch st.outcome {
		case management.Defer:
			d.revisit = wt(st.revisit * float64(day))
		case management.Merge:
			d.into = plans[s.into]
		case management.Adopt:
			adopted = d
		}
		p.decisions = append(p.decisions, d)
	}
	return adopted
}
