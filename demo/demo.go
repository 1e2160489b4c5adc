// Package demo generates a believable demo organization: a company of a
// few hundred people over five levels, its departments, teams and
// communities, and six months of history — pitches and examples from every
// level, tickets, decisions of every outcome and method, journeys with
// drivers, stops, check-ins, doubts and re-pitches, and in the last days
// facilitated sessions and decision rounds.
//
// Everything is written through the store's services, on behalf of the
// people who would act, so every rule applies and every act lands in the
// ledger. The same seed gives the same organization.
package demo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/people"
	"github.com/wayfare-org/wayfare/store"
)

// Password is every demo person's password, for the sign-in pages.
const Password = "wayfare-demo"

// Defaults and bounds of the options.
const (
	DefaultPeople = 320
	MinPeople     = 150 // fewer leaves teams too thin to be believable
	DefaultSeed   = 1
)

// Options shape a demo organization.
type Options struct {
	// People is the headcount, admin included; 0 means DefaultPeople.
	People int
	// Seed picks the organization; 0 means DefaultSeed.
	Seed uint64
	// Clock is the clock the store was opened with (store.Config{Now:
	// Clock.Now}). Generate moves it through the history and releases it.
	// Required.
	Clock *Clock
	// Now is when the history ends; zero means the clock's time when
	// Generate starts. The history ends on the last weekday before it.
	Now time.Time
	// Progress, when set, receives a line at each stage.
	Progress func(msg string)
}

// Result counts what Generate wrote.
type Result struct {
	People, Groups              int
	Pitches, Examples           int
	Tickets, Refunds            int
	Decisions, Journeys         int
	Checkins, Doubts, Repitches int
	From, To                    time.Time // the span of the history
}

// String sums the result up in one line.
func (r *Result) String() string {
	return fmt.Sprintf("%d people, %d groups, %d pitches (%d examples), %d tickets (%d refunded), %d decisions, "+
		"%d journeys, %d check-ins, %d doubts, %d re-pitches, from %s to %s",
		r.People, r.Groups, r.Pitches, r.Examples, r.Tickets, r.Refunds, r.Decisions, r.Journeys, r.Checkins,
		r.Doubts, r.Repitches, r.From.Format(time.DateOnly), r.To.Format(time.DateOnly))
}

// Generate writes a demo organization into an empty store. The store must
// read opts.Clock; when Generate returns, the clock follows real time.
func Generate(ctx context.Context, db *store.DB, opts Options) (*Result, error) {
	if opts.Clock == nil {
		return nil, errors.New("demo: Options.Clock is required: open the store with store.Config{Now: clock.Now}")
	}
	opts = opts.withDefaults()
	if opts.People < MinPeople {
		return nil, fmt.Errorf("demo: at least %d people are needed, not %d", MinPeople, opts.People)
	}
	sys := wayfare.WithActor(ctx, wayfare.Actor{System: true})
	if existing, err := db.People(sys, people.PersonFilter{Page: wayfare.Page{Limit: 1}}); err != nil {
		return nil, err
	} else if len(existing) > 0 {
		return nil, errors.New("demo: the store already holds an organization")
	}
	defer opts.Clock.Release()
	cal := newCalendar(opts.Now, historyDays, 240)
	rng := rand.New(rand.NewPCG(opts.Seed, 0x5741_5946_4152_45))
	pl := &planner{rng: rng, o: designOrg(rng, opts.People), cal: cal, end: cal.end(), titles: map[string]bool{}}
	pl.planAll(pitchCount(opts.People))
	res := &Result{From: cal.at(0), To: cal.at(cal.end() - 1)}
	play := &player{db: db, clock: opts.Clock, cal: cal, seed: opts.Seed, res: res, progress: opts.Progress}
	if err := play.createOrg(ctx, pl.o); err != nil {
		return nil, err
	}
	play.progress(fmt.Sprintf("organization written: %d people in %d groups; writing %d pitches and their history",
		res.People, res.Groups, len(pl.pitches)))
	for _, p := range pl.pitches {
		play.schedulePitch(p)
	}
	play.scheduleFacilitation(pl.o)
	if err := play.play(ctx); err != nil {
		return nil, err
	}
	if err := setPasswords(sys, db); err != nil {
		return nil, err
	}
	return res, nil
}

// setPasswords gives every demo person the demo password. One hash serves
// them all: the password is public anyway, and argon2id is slow on purpose.
func setPasswords(ctx context.Context, db *store.DB) error {
	hash, err := people.HashPassword(Password)
	if err != nil {
		return err
	}
	page := wayfare.Page{Limit: wayfare.MaxLimit}
	for {
		ps, err := db.People(ctx, people.PersonFilter{Page: page})
		if err != nil {
			return err
		}
		for _, p := range ps {
			if err := db.SetPassword(ctx, p.ID, hash); err != nil {
				return err
			}
		}
		if len(ps) < page.Limit {
			return nil
		}
		page.Cursor = ps[len(ps)-1].ID
	}
}

func (o Options) withDefaults() Options {
	if o.People == 0 {
		o.People = DefaultPeople
	}
	if o.Seed == 0 {
		o.Seed = DefaultSeed
	}
	if o.Now.IsZero() {
		o.Now = o.Clock.Now()
	}
	if o.Progress == nil {
		o.Progress = func(string) {}
	}
	return o
}

// pitchCount scales the number of pitches with the headcount: about 200
// for the default organization.
func pitchCount(people int) int { return min(500, max(150, people*5/8)) }

// Persona is a demo person worth signing in as.
type Persona struct {
	Role  string // "front-line engineer", "team manager", "VP", "CEO", "another department", "admin"
	Name  string
	Email string
	ID    wayfare.ID
}

// Personas returns the named demo personas of a generated organization,
// found by the fixed e-mail addresses Generate gives them.
func Personas(ctx context.Context, db *store.DB) ([]Persona, error) {
	ctx = wayfare.WithActor(ctx, wayfare.Actor{System: true})
	out := make([]Persona, 0, len(personaSpecs))
	for _, ps := range personaSpecs {
		p, err := db.PersonByEmail(ctx, ps.email)
		if err != nil {
			return nil, fmt.Errorf("demo: persona %s (%s): %w", ps.role, ps.email, err)
		}
		out = append(out, Persona{Role: ps.role, Name: p.Name, Email: p.Email, ID: p.ID})
	}
	return out, nil
}
