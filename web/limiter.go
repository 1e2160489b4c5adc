package web

import (
	"crypto/sha256"
	"sync"
	"time"
)

// limiter spaces out failed tries per key (an account, an account from
// one address, an address). A try is counted before the password is
// checked, so that tries sent at once are counted at once; a key may fail
// a few times freely, then each further try must wait twice as long as
// the one before (1 s, 2 s, 4 s … up to a cap). Nothing is ever locked
// for good, and a key left alone long enough is forgotten. The keys kept
// are bounded, whatever the flood.
type limiter struct {
	mu    sync.Mutex
	keys  map[[sha256.Size]byte]record
	max   int           // keys kept at most
	first time.Duration // the first wait
	cap   time.Duration // the longest wait
	idle  time.Duration // a key with no try counted for this long is forgotten
	now   func() time.Time
}

// record is one key's failures.
type record struct {
	fails int
	next  time.Time // no try before this
	last  time.Time // when the last try was counted
}

// A key is what tries are counted by, how many failures it may have
// before its tries are spaced out, and the longest it makes a try wait
// (0: the limiter's cap).
type key struct {
	id   string
	free int
	cap  time.Duration
}

// accountCap is the longest an account's own count makes a try wait:
// anyone may fail on anyone's account, from as many addresses as they
// have, so that count only slows guessing down and never keeps the owner
// out for long; the counts by address and by account and address do the
// rest.
const accountCap = time.Minute

// The keys tries are counted by: an account, an account from one client
// address (the tightest: a guesser is slowed without locking the owner
// out elsewhere), a client address across accounts, and a signed-in
// person's current password.
func accountKey(email string) key          { return key{"account\x00" + email, 20, accountCap} }
func pairKey(email, addr string) key       { return key{"pair\x00" + email + "\x00" + addr, 5, 0} }
func addressKey(addr string) key           { return key{"address\x00" + addr, 50, 0} }
func currentPasswordKey(person string) key { return key{"password\x00" + person, 5, 0} }

func newLimiter() *limiter {
	return &limiter{keys: map[[sha256.Size]byte]record{}, max: 100_000, first: time.Second, cap: 10 * time.Minute,
		idle: time.Hour, now: time.Now}
}

// reserve counts a try against every key, unless one of them must still
// wait: then it counts nothing and returns the longest wait.
func (l *limiter) reserve(keys ...key) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	var wait time.Duration
	for _, k := range keys {
		if r := l.get(k, now); now.Before(r.next) {
			wait = max(wait, r.next.Sub(now))
		}
	}
	if wait > 0 {
		return wait
	}
	for _, k := range keys {
		r := l.get(k, now)
		r.fails++
		r.last = now
		if r.fails >= k.free {
			d := l.delay(r.fails - k.free)
			if k.cap > 0 {
				d = min(d, k.cap)
			}
			r.next = now.Add(d)
		}
		l.put(k, r, now)
	}
	return 0
}

// release takes back a try that succeeded from each key.
func (l *limiter) release(keys ...key) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		h := sha256.Sum256([]byte(k.id))
		if r, ok := l.keys[h]; ok && r.fails > 0 {
			r.fails--
			if r.fails < k.free { // no wait was due before this try
				r.next = time.Time{}
			}
			l.keys[h] = r
		}
	}
}

// forget clears a key.
func (l *limiter) forget(k key) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.keys, sha256.Sum256([]byte(k.id)))
}

// delay is the wait after the n-th failure past the free ones.
func (l *limiter) delay(n int) time.Duration {
	if n >= 30 || l.first<<n > l.cap {
		return l.cap
	}
	return l.first << n
}

// get returns a key's record; a forgotten one is empty.
func (l *limiter) get(k key, now time.Time) record {
	r := l.keys[sha256.Sum256([]byte(k.id))]
	if l.stale(r, now) {
		return record{}
	}
	return r
}

func (l *limiter) stale(r record, now time.Time) bool {
	return now.Sub(r.last) > l.idle && !now.Before(r.next)
}

// put stores a record, making room first when the keys are at their bound.
func (l *limiter) put(k key, r record, now time.Time) {
	h := sha256.Sum256([]byte(k.id))
	if _, ok := l.keys[h]; !ok && len(l.keys) >= l.max {
		l.makeRoom(now)
	}
	l.keys[h] = r
}

// makeRoom drops a tenth of the keys at least: the forgotten ones, then
// those free to try, then any. A flood of new keys pays for this once
// every tenth of the bound.
func (l *limiter) makeRoom(now time.Time) {
	target := l.max - max(1, l.max/10)
	for _, drop := range []func(record) bool{
		func(r record) bool { return l.stale(r, now) },
		func(r record) bool { return !now.Before(r.next) },
		func(record) bool { return true },
	} {
		for h, r := range l.keys {
			if len(l.keys) <= target {
				return
			}
			if drop(r) {
				delete(l.keys, h)
			}
		}
	}
}
