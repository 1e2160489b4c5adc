package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/people"
	"github.com/wayfare-org/wayfare/store"
)

// benchOrg opens a store with n people, one group and pitches pitches.
func benchOrg(b *testing.B, n, pitches int) (*store.DB, []wayfare.ID, []wayfare.ID) {
	b.Helper()
	db, err := store.Open(context.Background(), store.Config{Path: filepath.Join(b.TempDir(), "wayfare.db")})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	sys := wayfare.WithActor(context.Background(), wayfare.Actor{System: true})
	g, err := db.CreateGroup(sys, people.NewGroup{Name: "G"})
	if err != nil {
		b.Fatal(err)
	}
	ids := make([]wayfare.ID, n)
	for i := range ids {
		p, err := db.CreatePerson(sys, people.NewPerson{Name: "P", Email: fmt.Sprintf("p%d@example.test", i)})
		if err != nil {
			b.Fatal(err)
		}
		ids[i] = p.ID
	}
	var ps []wayfare.ID
	for i := range pitches {
		p, err := db.Publish(wayfare.WithActor(context.Background(), wayfare.Actor{PersonID: ids[i%n]}), leadership.NewPitch{
			GroupID: g.ID, Kind: leadership.Proposal, Title: "A better way", StatusQuo: "s", BetterWay: "b", TicketsWanted: 10})
		if err != nil {
			b.Fatal(err)
		}
		ps = append(ps, p.ID)
	}
	return db, ids, ps
}

// BenchmarkBuyTicket buys tickets by distinct people from 32 goroutines.
func BenchmarkBuyTicket(b *testing.B) {
	db, ids, ps := benchOrg(b, 1000, 100)
	var next atomic.Int64
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1)
			ctx := wayfare.WithActor(context.Background(), wayfare.Actor{PersonID: ids[i%int64(len(ids))]})
			if _, _, err := db.BuyTicket(ctx, ps[(i/int64(len(ids)))%int64(len(ps))]); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkPitch reads one pitch with its evidence.
func BenchmarkPitch(b *testing.B) {
	db, _, ps := benchOrg(b, 10, 100)
	ctx := context.Background()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			if _, err := db.Pitch(ctx, ps[i%len(ps)]); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkPublish publishes pitches with evidence from 32 goroutines.
func BenchmarkPublish(b *testing.B) {
	db, ids, _ := benchOrg(b, 100, 0)
	sys := wayfare.WithActor(context.Background(), wayfare.Actor{System: true})
	g, _ := db.CreateGroup(sys, people.NewGroup{Name: "Team"})
	for _, id := range ids[:10] {
		db.SetRole(sys, g.ID, id, people.Member)
	}
	db.SetRole(sys, g.ID, ids[0], people.Manager)
	v := 3.0
	var next atomic.Int64
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1)
			ctx := wayfare.WithActor(context.Background(), wayfare.Actor{PersonID: ids[i%int64(len(ids))]})
			_, err := db.Publish(ctx, leadership.NewPitch{GroupID: g.ID, Kind: leadership.Proposal, Title: "Shorter stand-ups",
				StatusQuo: "Stand-ups take thirty minutes.", BetterWay: "Keep them to ten.", TicketsWanted: 5,
				Evidence: []leadership.Evidence{{Kind: leadership.DataPoint, Label: "Median stand-up", Value: &v, Unit: "minutes"}}})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}
