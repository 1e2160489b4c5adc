package webhook

import (
	"net/http"
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	const day = 24 * time.Hour
	for run := range 200 {
		var total time.Duration
		for attempt := 1; attempt <= Retries; attempt++ {
			d, ok := Backoff(attempt)
			nominal := schedule[attempt-1]
			if !ok || d < nominal*9/10 || d > nominal*11/10 {
				t.Fatalf("run %d: Backoff(%d) = %s, %v; want %s ±10 %%", run, attempt, d, ok, nominal)
			}
			total += d
		}
		if total < 5*day/2 || total > 7*day/2 {
			t.Fatalf("run %d: retries spread over %s, want 2.5 to 3.5 days", run, total)
		}
	}
	if d, ok := Backoff(Retries + 1); ok || d != 0 {
		t.Errorf("Backoff(%d) = %s, %v; want exhausted", Retries+1, d, ok)
	}
	if d, ok := Backoff(1); !ok || d < 4500*time.Millisecond || d > 5500*time.Millisecond {
		t.Errorf("first retry after %s, want about 5 s", d)
	}
	if d, ok := Backoff(0); !ok || d > 5500*time.Millisecond {
		t.Errorf("Backoff(0) = %s, %v; want the first delay", d, ok)
	}
}

func TestBackoffJitters(t *testing.T) {
	seen := map[time.Duration]bool{}
	for range 20 {
		d, _ := Backoff(4)
		seen[d] = true
	}
	if len(seen) < 2 {
		t.Errorf("20 delays, all %v: no jitter", seen)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"1", time.Second},
		{" 120 ", 2 * time.Minute},
		{"0", 0},
		{"-5", 0},
		{"1.5", 0},
		{"soon", 0},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{"Sun, 01 Mar 2026 09:31:00 GMT", time.Minute},
		{"Sunday, 01-Mar-26 09:31:00 GMT", time.Minute}, // RFC 850, still allowed
		{now.Add(-time.Hour).Format(http.TimeFormat), 0},
		{"999999999999999", 24 * time.Hour},
		{now.Add(400 * 24 * time.Hour).Format(http.TimeFormat), 24 * time.Hour},
	} {
		if got := parseRetryAfter(tc.in, now); got != tc.want {
			t.Errorf("Retry-After %q: %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestValidPrefix(t *testing.T) {
	long := func(s string, n int) []byte {
		var b []byte
		for len(b) < n {
			b = append(b, s...)
		}
		return b[:n]
	}
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"short", []byte("ok"), "ok"},
		{"ascii at the limit", long("x", 256), string(long("x", 256))},
		{"two-byte characters", long("é", 256), string(long("é", 256))},
		{"a character cut by the limit", append([]byte("x"), long("é", 255)...), "x" + string(long("é", 254))},
		{"a four-byte character cut", append(long("x", 254), "😀"[:2]...), string(long("x", 254))},
		{"three bytes of a four-byte character cut", append(long("x", 253), "😀"[:3]...), string(long("x", 253))},
		{"invalid bytes", []byte("a\xffb"), "a\uFFFDb"},
		{"invalid bytes grow past the limit", long("\xff", 256), "\uFFFD"},
		{"invalid bytes then text at the limit", append([]byte("\xff"), long("y", 255)...), "\uFFFD" + string(long("y", 253))},
	} {
		got := validPrefix(tc.in, 256)
		if got != tc.want || len(got) > 256 {
			t.Errorf("%s: %q (%d bytes), want %q", tc.name, got, len(got), tc.want)
		}
	}
}
