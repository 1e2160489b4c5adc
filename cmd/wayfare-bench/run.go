package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/wayfare-org/wayfare/store"
)

const usage = `wayfare-bench — Wayfare's speed against the machine's ceiling

Usage:
  wayfare-bench [run] [--bin FILE] [--scale N] [--duration D] [--warmup D] [--conns N]
                      [--data DIR] [--out FILE] [--json FILE] [--baseline FILE]
                      [--scenarios get,list,pitchpage,homepage,getmixed,pitchpagemixed,homepagemixed,tickets,pitches] [--rounds N]
                      [--seed-via api|store] [--mixed-conns N] [--mixed-rate R] [--sessions N]
  wayfare-bench ceiling [--addr A]
  wayfare-bench report --json FILE [--baseline FILE] [--out FILE]

Build both binaries first:
  go build -o /tmp/wayfare ./cmd/wayfare && go build -o /tmp/wayfare-bench ./cmd/wayfare-bench

run seeds a data set in DIR/seed (kept and reused: it is seeded once per
DIR), starts the ceiling (this program, re-run as "ceiling") and
"wayfare serve" as child processes on 127.0.0.1, and measures in rounds:
each round serves a fresh copy of the seeded database (DIR/run) and
measures the scenarios, with the ceiling measured before the first and
after every one. A scenario's share is of the ceiling measured around it;
each figure reported is the round with the median share. It prints a
Markdown table.

Scenarios: get (a pitch by id), list (a group's pitches, 30 a page),
pitchpage (the page of a pitch) and homepage (the home page), each as a
random one of --sessions people signed in through POST /login at the
start of every round, getmixed (a pitch by id while --mixed-conns extra
connections buy tickets at --mixed-rate a second, not measured),
pitchpagemixed and homepagemixed (the pages while tickets are bought, the
same way), tickets
(purchases by distinct people, counts checked), pitches (publishing).
With a page scenario the report also gives the first load of a pitch
page and of the home page: bytes transferred, every asset included.
`

// run is the whole program; main only wires the process to it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	verb := "run"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		verb, args = args[0], args[1:]
	}
	switch verb {
	case "run":
		b, err := parseRun(args, getenv, stdout, stderr)
		if errors.Is(err, flag.ErrHelp) {
			return nil
		} else if err != nil {
			return err
		}
		return b.run(ctx)
	case "ceiling":
		return ceiling(ctx, args, stdout, stderr)
	case "report":
		return report(args, stdout, stderr)
	case "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", verb)
}

// bench is one "run": its settings and where it writes.
type bench struct {
	bin, self, data       string
	out, jsonOut, baseOut string
	scale, conns, rounds  int
	seedConns             int
	seedVia               string
	duration, warmup      time.Duration
	keys                  []string
	maxReqs               int64
	mixedConns            int
	mixedRate             float64
	sessions              int
	metricsToken          string // the servers' /metrics answer only to it
	postgres              string // a PostgreSQL server's URL to measure on, instead of SQLite
	stdout, stderr        io.Writer
}

