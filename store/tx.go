package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/ledger"
)

// Tx is one request's share of a write transaction. Its clock is the
// transaction's: every row a request writes carries the same time.
type Tx struct {
	tx    *sql.Tx
	d     *dialect
	ctx   context.Context
	now   time.Time
	actor wayfare.Actor
	acts  []*wayfare.Act
	stmts *stmtCache
	fts   []ftsRow // full-text rows, written once for the whole batch
	// touched lists the pitches whose answer this request changes; their
	// versions move after the commit (see PitchVersion).
	touched []wayfare.ID
	// rolesChanged says the request changed who is who or who manages
	// what.
	rolesChanged bool
	// narrow says the request changed only the tickets of the pitches it
	// touched: no list of pitches or journeys reads differently.
	narrow bool
	// inbox lists the people whose notifications this request changed.
	inbox []wayfare.ID
	// quiet says the request changed nothing that a cache keyed by the
	// store's version shows (notifications, leases, the outbox).
	quiet bool
	// sessionsChanged says the request wrote or deleted a browser
	// session, which other nodes may keep in memory.
	sessionsChanged bool
	// deferActs says the acts are written at the end of the transaction,
	// where they are numbered in commit order (PostgreSQL, see
	// postgres.go); until then they have no id.
	deferActs bool
	// via names the door a change of the system's came through when it
	// is not the command line (ViaSignOn); its acts carry it.
	via string
}

// touch records that the request changes how these pitches read.
func (tx *Tx) touch(ids ...wayfare.ID) { tx.touched = append(tx.touched, ids...) }

// ftsRow is a pitch's text for the full-text index. FTS5 writes a new
// segment each time a statement ends after an insert, so the writer
// inserts a batch's rows in one statement just before its commit.
type ftsRow struct {
	id                          wayfare.ID
	title, statusQuo, betterWay string
}

// stmtCache keeps the writer's statements prepared on its connection, so
// that SQLite parses each statement once. Only the writer goroutine uses
// it: a statement first seen in a transaction runs unprepared and is
// prepared after the commit, when the connection is free.
type stmtCache struct {
	prepared map[string]*sql.Stmt
	missed   map[string]bool
}

func newStmtCache() *stmtCache {
	return &stmtCache{prepared: map[string]*sql.Stmt{}, missed: map[string]bool{}}
}

// stmt returns the transaction's copy of a prepared statement, or nil.
func (tx *Tx) stmt(q string) *sql.Stmt {
	if tx.stmts == nil {
		return nil
	}
	if s, ok := tx.stmts.prepared[q]; ok {
		return tx.tx.StmtContext(tx.ctx, s)
	}
	tx.stmts.missed[q] = true
	return nil
}

// prepareMissed prepares the statements the last batch ran unprepared.
func (c *stmtCache) prepareMissed(ctx context.Context, db *sql.DB, d *dialect) {
	for q := range c.missed {
		if s, err := db.PrepareContext(ctx, d.sql(q)); err == nil {
			c.prepared[q] = s
		}
		delete(c.missed, q)
	}
}

func (tx *Tx) exec(q string, args ...any) (sql.Result, error) {
	if s := tx.stmt(q); s != nil {
		return s.ExecContext(tx.ctx, args...)
	}
	return tx.tx.ExecContext(tx.ctx, tx.d.sql(q), tx.d.args(args)...)
}

func (tx *Tx) query(q string, args ...any) (*sql.Rows, error) {
	if s := tx.stmt(q); s != nil {
		return s.QueryContext(tx.ctx, args...)
	}
	return tx.tx.QueryContext(tx.ctx, tx.d.sql(q), tx.d.args(args)...)
}

func (tx *Tx) row(q string, args ...any) *sql.Row {
	if s := tx.stmt(q); s != nil {
		return s.QueryRowContext(tx.ctx, args...)
	}
	return tx.tx.QueryRowContext(tx.ctx, tx.d.sql(q), tx.d.args(args)...)
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
	return tx.actBy(tx.actor.PersonID, verb, subjectKind, subjectID, groupID, payload)
}

// actBy is act on behalf of a given person; 0 leaves the person out, as
// for an idea posted to an anonymous session.
func (tx *Tx) actBy(personID wayfare.ID, verb, subjectKind string, subjectID, groupID wayfare.ID, payload any) error {
	f, ok := ledger.FunctionOf(verb)
	if !ok {
		return fmt.Errorf("store: unknown verb %q", verb)
	}
	if tx.via != "" {
		payload = withVia(payload, tx.via)
	}
	var raw json.RawMessage
	if payload != nil {
		b, err := json.Marshal(payload)
		if err != nil {
			return err
		}
		raw = b
	}
	a := &wayfare.Act{At: tx.now, PersonID: personID, Function: f, Verb: verb,
		SubjectKind: subjectKind, SubjectID: subjectID, GroupID: groupID, Payload: raw}
	if tx.deferActs {
		tx.acts = append(tx.acts, a)
		return nil
	}
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
	ctx     context.Context
	fn      func(*Tx) error
	acts    []*wayfare.Act
	fts     []ftsRow
	touched []wayfare.ID
	roles   bool // the request changed who is who or who manages what
	narrow  bool // the request changed only its touched pitches' tickets
	inbox   []wayfare.ID
	quiet   bool
	err     error
	done    chan struct{}
}

