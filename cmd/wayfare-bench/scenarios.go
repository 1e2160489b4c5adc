package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/wayfare-org/wayfare"
)

// Target is what the issue asks of a scenario.
type Target struct {
	MinShare   float64       `json:"min_share"`  // of the ceiling's requests/s
	MaxP99     time.Duration `json:"max_p99_ns"` // 0: none
	ZeroErrors bool          `json:"zero_errors"`
	Exact      bool          `json:"counts_exact"`
}

// String writes the target as the issue does.
func (t Target) String() string {
	parts := []string{fmt.Sprintf("≥ %.0f %%", t.MinShare*100)}
	if t.MaxP99 > 0 {
		parts = append(parts, "p99 < "+fmtDuration(t.MaxP99))
	}
	if t.Exact {
		parts = append(parts, "counts exact")
	}
	if t.ZeroErrors {
		parts = append(parts, "zero errors")
	}
	return strings.Join(parts, ", ")
}

// judge reports whether r, whose requests/s are the share of the
// ceiling's, meets the target, and the reasons when it does not.
func (t Target) judge(r *Result, share float64) (bool, []string) {
	var misses []string
	if share < t.MinShare {
		misses = append(misses, fmt.Sprintf("%.1f %% < %.0f %%", share*100, t.MinShare*100))
	}
	if t.MaxP99 > 0 && r.P99 >= t.MaxP99 {
		misses = append(misses, fmt.Sprintf("p99 %s ≥ %s", fmtDuration(r.P99), fmtDuration(t.MaxP99)))
	}
	if t.ZeroErrors && r.Errors > 0 {
		misses = append(misses, fmt.Sprintf("%d errors", r.Errors))
	}
	if t.Exact && (r.Exact == nil || !*r.Exact) {
		misses = append(misses, "counts not exact")
	}
	return len(misses) == 0, misses
}

// scenario is one kind of request the bench measures.
type scenario struct {
	key    string // as --scenarios names it
	name   string // as the report names it
	target Target
	read   bool // reads are compared across scales
	// mixed: measured while a background writer buys tickets.
	mixed bool
	// page: a server-rendered page, asked for by a signed-in person.
	page bool
}

// scenarios are the issue's, in the order they run: reads before writes,
// which change the data and empty the server's caches. "getmixed" is the
// read of "get" while tickets are bought in the background: the server
// caches encoded pitches until the next commit, so a read-only load is
// answered from memory and this is what a reader gets when the data moves.
// Its target is the one for GET by id; counts exact is of the background
// purchases. The pages (the web issue's targets) come after the API's
// reads and before anything writes; the server keeps them rendered until
// what they show changes, so they too are measured again while tickets are
// bought ("pitchpagemixed", "homepagemixed", held to the same targets).
var scenarios = []scenario{
	{key: "get", name: "GET /api/v1/pitches/{id}", read: true, target: Target{MinShare: 0.40, MaxP99: 20 * time.Millisecond}},
	{key: "list", name: "GET /api/v1/pitches?group_id=…&limit=30", read: true, target: Target{MinShare: 0.25, MaxP99: 25 * time.Millisecond}},
	{key: "pitchpage", name: "GET /pitches/{id} (page, signed in)", read: true, page: true,
		target: Target{MinShare: 0.30, MaxP99: 30 * time.Millisecond}},
	{key: "homepage", name: "GET / (home page, signed in)", read: true, page: true,
		target: Target{MinShare: 0.30, MaxP99: 30 * time.Millisecond}},
	{key: "getmixed", name: "GET /api/v1/pitches/{id} while tickets are bought", read: true, mixed: true,
		target: Target{MinShare: 0.40, MaxP99: 20 * time.Millisecond, Exact: true}},
	{key: "pitchpagemixed", name: "GET /pitches/{id} (page) while tickets are bought", read: true, mixed: true, page: true,
		target: Target{MinShare: 0.30, MaxP99: 30 * time.Millisecond, Exact: true}},
	{key: "homepagemixed", name: "GET / (home page) while tickets are bought", read: true, mixed: true, page: true,
		target: Target{MinShare: 0.30, MaxP99: 30 * time.Millisecond, Exact: true}},
	{key: "tickets", name: "POST /api/v1/pitches/{id}/tickets (distinct people)", target: Target{MinShare: 0.20, MaxP99: 50 * time.Millisecond, Exact: true}},
	{key: "pitches", name: "POST /api/v1/pitches", target: Target{MinShare: 0.10, ZeroErrors: true}},
}

// fixture builds the requests of the scenarios over the seeded data.
type fixture struct {
	base    string
	ds      dataSet
	st      *State
	auth    []string // "Bearer <token>" by person index
	cookies []string // "wayfare_session=…" of the people signed in (pages)
	bodies  [][]byte // pitches to publish
	pairs   atomic.Int64
	sold    []atomic.Int32 // 201 answers by pitch index
	repeats atomic.Int64   // 200 answers: a ticket held already
}

func newFixture(base string, st *State) *fixture {
	f := &fixture{base: base, ds: dataSetAt(st.Scale), st: st, sold: make([]atomic.Int32, len(st.Pitches))}
	for _, t := range st.Tokens {
		f.auth = append(f.auth, "Bearer "+t)
	}
	for i := range 256 {
		in := pitchInput(i, st.Groups[i%len(st.Groups)])
		in.Title = fmt.Sprintf("Load pitch %d: move the planning board to the hallway", i)
		b, _ := json.Marshal(in)
		f.bodies = append(f.bodies, b)
	}
	return f
}

