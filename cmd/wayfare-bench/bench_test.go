package main

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare"
)

func TestBucketsCoverEveryValueWithinOnePerMille(t *testing.T) {
	for i := 0; i < bucketOf(maxUS); i++ {
		if highestOf(i)+1 != lowestOf(i+1) {
			t.Fatalf("bucket %d ends at %d but bucket %d starts at %d", i, highestOf(i), i+1, lowestOf(i+1))
		}
	}
	for _, v := range []int64{0, 1, 2047, 2048, 2049, 4095, 4096, 12345, 999_999, 1 << 30, maxUS} {
		i := bucketOf(v)
		lo, hi := lowestOf(i), highestOf(i)
		if v < lo || v > hi {
			t.Errorf("%d µs falls in bucket %d, which counts %d…%d", v, i, lo, hi)
		}
		if v >= exact && float64(hi-lo+1)/float64(v) > 1.0/1024 {
			t.Errorf("%d µs: bucket %d…%d is wider than 0.1 %%", v, lo, hi)
		}
		if v < exact && lo != hi {
			t.Errorf("%d µs: bucket %d…%d should be exact", v, lo, hi)
		}
	}
}

func TestQuantiles(t *testing.T) {
	var h Histogram
	for v := int64(1); v <= 100_000; v++ {
		h.RecordMicros(v)
	}
	for _, c := range []struct {
		q    float64
		want int64 // µs
	}{{0.5, 50_000}, {0.9, 90_000}, {0.99, 99_000}, {0.999, 99_900}, {1, 100_000}, {0, 1}} {
		got := h.Quantile(c.q).Microseconds()
		if got < c.want || float64(got-c.want)/float64(c.want) > 1.0/1024 {
			t.Errorf("q%.3f = %d µs, want %d µs within 0.1 %% above", c.q, got, c.want)
		}
	}
	if h.Count() != 100_000 || h.Max() != 100*time.Millisecond || h.Mean() != 50_000*time.Microsecond {
		t.Errorf("count %d, max %s, mean %s", h.Count(), h.Max(), h.Mean())
	}
}

func TestQuantilesAreExactForSmallValues(t *testing.T) {
	var h Histogram
	for v := 1; v <= 100; v++ {
		h.Record(time.Duration(v) * time.Microsecond)
	}
	if p50, p99 := h.Quantile(0.5), h.Quantile(0.99); p50 != 50*time.Microsecond || p99 != 99*time.Microsecond {
		t.Errorf("p50 %s, p99 %s; want 50µs, 99µs", p50, p99)
	}
}

func TestQuantileNeverExceedsTheLargestValue(t *testing.T) {
	var h Histogram
	h.RecordMicros(1_000_001) // its bucket reaches higher
	if got := h.Quantile(0.99); got != 1_000_001*time.Microsecond {
		t.Errorf("p99 %s, want 1.000001s", got)
	}
	var empty Histogram
	if empty.Quantile(0.5) != 0 || empty.Mean() != 0 {
		t.Error("an empty histogram should answer 0")
	}
}

func TestMergeEqualsRecordingEverything(t *testing.T) {
	var a, b, all Histogram
	for v := int64(0); v < 50_000; v += 7 {
		all.RecordMicros(v * 3)
		if v%2 == 0 {
			a.RecordMicros(v * 3)
		} else {
			b.RecordMicros(v * 3)
		}
	}
	var m Histogram
	m.Merge(&a)
	m.Merge(&b)
	m.Merge(&Histogram{})
	for _, q := range []float64{0, 0.5, 0.9, 0.99, 1} {
		if m.Quantile(q) != all.Quantile(q) {
			t.Errorf("q%.2f: merged %s, recorded %s", q, m.Quantile(q), all.Quantile(q))
		}
	}
	if m.Count() != all.Count() || m.Mean() != all.Mean() {
		t.Errorf("merged %d (mean %s), recorded %d (mean %s)", m.Count(), m.Mean(), all.Count(), all.Mean())
	}
}