// share records what the request's share of the transaction wrote and
// what that changed.
func (r *writeReq) share(tx *Tx) {
	r.acts, r.fts, r.touched, r.roles, r.narrow, r.inbox = tx.acts, tx.fts, tx.touched, tx.rolesChanged, tx.narrow, tx.inbox
	r.quiet = tx.onlyQuiet()
}

// onlyQuiet says the request changed only what no cache keyed by the
// store's version shows.
func (tx *Tx) onlyQuiet() bool {
	return tx.quiet && len(tx.acts) == 0 && len(tx.touched) == 0 && !tx.rolesChanged
}

// maxBatch bounds how many requests one transaction carries.
const maxBatch = 256

// update runs fn in a write transaction on behalf of the actor in ctx. It
// returns after the transaction that carried fn has committed (or fn's
// share was rolled back): an acknowledged write is durable.
func (db *DB) update(ctx context.Context, fn func(*Tx) error) error {
	if db.d.numbered {
		return db.updateConcurrent(ctx, fn)
	}
	req := &writeReq{ctx: ctx, fn: fn, done: make(chan struct{})}
	select {
	case db.writes <- req:
	case <-ctx.Done():
		return ctx.Err()
	case <-db.closing:
		return errClosing
	}
	select {
	case <-req.done:
		return req.err
	case <-db.writerDone:
		// The writer stopped; it may have answered this request first.
		select {
		case <-req.done:
			return req.err
		default:
			return errClosing
		}
	}
}

var errClosing = wayfare.Errorf(wayfare.EUNAVAILABLE, "the server is shutting down")

// writer is the one goroutine that writes. It takes every request waiting
// and runs them in one transaction, each inside a savepoint so that one
// request's failure leaves the others' work intact.
func (db *DB) writer() {
	defer db.done.Done()
	defer close(db.writerDone)
	batch := make([]*writeReq, 0, maxBatch)
	for batches := 0; ; batches++ {
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
		if batches%16 == 0 {
			db.walBeyondLimit()
		}
		db.restartWAL()
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

// walBeyondLimit asks for a restart when the WAL file has grown past the
// size it is cut back to: it can only have, since the last restart, by
// frames written after it. The checkpointer finds a long WAL every quarter
// second; when its checkpoints are slow (the disk busy, the machine
// loaded) the writer can write far more in between, and this look at the
// file's size, a system call every 16 batches, bounds that.
func (db *DB) walBeyondLimit() {
	if fi, err := os.Stat(db.path + "-wal"); err == nil && fi.Size() > journalLimit {
		db.walLong.Store(true)
	}
}

// restartWAL checkpoints the whole WAL and rewinds it when the
// checkpointer found it long. It runs on the writer, between batches, so
// no write can keep it from finishing; readers are waited for up to the
// busy timeout.
func (db *DB) restartWAL() {
	if !db.walLong.Load() {
		return
	}
	var busy, logFrames, done int
	err := db.write.QueryRow("PRAGMA wal_checkpoint(RESTART)").Scan(&busy, &logFrames, &done)
	switch {
	case err != nil:
		db.log.Warn("checkpoint restart", "err", err)
	case busy != 0:
		// Readers still use the WAL's start, or the lock was taken: the
		// writer tries again after its next batch.
		db.log.Debug("checkpoint restart postponed", "frames", logFrames, "done", done)
	default:
		db.walLong.Store(false)
	}
	db.stats.Restarts.Add(1)
}

// commit runs a batch in one transaction and answers each request after
// the commit. It first runs the batch plainly; if a request fails, the
// transaction is rolled back and the batch runs again with a savepoint
// around each request, so that one failure leaves the others' work intact.
// Failures are rare under load, and savepoints cost two statements each.
func (db *DB) commit(batch []*writeReq) {
	db.stats.Batches.Add(1)
	db.stats.Requests.Add(int64(len(batch)))
	live := batch[:0:0]
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.err = err // gave up before it started: nothing was written
		} else {
			live = append(live, r)
		}
	}
	err := db.run(live, true)
	if errors.Is(err, errRetry) {
		err = db.run(live, false)
	}
	for _, r := range batch {
		if r.err == nil && err != nil {
			r.err, r.acts = err, nil
		}
		if r.err != nil {
			db.stats.Failures.Add(1)
		}
	}
	// The acts are published before their requests are answered: once a
	// write returns, every listener has had its acts offered, and a page
	// read after it names them among those it was read after.
	var acts []*wayfare.Act
	for _, r := range batch {
		acts = append(acts, r.acts...)
	}
	if len(acts) > 0 {
		db.hub.Publish(acts...)
	}
	for _, r := range batch {
		close(r.done)
	}
}

// errRetry asks commit to run a batch again with savepoints.
var errRetry = errors.New("store: a request failed in a plain batch")

