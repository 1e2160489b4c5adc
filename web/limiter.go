package web

import (
	"context"
	"crypto/sha256"
	"log/slog"
	"sync"
	"time"

	"github.com/wayfare-org/wayfare/people"
)

// limiter spaces out failed tries per key (an account, an account from
// one address, an address). A try is counted before the password is
// checked, so that tries sent at once are counted at once; a key may fail
// a few times freely, then each further try must wait twice as long as
// the one before (1 s, 2 s, 4 s … up to a cap). Nothing is ever locked
// for good, and a key left alone long enough is forgotten. The keys kept
// are bounded, whatever the flood.
//
// One process keeps the counts in memory. Several nodes on one database
// (PostgreSQL) keep them in the database instead (shared), so that a
// guesser spreading tries over the nodes is counted once; the rule is the
// same code either way.
type limiter struct {
	shared sharedTries // nil: the counts are this process's
	log    *slog.Logger
	mu     sync.Mutex
	keys   map[[sha256.Size]byte]record
	max    int           // keys kept at most
	first  time.Duration // the first wait
	cap    time.Duration // the longest wait
	idle   time.Duration // a key with no try counted for this long is forgotten
	now    func() time.Time
}

// record is one key's failures: how many, no try before Next, the last
// counted at Last.
type record = people.Tries

// sharedTries keeps the counts where every node sees them: the store on
// PostgreSQL. CountTries reads the keys' records, has fn say what they
// become (fn may be called again, if the transaction runs again) and
// writes that, in one transaction.
type sharedTries interface {
	SharedByNodes() bool
	CountTries(ctx context.Context, keys [][sha256.Size]byte, fn func([]people.Tries) []people.Tries) error
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
		idle: time.Hour, now: time.Now, log: slog.New(slog.DiscardHandler)}
}

// reserve counts a try against every key, unless one of them must still
// wait: then it counts nothing and returns the longest wait.
func (l *limiter) reserve(ctx context.Context, keys ...key) time.Duration {
	if l.shared != nil {
		var wait time.Duration
		err := l.shared.CountTries(ctx, hashes(keys), func(recs []record) []record {
			now := l.now()
			recs = l.fresh(recs, now)
			if wait = l.wait(recs, now); wait == 0 {
				for i, k := range keys {
					recs[i] = l.count(recs[i], k, now)
				}
			}
			return recs
		})
		if err != nil {
			// The counts cannot be read: no try goes unlimited.
			l.log.Warn("the sign-in limits", "err", err)
			return l.first
		}
		return wait
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	recs := make([]record, len(keys))
	for i, k := range keys {
		recs[i] = l.get(k, now)
	}
	if wait := l.wait(recs, now); wait > 0 {
		return wait
	}
	for i, k := range keys {
		l.put(k, l.count(recs[i], k, now), now)
	}
	return 0
}

// wait is the longest any of the records must still wait.
func (l *limiter) wait(recs []record, now time.Time) time.Duration {
	var wait time.Duration
	for _, r := range recs {
		if now.Before(r.Next) {
			wait = max(wait, r.Next.Sub(now))
		}
	}
	return wait
}

// count counts one more failed try against a key (until it succeeds, a
// try is a failure).
func (l *limiter) count(r record, k key, now time.Time) record {
	r.Fails++
	r.Last = now
	if r.Fails >= k.free {
		d := l.delay(r.Fails - k.free)
		if k.cap > 0 {
			d = min(d, k.cap)
		}
		r.Next = now.Add(d)
	}
	return r
}

// uncount takes back a try that succeeded.
func (l *limiter) uncount(r record, k key) record {
	if r.Fails > 0 {
		r.Fails--
		if r.Fails < k.free { // no wait was due before this try
			r.Next = time.Time{}
		}
	}
	return r
}

// fresh forgets the records left alone long enough.
func (l *limiter) fresh(recs []record, now time.Time) []record {
	for i, r := range recs {
		if l.stale(r, now) {
			recs[i] = record{}
		}
	}
	return recs
}

// release takes back a try that succeeded from each key.
func (l *limiter) release(ctx context.Context, keys ...key) {
	if l.shared != nil {
		err := l.shared.CountTries(ctx, hashes(keys), func(recs []record) []record {
			for i, k := range keys {
				recs[i] = l.uncount(recs[i], k)
			}
			return recs
		})
		if err != nil {
			l.log.Warn("the sign-in limits", "err", err)
		}
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		h := sha256.Sum256([]byte(k.id))
		if r, ok := l.keys[h]; ok {
			l.keys[h] = l.uncount(r, k)
		}
	}
}

// forget clears a key.
func (l *limiter) forget(ctx context.Context, k key) {
	if l.shared != nil {
		err := l.shared.CountTries(ctx, hashes([]key{k}), func(recs []record) []record {
			recs[0] = record{}
			return recs
		})
		if err != nil {
			l.log.Warn("the sign-in limits", "err", err)
		}
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.keys, sha256.Sum256([]byte(k.id)))
}

// hashes are the keys as they are kept: their SHA-256.
func hashes(keys []key) [][sha256.Size]byte {
	out := make([][sha256.Size]byte, len(keys))
	for i, k := range keys {
		out[i] = sha256.Sum256([]byte(k.id))
	}
	return out
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
	return now.Sub(r.Last) > l.idle && !now.Before(r.Next)
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
		func(r record) bool { return !now.Before(r.Next) },
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