func TestPairsAreNeverSeededNorRepeated(t *testing.T) {
	ds := dataSet{people: 100, pitches: 50, ticketsPerPitch: 20}
	seen := map[[2]int]bool{}
	for i := range ds.pitches {
		for k := range ds.ticketsPerPitch {
			seen[[2]int{i, ds.seededBuyer(i, k)}] = true
		}
	}
	if len(seen) != ds.pitches*ds.ticketsPerPitch {
		t.Fatalf("seeded buyers repeat: %d distinct pairs", len(seen))
	}
	n := int64(0)
	for ; ; n++ {
		pitch, person, ok := ds.pair(n)
		if !ok {
			break
		}
		if seen[[2]int{pitch, person}] {
			t.Fatalf("pair %d (%d, %d) was bought before", n, pitch, person)
		}
		seen[[2]int{pitch, person}] = true
	}
	if want := int64(ds.pitches * (ds.people - ds.ticketsPerPitch)); n != want {
		t.Errorf("%d pairs, want every unbought one: %d", n, want)
	}
}

func TestCeilingBodyIsTwoKilobytesOfJSON(t *testing.T) {
	b := ceilingBody()
	if len(b) != ceilingSize || !json.Valid(b) {
		t.Errorf("%d bytes, valid JSON %v", len(b), json.Valid(b))
	}
}

