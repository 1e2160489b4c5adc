package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/notifications"
	"github.com/wayfare-org/wayfare/people"
	"github.com/wayfare-org/wayfare/store"
)

const adminEmail = "bench-admin@bench.test"

// seed builds the data set in an empty data directory. People, groups and
// roles go through the API as the admin. Tokens and passwords for the
// people are made with the store package on the database file while the
// server is down ("wayfare token create" is one process per token). Pitches and tickets
// go through the API by their people, or through the store package with
// --seed-via store, which is quicker at ten times the data.
func (b *bench) seed(ctx context.Context) (*State, error) {
	ds := dataSetAt(b.scale)
	st := &State{Scale: b.scale, TicketsPerPitch: ds.ticketsPerPitch}
	b.logf("seeding %s: %d people, %d groups, %d pitches, %d tickets (via %s)",
		b.seedDir(), ds.people, ds.groups(), ds.pitches, ds.pitches*ds.ticketsPerPitch, b.seedVia)
	if _, err := runTool(ctx, b.bin, "init", "--data", b.seedDir(), "--admin-email", adminEmail, "--admin-name", "Bench Admin"); err != nil {
		return nil, err
	}
	out, err := runTool(ctx, b.bin, "token", "create", "--data", b.seedDir(), "--email", adminEmail)
	if err != nil {
		return nil, err
	}
	st.AdminToken = strings.TrimSpace(out)
	err = b.withServer(ctx, func(api *apiClient) error {
		return b.timed(st, "people, groups and roles through the API", func() error { return seedPeople(ctx, api, st, ds, b.seedConns) })
	})
	if err != nil {
		return nil, err
	}
	err = b.withStore(ctx, func(db *store.DB) error {
		if err := b.timed(st, "tokens through the store package", func() error { return seedTokens(ctx, db, st) }); err != nil {
			return err
		}
		if err := b.timed(st, "passwords through the store package", func() error { return seedPasswords(ctx, db, st) }); err != nil {
			return err
		}
		if b.seedVia != "store" {
			return nil
		}
		if err := b.timed(st, "pitches through the store package", func() error { return storePitches(ctx, db, st, ds) }); err != nil {
			return err
		}
		return b.timed(st, "tickets through the store package", func() error { return storeTickets(ctx, db, st, ds) })
	})
	if err != nil {
		return nil, err
	}
	if b.seedVia != "store" {
		err = b.withServer(ctx, func(api *apiClient) error {
			if err := b.timed(st, "pitches through the API", func() error { return apiPitches(ctx, api, st, ds, b.seedConns) }); err != nil {
				return err
			}
			return b.timed(st, "tickets through the API", func() error { return apiTickets(ctx, api, st, ds, b.seedConns) })
		})
		if err != nil {
			return nil, err
		}
	}
	// The notifications of the seeding are derived now, as a server that
	// ran all along would have: a measured server starts caught up.
	err = b.withStore(ctx, func(db *store.DB) error {
		return b.timed(st, "notifications of the seeding", func() error {
			if err := notifications.NewWorker(notifications.Config{Store: db, Holder: "wayfare-bench"}).Cycle(ctx); err != nil {
				return err
			}
			return db.Release(ctx, notifications.LeaseName, "wayfare-bench")
		})
	})
	if err != nil {
		return nil, err
	}
	return st, st.save(b.seedDir())
}

// timed runs one seeding step and records how long it took.
func (b *bench) timed(st *State, what string, fn func() error) error {
	start := time.Now()
	if err := fn(); err != nil {
		return fmt.Errorf("seeding %s: %w", what, err)
	}
	line := fmt.Sprintf("%s: %s", what, time.Since(start).Round(time.Millisecond))
	st.Seeding = append(st.Seeding, line)
	b.logf("seeded %s", line)
	return nil
}

