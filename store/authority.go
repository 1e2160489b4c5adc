package store

import (
	"context"
	"database/sql"
	"sync"
	"time"

	"github.com/wayfare-org/wayfare"
)

// Authority — who may do what — is never remembered past a change. Every
// transaction that changes it (a role, a membership, the admin flag, a
// password, a status, a revoked token) moves the authority version — it
// adds a row to authority_changes, the newest of which is the version — in
// the same transaction. Its own process learns of the
// change as the transaction commits; every other process that serves the
// same data (the command line changing things under a running server, or
// another node) learns of it within AuthorityEvery, when its watcher reads
// the row. Either way the process moves RolesVersion, and everything it
// remembered of authority — token answers, signed-in people, who manages
// what, the pages kept by it — is read afresh, and open event streams
// check their credentials again (AuthorityChanged).

// DefaultAuthorityEvery is how often a process looks for changes of
// authority made by other processes.
const DefaultAuthorityEvery = 500 * time.Millisecond

// bumpAuthority moves the authority version in the batch's transaction
// and returns the new version. On PostgreSQL it runs under the lock that
// numbers acts (postgres.go), so that versions grow in commit order.
func (db *DB) bumpAuthority(ctx context.Context, tx *sql.Tx) (int64, error) {
	var v int64
	err := tx.QueryRowContext(ctx, db.d.sql(`INSERT INTO authority_changes (at) VALUES (?) RETURNING id`), micros(db.now())).Scan(&v)
	return v, err
}

// authorityQuery reads the authority version.
const authorityQuery = `SELECT coalesce(max(id), 0) FROM authority_changes`

// pruneAuthority deletes the authority changes older than the newest.
func (db *DB) pruneAuthority(ctx context.Context) error {
	return db.update(wayfare.WithActor(ctx, wayfare.Actor{System: true}), func(tx *Tx) error {
		tx.quiet = true
		_, err := tx.exec(`DELETE FROM authority_changes WHERE id < (SELECT max(id) FROM authority_changes)`)
		return err
	})
}

// authorityMoved records a change of authority committed by this process
// (remote false) or found by the watcher, a change message or a fence
// (remote true). It holds authMu throughout, and drops what is kept before
// it raises the version it has seen: whoever finds the version already
// raised (a fence, say) has waited for the drop to be done.
func (db *DB) authorityMoved(v int64, remote bool) {
	db.authMu.Lock()
	defer db.authMu.Unlock()
	seen := db.authSeen.Load()
	if v <= seen && remote {
		return // this process committed it, or knows of it already
	}
	// A commit of ours that skips a version went after another process's
	// change this one had not seen yet.
	if remote || v > seen+1 {
		// Another process changed who is who: whatever this one kept may
		// read differently now (names, roles, statuses).
		db.dropKept()
	}
	db.rolesVersion.Add(1)
	if v > seen {
		db.authSeen.Store(v)
	}
	db.credentialsChanged()
}

// dropKept moves every version that what this process keeps is keyed by,
// and forgets the sessions it remembered: everything is read afresh.
func (db *DB) dropKept() {
	db.version.Add(1)
	db.listsVersion.Add(1)
	for i := range db.pitchVersions {
		db.pitchVersions[i].Add(1)
	}
	for i := range db.personVersions {
		db.personVersions[i].Add(1)
	}
	db.sessions.Clear()
}

// credentialsChanged wakes whatever waits on AuthorityChanged: a session
// or token may no longer hold.
func (db *DB) credentialsChanged() {
	ch := db.authCh.Swap(newSignal())
	close(*ch)
}

func newSignal() *chan struct{} {
	ch := make(chan struct{})
	return &ch
}

// AuthorityChanged returns a channel closed at the next change of
// authority, by this process or another: an open event stream waits on it
// to check that its session or token still holds.
func (db *DB) AuthorityChanged() <-chan struct{} { return *db.authCh.Load() }

// sessionsPurgeEvery is how often the sign-in sessions past their expiry
// are deleted (an unfinished sign-in expires within minutes).
const sessionsPurgeEvery = 10 * time.Minute

// watchAuthority looks for changes of authority made by other processes,
// writes the tokens' last uses, and deletes expired sessions now and then.
func (db *DB) watchAuthority(every time.Duration) {
	defer db.done.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	uses, purged := time.Now(), time.Now()
	for {
		select {
		case <-db.closing:
			return
		case <-t.C:
		}
		var v int64
		if err := db.read.QueryRow(authorityQuery).Scan(&v); err != nil {
			db.log.Warn("authority version", "err", err)
			continue
		}
		db.authorityMoved(v, true)
		if time.Since(uses) >= 5*time.Second {
			uses = time.Now()
			if err := db.flushTokenUses(context.Background()); err != nil {
				db.log.Warn("token uses", "err", err)
			}
		}
		if time.Since(purged) >= sessionsPurgeEvery {
			purged = time.Now()
			if err := db.Sessions().Purge(context.Background()); err != nil {
				db.log.Warn("expired sessions", "err", err)
			}
			if err := db.pruneAuthority(context.Background()); err != nil {
				db.log.Warn("old authority changes", "err", err)
			}
			if err := db.purgeTries(context.Background()); err != nil {
				db.log.Warn("old sign-in counts", "err", err)
			}
		}
	}
}

// Fence makes sure this process knows of every change of authority that
// was committed before Fence was called, by this process or any other:
// on PostgreSQL, where other nodes change authority, it reads the
// authority version (and drops what is kept of authority if it moved)
// with a query that starts after the call. Callers that come while a
// query runs share the next one, so that under load the queries run one
// after the other, not one per request. A request calls it before it
// trusts anything kept of authority: a change made on another node then
// governs this node's next request. One process needs none: its own
// commits move the version as they happen.
func (db *DB) Fence(ctx context.Context) error {
	if !db.d.numbered {
		return nil
	}
	f := &db.fence
	f.mu.Lock()
	var fl *flight
	if f.running == nil {
		fl = &flight{done: make(chan struct{})}
		f.running = fl
		f.mu.Unlock()
		go db.runFences(fl)
	} else {
		if f.next == nil {
			f.next = &flight{done: make(chan struct{})}
		}
		fl = f.next
		f.mu.Unlock()
	}
	select {
	case <-fl.done:
		return fl.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// fence is the authority query running and the one waiting to start.
type fence struct {
	mu            sync.Mutex
	running, next *flight
}

type flight struct {
	done chan struct{}
	err  error
}

// runFences runs a fence's query, then the next one while callers wait.
func (db *DB) runFences(fl *flight) {
	f := &db.fence
	for fl != nil {
		var v int64
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		fl.err = db.read.QueryRowContext(ctx, authorityQuery).Scan(&v)
		cancel()
		if fl.err == nil {
			db.authorityMoved(v, true)
		}
		close(fl.done)
		f.mu.Lock()
		fl, f.next = f.next, nil
		f.running = fl
		f.mu.Unlock()
	}
}
