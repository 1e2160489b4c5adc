package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/management"
	"github.com/wayfare-org/wayfare/notifications"
	"github.com/wayfare-org/wayfare/notifications/mail"
	"github.com/wayfare-org/wayfare/notifications/mail/mailtest"
	"github.com/wayfare-org/wayfare/people"
	"github.com/wayfare-org/wayfare/store"
	"github.com/wayfare-org/wayfare/store/pgtest"
)

// onBoth runs a benchmark on SQLite and on PostgreSQL (when a server is
// there), each with a store of its own.
func onBoth(b *testing.B, bench func(b *testing.B, cfg store.Config)) {
	b.Run("sqlite", func(b *testing.B) { bench(b, store.Config{Path: filepath.Join(b.TempDir(), "wayfare.db")}) })
	b.Run("postgres", func(b *testing.B) { bench(b, store.Config{Database: pgtest.Database(b)}) })
}

// crowd opens a store with a group of n members and its manager.
func crowd(b *testing.B, cfg store.Config, n int) (db *store.DB, group, manager wayfare.ID, members []wayfare.ID) {
	b.Helper()
	db, err := store.Open(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	sys := wayfare.WithActor(context.Background(), wayfare.Actor{System: true})
	g, err := db.CreateGroup(sys, people.NewGroup{Name: "Everyone"})
	if err != nil {
		b.Fatal(err)
	}
	m, err := db.CreatePerson(sys, people.NewPerson{Name: "Manager", Email: "manager@example.test"})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.SetRole(sys, g.ID, m.ID, people.Manager); err != nil {
		b.Fatal(err)
	}
	members = make([]wayfare.ID, n)
	var wg sync.WaitGroup
	for w := range 64 {
		wg.Go(func() {
			for i := w; i < n; i += 64 {
				p, err := db.CreatePerson(sys, people.NewPerson{Name: fmt.Sprintf("Member %d", i), Email: fmt.Sprintf("m%d@example.test", i)})
				if err == nil {
					members[i] = p.ID
					_, err = db.SetRole(sys, g.ID, p.ID, people.Member)
				}
				if err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	return db, g.ID, m.ID, members
}

func as(id wayfare.ID) context.Context {
	return wayfare.WithActor(context.Background(), wayfare.Actor{PersonID: id})
}

// BenchmarkSessionFillsTenThousandInboxes: one act that concerns 10,000
// people (a session opening to their group), from its commit until every
// inbox holds its notification and each immediate mail is queued (sent an
// hour later, after the mail delay).
func BenchmarkSessionFillsTenThousandInboxes(b *testing.B) { onBoth(b, sessionFillsInboxes) }

func sessionFillsInboxes(b *testing.B, cfg store.Config) {
	const n = 10_000
	db, g, mgr, _ := crowd(b, cfg, n)
	w := notifications.NewWorker(notifications.Config{Store: db, Holder: "bench", MailDelay: time.Hour,
		Mail: &notifications.Post{Key: db.LinkKey}})
	if err := w.Cycle(context.Background()); err != nil { // the seeding's acts
		b.Fatal(err)
	}
	var total time.Duration
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		if _, err := db.OpenSession(as(mgr), management.NewSession{GroupID: g, Prompt: fmt.Sprintf("Session %d", i), VotesPerPerson: 3}); err != nil {
			b.Fatal(err)
		}
		if err := w.Cycle(context.Background()); err != nil {
			b.Fatal(err)
		}
		total += time.Since(start)
	}
	ns, err := db.Notifications(as(mgr+1), notifications.Filter{})
	if err != nil || len(ns) == 0 {
		b.Fatalf("a member's inbox: %d, %v", len(ns), err)
	}
	b.ReportMetric(total.Seconds()/float64(b.N), "s/10k-inboxes")
}

// BenchmarkDigestsForTenThousand: 10,000 people on daily digests, each with
// something new, get their digests from a local SMTP server.
func BenchmarkDigestsForTenThousand(b *testing.B) { onBoth(b, digestsForTenThousand) }

func digestsForTenThousand(b *testing.B, cfg store.Config) {
	const n = 10_000
	db, g, mgr, members := crowd(b, cfg, n)
	srv := mailtest.Start(b)
	mcfg, err := mail.ParseURL(srv.URL())
	if err != nil {
		b.Fatal(err)
	}
	sender, err := mail.NewSender(mcfg, "Wayfare <wayfare@example.test>")
	if err != nil {
		b.Fatal(err)
	}
	var wg sync.WaitGroup
	for w := range 64 {
		wg.Go(func() {
			for i := w; i < n; i += 64 {
				if _, err := db.SetPreferences(as(members[i]), notifications.Preferences{Email: notifications.Daily, DigestHour: 6, TimeZone: "UTC"}); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	now := time.Now()
	w := notifications.NewWorker(notifications.Config{Store: db, Holder: "bench", Now: func() time.Time { return now },
		Mail: &notifications.Post{Sender: sender, BaseURL: "https://wayfare.example.test", Key: db.LinkKey, Waiting: db.Waiting}})
	sent := 0
	var total time.Duration
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		if _, err := db.OpenSession(as(mgr), management.NewSession{GroupID: g, Prompt: fmt.Sprintf("Session %d", i), VotesPerPerson: 3}); err != nil {
			b.Fatal(err)
		}
		if err := w.Cycle(context.Background()); err != nil { // the inboxes; no mail yet, digests are not due
			b.Fatal(err)
		}
		now = now.Add(25 * time.Hour)
		before := len(srv.Messages())
		b.StartTimer()
		start := time.Now()
		queued, err := w.SendDigests(context.Background())
		if err != nil || queued != n {
			b.Fatalf("%d digests queued, %v", queued, err)
		}
		total += time.Since(start)
		sent += len(srv.Messages()) - before
	}
	if sent != n*b.N {
		b.Fatalf("%d digests arrived, want %d", sent, n*b.N)
	}
	b.ReportMetric(float64(sent)/total.Seconds(), "digests/s")
}