func parseRun(args []string, getenv func(string) string, stdout, stderr io.Writer) (*bench, error) {
	b := &bench{stdout: stdout, stderr: stderr, metricsToken: rand.Text()}
	fs := flag.NewFlagSet("wayfare-bench run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	b.self = self
	defBin := getenv("WAYFARE_BIN")
	if defBin == "" {
		defBin = filepath.Join(filepath.Dir(self), "wayfare")
	}
	fs.StringVar(&b.bin, "bin", defBin, "the wayfare `binary` to run (env WAYFARE_BIN)")
	fs.IntVar(&b.scale, "scale", 1, "data set `size`: 1 is 1,000 people, 10,000 pitches, 200,000 tickets")
	fs.DurationVar(&b.duration, "duration", 10*time.Second, "measured `time` of each scenario")
	fs.DurationVar(&b.warmup, "warmup", 2*time.Second, "unmeasured `time` before each scenario")
	fs.IntVar(&b.conns, "conns", 32, "keep-alive `connections` (one worker each)")
	fs.IntVar(&b.rounds, "rounds", 1, "measure every scenario this many `times` and report the median")
	fs.IntVar(&b.seedConns, "seed-conns", 32, "`connections` used for seeding")
	fs.StringVar(&b.seedVia, "seed-via", "api", "seed pitches and tickets through the `api` or the store package")
	fs.StringVar(&b.data, "data", "", "data `directory`: the seeded data set, reused, and a copy measured (default $TMPDIR/wayfare-bench-<scale>x)")
	fs.StringVar(&b.out, "out", "", "also write the Markdown table to this `file`")
	fs.StringVar(&b.jsonOut, "json", "", "also write the figures as JSON to this `file`")
	fs.StringVar(&b.baseOut, "baseline", "", "JSON `file` of a run at another scale to compare the reads with")
	fs.Int64Var(&b.maxReqs, "max-requests", 10_000_000, "at most this many `requests` per scenario")
	fs.IntVar(&b.mixedConns, "mixed-conns", 4, "extra `connections` of the background writer in the mixed scenarios (not measured)")
	fs.Float64Var(&b.mixedRate, "mixed-rate", 1000, "ticket purchases per `second` of the background writer in the mixed scenarios")
	fs.IntVar(&b.sessions, "sessions", 200, "people signed in through POST /login for the page scenarios; each page is asked for as a random one of `them`")
	fs.StringVar(&b.postgres, "postgres", getenv("WAYFARE_BENCH_POSTGRES"),
		"measure on PostgreSQL: the `URL` of a server where the bench may create databases; the seeded data set is copied there once (wayfare copy) and each round serves a fresh database made from it (env WAYFARE_BENCH_POSTGRES)")
	keys := fs.String("scenarios", "get,list,pitchpage,homepage,getmixed,pitchpagemixed,homepagemixed,tickets,pitches", "comma-separated `list` of scenarios")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if b.scale < 1 || b.conns < 1 || b.rounds < 1 || b.seedConns < 1 || b.duration <= 0 || b.warmup < 0 || b.maxReqs < 1 ||
		b.mixedConns < 1 || b.mixedRate <= 0 || b.sessions < 1 {
		return nil, errors.New("--scale, --conns, --rounds, --seed-conns, --duration, --max-requests, --mixed-conns, --mixed-rate and --sessions must be positive")
	}
	if b.seedVia != "api" && b.seedVia != "store" {
		return nil, errors.New("--seed-via must be api or store")
	}
	for _, k := range strings.Split(*keys, ",") {
		if _, ok := scenarioOf(strings.TrimSpace(k)); !ok {
			return nil, fmt.Errorf("--scenarios: unknown scenario %q", k)
		}
		b.keys = append(b.keys, strings.TrimSpace(k))
	}
	if b.data == "" {
		b.data = filepath.Join(os.TempDir(), fmt.Sprintf("wayfare-bench-%dx", b.scale))
	}
	return b, nil
}

func (b *bench) logf(format string, args ...any) {
	fmt.Fprintf(b.stderr, time.Now().Format("15:04:05 ")+format+"\n", args...)
}

func (b *bench) run(ctx context.Context) error {
	if _, err := os.Stat(b.bin); err != nil {
		return fmt.Errorf("--bin: %w (build it: go build -o /tmp/wayfare ./cmd/wayfare)", err)
	}
	var base *Report
	if b.baseOut != "" {
		var err error
		if base, err = loadReport(b.baseOut); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(b.seedDir(), 0o750); err != nil {
		return err
	}
	st, err := b.state(ctx)
	if err != nil {
		return err
	}
	rep, err := b.measure(ctx, st)
	if err != nil {
		return err
	}
	if b.jsonOut != "" {
		j, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(b.jsonOut, j, 0o644); err != nil {
			return err
		}
	}
	return writeReport(rep, base, b.out, b.stdout)
}

// writeReport writes the Markdown of rep, compared with base if set, to w
// and to the file out if set.
func writeReport(rep, base *Report, out string, w io.Writer) error {
	var md bytes.Buffer
	rep.writeMarkdown(&md)
	if base != nil {
		rep.writeComparison(&md, base)
	}
	w.Write(md.Bytes())
	if out == "" {
		return nil
	}
	return os.WriteFile(out, md.Bytes(), 0o644)
}

// report writes the Markdown of a run saved with --json again.
func report(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("wayfare-bench report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	in := fs.String("json", "", "the `file` a run wrote with --json")
	baseline := fs.String("baseline", "", "JSON `file` of a run at another scale to compare the reads with")
	out := fs.String("out", "", "also write the Markdown to this `file`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *in == "" || fs.NArg() > 0 {
		return errors.New("usage: wayfare-bench report --json FILE [--baseline FILE] [--out FILE]")
	}
	rep, err := loadReport(*in)
	if err != nil {
		return err
	}
	var base *Report
	if *baseline != "" {
		if base, err = loadReport(*baseline); err != nil {
			return err
		}
	}
	return writeReport(rep, base, *out, stdout)
}

// pages reports whether a page scenario is to be measured.
func (b *bench) pages() bool {
	for _, k := range b.keys {
		if sc, _ := scenarioOf(k); sc.page {
			return true
		}
	}
	return false
}

// seedDir holds the seeded data set; runDir the copy a round serves.
func (b *bench) seedDir() string { return filepath.Join(b.data, "seed") }
func (b *bench) runDir() string  { return filepath.Join(b.data, "run") }

// state returns the seeded data set, seeding it if the directory is new.
func (b *bench) state(ctx context.Context) (*State, error) {
	st, err := loadState(b.seedDir())
	switch {
	case err == nil:
		if st.Scale != b.scale {
			return nil, fmt.Errorf("%s holds scale %d, not %d", b.seedDir(), st.Scale, b.scale)
		}
		b.logf("reusing the data set seeded in %s", b.seedDir())
		if b.pages() && !st.Passwords { // seeded before the pages were measured
			err := b.withStore(ctx, func(db *store.DB) error {
				return b.timed(st, "passwords through the store package (added to the seed)", func() error { return seedPasswords(ctx, db, st) })
			})
			if err == nil {
				err = st.save(b.seedDir())
			}
			if err != nil {
				return nil, err
			}
		}
		return st, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(b.seedDir(), "wayfare.db")); err == nil {
		return nil, fmt.Errorf("%s holds a database but no %s (an interrupted seeding?); delete it or pick another --data",
			b.seedDir(), stateFile)
	}
	return b.seed(ctx)
}
