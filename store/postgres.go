package store

import (
	"context"
	crand "crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/wayfare-org/wayfare"
)

// On PostgreSQL every write is its own serializable transaction: the rules
// read, decide and write as they do on SQLite's single writer, and the
// database makes concurrent transactions behave as if they ran one after
// the other, failing one of two that collide (SQLSTATE 40001, or 40P01
// for a deadlock). The store then runs the failed one again, from the
// start, with a fresh transaction; the domain never sees the collision.
//
// Acts are numbered in the order their transactions commit. A sequence
// hands out numbers before commit, so with concurrent writers a later
// number could commit first and a reader resuming after it (an event
// stream's Last-Event-ID, the newest act a page was read after) would
// skip the earlier one. A transaction therefore writes its acts last,
// under a transaction-scoped advisory lock that it holds until it has
// committed: numbers are taken, and become visible, one transaction after
// the other. Only that short tail is serialized; the rules run
// concurrently.
//
// The hub is fed from the table, in order, by one tailer per process
// (tail), never by the writers directly: a write returns once the tailer
// has published its acts, so that "every listener has had its acts
// offered" holds as on SQLite. The tailer reads when a write of this node
// or a change message of another (fanout.go) wakes it, and every
// tailEvery in any case.

// actsLock is the advisory lock under which acts are numbered.
const actsLock = 0x77617966_61637473 // "wayf" "acts"

// maxAttempts bounds how often a write that keeps colliding runs.
const maxAttempts = 32

// openPostgres opens the store on the PostgreSQL database at cfg.Database.
func openPostgres(ctx context.Context, cfg Config) (*DB, error) {
	pcfg, err := pgxpool.ParseConfig(cfg.Database)
	if err != nil {
		return nil, fmt.Errorf("store: the database URL: %w", err)
	}
	if cfg.Readers > 0 {
		pcfg.MaxConns = int32(cfg.Readers)
	} else if pcfg.ConnConfig.Config.RuntimeParams["pool_max_conns"] == "" {
		pcfg.MaxConns = int32(max(8, 4*runtime.GOMAXPROCS(0)))
	}
	pcfg.ConnConfig.RuntimeParams["application_name"] = "wayfare"
	db, err := newDB(cfg, postgresDialect)
	if err != nil {
		return nil, err
	}
	if db.pg, err = pgxpool.NewWithConfig(ctx, pcfg); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	db.read = stdlib.OpenDBFromPool(db.pg)
	db.write = db.read
	if err := db.read.PingContext(ctx); err != nil {
		db.pg.Close()
		return nil, fmt.Errorf("store: %w", err)
	}
	if err := migrate(ctx, db.write, db.d); err != nil {
		db.Close()
		return nil, err
	}
	db.published = make(chan struct{})
	db.tailWake = make(chan struct{}, 1)
	db.node = randomNode()
	if err := db.start(ctx, cfg); err != nil {
		db.Close()
		return nil, err
	}
	if cfg.Replica != "" {
		if err := db.openReplica(ctx, cfg.Replica); err != nil {
			db.Close()
			return nil, err
		}
	}
	ready := make(chan struct{})
	db.done.Add(2)
	go db.listen(ready)
	go db.tail()
	select {
	case <-ready:
	case <-ctx.Done():
		db.Close()
		return nil, ctx.Err()
	}
	return db, nil
}

// updateConcurrent is update on PostgreSQL.
func (db *DB) updateConcurrent(ctx context.Context, fn func(*Tx) error) error {
	select {
	case <-db.closing:
		return errClosing
	default:
	}
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return err // gave up before this attempt started: nothing was written
		}
		r := &writeReq{ctx: ctx, fn: fn}
		authority, err := db.runConcurrent(r)
		if err == nil {
			db.afterCommit([]*writeReq{r}, authority)
			db.stats.Batches.Add(1)
			db.stats.Requests.Add(1)
			if len(r.acts) > 0 {
				db.awaitPublished(r.acts[len(r.acts)-1].ID)
			}
			return nil
		}
		if !collided(err, attempt) {
			db.stats.Failures.Add(1)
			return err
		}
		if attempt == maxAttempts {
			db.stats.Failures.Add(1)
			db.log.Warn("write kept colliding", "attempts", attempt, "err", err)
			return wayfare.Errorf(wayfare.EUNAVAILABLE, "the database is busy; try again")
		}
		db.stats.Restarts.Add(1)
		// Back off a little, at random, so that the two that collided do
		// not collide again.
		time.Sleep(time.Duration(rand.Int64N(int64(attempt) * int64(time.Millisecond))))
	}
}

// collided says the transaction failed only because another ran at the
// same time: running it again will do. PostgreSQL reports most collisions
// as serialization failures, but a row that a concurrent transaction
// inserted first can still surface as a unique violation (23505); run
// again, the rule that read before writing sees the row and answers as
// it should. A unique violation that persists is a real one.
func collided(err error, attempt int) bool {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return false
	}
	return pe.Code == "40001" || pe.Code == "40P01" || pe.Code == "23505" && attempt < 3
}

