package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Machine describes where the figures were measured.
type Machine struct {
	CPUs   int    `json:"cpus"`
	Model  string `json:"model"`
	Memory string `json:"memory"`
	Go     string `json:"go"`
	Kernel string `json:"kernel"`
}

func thisMachine() Machine {
	m := Machine{CPUs: runtime.NumCPU(), Go: runtime.Version(), Model: "unknown CPU", Memory: "unknown memory", Kernel: "unknown"}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.Lines(string(b)) {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.Model = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		if _, err := fmt.Sscanf(string(b), "MemTotal: %d kB", &kb); err == nil {
			m.Memory = fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = "Linux " + strings.TrimSpace(string(b))
	}
	return m
}

// Report is one run: the machine, the data set, the ceiling before and
// after, and the scenarios.
type Report struct {
	Machine       Machine       `json:"machine"`
	Started       time.Time     `json:"started"`
	Scale         int           `json:"scale"`
	People        int           `json:"people"`
	Groups        int           `json:"groups"`
	Pitches       int           `json:"pitches"`
	Tickets       int           `json:"tickets"`
	Conns         int           `json:"conns"`
	Duration      time.Duration `json:"duration_ns"`
	Warmup        time.Duration `json:"warmup_ns"`
	Rounds        int           `json:"rounds"`
	Database      string        `json:"database,omitempty"` // "postgres" when measured there; SQLite otherwise
	CeilingBefore *Result       `json:"ceiling_before"`
	CeilingAfter  *Result       `json:"ceiling_after"`
	// Ceilings are all the ceiling's measurements: one before each round
	// and one at the end.
	Ceilings []*Result `json:"ceilings"`
	// Results are the median rounds; Repeats all of them, by scenario.
	Results []*Result            `json:"results"`
	Repeats map[string][]*Result `json:"repeats"`
	Seeding []string             `json:"seeding,omitempty"`
	// FirstLoad is what a browser with an empty cache transfers to show
	// a pitch page and the home page (measured in the first round).
	FirstLoad []*PageLoad `json:"first_load,omitempty"`
}

// ceilingRPS is the ceiling the shares are taken of: the median of its
// measurements (with one round, the mean of before and after).
func (r *Report) ceilingRPS() float64 {
	var v []float64
	for _, c := range r.Ceilings {
		if c != nil && c.RPS > 0 {
			v = append(v, c.RPS)
		}
	}
	return median(v)
}

// median returns the median of v, the mean of the middle two for an even
// count, 0 for none.
func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	v = slices.Clone(v)
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

func scenarioOf(key string) (scenario, bool) {
	for _, s := range scenarios {
		if s.key == key {
			return s, true
		}
	}
	return scenario{}, false
}

// settle takes each measurement as a share of the ceiling measured around
// it (the machine's speed drifts: other programs, other virtual machines
// on the host) and picks, for each scenario, the round with the median
// share.
func (r *Report) settle() {
	if len(r.Ceilings) > 0 {
		r.CeilingBefore, r.CeilingAfter = r.Ceilings[0], r.Ceilings[len(r.Ceilings)-1]
	}
	r.Results = nil
	for _, sc := range scenarios {
		rs := r.Repeats[sc.key]
		if len(rs) == 0 {
			continue
		}
		for i, res := range rs {
			if res.Ceiling == 0 {
				res.Ceiling = r.ceilingAround(i)
			}
			res.Share = 0
			if res.Ceiling > 0 {
				res.Share = res.RPS / res.Ceiling
			}
		}
		r.Results = append(r.Results, medianOf(rs))
	}
}

// ceilingAround returns, for reports that did not record the ceiling
// around each measurement, the mean of the ceilings measured just before
// and just after a round; the median ceiling if they are missing.
func (r *Report) ceilingAround(round int) float64 {
	if round+1 < len(r.Ceilings) && r.Ceilings[round].RPS > 0 && r.Ceilings[round+1].RPS > 0 {
		return (r.Ceilings[round].RPS + r.Ceilings[round+1].RPS) / 2
	}
	return r.ceilingRPS()
}

// share returns a result's requests/s as a share of the ceiling: of the
// ceiling around its round when known, else of the median ceiling.
func (r *Report) share(res *Result) float64 {
	if res.Share > 0 {
		return res.Share
	}
	if c := r.ceilingRPS(); c > 0 {
		return res.RPS / c
	}
	return 0
}

// writeMarkdown writes the report as a Markdown section.
func (r *Report) writeMarkdown(w io.Writer) {
	fmt.Fprintf(w, "### Scale %d×: %s people, %s groups, %s pitches, %s tickets\n\n", r.Scale,
		fmtInt(int64(r.People)), fmtInt(int64(r.Groups)), fmtInt(int64(r.Pitches)), fmtInt(int64(r.Tickets)))
	m := r.Machine
	fmt.Fprintf(w, "%d CPUs (%s), %s, %s, %s; %d connections, %s per scenario after a %s warm-up, %d round(s), "+
		"each figure the round with the median share of the ceiling; started %s.\n\n",
		m.CPUs, m.Model, m.Memory, m.Go, m.Kernel, r.Conns, r.Duration, r.Warmup, max(r.Rounds, 1), r.Started.UTC().Format(time.RFC3339))
	if r.Database == "postgres" {
		fmt.Fprint(w, "On PostgreSQL, on the same machine: each round serves a fresh database made from the seeded one; "+
			"the database server's CPU is in the *other* column.\n\n")
	}
	fmt.Fprintln(w, "| scenario | requests | req/s | % of ceiling | p50 | p99 | errors | CPU server / bench / other | target | result |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|--:|---|---|")
	for _, c := range []struct {
		name string
		res  *Result
	}{{"ceiling (bare net/http, 2 KB JSON), before", r.CeilingBefore}, {"ceiling, after", r.CeilingAfter}} {
		if c.res != nil {
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %d | %s | | |\n", c.name, fmtInt(c.res.Requests), fmtInt(int64(c.res.RPS)),
				fmtPct(r.share(c.res)), fmtDuration(c.res.P50), fmtDuration(c.res.P99), c.res.Errors, fmtCPU(c.res))
		}
	}
	var notes []string
	for _, res := range r.Results {
		sc, _ := scenarioOf(res.Scenario)
		verdict := "—"
		if share := r.share(res); share > 0 {
			verdict = "**pass**"
			if ok, misses := sc.target.judge(res, share); !ok {
				verdict = "**miss**: " + strings.Join(misses, "; ")
			}
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %d | %s | %s | %s |\n", sc.name, fmtInt(res.Requests), fmtInt(int64(res.RPS)),
			fmtPct(r.share(res)), fmtDuration(res.P50), fmtDuration(res.P99), res.Errors, fmtCPU(res), sc.target, verdict)
		for _, n := range res.Notes {
			notes = append(notes, sc.key+": "+n)
		}
		if res.Errors > 0 {
			notes = append(notes, sc.key+": answers by status "+fmtStatuses(res.Statuses))
		}
	}
	var ceilings []string
	for _, c := range r.Ceilings {
		ceilings = append(ceilings, fmtInt(int64(c.RPS)))
	}
	fmt.Fprintf(w, "\nA scenario's share is its req/s over the mean of the ceilings measured just before and just after it; "+
		"a ceiling's share is of the ceiling's median, %s req/s (measured %s). "+
		"CPU is the cores (of %d) kept busy on average by the server measured, by the bench process and by anything else "+
		"(kernel work charged to no process, other programs: much above 0.1 means the figure was disturbed).\n\n",
		fmtInt(int64(r.ceilingRPS())), strings.Join(ceilings, ", "), m.CPUs)
	for _, n := range notes {
		fmt.Fprintf(w, "- %s\n", n)
	}
	if len(notes) > 0 && len(r.FirstLoad) > 0 {
		fmt.Fprintln(w)
	}
	r.writeFirstLoad(w)
}

