package store

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
)

// readCache keeps the read pool's statements prepared, so that SQLite
// parses each once per connection rather than once per call. Queries
// whose text varies without bound (long IN lists) stop being kept once
// the cache is full.
type readCache struct {
	stmts sync.Map // query text → *sql.Stmt
	n     atomic.Int64
}

const maxReadStmts = 512

func (db *DB) readStmt(ctx context.Context, q string) *sql.Stmt {
	if db.d.numbered {
		return nil // pgx keeps each connection's statements prepared itself
	}
	if s, ok := db.rstmts.stmts.Load(q); ok {
		return s.(*sql.Stmt)
	}
	if db.rstmts.n.Load() >= maxReadStmts {
		return nil
	}
	s, err := db.read.PrepareContext(ctx, db.d.sql(q))
	if err != nil {
		return nil // the plain call reports the error
	}
	if prev, loaded := db.rstmts.stmts.LoadOrStore(q, s); loaded {
		s.Close()
		return prev.(*sql.Stmt)
	}
	db.rstmts.n.Add(1)
	return s
}

// beginRead starts a read-only transaction whose reads all see one state
// of the database: SQLite's transactions do; PostgreSQL's need repeatable
// read for it.
func (db *DB) beginRead(ctx context.Context) (*sql.Tx, error) {
	opts := &sql.TxOptions{ReadOnly: true}
	if db.d.numbered {
		opts.Isolation = sql.LevelRepeatableRead
	}
	return db.reader().BeginTx(ctx, opts)
}

// readRow runs a one-row query on the read pool.
func (db *DB) readRow(ctx context.Context, q string, args ...any) *sql.Row {
	if s := db.readStmt(ctx, q); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return db.reader().QueryRowContext(ctx, db.d.sql(q), db.d.args(args)...)
}

// readQuery runs a query on the read pool.
func (db *DB) readQuery(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if s := db.readStmt(ctx, q); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return db.reader().QueryContext(ctx, db.d.sql(q), db.d.args(args)...)
}
