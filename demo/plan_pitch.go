package demo

import (
	"math"
	"strconv"
	"strings"

	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/management"
)

// randomPitch plans a pitch published at t — a proposal, or an example
// about one time in three — or returns nil when no text is left that fits.
func (pl *planner) randomPitch(t wt) *pitchPlan {
	kinds := []func(*pitchPlan) bool{pl.planProposal, pl.planExample}
	if pl.chance(0.3) {
		kinds[0], kinds[1] = kinds[1], kinds[0]
	}
	for _, plan := range kinds {
		if p := (&pitchPlan{at: t}); plan(p) {
			return p
		}
	}
	return nil
}

// planProposal plans a proposal: its fate first, then its target, its
// author, its tickets and its evidence.
func (pl *planner) planProposal(p *pitchPlan) bool {
	td, outcome, into := pl.proposalFate(p)
	if into != nil {
		pl.planDuplicate(p, into)
	} else {
		g, t := pl.pickTarget()
		if t == nil {
			return false
		}
		p.group, p.t = g, t
		p.author = pl.authorFor(g)
		p.title = p.text(t.title)
		p.quo, p.better = p.text(t.quo), p.text(t.better)
	}
	pl.titles[p.title] = true
	g := p.group
	p.wanted = pl.wantedFor(g)
	if pl.chance(0.3) {
		p.close = p.at + pl.uniform(12*day, 30*day)
	}
	if td != 0 {
		pl.planDecisions(p, td, outcome, into)
	}
	ratio := map[management.Outcome][2]float64{management.Adopt: {0.8, 1.6}, management.Decline: {0.2, 0.7},
		management.Defer: {0.4, 1.0}, management.Merge: {0.2, 0.8}, "": {0.2, 1.3}}[outcome]
	if p.withdraw != 0 {
		ratio = [2]float64{0, 0.4}
	}
	pl.planTickets(p, ratio[0]+pl.rng.Float64()*(ratio[1]-ratio[0]))
	pl.planEvidence(p, false)
	return true
}

// proposalFate draws whether and when a proposal is decided, and how.
func (pl *planner) proposalFate(p *pitchPlan) (wt, management.Outcome, *pitchPlan) {
	age := pl.end - p.at
	if pl.chance(0.03) && age > 3*day {
		p.withdraw = p.at + pl.uniform(day, min(6*day, age-hour))
		return 0, "", nil
	}
	if !(age > 6*day && pl.chance(0.8) || age > 2*day && pl.chance(0.15)) {
		return 0, "", nil
	}
	lat := min(wt(float64(day)*(1.5+pl.rng.ExpFloat64()*5)), 25*day)
	td := p.at + lat
	if td >= pl.end-hour {
		return 0, "", nil
	}
	outcomes := []management.Outcome{management.Adopt, management.Decline, management.Defer, management.Merge}
	outcome := outcomes[pl.weighted(52, 20, 16, 12)]
	if outcome != management.Merge {
		return td, outcome, nil
	}
	var open []*pitchPlan
	for _, q := range pl.pitches[max(0, len(pl.pitches)-40):] {
		if q.openAt(td) && q.group.kind != execGroup && !strings.HasPrefix(q.title, "We should ") && !pl.titles[dupTitle(q)] {
			open = append(open, q)
		}
	}
	if len(open) == 0 {
		return td, management.Decline, nil
	}
	return td, outcome, oneOf(pl.rng, open)
}

// planDuplicate plans a pitch that someone else already made: it will be
// merged into the first one.
func (pl *planner) planDuplicate(p, first *pitchPlan) {
	p.group, p.t = first.group, first.t
	p.author = pl.authorFor(first.group)
	for p.author == first.author {
		p.author = pl.authorFor(first.group)
	}
	p.title = dupTitle(first)
	p.quo = firstSentence(first.quo)
	p.better = firstSentence(first.better) + " I had not seen a similar pitch when I wrote this one."
}

// dupTitle is how a second author titles the same idea.
func dupTitle(first *pitchPlan) string {
	return "We should " + strings.ToLower(first.title[:1]) + first.title[1:]
}

// firstSentence returns s up to its first full stop.
func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i > 0 {
		return s[:i+1]
	}
	return s
}

// pickTarget draws a kind of group, then a group and a proposal text that
// fits it and has not been used there.
func (pl *planner) pickTarget() (*group, *tpl) {
	kinds := [][]*group{pl.o.teams, append(append([]*group{}, pl.o.depts...), pl.o.subs...), {pl.o.exec}, pl.o.communities}
	first := pl.weighted(45, 28, 10, 17)
	for i := range kinds {
		groups := append([]*group{}, kinds[(first+i)%len(kinds)]...)
		pl.rng.Shuffle(len(groups), func(a, b int) { groups[a], groups[b] = groups[b], groups[a] })
		for _, g := range groups {
			if t := pl.templateFor(g, leadership.Proposal); t != nil {
				return g, t
			}
		}
	}
	return nil, nil
}