// withServer runs fn against a wayfare server started for it.
func (b *bench) withServer(ctx context.Context, fn func(*apiClient) error) error {
	srv, err := b.startServer(ctx, b.seedDir())
	if err != nil {
		return err
	}
	err = fn(&apiClient{client: newClient(b.seedConns), base: srv.base})
	if serr := srv.stop(); err == nil {
		err = serr
	}
	return err
}

// withStore runs fn on the database file opened with the store package.
// No server may be running.
func (b *bench) withStore(ctx context.Context, fn func(*store.DB) error) error {
	db, err := store.Open(ctx, store.Config{Path: filepath.Join(b.seedDir(), "wayfare.db")})
	if err != nil {
		return err
	}
	err = fn(db)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	return err
}

// groupParent returns the index of group g's parent, or -1 for the root:
// a root, departments (one for every six groups) and teams under them.
func groupParent(g, groups int) int {
	depts := max(1, groups/6)
	switch {
	case g == 0:
		return -1
	case g <= depts:
		return 0
	}
	return 1 + (g-1-depts)%depts
}

// seedPeople creates the groups, then the people (person g < groups
// manages group g and reports to the manager of its parent; the others
// are members of a group and report to its manager), then their roles.
func seedPeople(ctx context.Context, api *apiClient, st *State, ds dataSet, conns int) error {
	groups := ds.groups()
	st.Groups = make([]wayfare.ID, groups)
	for g := range groups {
		in := people.NewGroup{Name: fmt.Sprintf("Group %d", g)}
		if p := groupParent(g, groups); p >= 0 {
			in.ParentID = &st.Groups[p]
		}
		var out people.Group
		if err := api.call(ctx, "POST", "/api/v1/groups", st.AdminToken, in, &out, 201); err != nil {
			return err
		}
		st.Groups[g] = out.ID
	}
	st.People = make([]wayfare.ID, ds.people)
	create := func(ctx context.Context, i int) error {
		in := people.NewPerson{Name: fmt.Sprintf("Person %05d", i), Email: personEmail(i),
			Title: "Engineer"}
		if mgr := managerOf(i, groups); mgr >= 0 {
			in.ManagerID = &st.People[mgr]
			in.Title = "Team member"
		}
		var out people.Person
		if err := api.call(ctx, "POST", "/api/v1/people", st.AdminToken, in, &out, 201); err != nil {
			return err
		}
		st.People[i] = out.ID
		return nil
	}
	for i := range groups { // managers first, in order: each one's manager exists already
		if err := create(ctx, i); err != nil {
			return err
		}
	}
	if err := parallel(ctx, ds.people-groups, conns, func(ctx context.Context, i int) error { return create(ctx, groups+i) }); err != nil {
		return err
	}
	return parallel(ctx, ds.people, conns, func(ctx context.Context, i int) error {
		g, role := i, people.Manager
		if i >= groups {
			g, role = (i-groups)%groups, people.Member
		}
		path := fmt.Sprintf("/api/v1/groups/%s/members/%s", st.Groups[g], st.People[i])
		return api.call(ctx, "PUT", path, st.AdminToken, map[string]any{"role": role}, nil, 200)
	})
}

// managerOf returns the index of person i's manager, or -1.
func managerOf(i, groups int) int {
	if i < groups {
		return groupParent(i, groups)
	}
	return (i - groups) % groups
}

// seedTokens issues one API token per person.
func seedTokens(ctx context.Context, db *store.DB, st *State) error {
	st.Tokens = make([]string, len(st.People))
	system := wayfare.WithActor(ctx, wayfare.Actor{System: true})
	return parallel(ctx, len(st.People), 256, func(_ context.Context, i int) error {
		t, err := db.CreateToken(system, st.People[i], people.NewToken{Name: "load"})
		if err != nil {
			return err
		}
		st.Tokens[i] = t.Token
		return nil
	})
}

