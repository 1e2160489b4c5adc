package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare"
)

// seedInfluence writes an organization of the benchmark's size straight
// into the tables, in one transaction: people people in nested groups,
// pitches pitches (one in ten an example), ticketsPer tickets on each
// (distinct holders), a decision on one pitch in ten and a journey for
// each adoption, and an act for each of these.
func seedInfluence(tb testing.TB, db *DB, people, pitches, ticketsPer int) {
	tb.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	exec := func(q string, args ...any) {
		if _, err := tx.Exec(q, args...); err != nil {
			tb.Fatal(err)
		}
	}
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	at := func(i int) int64 { return micros(now.Add(time.Duration(i) * time.Minute)) }
	groups := max(1, people/50)
	for g := 1; g <= groups; g++ {
		var parent any
		if g > 1 {
			parent = (g-2)/4 + 1 // a tree: four children a group
		}
		exec(`INSERT INTO groups (id, name, parent_id, created_at) VALUES (?, 'G', ?, 0)`, g, parent)
	}
	for p := 1; p <= people; p++ {
		level := min(5, p/max(1, people/6))
		exec(`INSERT INTO people (id, name, email, level, created_at) VALUES (?, 'P', ?, ?, 0)`, p, fmt.Sprintf("p%d@bench.test", p), level)
		role := "member"
		if p%25 == 0 {
			role = "manager"
		}
		exec(`INSERT INTO memberships (group_id, person_id, role) VALUES (?, ?, ?)`, (p-1)%groups+1, p, role)
		exec(`INSERT INTO acts (at, person_id, function, verb, subject_kind, subject_id) VALUES (0, 0, 'admin', 'person.created', 'person', ?)`, p)
	}
	relations := []string{"outside", "below", "peer", "above"}
	journey := 0
	for i := 1; i <= pitches; i++ {
		author := rng.IntN(people) + 1
		kind, status := "proposal", "selling"
		if i%10 == 0 {
			kind, status = "example", "showing"
		}
		if kind == "proposal" && i%5 == 0 {
			status = []string{"adopted", "declined", "deferred"}[i%3]
		}
		exec(`INSERT INTO pitches (id, group_id, author_id, kind, title, status_quo, better_way, tickets_wanted, status,
			origin_relation, origin_levels, created_at) VALUES (?, ?, ?, ?, 't', 's', 'b', ?, ?, ?, 1, ?)`,
			i, rng.IntN(groups)+1, author, kind, 5+rng.IntN(30), status, relations[rng.IntN(4)], at(i))
		exec(`INSERT INTO acts (at, person_id, function, verb, subject_kind, subject_id) VALUES (?, ?, 'leadership', 'pitch.published', 'pitch', ?)`, at(i), author, i)
		start := rng.IntN(people)
		for k := range ticketsPer {
			holder := (start+k*7)%people + 1
			exec(`INSERT INTO tickets (pitch_id, person_id, bought_at) VALUES (?, ?, ?)`, i, holder, at(i)+int64(k))
			exec(`INSERT INTO acts (at, person_id, function, verb, subject_kind, subject_id) VALUES (?, ?, 'follower', 'ticket.bought', 'pitch', ?)`, at(i), holder, i)
		}
		exec(`INSERT INTO pitch_counters (pitch_id, tickets_sold) VALUES (?, ?)`, i, ticketsPer)
		if status == "selling" || status == "showing" {
			continue
		}
		decider := (rng.IntN(people/25) + 1) * 25
		var jid any
		if status == "adopted" {
			journey++
			jid = journey
			exec(`INSERT INTO journeys (id, pitch_id, group_id, title, destination, status, riders, open_doubts, created_at)
				VALUES (?, ?, 1, 't', 'd', ?, ?, ?, ?)`, journey, i, []string{"boarding", "underway", "arrived", "abandoned"}[journey%4],
				ticketsPer, journey%7, at(i+60))
			if journey%2 == 0 {
				exec(`INSERT INTO journey_drivers (journey_id, person_id) VALUES (?, ?)`, journey, rng.IntN(people)+1)
			}
		}
		exec(`INSERT INTO decisions (pitch_id, decider_id, outcome, method, rationale, journey_id, created_at)
			VALUES (?, ?, ?, 'directive', 'r', ?, ?)`, i, decider, map[string]string{"adopted": "adopt", "declined": "decline", "deferred": "defer"}[status], jid, at(i+60+rng.IntN(6000)))
		exec(`INSERT INTO acts (at, person_id, function, verb, subject_kind, subject_id) VALUES (?, ?, 'management', 'decision.made', 'pitch', ?)`, at(i), decider, i)
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkInfluence computes the influence figures from the database at
// the size the benchmarks are held to: 1,000 people, 10,000 pitches and
// 200,000 tickets. It is what a background recomputation costs.
func BenchmarkInfluence(b *testing.B) { benchInfluence(b, 1) }

// BenchmarkInfluenceTenfold is BenchmarkInfluence at ten times the data:
// 10,000 people, 100,000 pitches, 2,000,000 tickets. Seeding takes a
// minute; run it alone, with -benchtime=1x.
func BenchmarkInfluenceTenfold(b *testing.B) { benchInfluence(b, 10) }

func benchInfluence(b *testing.B, scale int) {
	db, err := Open(context.Background(), Config{Path: filepath.Join(b.TempDir(), "wayfare.db")})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	seedInfluence(b, db, 1000*scale, 10000*scale, 20)
	ctx := context.Background()
	b.Run("read", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.influenceInput(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("rebuild", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.RebuildInfluence(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("answer", func(b *testing.B) {
		ctx := wayfare.WithActor(ctx, wayfare.Actor{System: true})
		for b.Loop() {
			if _, err := db.InfluenceOrg(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}
