package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/ledger"
)

// Tx is one request's share of a write transaction. Its clock is the
// transaction's: every row a request writes carries the same time.
type Tx struct {
	tx    *sql.Tx
	ctx   context.Context
	now   time.Time
	actor wayfare.Actor
	acts  []*wayfare.Act
}

func (tx *Tx) exec(q string, args ...any) (sql.Result, error) {
	return tx.tx.ExecContext(tx.ctx, q, args...)
}

func (tx *Tx) query(q string, args ...any) (*sql.Rows, error) {
	return tx.tx.QueryContext(tx.ctx, q, args...)
}

func (tx *Tx) row(q string, args ...any) *sql.Row {
	return tx.tx.QueryRowContext(tx.ctx, q, args...)
}

// insert runs an INSERT … RETURNING id and returns the id.
func (tx *Tx) insert(q string, args ...any) (wayfare.ID, error) {
	var id wayfare.ID
	err := tx.row(q+" RETURNING id", args...).Scan(&id)
	return id, err
}

// act appends an act to the ledger in this transaction. The verb's
// function comes from ledger.FunctionOf, the one place that declares it.
func (tx *Tx) act(verb, subjectKind string, subjectID, groupID wayfare.ID, payload any) error {
	f, ok := ledger.FunctionOf(verb)
	if !ok {
		return fmt.Errorf("store: unknown verb %q", verb)
	}
	var raw json.RawMessage
	if payload != nil {
		b, err := json.Marshal(payload)
		if err != nil {
			return err
		}
		raw = b
	}
	a := &wayfare.Act{At: tx.now, PersonID: tx.actor.PersonID, Function: f, Verb: verb,
		SubjectKind: subjectKind, SubjectID: subjectID, GroupID: groupID, Payload: raw}
	var pl, gid any
	if raw != nil {
		pl = string(raw)
	}
	if groupID != 0 {
		gid = groupID
	}
	id, err := tx.insert(`INSERT INTO acts (at, person_id, function, verb, subject_kind, subject_id, group_id, payload)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, micros(tx.now), a.PersonID, string(f), verb, subjectKind, subjectID, gid, pl)
	if err != nil {
		return err
	}
	a.ID = id
	tx.acts = append(tx.acts, a)
	return nil
}

type writeReq struct {
	ctx  context.Context
	fn   func(*Tx) error
	acts []*wayfare.Act
	err  error
	done chan struct{}
}

// maxBatch bounds how many requests one transaction carries.
const maxBatch = 256

// update runs fn in a write transaction on behalf of the actor in ctx. It
// returns after the transaction that carried fn has committed (or fn's
// share was rolled back): an acknowledged write is durable.
func (db *DB) update(ctx context.Context, fn func(*Tx) error) error {
	req := &writeReq{ctx: ctx, fn: fn, done: make(chan struct{})}
	select {
	case db.writes <- req:
	case <-ctx.Done():
		return ctx.Err()
	case <-db.closing:
		return wayfare.Errorf(wayfare.EUNAVAILABLE, "the server is shutting down")
	}
	<-req.done
	return req.err
}

// writer is the one goroutine that writes. It takes every request waiting
// and runs them in one transaction, each inside a savepoint so that one
// request's failure leaves the others' work intact.
func (db *DB) writer() {
	defer db.done.Done()
	batch := make([]*writeReq, 0, maxBatch)
	for {
		var first *writeReq
		select {
		case first = <-db.writes:
		case <-db.closing:
			// Finish what was queued before closing.
			for {
				select {
				case r := <-db.writes:
					db.commit([]*writeReq{r})
				default:
					return
				}
			}
		}
		batch = append(batch[:0], first)
	drain:
		for len(batch) < maxBatch {
			select {
			case r := <-db.writes:
				batch = append(batch, r)
			default:
				break drain
			}
		}
		db.commit(batch)
	}
}

func (db *DB) commit(batch []*writeReq) {
	ctx := context.Background()
	db.stats.Batches.Add(1)
	db.stats.Requests.Add(int64(len(batch)))
	finish := func(err error) {
		for _, r := range batch {
			if r.err == nil && err != nil {
				r.err = err
				r.acts = nil
			}
			if r.err != nil {
				db.stats.Failures.Add(1)
			}
			close(r.done)
		}
	}
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		finish(fmt.Errorf("store: begin: %w", err))
		return
	}
	now := db.now().UTC()
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.err = err
			continue
		}
		r.err = db.runOne(sqlTx, now, r)
	}
	if err := sqlTx.Commit(); err != nil {
		_ = sqlTx.Rollback()
		finish(fmt.Errorf("store: commit: %w", err))
		return
	}
	db.version.Add(1)
	var acts []*wayfare.Act
	for _, r := range batch {
		acts = append(acts, r.acts...)
	}
	finish(nil)
	if len(acts) > 0 {
		db.hub.Publish(acts...)
	}
}

func (db *DB) runOne(sqlTx *sql.Tx, now time.Time, r *writeReq) (err error) {
	if _, err := sqlTx.Exec("SAVEPOINT req"); err != nil {
		return fmt.Errorf("store: savepoint: %w", err)
	}
	tx := &Tx{tx: sqlTx, ctx: r.ctx, now: now, actor: wayfare.ActorFrom(r.ctx)}
	defer func() {
		if p := recover(); p != nil {
			db.log.Error("panic in write", "panic", p, "stack", string(debug.Stack()))
			err = wayfare.Errorf(wayfare.EINTERNAL, "internal error")
		}
		if err != nil {
			if _, rerr := sqlTx.Exec("ROLLBACK TO req"); rerr != nil {
				db.log.Error("rollback to savepoint", "err", rerr)
			}
		} else {
			r.acts = tx.acts
		}
		if _, rerr := sqlTx.Exec("RELEASE req"); rerr != nil && err == nil {
			err = rerr
		}
	}()
	return r.fn(tx)
}

func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(v int64) time.Time { return time.UnixMicro(v).UTC() }

func nullMicros(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMicro()
}

func timePtr(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMicros(v.Int64)
	return &t
}

func idPtr(v sql.NullInt64) *wayfare.ID {
	if !v.Valid {
		return nil
	}
	id := wayfare.ID(v.Int64)
	return &id
}

func nullID(id *wayfare.ID) any {
	if id == nil {
		return nil
	}
	return int64(*id)
}
