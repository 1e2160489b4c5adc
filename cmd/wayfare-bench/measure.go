package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/wayfare-org/wayfare"
)

// startServer starts "wayfare serve" on a free loopback port over dir,
// or over the round's PostgreSQL database when the bench measures there.
func (b *bench) startServer(ctx context.Context, dir string) (*child, error) {
	where := []string{"--data", dir}
	if b.postgres != "" && dir == b.runDir() {
		where = []string{"--database", b.pgURL(runDatabase)}
	}
	srv, err := startChild("wayfare", b.bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--metrics-token", b.metricsToken}, where...),
		filepath.Join(dir, "server.log"))
	if err != nil {
		return nil, err
	}
	if err := waitHealthy(ctx, newClient(1), srv.base); err != nil {
		srv.stop()
		return nil, err
	}
	return srv, nil
}

// freshCopy replaces the run directory's database with a copy of the
// seeded one, so that every round measures the same data.
func (b *bench) freshCopy() error {
	dir := b.runDir()
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	if b.postgres != "" {
		return b.freshDatabase()
	}
	for _, name := range []string{"wayfare.db", "wayfare.db-wal"} {
		src, err := os.Open(filepath.Join(b.seedDir(), name))
		if os.IsNotExist(err) && name != "wayfare.db" {
			continue
		} else if err != nil {
			return err
		}
		dst, err := os.Create(filepath.Join(dir, name))
		if err == nil {
			_, err = io.Copy(dst, src)
			err = errors.Join(err, dst.Close())
		}
		src.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// measure starts the ceiling and, for each round, a server over a fresh
// copy of the data, and measures the ceiling before and after every
// scenario: each scenario is compared with the ceiling measured just
// around it, so that the machine's drift (other programs, other virtual
// machines on the host) weighs on both alike.
func (b *bench) measure(ctx context.Context, st *State) (*Report, error) {
	ds := dataSetAt(b.scale)
	rep := &Report{Machine: thisMachine(), Started: time.Now(), Scale: b.scale, People: len(st.People), Groups: len(st.Groups),
		Pitches: len(st.Pitches), Tickets: len(st.Pitches) * ds.ticketsPerPitch, Conns: b.conns, Duration: b.duration,
		Warmup: b.warmup, Rounds: b.rounds, Seeding: st.Seeding, Repeats: map[string][]*Result{}}
	if b.postgres != "" {
		rep.Database = "postgres"
	}
	ceil, err := startChild("ceiling", b.self, []string{"ceiling", "--addr", "127.0.0.1:0"}, filepath.Join(b.data, "ceiling.log"))
	if err != nil {
		return nil, err
	}
	defer ceil.stop()
	l := &loader{client: newClient(b.conns), conns: b.conns, maxReqs: b.maxReqs}
	ceilingSrc := newFixture(ceil.base, st).ceiling(ceil.base)
	measureCeiling := func() *Result {
		c := b.scenario(ctx, l, "ceiling", ceilingSrc, nil, ceil.pid(), nil)
		rep.Ceilings = append(rep.Ceilings, c)
		return c
	}
	prev := measureCeiling()
	for round := range b.rounds {
		if err := b.freshCopy(); err != nil {
			return nil, err
		}
		srv, err := b.startServer(ctx, b.runDir())
		if err != nil {
			return nil, err
		}
		b.logf("round %d of %d: ceiling at %s (pid %d), wayfare at %s (pid %d)", round+1, b.rounds, ceil.base, ceil.pid(), srv.base, srv.pid())
		f := newFixture(srv.base, st)
		if b.pages() {
			if err := b.signIn(ctx, f, round == 0, rep); err != nil {
				srv.stop()
				return nil, err
			}
		}
		for _, sc := range scenarios {
			if !slices.Contains(b.keys, sc.key) || ctx.Err() != nil {
				continue
			}
			res, err := b.measureOne(ctx, l, f, sc.key, srv.pid())
			if err != nil {
				srv.stop()
				return nil, err
			}
			next := measureCeiling()
			res.Ceiling, prev = (prev.RPS+next.RPS)/2, next
			rep.Repeats[sc.key] = append(rep.Repeats[sc.key], res)
		}
		if err := srv.stop(); err != nil {
			return nil, err
		}
		l.client.CloseIdleConnections()
	}
	rep.settle()
	return rep, ctx.Err()
}

// medianOf returns the result with the median share of the ceiling (the
// lower one of the middle two for an even count). Counts are exact only if
// they were in every round.
func medianOf(rs []*Result) *Result {
	sorted := slices.Clone(rs)
	slices.SortStableFunc(sorted, func(a, b *Result) int { return cmp.Compare(a.Share, b.Share) })
	m := *sorted[(len(sorted)-1)/2]
	for _, r := range rs {
		if r.Exact != nil && !*r.Exact {
			exact := false
			m.Exact = &exact
		}
	}
	if len(rs) > 1 {
		var each []string
		for _, r := range rs {
			one := fmt.Sprintf("%s req/s = %s of %s, p99 %s, other %.2f", fmtInt(int64(r.RPS)), fmtPct(r.Share),
				fmtInt(int64(r.Ceiling)), fmtDuration(r.P99), r.otherCPU())
			if r.Background != nil {
				one += fmt.Sprintf(", background %s purchases/s", fmtInt(int64(r.Background.RPS)))
			}
			each = append(each, one)
		}
		m.Notes = append(slices.Clip(m.Notes), fmt.Sprintf("rounds: %s; the median is shown", strings.Join(each, " | ")))
	}
	return &m
}

// measureOne measures one wayfare scenario; writes also count commits and
// purchases check their counts. getmixed runs a background writer around
// the measurement and checks its purchases.
func (b *bench) measureOne(ctx context.Context, l *loader, f *fixture, key string, pid int) (*Result, error) {
	sc, _ := scenarioOf(key)
	checked := key == "tickets" || sc.mixed
	api := &apiClient{client: newClient(2), base: f.base, metricsToken: b.metricsToken}
	defer api.client.CloseIdleConnections()
	var before map[wayfare.ID]int
	if checked {
		var err error
		if before, err = api.ticketsSold(ctx, f.st.AdminToken); err != nil {
			return nil, err
		}
		f.resetCounts()
	}
	commits, cerr := api.metric(ctx, "wayfare_commits_total")
	var bg *background
	var around func(on bool)
	var windowCommits [2]float64
	windowErr := error(nil)
	if sc.mixed {
		bg = newBackground(b.mixedConns, b.mixedRate, f.buyTicket)
		around = func(on bool) {
			if !on {
				bg.mark(false)
			}
			c, err := api.metric(ctx, "wayfare_commits_total")
			if err != nil {
				windowErr = err
			}
			if on {
				windowCommits[0] = c
				bg.mark(true)
			} else {
				windowCommits[1] = c
			}
		}
		bg.start(ctx)
	}
	res := b.scenario(ctx, l, key, f.source(key), f.check(key), pid, around)
	if bg != nil {
		bg.stop()
		n := int64(-1)
		if windowErr == nil {
			n = int64(windowCommits[1] - windowCommits[0])
		}
		res.Background = bg.writes(n)
		res.Notes = append(res.Notes, res.Background.String())
		b.logf("%-8s background %s purchases/s, p99 %s, errors %d, skipped %d, commits %d", key, fmtInt(int64(res.Background.RPS)),
			fmtDuration(res.Background.P99), res.Background.Errors, res.Background.Skipped, n)
	} else if c, err := api.metric(ctx, "wayfare_commits_total"); cerr == nil && err == nil && c > commits {
		if sc.read { // reads should not write: say so when they did
			res.Notes = append(res.Notes, fmt.Sprintf("%s commits during warm-up and measurement, one for every %.1f requests",
				fmtInt(int64(c-commits)), float64(res.Requests+res.WarmupRequests)/(c-commits)))
		} else {
			res.Notes = append(res.Notes, fmt.Sprintf("%s commits during warm-up and measurement, %.1f requests per commit",
				fmtInt(int64(c-commits)), float64(res.Requests+res.WarmupRequests)/(c-commits)))
		}
	}
	if res.Invalid > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%s answers refused by the check, the first because: %s", fmtInt(res.Invalid), res.InvalidWhy))
	}
	if !checked {
		return res, nil
	}
	after, err := api.ticketsSold(ctx, f.st.AdminToken)
	if err != nil {
		return nil, err
	}
	exact, note := f.checkCounts(before, after)
	res.Exact = &exact
	res.Notes = append(res.Notes, note)
	return res, nil
}

// scenario warms up, then measures src (its answers judged by check if
// set), with the CPU time of the server
// (pid), of this process and of the machine. around, if set, is called
// just before the measurement starts (true) and just after it ends.
func (b *bench) scenario(ctx context.Context, l *loader, key string, src source, check bodyCheck, pid int, around func(on bool)) *Result {
	runtime.GC()
	time.Sleep(500 * time.Millisecond)
	var warm int64
	if b.warmup > 0 {
		warm = l.drive(ctx, key, b.warmup, src, check).Requests
	}
	if around != nil {
		around(true)
	}
	server, client, machine := meter(pid), meter(os.Getpid()), meter(0)
	res := l.drive(ctx, key, b.duration, src, check)
	res.ServerCPU, res.ClientCPU, res.MachineCPU = server.cores(), client.cores(), machine.cores()
	if around != nil {
		around(false)
	}
	res.WarmupRequests = warm
	b.logf("%-8s %9s req/s  p50 %-9s p99 %-9s errors %d  cpu server %.2f bench %.2f other %.2f", key, fmtInt(int64(res.RPS)),
		fmtDuration(res.P50), fmtDuration(res.P99), res.Errors, res.ServerCPU, res.ClientCPU, res.otherCPU())
	return res
}

// signIn signs the pool of people in to the server of f through POST
// /login and keeps their cookies in f; in the first round it also
// measures the first load of the pages into rep. Sign-ins are not
// measured: each checks an argon2id hash, which is slow on purpose.
func (b *bench) signIn(ctx context.Context, f *fixture, first bool, rep *Report) error {
	start := time.Now()
	pool := signInPool(len(f.st.People), b.sessions)
	cookies, err := signInAll(ctx, f.base, pool, 2)
	if err != nil {
		return err
	}
	f.cookies = cookies
	b.logf("signed %d people in through POST /login in %s", len(cookies), time.Since(start).Round(time.Millisecond))
	if !first {
		return nil
	}
	loads, err := firstLoads(ctx, f)
	if err != nil {
		return err
	}
	rep.FirstLoad = loads
	for _, l := range loads {
		b.logf("first load of the %s: %s bytes received in %d answers", l.Page, fmtInt(l.Bytes), len(l.Transfers))
	}
	return nil
}