// pitchInput is the i-th pitch: to group i mod groups, a proposal but for
// every tenth, which is an example; about 1 KB of JSON once published.
func pitchInput(i int, group wayfare.ID) leadership.NewPitch {
	value := float64(i%97) + 0.5
	kind := leadership.Proposal
	if i%10 == 9 {
		kind = leadership.Example
	}
	return leadership.NewPitch{
		GroupID: group,
		Kind:    kind,
		Title:   fmt.Sprintf("Pitch %d: replace the weekly status meeting with a written update", i),
		StatusQuo: "Every Monday the whole team spends an hour in a status meeting in which each person reads out " +
			"what is already in the tracker. Most people listen to two items that concern them and lose the rest of the hour.",
		BetterWay: "Post a short written update in the team channel by Monday noon, using the same three questions every " +
			"week; keep a fifteen-minute slot on Tuesday for the items that need a conversation, with only the people they concern.",
		TicketsWanted: 10 + i%40,
		Evidence: []leadership.Evidence{{Kind: leadership.DataPoint, Label: "hours lost to the status meeting each week",
			Value: &value, Unit: "h/week", Source: "team survey"}},
	}
}

// authorOf returns the index of the author of the i-th pitch.
func authorOf(i, people int) int { return (i*7 + 3) % people }

func apiPitches(ctx context.Context, api *apiClient, st *State, ds dataSet, conns int) error {
	st.Pitches = make([]wayfare.ID, ds.pitches)
	return parallel(ctx, ds.pitches, conns, func(ctx context.Context, i int) error {
		var out leadership.Pitch
		in := pitchInput(i, st.Groups[i%len(st.Groups)])
		if err := api.call(ctx, "POST", "/api/v1/pitches", st.Tokens[authorOf(i, ds.people)], in, &out, 201); err != nil {
			return err
		}
		st.Pitches[i] = out.ID
		return nil
	})
}

// ticket j is the (j / pitches)-th seeded ticket of pitch j mod pitches:
// every pitch gets its first ticket before any gets its second.
func apiTickets(ctx context.Context, api *apiClient, st *State, ds dataSet, conns int) error {
	return parallel(ctx, ds.pitches*ds.ticketsPerPitch, 2*conns, func(ctx context.Context, j int) error {
		i, k := j%ds.pitches, j/ds.pitches
		path := "/api/v1/pitches/" + st.Pitches[i].String() + "/tickets"
		return api.call(ctx, "POST", path, st.Tokens[ds.seededBuyer(i, k)], nil, nil, 201)
	})
}

func storePitches(ctx context.Context, db *store.DB, st *State, ds dataSet) error {
	st.Pitches = make([]wayfare.ID, ds.pitches)
	return parallel(ctx, ds.pitches, 256, func(ctx context.Context, i int) error {
		as := wayfare.WithActor(ctx, wayfare.Actor{PersonID: st.People[authorOf(i, ds.people)]})
		p, err := db.Publish(as, pitchInput(i, st.Groups[i%len(st.Groups)]))
		if err != nil {
			return err
		}
		st.Pitches[i] = p.ID
		return nil
	})
}

func storeTickets(ctx context.Context, db *store.DB, st *State, ds dataSet) error {
	return parallel(ctx, ds.pitches*ds.ticketsPerPitch, 256, func(ctx context.Context, j int) error {
		i, k := j%ds.pitches, j/ds.pitches
		as := wayfare.WithActor(ctx, wayfare.Actor{PersonID: st.People[ds.seededBuyer(i, k)]})
		_, created, err := db.BuyTicket(as, st.Pitches[i])
		if err == nil && !created {
			err = fmt.Errorf("pitch %s: person %s held a ticket already", st.Pitches[i], st.People[ds.seededBuyer(i, k)])
		}
		return err
	})
}

// parallel runs job for 0…n-1 on workers goroutines and stops at the
// first error, which it returns.
func parallel(ctx context.Context, n, workers int, job func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := next.Add(1) - 1
				if i >= int64(n) {
					return
				}
				if err := job(ctx, int(i)); err != nil {
					cancel(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	return context.Cause(ctx)
}