// runConcurrent runs one request in a serializable transaction of its own
// and returns the authority version it moved to, if it did.
func (db *DB) runConcurrent(r *writeReq) (authority int64, err error) {
	ctx := context.WithoutCancel(r.ctx)
	sqlTx, err := db.write.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable})
	if err != nil {
		return 0, fmt.Errorf("store: begin: %w", err)
	}
	defer func() {
		if err != nil {
			_ = sqlTx.Rollback()
		}
	}()
	tx := &Tx{tx: sqlTx, d: db.d, ctx: ctx, now: db.now().UTC(), actor: wayfare.ActorFrom(r.ctx), deferActs: true}
	if err := db.runFn(tx, r.fn); err != nil {
		return 0, err
	}
	if err := db.insertFTS(ctx, sqlTx, tx.fts); err != nil {
		return 0, fmt.Errorf("store: full-text index: %w", err)
	}
	if len(tx.acts) > 0 || tx.rolesChanged {
		if _, err := sqlTx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, actsLock); err != nil {
			return 0, fmt.Errorf("store: ledger lock: %w", err)
		}
	}
	if tx.rolesChanged {
		if authority, err = db.bumpAuthority(ctx, sqlTx); err != nil {
			return 0, fmt.Errorf("store: authority version: %w", err)
		}
	}
	if len(tx.acts) > 0 {
		for _, a := range tx.acts {
			if err := insertAct(ctx, sqlTx, a); err != nil {
				return 0, err
			}
		}
	}
	if err := db.tell(ctx, tx, authority); err != nil {
		return 0, fmt.Errorf("store: telling the other nodes: %w", err)
	}
	if err := sqlTx.Commit(); err != nil {
		return 0, fmt.Errorf("store: commit: %w", err)
	}
	r.share(tx)
	return authority, nil
}

// runFn runs a request's function, turning a panic into an internal error.
func (db *DB) runFn(tx *Tx, fn func(*Tx) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			db.log.Error("panic in write", "panic", p, "stack", string(debug.Stack()))
			err = wayfare.Errorf(wayfare.EINTERNAL, "internal error")
		}
	}()
	return fn(tx)
}

// randomNode names a node for the change messages.
func randomNode() string {
	b := make([]byte, 6)
	crand.Read(b)
	return hex.EncodeToString(b)
}

// insertAct writes an act the transaction kept for its end and gives it
// its number.
func insertAct(ctx context.Context, tx *sql.Tx, a *wayfare.Act) error {
	var pl, gid any
	if a.Payload != nil {
		pl = string(a.Payload)
	}
	if a.GroupID != 0 {
		gid = int64(a.GroupID)
	}
	return tx.QueryRowContext(ctx, `INSERT INTO acts (at, person_id, function, verb, subject_kind, subject_id, group_id, payload)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		micros(a.At), int64(a.PersonID), string(a.Function), a.Verb, a.SubjectKind, int64(a.SubjectID), gid, pl).Scan(&a.ID)
}

// tail publishes the acts committed, by this node or another, in the
// order of their numbers.
func (db *DB) tail() {
	defer db.done.Done()
	t := time.NewTicker(tailEvery)
	defer t.Stop()
	ctx := context.Background()
	for {
		select {
		case <-db.closing:
			return
		case <-db.tailWake:
		case <-t.C:
		}
		for {
			n, err := db.tailOnce(ctx)
			if err != nil {
				db.log.Warn("reading the ledger", "err", err)
				break
			}
			if n < tailBatch {
				break
			}
		}
	}
}

const (
	tailEvery = 500 * time.Millisecond
	tailBatch = 1000
)

// tailOnce publishes the next acts after the newest published and returns
// how many it read.
func (db *DB) tailOnce(ctx context.Context) (int, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+actColumns+` FROM acts WHERE id > $1 ORDER BY id LIMIT $2`,
		int64(db.hub.Last()), tailBatch)
	if err != nil {
		return 0, err
	}
	var acts []*wayfare.Act
	err = scanEach(rows, nil, func(rows *sql.Rows) error {
		a, err := scanAct(rows)
		if err == nil {
			acts = append(acts, a)
		}
		return err
	})
	if err != nil {
		return 0, err
	}
	if len(acts) > 0 {
		db.hub.Publish(acts...)
		db.pubMu.Lock()
		close(db.published)
		db.published = make(chan struct{})
		db.pubMu.Unlock()
	}
	return len(acts), nil
}

// awaitPublished wakes the tailer and waits until it has published the
// act numbered id, for a few seconds at most: the write has committed
// either way.
func (db *DB) awaitPublished(id wayfare.ID) {
	db.wakeTail()
	deadline := time.NewTimer(5 * time.Second)
	defer deadline.Stop()
	for db.hub.Last() < id {
		db.pubMu.Lock()
		ch := db.published
		db.pubMu.Unlock()
		if db.hub.Last() >= id {
			return
		}
		select {
		case <-ch:
		case <-deadline.C:
			db.log.Warn("an act was not published in time", "act", id)
			return
		case <-db.closing:
			return
		}
	}
}