func TestFormatting(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{fmtInt(0), "0"}, {fmtInt(999), "999"}, {fmtInt(1000), "1,000"}, {fmtInt(1234567), "1,234,567"}, {fmtInt(-12345), "-12,345"},
		{fmtDuration(450 * time.Microsecond), "0.45 ms"}, {fmtDuration(12345 * time.Microsecond), "12.3 ms"},
		{fmtDuration(250 * time.Millisecond), "250 ms"}, {fmtPct(0.4049), "40.5 %"},
		{fmtStatuses(map[int]int64{201: 5000, 0: 2, 409: 1}), "transport error × 2, 201 × 5,000, 409 × 1"},
		{mustScenario(t, "tickets").target.String(), "≥ 20 %, p99 < 50.0 ms, counts exact"},
		{mustScenario(t, "pitches").target.String(), "≥ 10 %, zero errors"},
		{mustScenario(t, "getmixed").target.String(), "≥ 40 %, p99 < 20.0 ms, counts exact"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestJudge(t *testing.T) {
	exact, inexact := true, false
	for _, c := range []struct {
		target Target
		res    Result
		want   string
	}{
		{Target{MinShare: 0.4, MaxP99: 20 * time.Millisecond}, Result{RPS: 4000, P99: 19 * time.Millisecond}, ""},
		{Target{MinShare: 0.4, MaxP99: 20 * time.Millisecond}, Result{RPS: 3000, P99: 20 * time.Millisecond}, "30.0 % < 40 %; p99 20.0 ms ≥ 20.0 ms"},
		{Target{MinShare: 0.2, Exact: true}, Result{RPS: 2500, Exact: &exact}, ""},
		{Target{MinShare: 0.2, Exact: true}, Result{RPS: 2500, Exact: &inexact}, "counts not exact"},
		{Target{MinShare: 0.2, Exact: true}, Result{RPS: 2500}, "counts not exact"},
		{Target{MinShare: 0.1, ZeroErrors: true}, Result{RPS: 1000, Errors: 3}, "3 errors"},
	} {
		ok, misses := c.target.judge(&c.res, c.res.RPS/10000)
		if got := strings.Join(misses, "; "); got != c.want || ok != (c.want == "") {
			t.Errorf("%s on %+v: %v %q, want %q", c.target, c.res, ok, got, c.want)
		}
	}
}

func TestMedian(t *testing.T) {
	if m := median([]float64{3, 1, 2}); m != 2 {
		t.Errorf("median of 3,1,2 = %v", m)
	}
	if m := median([]float64{4, 1, 2, 3}); m != 2.5 {
		t.Errorf("median of 4,1,2,3 = %v", m)
	}
	inexact := false
	rs := []*Result{{RPS: 300, Share: 0.3}, {RPS: 100, Share: 0.1, Exact: &inexact}, {RPS: 200, Share: 0.2}}
	m := medianOf(rs)
	if m.RPS != 200 || m.Exact == nil || *m.Exact || len(m.Notes) != 1 || rs[2].Notes != nil {
		t.Errorf("medianOf: %+v", m)
	}
}

func TestSettleTakesSharesOfTheCeilingAroundEachRound(t *testing.T) {
	r := &Report{
		Ceilings: []*Result{{RPS: 40000}, {RPS: 60000}, {RPS: 50000}, {RPS: 50000}},
		Repeats: map[string][]*Result{"get": {
			{Scenario: "get", RPS: 21000}, // of 50,000: 42 %
			{Scenario: "get", RPS: 22000}, // of 55,000: 40 %
			{Scenario: "get", RPS: 19000}, // of 50,000: 38 %
		}},
	}
	r.settle()
	if len(r.Results) != 1 || r.Results[0].RPS != 22000 || r.share(r.Results[0]) != 0.4 || r.Results[0].Ceiling != 55000 {
		t.Errorf("settled on %+v, want the round of 22,000 req/s, 40 %% of 55,000", r.Results[0])
	}
	if r.CeilingBefore.RPS != 40000 || r.CeilingAfter.RPS != 50000 || r.ceilingRPS() != 50000 {
		t.Errorf("ceilings: before %v, after %v, median %v", r.CeilingBefore.RPS, r.CeilingAfter.RPS, r.ceilingRPS())
	}
}

func TestMarkdownReport(t *testing.T) {
	exact := true
	r := &Report{
		Machine: Machine{CPUs: 2, Model: "Test CPU", Memory: "4.0 GiB", Go: "go1.26", Kernel: "Linux 6.1"},
		Started: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), Scale: 1, People: 1000, Groups: 34, Pitches: 10000,
		Tickets: 200000, Conns: 32, Duration: 10 * time.Second, Warmup: 2 * time.Second, Rounds: 1,
		Ceilings: []*Result{
			{RPS: 40000, Requests: 400000, P50: 500 * time.Microsecond, P99: 3 * time.Millisecond, ServerCPU: 0.8, ClientCPU: 1, MachineCPU: 1.9},
			{RPS: 42000, Requests: 420000, P50: 480 * time.Microsecond, P99: 2900 * time.Microsecond, ServerCPU: 0.8, ClientCPU: 1, MachineCPU: -1},
		},
		Repeats: map[string][]*Result{"get": {
			{Scenario: "get", RPS: 20500, Requests: 205000, P50: 1500 * time.Microsecond, P99: 7 * time.Millisecond, ServerCPU: 1.1, ClientCPU: 0.6, MachineCPU: 1.75}},
			"tickets": {{Scenario: "tickets", RPS: 8000, Requests: 80000, P50: 3 * time.Millisecond, P99: 60 * time.Millisecond, Exact: &exact,
				ServerCPU: 1.1, ClientCPU: 0.3, MachineCPU: 1.4, Notes: []string{"80000 answered 201"}},
			}},
	}
	r.settle()
	var b strings.Builder
	r.writeMarkdown(&b)
	got := b.String()
	for _, want := range []string{
		"### Scale 1×: 1,000 people, 34 groups, 10,000 pitches, 200,000 tickets\n",
		"2 CPUs (Test CPU), 4.0 GiB, go1.26, Linux 6.1; 32 connections, 10s per scenario after a 2s warm-up, 1 round(s)",
		"| scenario | requests | req/s | % of ceiling | p50 | p99 | errors | CPU server / bench / other | target | result |\n",
		"| ceiling (bare net/http, 2 KB JSON), before | 400,000 | 40,000 | 97.6 % | 0.50 ms | 3.00 ms | 0 | 0.80 / 1.00 / 0.10 | | |\n",
		"| ceiling, after | 420,000 | 42,000 | 102.4 % | 0.48 ms | 2.90 ms | 0 | 0.80 / 1.00 / – | | |\n",
		"| GET /api/v1/pitches/{id} | 205,000 | 20,500 | 50.0 % | 1.50 ms | 7.00 ms | 0 | 1.10 / 0.60 / 0.05 | ≥ 40 %, p99 < 20.0 ms | **pass** |\n",
		"| POST /api/v1/pitches/{id}/tickets (distinct people) | 80,000 | 8,000 | 19.5 % | 3.00 ms | 60.0 ms | 0 | 1.10 / 0.30 / 0.00 | " +
			"≥ 20 %, p99 < 50.0 ms, counts exact | **miss**: 19.5 % < 20 %; p99 60.0 ms ≥ 50.0 ms |\n",
		"a ceiling's share is of the ceiling's median, 41,000 req/s (measured 40,000, 42,000).",
		"- tickets: 80000 answered 201\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the report lacks %q; it is:\n%s", want, got)
		}
	}

	base := &Report{Scale: 1, Ceilings: []*Result{{RPS: 40000}, {RPS: 40000}},
		Repeats: map[string][]*Result{"get": {{Scenario: "get", RPS: 20000, P99: 5 * time.Millisecond}}}}
	ten := &Report{Scale: 10, Ceilings: []*Result{{RPS: 40000}, {RPS: 40000}},
		Repeats: map[string][]*Result{"get": {{Scenario: "get", RPS: 15000, P99: 5500 * time.Microsecond}}}}
	base.settle()
	ten.settle()
	b.Reset()
	ten.writeComparison(&b, base)
	want := "| GET /api/v1/pitches/{id} | 20,000 (50.0 %), 5.00 ms | 15,000 (37.5 %), 5.50 ms | 0.75 | 1.10 | within 20 % | **miss**: share fell 25 % |\n"
	if !strings.Contains(b.String(), want) {
		t.Errorf("the comparison lacks %q; it is:\n%s", want, b.String())
	}
}