// writeFirstLoad writes the first loads of the pages, if measured.
func (r *Report) writeFirstLoad(w io.Writer) {
	if len(r.FirstLoad) == 0 {
		return
	}
	fmt.Fprintf(w, "First load of a page, signed in, with an empty cache and `Accept-Encoding: gzip`: the page and every "+
		"stylesheet, script and image it names, over one new connection; bytes as received (status lines, headers and bodies "+
		"as sent).\n\n")
	fmt.Fprintln(w, "| page | answers | page body | stylesheets | scripts | other | received in all | target | result |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|---|---|")
	for _, l := range r.FirstLoad {
		kinds := map[string][]*Transfer{}
		for _, t := range l.Transfers {
			k := t.Kind
			if k != "page" && k != "stylesheet" && k != "script" {
				k = "other"
			}
			kinds[k] = append(kinds[k], t)
		}
		verdict := "**pass**"
		if l.Bytes >= firstLoadLimit {
			verdict = fmt.Sprintf("**miss**: %s bytes", fmtInt(l.Bytes))
		}
		fmt.Fprintf(w, "| %s `%s` | %d | %s | %s | %s | %s | %s bytes | < %s bytes | %s |\n", l.Page, l.Path, len(l.Transfers),
			fmtBodies(kinds["page"]), fmtBodies(kinds["stylesheet"]), fmtBodies(kinds["script"]), fmtBodies(kinds["other"]),
			fmtInt(l.Bytes), fmtInt(firstLoadLimit), verdict)
	}
}

