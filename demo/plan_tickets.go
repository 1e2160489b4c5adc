package demo

import (
	"math"
	"slices"
	"strings"

	"github.com/wayfare-org/wayfare/leadership"
)

// planTickets plans who buys a ticket and when: most early, some late,
// about two in three from inside the target group, and a few refunds.
// Every purchase and refund falls before the pitch is first decided,
// withdrawn or closed.
func (pl *planner) planTickets(p *pitchPlan, ratio float64) {
	cutoff := pl.end - 10*minute
	for _, c := range []wt{p.decideAt(), p.withdraw, p.close} {
		if c != 0 && c-10*minute < cutoff {
			cutoff = c - 10*minute
		}
	}
	start := p.at + 10*minute
	if cutoff <= start+10*minute {
		return
	}
	inside, outside := pl.buyerPools(p)
	n := min(int(math.Round(float64(p.wanted)*ratio)), len(inside)+len(outside))
	chosen := map[*person]bool{}
	for tries := 0; len(p.buys) < n && tries < 20*n; tries++ {
		pool := outside
		if len(inside) > 0 && (pl.chance(0.65) || len(outside) == 0) {
			pool = inside
		}
		who := oneOf(pl.rng, pool)
		if chosen[who] {
			continue
		}
		chosen[who] = true
		u := math.Pow(pl.rng.Float64(), 1.8)
		p.buys = append(p.buys, move{at: start + wt(u*float64(cutoff-start)), who: who})
	}
	slices.SortStableFunc(p.buys, func(a, b move) int { return int(a.at - b.at) })
	for _, b := range p.buys {
		if pl.chance(0.06) && cutoff-b.at > hour {
			p.refunds = append(p.refunds, move{at: b.at + pl.uniform(30*minute, cutoff-b.at), who: b.who})
		}
	}
}

// buyerPools splits the possible buyers into those inside the target
// group and the rest; the author is in neither.
func (pl *planner) buyerPools(p *pitchPlan) (inside, outside []*person) {
	for _, q := range pl.o.people {
		switch {
		case q == p.author:
		case p.group.member(q):
			inside = append(inside, q)
		default:
			outside = append(outside, q)
		}
	}
	return inside, outside
}

// planEvidence gathers structured evidence from the text: a data point, an
// experiment, a testimonial from a named colleague, a link to a write-up;
// all of those the text offers when all is set.
func (pl *planner) planEvidence(p *pitchPlan, all bool) {
	t := p.t
	var ev []leadership.Evidence
	if t.data.label != "" && (all || pl.chance(0.85)) {
		v := t.data.value
		if t.data.unit != "%" || v < 80 {
			v = pl.jitter(v)
		}
		ev = append(ev, leadership.Evidence{Kind: leadership.DataPoint, Label: p.text(t.data.label), Value: &v,
			Unit: t.data.unit, Source: t.data.source})
	}
	if t.exp != "" && (all || pl.chance(0.75)) {
		ev = append(ev, leadership.Evidence{Kind: leadership.Experiment, Label: p.text(t.exp), Source: p.author.home.name})
	}
	if quote := t.quote; quote != "" && (all || pl.chance(0.7)) || quote == "" && pl.chance(0.25) {
		witnesses := p.group.everyone
		if t.kind == leadership.Example {
			witnesses = p.author.home.everyone
			if quote == "" {
				quote = oneOf(pl.rng, exampleQuotes)
			}
		}
		if quote == "" {
			quote = oneOf(pl.rng, quotes)
		}
		if who := pl.byLevel(witnesses, p.author); who != nil {
			ev = append(ev, leadership.Evidence{Kind: leadership.Testimonial, Label: "“" + quote + "”",
				Source: who.name + ", " + who.title})
		}
	}
	if t.link != "" && (all || pl.chance(0.8)) || pl.chance(0.3) {
		label := t.link
		if label == "" {
			label = "Write-up with the numbers and their sources"
		}
		url := "https://" + oneOf(pl.rng, linkHosts) + "/" + slug(p.group.name) + "/" + slug(p.title)
		ev = append(ev, leadership.Evidence{Kind: leadership.Link, Label: label, URL: url})
	}
	p.evidence = ev
}

// jitter varies a figure by up to 15 %, keeping its precision: a text
// used for several groups does not repeat the same number.
func (pl *planner) jitter(v float64) float64 {
	scale := 1.0
	for scale < 1000 && v*scale != math.Trunc(v*scale) {
		scale *= 10
	}
	return math.Round(v*(0.85+0.3*pl.rng.Float64())*scale) / scale
}

// slug turns a title into a readable path segment.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range folds.Replace(strings.ToLower(s)) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	return b.String()
}