func mustScenario(t *testing.T, key string) scenario {
	t.Helper()
	sc, ok := scenarioOf(key)
	if !ok {
		t.Fatalf("no scenario %q", key)
	}
	return sc
}

func TestBackgroundWriterIsPacedAndBuysPairsOnce(t *testing.T) {
	var mu sync.Mutex
	bought := map[string]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.URL.Path + " " + r.Header.Get("Authorization")
		mu.Lock()
		seen := bought[key]
		bought[key] = true
		mu.Unlock()
		if seen {
			w.WriteHeader(http.StatusOK)
			return
		}
		w.WriteHeader(http.StatusCreated)
	}))
	defer srv.Close()
	st := &State{Scale: 1}
	for i := range 100 {
		st.Tokens = append(st.Tokens, fmt.Sprintf("token-%d", i))
	}
	for i := range 50 {
		st.Pitches = append(st.Pitches, wayfare.ID(1000+i))
	}
	f := &fixture{base: srv.URL, ds: dataSet{people: 100, pitches: 50, ticketsPerPitch: 20}, st: st, sold: make([]atomic.Int32, 50)}
	for _, tok := range st.Tokens {
		f.auth = append(f.auth, "Bearer "+tok)
	}
	f.sold[3].Store(7) // counted by an earlier scenario
	f.resetCounts()

	g := newBackground(4, 1000, f.buyTicket)
	g.start(context.Background())
	time.Sleep(100 * time.Millisecond)
	g.mark(true)
	time.Sleep(400 * time.Millisecond)
	g.mark(false)
	g.stop()
	w := g.writes(-1)
	// 400 ms at 1,000/s: 400 purchases, give or take the scheduling of a
	// busy machine; never a burst above the pace.
	if w.Requests > 420 || w.Requests < 200 || w.Errors != 0 || w.Created != w.Requests {
		t.Errorf("in 400 ms at 1,000/s: %+v", w)
	}
	var sold int64
	for i := range f.sold {
		sold += int64(f.sold[i].Load())
	}
	if int(sold) != len(bought) || f.repeats.Load() != 0 {
		t.Errorf("%d purchases counted as 201, %d distinct pairs sent, %d repeats", sold, len(bought), f.repeats.Load())
	}
	if !strings.Contains(w.String(), "paced at 1,000 purchases/s") {
		t.Errorf("note: %s", w.String())
	}
}

const stubPage = `<!doctype html>
<html lang="en">
<head>
<link rel="stylesheet" href="/static/app.1a2b3c4d.css">
<script src="/static/app.5e6f7a8b.js" defer></script>
</head>
<body><form action="/logout" method="post"></form><h1>Pitch 7: replace the weekly status meeting</h1>
<img src="data:image/png;base64,AAAA"><script src="/static/app.5e6f7a8b.js"></script>
</body>
</html>
`

