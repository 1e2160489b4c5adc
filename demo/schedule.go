package demo

import (
	"context"
	"strconv"
	"strings"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/management"
)

// schedulePitch turns a pitch's plan into events.
func (pl *player) schedulePitch(p *pitchPlan) {
	pl.schedule(p.at, "publish “"+p.title+"”", func(ctx context.Context) error { return pl.publish(ctx, p) })
	for _, b := range p.buys {
		pl.schedule(b.at, "buy a ticket", func(ctx context.Context) error { return pl.buy(ctx, p, b.who) })
	}
	for _, r := range p.refunds {
		pl.schedule(r.at, "refund a ticket", func(ctx context.Context) error {
			pl.res.Refunds++
			return pl.db.RefundTicket(as(ctx, r.who), p.id)
		})
	}
	if p.withdraw != 0 {
		pl.schedule(p.withdraw, "withdraw", func(ctx context.Context) error {
			_, err := pl.db.Withdraw(as(ctx, p.author), p.id)
			return err
		})
	}
	for _, d := range p.decisions {
		pl.schedule(d.at, "decide “"+p.title+"”", func(ctx context.Context) error { return pl.decide(ctx, p, d) })
	}
	if p.journey != nil {
		pl.scheduleJourney(p)
	}
}

func (pl *player) publish(ctx context.Context, p *pitchPlan) error {
	in := leadership.NewPitch{GroupID: p.group.id, Kind: p.t.kind, Title: p.title, StatusQuo: p.quo,
		BetterWay: p.better, TicketsWanted: p.wanted, Evidence: p.evidence}
	if p.close != 0 {
		at := pl.cal.at(p.close)
		in.SalesClose = &at
	}
	got, err := pl.db.Publish(as(ctx, p.author), in)
	if err != nil {
		return err
	}
	p.id = got.ID
	pl.res.Pitches++
	if p.t.kind == leadership.Example {
		pl.res.Examples++
	}
	return nil
}

func (pl *player) buy(ctx context.Context, p *pitchPlan, who *person) error {
	_, created, err := pl.db.BuyTicket(as(ctx, who), p.id)
	if created {
		pl.res.Tickets++
	}
	return err
}

// decide records a planned decision; its rationale quotes the tickets
// sold at that moment.
func (pl *player) decide(ctx context.Context, p *pitchPlan, d *decisionPlan) error {
	cur, err := pl.db.Pitch(ctx, p.id)
	if err != nil {
		return err
	}
	in := management.NewDecision{Outcome: d.outcome, Method: d.method, Rationale: pl.rationale(p, d, cur.TicketsSold)}
	if d.redo {
		in.Supersedes = &p.decided
	}
	switch d.outcome {
	case management.Defer:
		in.RevisitOn = pl.cal.date(d.revisit)
	case management.Merge:
		in.MergeInto = &d.into.id
	case management.Adopt:
		in.Destination = p.text(p.t.dest)
	}
	got, err := pl.db.Decide(as(ctx, d.by), p.id, in)
	if err != nil {
		return err
	}
	p.decided = got.ID
	pl.res.Decisions++
	if got.JourneyID != nil && p.journeyID == 0 {
		p.journeyID = *got.JourneyID
		pl.res.Journeys++
	}
	return nil
}

func (pl *player) rationale(p *pitchPlan, d *decisionPlan, sold int) string {
	other, revisit := "", ""
	if d.into != nil {
		other = d.into.title
	}
	if d.revisit != 0 {
		revisit = pl.cal.date(d.revisit)
	}
	r := strings.NewReplacer("{group}", p.group.name, "{sold}", strconv.Itoa(sold), "{wanted}", strconv.Itoa(p.wanted),
		"{author}", p.author.name, "{title}", p.title, "{other}", other, "{revisit}", revisit)
	return r.Replace(strings.Join(d.lines, " "))
}

// scheduleJourney turns a journey's plan into events. The journey's id is
// known once the adoption has been played.
func (pl *player) scheduleJourney(p *pitchPlan) {
	j := p.journey
	driver := j.drivers[0]
	for _, who := range j.drivers {
		pl.schedule(j.named, "name a driver", func(ctx context.Context) error {
			return pl.db.NameDriver(as(ctx, j.by), p.journeyID, who.id)
		})
	}
	j.stopIDs = make([]wayfare.ID, len(j.stops))
	for i, s := range j.stops {
		pl.schedule(s.add, "add a stop", func(ctx context.Context) error {
			got, err := pl.db.AddStop(as(ctx, driver), p.journeyID, management.NewStop{Title: s.title, DueOn: s.due})
			if err == nil {
				j.stopIDs[i] = got.ID
			}
			return err
		})
		if s.done != 0 {
			pl.schedule(s.done, "reach a stop", func(ctx context.Context) error {
				_, err := pl.db.SetStopDone(as(ctx, driver), p.journeyID, j.stopIDs[i], true)
				return err
			})
		}
	}
	for _, b := range j.late {
		pl.schedule(b.at, "board late", func(ctx context.Context) error { return pl.buy(ctx, p, b.who) })
	}
	if j.depart != 0 {
		pl.schedule(j.depart, "depart", func(ctx context.Context) error {
			_, err := pl.db.Depart(as(ctx, driver), p.journeyID)
			return err
		})
	}
	pl.scheduleReports(p)
	if j.finish != 0 && !j.reversed {
		pl.schedule(j.finish, "end the journey", func(ctx context.Context) error {
			_, err := pl.db.End(as(ctx, driver), p.journeyID, j.fate, management.Ending{Review: j.review})
			return err
		})
	}
}

// scheduleReports schedules the check-ins, the doubts and the re-pitch.
func (pl *player) scheduleReports(p *pitchPlan) {
	j := p.journey
	for i, c := range j.checkins {
		who := j.drivers[i%len(j.drivers)]
		pl.schedule(c.at, "check in", func(ctx context.Context) error {
			progress := c.progress
			_, err := pl.db.Checkin(as(ctx, who), p.journeyID, management.NewCheckin{Progress: &progress,
				Confidence: c.confidence, Note: c.note})
			pl.res.Checkins++
			return err
		})
	}
	if j.mode != calm {
		pl.schedule(j.wave, "doubts arise", func(ctx context.Context) error { return pl.doubtWave(ctx, p) })
	}
	if r := j.repitch; r != nil {
		pl.schedule(r.at, "re-pitch", func(ctx context.Context) error {
			_, err := pl.db.Repitch(as(ctx, r.who), p.journeyID, leadership.NewRepitch{Message: j.repitchText, Evidence: j.repitchEvidence})
			pl.res.Repitches++
			return err
		})
	}
}