// request builds a request as a random person.
func (f *fixture) request(rng *rand.Rand, base, method, path string, body []byte) *http.Request {
	var req *http.Request
	if body != nil {
		req, _ = http.NewRequest(method, base+path, bytes.NewReader(body))
		req.Header["Content-Type"] = []string{"application/json"}
	} else {
		req, _ = http.NewRequest(method, base+path, nil)
	}
	req.Header["Authorization"] = []string{f.auth[rng.IntN(len(f.auth))]}
	return req
}

// ceiling returns the ceiling's requests: the reads of "get", sent to the
// bare handler at base.
func (f *fixture) ceiling(base string) source {
	return func(rng *rand.Rand) (*http.Request, func(int), bool) {
		return f.request(rng, base, "GET", "/api/v1/pitches/"+f.randomPitch(rng).String(), nil), nil, true
	}
}

// source returns the requests of the scenario with the key.
func (f *fixture) source(key string) source {
	switch key {
	case "get", "getmixed":
		return func(rng *rand.Rand) (*http.Request, func(int), bool) {
			return f.request(rng, f.base, "GET", "/api/v1/pitches/"+f.randomPitch(rng).String(), nil), nil, true
		}
	case "list":
		return func(rng *rand.Rand) (*http.Request, func(int), bool) {
			g := f.st.Groups[rng.IntN(len(f.st.Groups))]
			return f.request(rng, f.base, "GET", "/api/v1/pitches?group_id="+g.String()+"&limit=30", nil), nil, true
		}
	case "pitchpage", "pitchpagemixed":
		return func(rng *rand.Rand) (*http.Request, func(int), bool) {
			return f.page(rng, "/pitches/"+f.randomPitch(rng).String()), nil, true
		}
	case "homepage", "homepagemixed":
		return func(rng *rand.Rand) (*http.Request, func(int), bool) { return f.page(rng, "/"), nil, true }
	case "tickets":
		return f.buyTicket
	case "pitches":
		return func(rng *rand.Rand) (*http.Request, func(int), bool) {
			return f.request(rng, f.base, "POST", "/api/v1/pitches", f.bodies[rng.IntN(len(f.bodies))]), nil, true
		}
	}
	panic("unknown scenario " + key)
}

// check returns how the answers of the scenario with the key are judged
// beyond their status, or nil.
func (f *fixture) check(key string) bodyCheck {
	switch key {
	case "pitchpage", "pitchpagemixed":
		return pageCheck("weekly status meeting") // in every seeded pitch's title
	case "homepage", "homepagemixed":
		return pageCheck("<title>Home · Wayfare</title>")
	}
	return nil
}

// page asks for a page as a random signed-in person.
func (f *fixture) page(rng *rand.Rand, path string) *http.Request {
	req, _ := http.NewRequest("GET", f.base+path, nil)
	req.Header["Cookie"] = []string{f.cookies[rng.IntN(len(f.cookies))]}
	req.Header["Accept"] = []string{"text/html"}
	return req
}

func (f *fixture) randomPitch(rng *rand.Rand) wayfare.ID {
	return f.st.Pitches[rng.IntN(len(f.st.Pitches))]
}

// buyTicket asks for the next pair never bought, as its person.
func (f *fixture) buyTicket(*rand.Rand) (*http.Request, func(int), bool) {
	pitch, person, ok := f.ds.pair(f.pairs.Add(1) - 1)
	if !ok {
		return nil, nil, false
	}
	req, _ := http.NewRequest("POST", f.base+"/api/v1/pitches/"+f.st.Pitches[pitch].String()+"/tickets", nil)
	req.Header["Authorization"] = []string{f.auth[person]}
	return req, func(status int) {
		switch status {
		case http.StatusCreated:
			f.sold[pitch].Add(1)
		case http.StatusOK:
			f.repeats.Add(1)
		}
	}, true
}

// resetCounts forgets the answers counted so far, before a scenario whose
// purchases are checked; no purchase may be in flight.
func (f *fixture) resetCounts() {
	for i := range f.sold {
		f.sold[i].Store(0)
	}
	f.repeats.Store(0)
}

// checkCounts compares the rise of tickets_sold of every seeded pitch
// with the 201 answers the bench counted for it.
func (f *fixture) checkCounts(before, after map[wayfare.ID]int) (exact bool, note string) {
	var created, rose int64
	mismatched := 0
	for i, id := range f.st.Pitches {
		n := int(f.sold[i].Load())
		d := after[id] - before[id]
		created += int64(n)
		rose += int64(d)
		if d != n {
			mismatched++
		}
	}
	exact = mismatched == 0 && f.repeats.Load() == 0
	return exact, fmt.Sprintf("%s answered 201 (warm-up included), %s answered 200 (held already); "+
		"tickets_sold rose by %s over %s pitches; %d pitches differ", fmtInt(created), fmtInt(f.repeats.Load()), fmtInt(rose),
		fmtInt(int64(len(f.st.Pitches))), mismatched)
}