// templateFor draws a text of that kind that fits g and is still unused there.
func (pl *planner) templateFor(g *group, kind leadership.Kind) *tpl {
	var fit []*tpl
	for i := range templates {
		t := &templates[i]
		if t.kind == kind && t.matches(g) && !pl.titles[fill(t.title, g.name, "")] {
			fit = append(fit, t)
		}
	}
	if len(fit) == 0 {
		return nil
	}
	return oneOf(pl.rng, fit)
}

// planExample plans an example: someone shows what their team did to a
// group nearby, or to another team altogether.
func (pl *planner) planExample(p *pitchPlan) bool {
	teams := append([]*group{}, pl.o.teams...)
	pl.rng.Shuffle(len(teams), func(a, b int) { teams[a], teams[b] = teams[b], teams[a] })
	for _, team := range teams {
		var fit []*tpl
		for i := range templates {
			t := &templates[i]
			if t.kind == leadership.Example && t.matches(team) && !pl.titles[fill(t.title, "", team.name)] {
				fit = append(fit, t)
			}
		}
		if len(fit) == 0 {
			continue
		}
		p.t = oneOf(pl.rng, fit)
		p.author = team.manager
		if pl.chance(0.8) {
			p.author = pl.byLevel(team.members)
		}
		p.group = pl.exampleTarget(team)
		p.title = p.text(p.t.title)
		p.quo, p.better = p.text(p.t.quo), p.text(p.t.better)
		pl.titles[p.title] = true
		p.wanted = pl.wantedFor(p.group)
		pl.planTickets(p, 0.3+pl.rng.Float64()*1.5)
		pl.planEvidence(p, false)
		return true
	}
	return false
}

func (pl *planner) exampleTarget(team *group) *group {
	switch pl.weighted(40, 25, 35) {
	case 0:
		return team.parent
	case 1:
		return team.parent.parent
	}
	for {
		if g := oneOf(pl.rng, pl.o.teams); g != team {
			return g
		}
	}
}

// planDecisions plans the decision on a proposal and any that supersede it.
func (pl *planner) planDecisions(p *pitchPlan, td wt, outcome management.Outcome, into *pitchPlan) {
	by := pl.deciderFor(p.group)
	if by == p.author && p.group.parent != nil {
		by = p.group.parent.manager
	}
	d := &decisionPlan{at: td, by: by, outcome: outcome, method: pl.methodFor(p.group), into: into}
	d.lines = []string{pl.methodLine(p, d.method, outcome), oneOf(pl.rng, outcomeLines[outcome])}
	if into != nil {
		d.lines[1] = oneOf(pl.rng, duplicateLines)
	}
	p.decisions = append(p.decisions, d)
	switch {
	case outcome == management.Defer:
		d.revisit = td + pl.uniform(12*day, 30*day)
		if d.revisit+2*day < pl.end && pl.chance(0.75) {
			again := management.Adopt
			if pl.chance(0.4) {
				again = management.Decline
			}
			pl.redecide(p, by, d.revisit+pl.uniform(0, 2*day), again)
		}
	case outcome == management.Decline && td+25*day < pl.end && pl.chance(0.12):
		pl.redecide(p, by, td+pl.uniform(20*day, min(40*day, pl.end-td-2*hour)), management.Adopt)
	}
	for _, d := range p.decisions {
		if d.outcome == management.Adopt {
			pl.planJourney(p, d, "", calm, false)
		}
	}
}

// redecide plans a later decision that supersedes the one in force.
func (pl *planner) redecide(p *pitchPlan, by *person, at wt, outcome management.Outcome) {
	d := &decisionPlan{at: at, by: by, outcome: outcome, method: pl.methodFor(p.group), redo: true}
	d.lines = []string{oneOf(pl.rng, readoptLines[outcome]), pl.methodLine(p, d.method, outcome)}
	p.decisions = append(p.decisions, d)
}

// methodLine says how a decision was reached; a vote gets its numbers.
func (pl *planner) methodLine(p *pitchPlan, m management.Method, outcome management.Outcome) string {
	s := oneOf(pl.rng, methodLines[m])
	voters := min(len(p.group.everyone), 5+pl.rng.IntN(14))
	share := map[management.Outcome][2]float64{management.Adopt: {0.55, 0.9}, management.Merge: {0.55, 0.9},
		management.Decline: {0.1, 0.45}}[outcome]
	if share[1] == 0 {
		share = [2]float64{0.3, 0.49}
	}
	yes := int(math.Round(float64(voters) * (share[0] + pl.rng.Float64()*(share[1]-share[0]))))
	return strings.NewReplacer("{yes}", strconv.Itoa(yes), "{no}", strconv.Itoa(voters-yes)).Replace(s)
}
