package webhooktest

import (
	"testing"
	"time"
)

// Requests returns every request received so far, in order.
func (r *Receiver) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Request(nil), r.reqs...)
}

// Total returns how many requests were received, retries included.
func (r *Receiver) Total() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.reqs)
}

// Distinct returns how many distinct webhook-ids were received: the
// retries of one message count once.
func (r *Receiver) Distinct() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	seen := make(map[string]bool)
	for _, q := range r.reqs {
		seen[q.ID] = true
	}
	return len(seen)
}

// Accepted returns the requests answered with a 2xx, in order. A message
// delivered twice after being accepted shows here twice.
func (r *Receiver) Accepted() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return accepted(r.reqs)
}

func accepted(reqs []Request) []Request {
	var out []Request
	for _, q := range reqs {
		if q.Accepted() {
			out = append(out, q)
		}
	}
	return out
}

// Conns returns how many connections clients opened to the receiver.
func (r *Receiver) Conns() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.conns
}

// Wait waits until at least n requests were answered with a 2xx and
// returns them; it fails the test when timeout passes first. Call it from
// the test's goroutine.
func (r *Receiver) Wait(t testing.TB, n int, timeout time.Duration) []Request {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		r.mu.Lock()
		got, changed := accepted(r.reqs), r.changed
		r.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("webhooktest: %d deliveries accepted after %s, want %d (%d requests received)", len(got), timeout, n, r.Total())
			return nil
		}
	}
}