// fmtBodies writes the bodies of some answers as sent, and how they were
// encoded: "2,590 (gzip of 7,487)".
func fmtBodies(ts []*Transfer) string {
	if len(ts) == 0 {
		return "–"
	}
	var body, plain int64
	enc := ""
	for _, t := range ts {
		body += t.Body
		plain += t.Plain
		if t.Encoding != "" {
			enc = t.Encoding
		}
	}
	if enc == "" {
		return fmtInt(body) + " (not compressed)"
	}
	return fmt.Sprintf("%s (%s of %s)", fmtInt(body), enc, fmtInt(plain))
}

// writeComparison writes how the reads of r compare with those of base,
// measured at another scale: the issue asks for 10× within 20 % of 1×.
func (r *Report) writeComparison(w io.Writer, base *Report) {
	fmt.Fprintf(w, "\n### Reads at %d× against %d×\n\n", r.Scale, base.Scale)
	fmt.Fprintf(w, "| scenario | %d×: req/s (%% of ceiling), p99 | %d×: req/s (%% of ceiling), p99 | share %d× / %d× | p99 %d× / %d× | target | result |\n",
		base.Scale, r.Scale, r.Scale, base.Scale, r.Scale, base.Scale)
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|---|---|")
	for _, res := range r.Results {
		sc, _ := scenarioOf(res.Scenario)
		old := base.result(res.Scenario)
		if !sc.read || old == nil || base.share(old) == 0 || old.P99 == 0 {
			continue
		}
		shareRatio := r.share(res) / base.share(old)
		p99Ratio := float64(res.P99) / float64(old.P99)
		verdict := "**pass**"
		var misses []string
		if shareRatio < 0.8 {
			misses = append(misses, fmt.Sprintf("share fell %.0f %%", (1-shareRatio)*100))
		}
		if p99Ratio > 1.2 {
			misses = append(misses, fmt.Sprintf("p99 rose %.0f %%", (p99Ratio-1)*100))
		}
		if len(misses) > 0 {
			verdict = "**miss**: " + strings.Join(misses, "; ")
		}
		fmt.Fprintf(w, "| %s | %s (%s), %s | %s (%s), %s | %.2f | %.2f | within 20 %% | %s |\n", sc.name,
			fmtInt(int64(old.RPS)), fmtPct(base.share(old)), fmtDuration(old.P99),
			fmtInt(int64(res.RPS)), fmtPct(r.share(res)), fmtDuration(res.P99), shareRatio, p99Ratio, verdict)
	}
}

func (r *Report) result(key string) *Result {
	for _, res := range r.Results {
		if res.Scenario == key {
			return res
		}
	}
	return nil
}

func loadReport(path string) (*Report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Report
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	r.settle()
	return &r, nil
}

// fmtDuration writes a latency in milliseconds with a precision that
// suits its size.
func fmtDuration(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case ms < 10:
		return fmt.Sprintf("%.2f ms", ms)
	case ms < 100:
		return fmt.Sprintf("%.1f ms", ms)
	}
	return fmt.Sprintf("%.0f ms", ms)
}

// fmtInt writes n with thousands separated by commas.
func fmtInt(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func fmtPct(share float64) string { return fmt.Sprintf("%.1f %%", share*100) }

func fmtCPU(r *Result) string {
	f := func(v float64) string {
		if v < 0 {
			return "–"
		}
		return fmt.Sprintf("%.2f", v)
	}
	return f(r.ServerCPU) + " / " + f(r.ClientCPU) + " / " + f(r.otherCPU())
}

func fmtStatuses(m map[int]int64) string {
	var parts []string
	for s := range 600 {
		if n, ok := m[s]; ok {
			name := strconv.Itoa(s)
			if s == 0 {
				name = "transport error"
			}
			parts = append(parts, fmt.Sprintf("%s × %s", name, fmtInt(n)))
		}
	}
	return strings.Join(parts, ", ")
}