func TestAssetRefs(t *testing.T) {
	paths, kinds := assetRefs([]byte(stubPage))
	if got := strings.Join(paths, " "); got != "/static/app.1a2b3c4d.css /static/app.5e6f7a8b.js" {
		t.Errorf("paths %q", got)
	}
	if got := strings.Join(kinds, " "); got != "stylesheet script" {
		t.Errorf("kinds %q", got)
	}
}

func TestPageCheck(t *testing.T) {
	html := &http.Response{Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}}
	check := pageCheck("weekly status meeting")
	if err := check(html, []byte(stubPage)); err != nil {
		t.Errorf("a whole page for a signed-in person: %v", err)
	}
	for _, c := range []struct {
		resp *http.Response
		body string
		want string
	}{
		{&http.Response{Header: http.Header{"Content-Type": {"application/json"}}}, stubPage, "not HTML"},
		{html, stubPage[:200], "not a whole HTML page"},
		{html, strings.Replace(stubPage, `action="/logout"`, `action="/login"`, 1), "not for a signed-in person"},
		{html, strings.Replace(stubPage, "weekly", "monthly", 1), "lacks"},
	} {
		if err := check(c.resp, []byte(c.body)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want an error about %q", err, c.want)
		}
	}
}

// stubSite is a small site: sign-in, one page, its files (gzipped when
// asked), and a redirect to sign in without the cookie.
func stubSite(t *testing.T) *httptest.Server {
	t.Helper()
	css, js := strings.Repeat("body { margin: 0 }\n", 200), strings.Repeat("console.log(1);\n", 200)
	file := func(body, ct string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ct)
			if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
				w.Header().Set("Content-Encoding", "gzip")
				zw := gzip.NewWriter(w)
				zw.Write([]byte(body))
				zw.Close()
				return
			}
			w.Write([]byte(body))
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		if r.PostFormValue("password") != benchPassword || r.PostFormValue("email") != personEmail(7) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "s7"})
		http.Redirect(w, r, r.PostFormValue("next"), http.StatusSeeOther)
	})
	mux.HandleFunc("GET /pitches/{id}", func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie(sessionCookie); err != nil || c.Value != "s7" {
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(stubPage))
	})
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<!doctype html><html><title>Sign in</title></html>"))
	})
	mux.Handle("GET /static/app.1a2b3c4d.css", file(css, "text/css"))
	mux.Handle("GET /static/app.5e6f7a8b.js", file(js, "text/javascript"))
	return httptest.NewServer(mux)
}

func TestSignInAndFirstLoad(t *testing.T) {
	srv := stubSite(t)
	defer srv.Close()
	ctx := context.Background()
	client := newClient(1)
	cookie, err := signIn(ctx, client, srv.URL, 7)
	if err != nil || cookie != sessionCookie+"=s7" {
		t.Fatalf("signIn: %q, %v", cookie, err)
	}
	if _, err := signIn(ctx, client, srv.URL, 8); err == nil {
		t.Error("a refused sign-in should be an error")
	}

	l, err := firstLoad(ctx, srv.URL, "pitch page", "/pitches/7", cookie)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Transfers) != 3 {
		t.Fatalf("%d answers, want the page and its two files: %+v", len(l.Transfers), l.Transfers)
	}
	var bodies int64
	for _, tr := range l.Transfers[1:] {
		if tr.Encoding != "gzip" || tr.Body >= tr.Plain || tr.Bytes <= tr.Body {
			t.Errorf("%s: %+v; want gzip, smaller than plain, headers counted", tr.Path, tr)
		}
		bodies += tr.Bytes
	}
	if page := l.Transfers[0]; page.Kind != "page" || page.Body != int64(len(stubPage)) || page.Encoding != "" {
		t.Errorf("page: %+v", page)
	}
	if l.Bytes != bodies+l.Transfers[0].Bytes || l.Sent == 0 {
		t.Errorf("received %d in all, %d by answer; sent %d", l.Bytes, bodies+l.Transfers[0].Bytes, l.Sent)
	}

	// Without the cookie the page is a redirect: the load says so rather
	// than measuring the sign-in page.
	if _, err := firstLoad(ctx, srv.URL, "pitch page", "/pitches/7", sessionCookie+"=nobody"); err == nil ||
		!strings.Contains(err.Error(), "303") {
		t.Errorf("first load signed out: %v, want the 303", err)
	}
}

