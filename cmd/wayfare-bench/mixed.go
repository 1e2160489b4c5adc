package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// background buys tickets at a steady rate over its own connections while
// a read scenario is measured ("getmixed"), so that the data version moves
// every few milliseconds and cached answers seldom survive. Its requests
// are not part of the measured figures; they are counted apart, and only
// while the measurement runs.
type background struct {
	client *http.Client
	conns  int
	rate   float64 // purchases per second, all connections together
	src    source  // the ticket scenario's pairs, never bought before
	// measuring is set between mark(true) and mark(false): only then are
	// answers counted and timed.
	measuring atomic.Bool
	requests  atomic.Int64
	errors    atomic.Int64
	created   atomic.Int64
	late      atomic.Int64 // due times given up because the server fell behind
	from, to  time.Time
	mu        sync.Mutex
	hist      Histogram
	cancel    context.CancelFunc
	wg        sync.WaitGroup
}

// maxLag bounds how far a worker may fall behind its schedule before it
// gives the missed purchases up instead of sending them in a burst.
const maxLag = 50 * time.Millisecond

// newBackground returns a writer of conns connections at rate purchases/s.
func newBackground(conns int, rate float64, src source) *background {
	return &background{client: newClient(conns), conns: conns, rate: rate, src: src}
}

// start begins buying; stop ends it and waits for the requests in flight.
func (g *background) start(ctx context.Context) {
	ctx, g.cancel = context.WithCancel(ctx)
	interval := time.Duration(float64(time.Second) * float64(g.conns) / g.rate)
	t0 := time.Now()
	for w := range g.conns {
		g.wg.Add(1)
		go func() {
			defer g.wg.Done()
			g.work(ctx, t0.Add(interval*time.Duration(w)/time.Duration(g.conns)), interval)
		}()
	}
}

func (g *background) stop() {
	g.cancel()
	g.wg.Wait()
	g.client.CloseIdleConnections()
}

// mark starts (on) or ends the counted window.
func (g *background) mark(on bool) {
	if on {
		g.from = time.Now()
	} else {
		g.to = time.Now()
	}
	g.measuring.Store(on)
}

// work is one connection's loop: a purchase every interval, from next on.
func (g *background) work(ctx context.Context, next time.Time, interval time.Duration) {
	var h Histogram
	defer func() {
		g.mu.Lock()
		g.hist.Merge(&h)
		g.mu.Unlock()
	}()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		if d := time.Until(next); d > 0 {
			timer.Reset(d)
			select {
			case <-ctx.Done():
				return
			case <-timer.C:
			}
		} else if ctx.Err() != nil {
			return
		}
		next = next.Add(interval)
		if lag := time.Since(next); lag > maxLag {
			skipped := int64(lag / interval)
			next = next.Add(time.Duration(skipped) * interval)
			if g.measuring.Load() {
				g.late.Add(skipped)
			}
		}
		req, done, ok := g.src(nil)
		if !ok {
			return
		}
		counted := g.measuring.Load()
		start := time.Now()
		// Not ctx: a purchase sent is let finish, so that its answer is
		// counted and the check of tickets_sold stays exact.
		resp, err := g.client.Do(req)
		if err != nil {
			if counted {
				g.requests.Add(1)
				g.errors.Add(1)
			}
			continue
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if counted {
			h.Record(time.Since(start))
			g.requests.Add(1)
			if err != nil || resp.StatusCode < 200 || resp.StatusCode > 299 {
				g.errors.Add(1)
			}
			if resp.StatusCode == http.StatusCreated {
				g.created.Add(1)
			}
		}
		if done != nil {
			done(resp.StatusCode)
		}
	}
}

// BackgroundWrites is what the background writer did while a scenario
// was measured.
type BackgroundWrites struct {
	Conns    int           `json:"conns"`
	Rate     float64       `json:"paced_per_second"`
	Requests int64         `json:"requests"`
	Created  int64         `json:"created"`
	Errors   int64         `json:"errors"`
	Skipped  int64         `json:"skipped"`
	RPS      float64       `json:"requests_per_second"`
	P50      time.Duration `json:"p50_ns"`
	P99      time.Duration `json:"p99_ns"`
	Commits  int64         `json:"commits"` // in the measured window; -1 if unknown
	Elapsed  time.Duration `json:"elapsed_ns"`
}

// writes returns the writer's figures; call it after stop.
func (g *background) writes(commits int64) *BackgroundWrites {
	w := &BackgroundWrites{Conns: g.conns, Rate: g.rate, Requests: g.requests.Load(), Created: g.created.Load(),
		Errors: g.errors.Load(), Skipped: g.late.Load(), P50: g.hist.Quantile(0.5), P99: g.hist.Quantile(0.99),
		Commits: commits, Elapsed: g.to.Sub(g.from)}
	if w.Elapsed > 0 {
		w.RPS = float64(w.Requests) / w.Elapsed.Seconds()
	}
	return w
}

// String describes the writes for the report's notes.
func (w *BackgroundWrites) String() string {
	s := fmt.Sprintf("background writer (%d connections, paced at %s purchases/s, not in the figures): %s purchases/s achieved "+
		"(%s answered 201, %d errors, %s due times skipped behind schedule), p50 %s, p99 %s",
		w.Conns, fmtInt(int64(w.Rate)), fmtInt(int64(w.RPS)), fmtInt(w.Created), w.Errors, fmtInt(w.Skipped),
		fmtDuration(w.P50), fmtDuration(w.P99))
	if w.Commits > 0 && w.Elapsed > 0 {
		s += fmt.Sprintf("; %s commits while measured, the data version changed every %s on average", fmtInt(w.Commits),
			fmtDuration(w.Elapsed/time.Duration(w.Commits)))
	}
	return s
}
