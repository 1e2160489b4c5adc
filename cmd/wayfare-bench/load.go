package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// source gives a worker its next request and, optionally, a function to
// call with the answer's status. ok is false when the scenario has nothing
// more to ask (its requests are bounded in count).
type source func(rng *rand.Rand) (req *http.Request, done func(status int), ok bool)

// bodyCheck, if a scenario has one, judges every 2xx answer with its body:
// an answer it refuses counts as an error (and as Invalid).
type bodyCheck func(resp *http.Response, body []byte) error

// Result is what one measured scenario gave.
type Result struct {
	Scenario  string        `json:"scenario"`
	Requests  int64         `json:"requests"` // answered, whatever the status
	Errors    int64         `json:"errors"`   // non-2xx answers, transport failures and answers refused by the check
	Elapsed   time.Duration `json:"elapsed_ns"`
	RPS       float64       `json:"requests_per_second"`
	P50       time.Duration `json:"p50_ns"`
	P90       time.Duration `json:"p90_ns"`
	P99       time.Duration `json:"p99_ns"`
	Max       time.Duration `json:"max_ns"`
	Statuses  map[int]int64 `json:"statuses"`
	ServerCPU float64       `json:"server_cpu"` // cores the server kept busy, on average; -1 if unknown
	ClientCPU float64       `json:"client_cpu"` // cores this process kept busy, on average; -1 if unknown
	// MachineCPU is the cores the whole machine kept busy: more than
	// server and client together means kernel work charged to nobody
	// (loopback networking in soft interrupts) or other programs.
	MachineCPU float64 `json:"machine_cpu"`
	// WarmupRequests were answered before the measurement began.
	WarmupRequests int64 `json:"warmup_requests"`
	// Ceiling is the ceiling's req/s around this measurement (the mean of
	// those measured just before and just after its round) and Share this
	// measurement's req/s as a share of it.
	Ceiling float64  `json:"ceiling"`
	Share   float64  `json:"share"`
	Notes   []string `json:"notes,omitempty"`
	Exact   *bool    `json:"counts_exact,omitempty"`
	// Background is what the background writer did while "getmixed" was
	// measured.
	Background *BackgroundWrites `json:"background,omitempty"`
	// Invalid are the 2xx answers the scenario's check refused (pages:
	// not a whole HTML page for a signed-in person); InvalidWhy says why
	// the first one was refused.
	Invalid    int64  `json:"invalid,omitempty"`
	InvalidWhy string `json:"invalid_why,omitempty"`

	hist Histogram
}

// otherCPU returns the cores kept busy by neither the server measured nor
// the bench: kernel work charged to no process and other programs. Much
// more than 0.1 means the figure was disturbed.
func (r *Result) otherCPU() float64 {
	if r.MachineCPU < 0 || r.ServerCPU < 0 || r.ClientCPU < 0 {
		return -1
	}
	return max(0, r.MachineCPU-r.ServerCPU-r.ClientCPU)
}

// summarize fills the figures from the histogram and the clock.
func (r *Result) summarize() {
	if r.Elapsed > 0 {
		r.RPS = float64(r.Requests) / r.Elapsed.Seconds()
	}
	r.P50, r.P90, r.P99, r.Max = r.hist.Quantile(0.50), r.hist.Quantile(0.90), r.hist.Quantile(0.99), r.hist.Max()
}

// loader drives scenarios: conns workers over as many keep-alive
// connections, each in a loop until the time is up or the source is dry.
type loader struct {
	client  *http.Client
	conns   int
	maxReqs int64
}

// newClient returns an HTTP client with conns keep-alive connections per
// host that dials only the loopback interface.
func newClient(conns int) *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, _, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
				return nil, errors.New("wayfare-bench drives 127.0.0.1 only, not " + addr)
			}
			return d.DialContext(ctx, network, addr)
		},
		MaxConnsPerHost:     conns,
		MaxIdleConnsPerHost: conns,
		MaxIdleConns:        4 * conns,
		IdleConnTimeout:     2 * time.Minute,
		DisableCompression:  true,
	}
	// Never follow a redirect: a page that sends the bench to sign in
	// must count as an error, not as the sign-in page it leads to.
	return &http.Client{Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// drive runs src for d and returns what it measured; check, if not nil,
// judges the 2xx answers. Requests in flight when the time is up finish
// and count; the clock stops when the last worker is done.
func (l *loader) drive(ctx context.Context, name string, d time.Duration, src source, check bodyCheck) *Result {
	res := &Result{Scenario: name, Statuses: map[int]int64{}}
	deadline := time.Now().Add(d)
	var issued atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for w := range l.conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			part := l.work(ctx, deadline, &issued, rand.New(rand.NewPCG(uint64(w), uint64(start.UnixNano()))), src, check)
			mu.Lock()
			defer mu.Unlock()
			res.Requests += part.Requests
			res.Errors += part.Errors
			res.Invalid += part.Invalid
			if res.InvalidWhy == "" {
				res.InvalidWhy = part.InvalidWhy
			}
			for s, n := range part.Statuses {
				res.Statuses[s] += n
			}
			res.hist.Merge(&part.hist)
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	res.summarize()
	return res
}

// work is one worker's loop.
func (l *loader) work(ctx context.Context, deadline time.Time, issued *atomic.Int64, rng *rand.Rand, src source, check bodyCheck) *Result {
	part := &Result{Statuses: map[int]int64{}}
	var body bytes.Buffer // the answer, when it is checked
	for ctx.Err() == nil && time.Now().Before(deadline) && issued.Add(1) <= l.maxReqs {
		req, done, ok := src(rng)
		if !ok {
			break
		}
		start := time.Now()
		resp, err := l.client.Do(req.WithContext(ctx))
		if err != nil {
			part.Errors++
			part.Statuses[0]++
			time.Sleep(10 * time.Millisecond) // do not spin on a refused connection
			continue
		}
		if check != nil {
			body.Reset()
			_, err = body.ReadFrom(resp.Body)
		} else {
			_, err = io.Copy(io.Discard, resp.Body)
		}
		resp.Body.Close()
		part.hist.Record(time.Since(start))
		part.Requests++
		part.Statuses[resp.StatusCode]++
		if err != nil || resp.StatusCode < 200 || resp.StatusCode > 299 {
			part.Errors++
		} else if check != nil {
			if cerr := check(resp, body.Bytes()); cerr != nil {
				part.Errors++
				part.Invalid++
				if part.InvalidWhy == "" {
					part.InvalidWhy = cerr.Error()
				}
			}
		}
		if done != nil {
			done(resp.StatusCode)
		}
	}
	return part
}