func TestTheLoaderCountsRedirectsAndRefusedPagesAsErrors(t *testing.T) {
	srv := stubSite(t)
	defer srv.Close()
	f := &fixture{base: srv.URL, st: &State{Pitches: []wayfare.ID{7}}, cookies: []string{sessionCookie + "=s7"}}
	l := &loader{client: newClient(2), conns: 2, maxReqs: 50}
	res := l.drive(context.Background(), "pitchpage", time.Second, f.source("pitchpage"), f.check("pitchpage"))
	if res.Requests != 50 || res.Errors != 0 || res.Invalid != 0 {
		t.Errorf("signed in: %d requests, %d errors, %d invalid (%s)", res.Requests, res.Errors, res.Invalid, res.InvalidWhy)
	}
	f.cookies = []string{sessionCookie + "=nobody"}
	res = l.drive(context.Background(), "pitchpage", time.Second, f.source("pitchpage"), f.check("pitchpage"))
	if res.Errors != res.Requests || res.Statuses[http.StatusSeeOther] != res.Requests {
		t.Errorf("signed out: %d requests, %d errors, statuses %v; want every one a 303 and an error", res.Requests, res.Errors, res.Statuses)
	}
	f.cookies = []string{sessionCookie + "=s7"}
	res = l.drive(context.Background(), "homepage", time.Second, f.source("pitchpage"), f.check("homepage"))
	if res.Invalid != res.Requests || res.Errors != res.Requests || !strings.Contains(res.InvalidWhy, "Home") {
		t.Errorf("the wrong page: %d requests, %d errors, %d invalid (%s)", res.Requests, res.Errors, res.Invalid, res.InvalidWhy)
	}
}

func TestFirstLoadReport(t *testing.T) {
	r := &Report{FirstLoad: []*PageLoad{{Page: "pitch page", Path: "/pitches/1", Bytes: 10_507, Transfers: []*Transfer{
		{Kind: "page", Body: 3858, Plain: 3858},
		{Kind: "stylesheet", Encoding: "gzip", Body: 2309, Plain: 7487},
		{Kind: "script", Encoding: "gzip", Body: 2505, Plain: 6863},
	}}, {Page: "home page", Path: "/", Bytes: 120_000, Transfers: []*Transfer{{Kind: "page", Body: 119_000, Plain: 119_000}}}}}
	var b strings.Builder
	r.writeFirstLoad(&b)
	for _, want := range []string{
		"| pitch page `/pitches/1` | 3 | 3,858 (not compressed) | 2,309 (gzip of 7,487) | 2,505 (gzip of 6,863) | – | 10,507 bytes | < 100,000 bytes | **pass** |\n",
		"| home page `/` | 1 | 119,000 (not compressed) | – | – | – | 120,000 bytes | < 100,000 bytes | **miss**: 120,000 bytes |\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the report lacks %q; it is:\n%s", want, b.String())
		}
	}
	if mustScenario(t, "pitchpage").target.String() != "≥ 30 %, p99 < 30.0 ms" || !mustScenario(t, "homepage").page {
		t.Error("the page scenarios should carry the web issue's target")
	}
}

func TestMetricBearsTheMetricsToken(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/metrics" || r.Header.Get("Authorization") != "Bearer m-token" {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		fmt.Fprintln(w, "# HELP wayfare_commits_total Write transactions committed.\nwayfare_commits_total 42")
	}))
	defer srv.Close()
	a := &apiClient{client: newClient(1), base: srv.URL, metricsToken: "m-token"}
	if v, err := a.metric(context.Background(), "wayfare_commits_total"); err != nil || v != 42 {
		t.Fatalf("metric: %v %v", v, err)
	}
	a.metricsToken = "other"
	if _, err := a.metric(context.Background(), "wayfare_commits_total"); err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("a refused /metrics must be an error naming it: %v", err)
	}
}