// run runs the requests in one transaction. plain leaves out the
// savepoints; the first failure then rolls everything back with errRetry
// (or, for a request alone, with its own error). A failed commit fails
// every request.
func (db *DB) run(reqs []*writeReq, plain bool) error {
	if len(reqs) == 0 {
		return nil
	}
	ctx := context.Background()
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	now := db.now().UTC()
	var fts []ftsRow
	for _, r := range reqs {
		var tx *Tx
		// What a request's share wrote in an earlier pass (rolled back) is
		// forgotten: a request that fails in this pass publishes nothing.
		r.acts, r.fts, r.touched, r.roles, r.narrow, r.inbox, r.quiet = nil, nil, nil, false, false, nil, false
		tx, r.err = db.runOne(sqlTx, now, r, !plain)
		if tx != nil {
			r.share(tx)
		}
		fts = append(fts, r.fts...)
		if r.err != nil && plain {
			_ = sqlTx.Rollback()
			if len(reqs) == 1 {
				return nil // the request failed alone: nothing to keep
			}
			return errRetry
		}
	}
	if err := db.insertFTS(ctx, sqlTx, fts); err != nil {
		_ = sqlTx.Rollback()
		return fmt.Errorf("store: full-text index: %w", err)
	}
	var authority int64 // the authority version this batch moved to, if it did
	for _, r := range reqs {
		if r.err == nil && r.roles && authority == 0 {
			if authority, err = db.bumpAuthority(ctx, sqlTx); err != nil {
				_ = sqlTx.Rollback()
				return fmt.Errorf("store: authority version: %w", err)
			}
		}
	}
	if err := sqlTx.Commit(); err != nil {
		_ = sqlTx.Rollback()
		return fmt.Errorf("store: commit: %w", err)
	}
	db.afterCommit(reqs, authority)
	db.wstmts.prepareMissed(ctx, db.write, db.d)
	return nil
}

// afterCommit moves the versions that the committed requests' changes
// move, so that no cache keyed by them answers with what was before.
func (db *DB) afterCommit(reqs []*writeReq, authority int64) {
	db.changed() // before any version moves: see replica.go
	for _, r := range reqs {
		if !r.quiet {
			db.version.Add(1)
			break
		}
	}
	if authority != 0 {
		db.authorityMoved(authority, false)
	}
	inbox := false
	for _, r := range reqs {
		for _, id := range r.inbox {
			db.inboxVersions[uint64(id)%uint64(len(db.inboxVersions))].Add(1)
			inbox = true
		}
		for _, id := range r.touched {
			db.pitchVersions[uint64(id)%uint64(len(db.pitchVersions))].Add(1)
		}
		if r.err == nil && len(r.acts) > 0 {
			if !r.narrow {
				db.listsVersion.Add(1)
			}
			if me := wayfare.ActorFrom(r.ctx).PersonID; me != 0 {
				db.personVersions[uint64(me)%uint64(len(db.personVersions))].Add(1)
			}
		}
	}
	if inbox {
		db.inboxMoved()
	}
}

// runOne runs one request's function, inside a savepoint when asked, and
// returns its error and, when it succeeded, its share of the transaction
// (the acts it wrote and what they changed).
func (db *DB) runOne(sqlTx *sql.Tx, now time.Time, r *writeReq, savepoint bool) (done *Tx, err error) {
	// Once started, a request's share runs to its end or its rollback even
	// if the client goes away: a cancelled statement must not leave half a
	// write in the batch.
	tx := &Tx{tx: sqlTx, d: db.d, ctx: context.WithoutCancel(r.ctx), now: now, actor: wayfare.ActorFrom(r.ctx), stmts: db.wstmts}
	if savepoint {
		if _, err := tx.exec("SAVEPOINT req"); err != nil {
			return nil, fmt.Errorf("store: savepoint: %w", err)
		}
	}
	defer func() {
		if p := recover(); p != nil {
			db.log.Error("panic in write", "panic", p, "stack", string(debug.Stack()))
			err = wayfare.Errorf(wayfare.EINTERNAL, "internal error")
		}
		if !savepoint {
			return
		}
		if err != nil {
			if _, rerr := tx.exec("ROLLBACK TO req"); rerr != nil {
				db.log.Error("rollback to savepoint", "err", rerr)
			}
		}
		if _, rerr := tx.exec("RELEASE req"); rerr != nil && err == nil {
			err = rerr
		}
	}()
	if err := r.fn(tx); err != nil {
		return nil, err
	}
	return tx, nil
}

// insertFTS indexes the batch's pitches in as few statements as it can.
func (db *DB) insertFTS(ctx context.Context, tx *sql.Tx, rows []ftsRow) error {
	const chunk = 200
	for len(rows) > 0 {
		n := min(len(rows), chunk)
		q := db.d.sql(db.d.ftsInsert(n))
		args := make([]any, 0, 4*n)
		for _, r := range rows[:n] {
			args = append(args, r.id, r.title, r.statusQuo, r.betterWay)
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
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
