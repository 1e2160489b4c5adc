package demo

import (
	"strings"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/management"
)

// doubtMode is how riders feel about a journey.
type doubtMode int

const (
	calm      doubtMode = iota // no doubts
	recovered                  // doubts, a re-pitch, then reconfirmations and a few leavers
	troubled                   // doubts that stay open: the journey needs leadership
)

// journeyPlan is everything that will happen on the journey of an
// adopted pitch.
type journeyPlan struct {
	by       *person // the manager who adopted the pitch and names the drivers
	fate     management.JourneyStatus
	reversed bool // ended by a later decision rather than by its drivers
	drivers  []*person
	named    wt
	stops    []stopPlan
	depart   wt // 0 while boarding
	finish   wt // when it arrives or is abandoned; 0 if it goes on
	checkins []checkinPlan
	late     []move // tickets bought while boarding
	mode     doubtMode
	wave     wt // when the doubts start
	waveEnd  wt // by when they are all raised
	repitch  *move
	settle   [2]wt // doubters reconfirm or leave within this window
	review   string

	repitchText     string
	repitchEvidence []leadership.Evidence
	stopIDs         []wayfare.ID // filled in while the plan plays
}

type stopPlan struct {
	title string
	due   string
	add   wt
	done  wt // 0 for not done
}

type checkinPlan struct {
	at         wt
	progress   int
	confidence management.Confidence
	note       string
}

// planJourney plans the journey of pitch p adopted by d. A fate or a
// doubt mode left open is drawn.
func (pl *planner) planJourney(p *pitchPlan, d *decisionPlan, fate management.JourneyStatus, mode doubtMode, modeSet bool) {
	j := &journeyPlan{by: d.by, named: d.at + pl.uniform(20*minute, 3*hour)}
	p.journey = j
	j.drivers = pl.driversFor(p, d.by)
	length := pl.uniform(25*day, 90*day)
	start := d.at + pl.uniform(2*day, 8*day)
	if fate == "" {
		fate = pl.journeyFate(d.at, start, length)
	}
	j.fate = fate
	limit := pl.end - 30*minute
	switch fate {
	case management.Boarding:
		start = min(start, pl.end-hour)
	default:
		start = min(start, d.at+(pl.end-d.at)/3)
		j.depart = start
	}
	switch fate {
	case management.Underway:
		length = max(length, pl.end-start+pl.uniform(10*day, 40*day))
	case management.Arrived:
		length = min(length, pl.end-start-day)
		j.finish, limit = start+length, start+length
	case management.Abandoned:
		length = min(length, pl.end-start-day)
		j.finish = start + wt(float64(length)*(0.35+0.4*pl.rng.Float64()))
		limit = j.finish
		j.reversed = pl.chance(0.2)
	}
	if !modeSet {
		mode = pl.doubtMode(fate)
	}
	pl.planDoubts(p, j, mode, limit)
	pl.planStops(p, j, start, length, limit)
	pl.planCheckins(j, start, length, limit)
	pl.planLate(p, j, d.at, start)
	if j.finish != 0 {
		pl.planEnding(p, j, d)
	}
}

// journeyFate draws where a journey stands now from its dates: recent
// ones still board, long ones are under way, the rest have ended.
func (pl *planner) journeyFate(adopted, depart, length wt) management.JourneyStatus {
	switch {
	case pl.end-adopted < 12*day || depart >= pl.end-hour:
		return management.Boarding
	case depart+length >= pl.end-day:
		if pl.chance(0.1) {
			return management.Abandoned
		}
		return management.Underway
	case pl.chance(0.25):
		return management.Abandoned
	}
	return management.Arrived
}

// driversFor names one or two drivers: people of the target group, now
// and then the pitch's author (named, never by right) or the decider. The
// personas' pitches show leadership without management: their authors
// sell the tickets and leave the driving to others.
func (pl *planner) driversFor(p *pitchPlan, decider *person) []*person {
	var out []*person
	n := 1 + pl.rng.IntN(2)
	for tries := 0; len(out) < n && tries < 20 || len(out) == 0; tries++ {
		var who *person
		switch pl.weighted(60, 25, 15) {
		case 0:
			who = pl.byLevel(p.group.everyone, decider, p.author)
		case 1:
			if !p.scripted {
				who = p.author
			}
		default:
			who = decider
		}
		if who != nil && !contains(out, who) && !who.admin {
			out = append(out, who)
		}
	}
	return out
}

// planStops plans the route: stops due across the trip, done when their
// day comes (all of them on a journey that arrives).
func (pl *planner) planStops(p *pitchPlan, j *journeyPlan, start, length, limit wt) {
	route := oneOf(pl.rng, stopRoutes)
	k := 3 + pl.rng.IntN(3)
	titles := append(append([]string{}, route[:k-1]...), route[len(route)-1])
	overdue := pl.chance(0.25)
	for i, title := range titles {
		due := start + length*wt(i+1)/wt(k)
		if j.fate == management.Arrived {
			due = min(due, limit-hour)
		}
		s := stopPlan{title: strings.ReplaceAll(title, "{group}", p.group.name), due: pl.cal.date(due),
			add: j.named + 20*minute + wt(i)*3*minute}
		done := max(due+pl.uniform(0, 2*day)-day, j.named+hour)
		switch {
		case j.fate == management.Boarding || j.fate == management.Underway && i == k-1:
		case j.fate == management.Arrived:
			s.done = min(done, limit-pl.uniform(20*minute, 2*hour))
		case done < limit-10*minute && !(overdue && due > limit-8*day):
			s.done = done
		}
		j.stops = append(j.stops, s)
	}
}

