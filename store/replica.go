package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
)

// A streaming replica takes reads off the primary. A replica lags, and
// what this node keeps is keyed by versions that move when the primary
// changes: a page rebuilt from a replica that has not yet replayed the
// change would be kept, stale, under the new version. So the replica
// answers only while it has replayed everything this node has heard of:
// every change (a write of this node, or one another node tells of) marks
// the replica behind at once, and a watcher marks it current again once
// its replay position has passed the primary's position read after the
// change. A person's own write is a change: what they read next comes
// from the primary, or from a replica that has it. Writes, the ledger's
// tailer, the authority version and LISTEN stay on the primary.

// replica is the read-only pool of a streaming replica and whether it may
// answer now.
type replica struct {
	db      *sql.DB
	pool    *pgxpool.Pool
	current atomic.Bool   // it has replayed every change this node knows of
	changes atomic.Uint64 // bumped at every change; the watcher compares
	wake    chan struct{}
	reads   atomic.Int64 // reads it answered, for /metrics and tests
}

// openReplica connects to the replica at url.
func (db *DB) openReplica(ctx context.Context, url string) error {
	pcfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return fmt.Errorf("store: the replica's URL: %w", err)
	}
	pcfg.ConnConfig.RuntimeParams["application_name"] = "wayfare"
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return fmt.Errorf("store: the replica: %w", err)
	}
	r := &replica{db: stdlib.OpenDBFromPool(pool), pool: pool, wake: make(chan struct{}, 1)}
	var standby bool
	if err := r.db.QueryRowContext(ctx, `SELECT pg_is_in_recovery()`).Scan(&standby); err != nil {
		r.db.Close()
		pool.Close()
		return fmt.Errorf("store: the replica: %w", err)
	}
	if !standby {
		r.db.Close()
		pool.Close()
		return fmt.Errorf("store: the replica given is not a standby (pg_is_in_recovery() is false): give a streaming replica of the primary")
	}
	db.replica = r
	db.done.Add(1)
	go db.followReplica()
	return nil
}

// changed marks the replica behind: it answers again once it has
// replayed what the primary holds now.
func (db *DB) changed() {
	if r := db.replica; r != nil {
		r.current.Store(false)
		r.changes.Add(1)
		select {
		case r.wake <- struct{}{}:
		default:
		}
	}
}

// followReplica marks the replica current whenever it has caught up with
// the primary's position as of the newest change.
func (db *DB) followReplica() {
	defer db.done.Done()
	r := db.replica
	ctx := context.Background()
	t := time.NewTicker(replicaEvery)
	defer t.Stop()
	for {
		select {
		case <-db.closing:
			return
		case <-r.wake:
		case <-t.C:
		}
		if r.current.Load() {
			continue
		}
		seen := r.changes.Load()
		var target string
		if err := db.read.QueryRowContext(ctx, `SELECT pg_current_wal_lsn()::text`).Scan(&target); err != nil {
			db.log.Warn("the primary's position", "err", err)
			continue
		}
		for !r.current.Load() {
			var caught sql.NullBool
			err := r.db.QueryRowContext(ctx, `SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn`, target).Scan(&caught)
			if err != nil {
				db.log.Warn("the replica's position", "err", err)
				break
			}
			if caught.Valid && caught.Bool {
				// Current, unless a change came meanwhile: then its own
				// position is the one to wait for.
				if r.changes.Load() == seen {
					r.current.Store(true)
				}
				break
			}
			select {
			case <-db.closing:
				return
			case <-time.After(replicaEvery):
			}
		}
	}
}

// replicaEvery is how often the watcher looks at a replica that is behind.
const replicaEvery = 5 * time.Millisecond

// reader is where a read that may be answered by the replica goes now.
func (db *DB) reader() *sql.DB {
	if r := db.replica; r != nil && r.current.Load() {
		r.reads.Add(1)
		return r.db
	}
	return db.read
}

// ReplicaReads returns how many reads the replica answered.
func (db *DB) ReplicaReads() int64 {
	if db.replica == nil {
		return 0
	}
	return db.replica.reads.Load()
}
