package webhook

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// schedule is the delay before each retry, in the spirit of the Standard
// Webhooks specification (5 s, 5 min, 30 min, 2 h, 5 h, then every 10 h),
// long enough that an endpoint down for a weekend still gets its
// messages: about 2.8 days from the first attempt to the last.
var schedule = [...]time.Duration{
	5 * time.Second,
	5 * time.Minute,
	30 * time.Minute,
	2 * time.Hour,
	5 * time.Hour,
	10 * time.Hour,
	10 * time.Hour,
	10 * time.Hour,
	10 * time.Hour,
	10 * time.Hour,
	10 * time.Hour,
}

// Retries is how many times a message is tried again after its first
// attempt failed.
const Retries = len(schedule)

// jitter is the share by which a delay may be longer or shorter, so that
// endpoints that failed together are not retried together.
const jitter = 0.10

// Backoff returns the delay before retry number attempt (1 for the first
// retry, after the first attempt failed), jittered by ±10 %, and false
// once retries are exhausted. An attempt below 1 counts as 1.
func Backoff(attempt int) (time.Duration, bool) {
	attempt = max(attempt, 1)
	if attempt > len(schedule) {
		return 0, false
	}
	d := schedule[attempt-1]
	f := 1 - jitter + 2*jitter*rand.Float64()
	return time.Duration(float64(d) * f), true
}

// maxRetryAfter caps what an endpoint may ask us to wait.
const maxRetryAfter = 24 * time.Hour

// parseRetryAfter reads a Retry-After header: delay seconds or an HTTP
// date. It returns 0 when the header is absent, unreadable or in the
// past, and at most maxRetryAfter.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		d = time.Duration(min(max(secs, 0), int64(maxRetryAfter/time.Second))) * time.Second
	} else if at, err := http.ParseTime(v); err == nil {
		d = at.Sub(now)
	}
	return min(max(d, 0), maxRetryAfter)
}