// planCheckins plans the drivers' progress reports, every week or two.
func (pl *planner) planCheckins(j *journeyPlan, start, length, limit wt) {
	if j.fate == management.Boarding {
		if at := j.named + pl.uniform(day, 3*day); at < limit {
			j.checkins = append(j.checkins, checkinPlan{at: at, confidence: management.OnTrack,
				note: "Boarding: drivers named and the route planned. We depart once the first stop has an owner in every team."})
		}
		return
	}
	var times []wt
	for t := start + pl.uniform(3*day, 6*day); t < limit-2*hour; t += pl.uniform(7*day, 12*day) {
		times = append(times, t)
	}
	for i, t := range times {
		frac := float64(t-start) / float64(length)
		c := checkinPlan{at: t, confidence: management.OnTrack}
		late := float64(i+1) / float64(len(times))
		switch {
		case (j.fate == management.Abandoned || j.mode == troubled) && late > 0.8:
			c.confidence = management.OffTrack
			frac *= 0.6
		case (j.fate == management.Abandoned || j.mode != calm) && late > 0.5, pl.chance(0.15):
			c.confidence = management.AtRisk
			frac *= 0.85
		}
		c.progress = min(95, max(1, int(frac*100)))
		c.note = oneOf(pl.rng, checkinNotes[c.confidence])
		j.checkins = append(j.checkins, c)
	}
}

// planLate plans a few tickets bought while the journey boards.
func (pl *planner) planLate(p *pitchPlan, j *journeyPlan, adopted, depart wt) {
	until := depart
	if j.fate == management.Boarding {
		until = pl.end
	}
	for n := pl.rng.IntN(4); n > 0 && until-adopted > 3*hour; n-- {
		if who := pl.byLevel(p.group.everyone, p.author); who != nil {
			j.late = append(j.late, move{at: pl.uniform(adopted+hour, until-hour), who: who})
		}
	}
}

func (pl *planner) doubtMode(fate management.JourneyStatus) doubtMode {
	w := map[management.JourneyStatus][]int{
		management.Boarding: {1, 0, 0}, management.Underway: {48, 30, 22},
		management.Arrived: {70, 30, 0}, management.Abandoned: {50, 15, 35},
	}[fate]
	return doubtMode(pl.weighted(w...))
}

// planDoubts plans when riders start to doubt, the re-pitch that answers
// them, and when they settle. Who doubts is chosen among the riders of
// the day when the plan plays.
func (pl *planner) planDoubts(p *pitchPlan, j *journeyPlan, mode doubtMode, limit wt) {
	if mode == calm || j.depart == 0 || limit-j.depart < 6*day {
		return
	}
	j.mode = mode
	span := limit - j.depart
	repitcher := p.author
	if pl.chance(0.35) {
		repitcher = pl.byLevel(p.group.everyone)
	}
	j.repitchText = oneOf(pl.rng, repitchLines)
	if pl.chance(0.5) {
		v := float64(30 + pl.rng.IntN(50))
		j.repitchEvidence = []leadership.Evidence{{Kind: leadership.DataPoint, Label: "Progress of the teams that started first",
			Value: &v, Unit: "%", Source: "Journey check-ins"}}
	}
	if mode == troubled {
		j.wave = max(limit-pl.uniform(3*day, 9*day), j.depart+day)
		j.waveEnd = j.wave + (limit-j.wave)/2
		if pl.chance(0.4) {
			j.repitch = &move{at: j.waveEnd + (limit-j.waveEnd)/2, who: repitcher}
		}
		return
	}
	j.wave = j.depart + wt(float64(span)*(0.3+0.25*pl.rng.Float64()))
	j.waveEnd = j.wave + pl.uniform(2*hour, day)
	j.repitch = &move{at: j.waveEnd + pl.uniform(day, 3*day), who: repitcher}
	j.settle = [2]wt{j.repitch.at + hour, min(j.repitch.at+5*day, limit-hour)}
	if j.settle[1] <= j.settle[0]+hour {
		j.mode, j.repitch = calm, nil
	}
}

// planEnding plans how the journey ends: its drivers arrive or abandon
// it, or a later decision supersedes the adoption.
func (pl *planner) planEnding(p *pitchPlan, j *journeyPlan, d *decisionPlan) {
	dest := p.text(p.t.dest)
	j.review = strings.ReplaceAll(oneOf(pl.rng, reviews[j.fate]), "{dest}", dest)
	if !j.reversed {
		return
	}
	method := management.Directive
	if pl.chance(0.5) {
		method = management.Consultative
	}
	p.decisions = append(p.decisions, &decisionPlan{at: j.finish, by: d.by, outcome: management.Decline, method: method,
		redo: true, lines: []string{oneOf(pl.rng, reverseLines)}})
}
