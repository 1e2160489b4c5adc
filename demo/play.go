package demo

import (
	"container/heap"
	"context"
	"fmt"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/people"
	"github.com/wayfare-org/wayfare/store"
)

// event is one act of the history, played at its moment.
type event struct {
	at   wt
	seq  int
	name string
	do   func(ctx context.Context) error
}

// queue orders events by moment, then by the order they were scheduled.
type queue []*event

func (q queue) Len() int { return len(q) }
func (q queue) Less(i, j int) bool {
	if q[i].at != q[j].at {
		return q[i].at < q[j].at
	}
	return q[i].seq < q[j].seq
}
func (q queue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *queue) Push(x any)   { *q = append(*q, x.(*event)) }
func (q *queue) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}

// player writes the plan through the store's services, one act at a time
// in the order of the history, with the clock pinned to each act's
// moment. Playing in order keeps ids, and so the organization, the same
// for the same seed.
type player struct {
	db       *store.DB
	clock    *Clock
	cal      *calendar
	seed     uint64
	q        queue
	seq      int
	res      *Result
	progress func(string)
}

// schedule adds an event to the history.
func (pl *player) schedule(at wt, name string, do func(ctx context.Context) error) {
	pl.seq++
	heap.Push(&pl.q, &event{at: at, seq: pl.seq, name: name, do: do})
}

// as acts on behalf of a demo person.
func as(ctx context.Context, p *person) context.Context {
	return asID(ctx, p.id)
}

func asID(ctx context.Context, id wayfare.ID) context.Context {
	return wayfare.WithActor(ctx, wayfare.Actor{PersonID: id})
}

// play runs every event in order; events may schedule later ones.
func (pl *player) play(ctx context.Context) error {
	var now wt
	quarter := pl.cal.end() / 4
	next := quarter
	for pl.q.Len() > 0 {
		ev := heap.Pop(&pl.q).(*event)
		now = max(now, ev.at)
		for now >= next && next < pl.cal.end() {
			pl.progress(fmt.Sprintf("history %d %% written", 100*next/pl.cal.end()))
			next += quarter
		}
		pl.clock.Set(pl.cal.at(now))
		if err := ev.do(ctx); err != nil {
			return fmt.Errorf("demo: %s on %s: %w", ev.name, pl.cal.at(now).Format(time.DateTime), err)
		}
	}
	return nil
}

// createOrg writes the organization on the first morning: the people as
// an org-chart import by the command line would, then the groups and
// roles as the admin configures them.
func (pl *player) createOrg(ctx context.Context, o *org) error {
	sys := wayfare.WithActor(ctx, wayfare.Actor{System: true})
	var t wt
	tick := func() time.Time {
		at := pl.cal.at(t)
		pl.clock.Set(at)
		t += 2
		return at
	}
	for _, p := range o.people {
		at := tick()
		in := people.NewPerson{Name: p.name, Email: p.email, Title: p.title, Admin: p.admin}
		if p.boss != nil {
			in.ManagerID = &p.boss.id
		}
		got, err := pl.db.CreatePerson(sys, in)
		if err != nil {
			return fmt.Errorf("demo: person %s: %w", p.email, err)
		}
		if !got.CreatedAt.Equal(at) {
			return fmt.Errorf("demo: the store does not read the demo clock: open it with store.Config{Now: clock.Now}")
		}
		p.id = got.ID
		pl.res.People++
	}
	admin := wayfare.WithActor(ctx, wayfare.Actor{PersonID: o.byEmail[emailAdmin].id, Admin: true})
	for _, g := range o.groups {
		tick()
		in := people.NewGroup{Name: g.name}
		if g.parent != nil {
			in.ParentID = &g.parent.id
		}
		got, err := pl.db.CreateGroup(admin, in)
		if err != nil {
			return fmt.Errorf("demo: group %s: %w", g.name, err)
		}
		g.id = got.ID
		pl.res.Groups++
	}
	return pl.setRoles(admin, o, tick)
}

func (pl *player) setRoles(admin context.Context, o *org, tick func() time.Time) error {
	for _, g := range o.groups {
		if g.manager != nil {
			tick()
			if _, err := pl.db.SetRole(admin, g.id, g.manager.id, people.Manager); err != nil {
				return fmt.Errorf("demo: manager of %s: %w", g.name, err)
			}
		}
		for _, m := range g.members {
			tick()
			if _, err := pl.db.SetRole(admin, g.id, m.id, people.Member); err != nil {
				return fmt.Errorf("demo: member of %s: %w", g.name, err)
			}
		}
	}
	return nil
}
