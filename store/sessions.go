package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Sessions keeps browser sessions in the database, so that they survive a
// restart and are shared by every node. It has the methods of an
// alexedwards/scs CtxStore.
type Sessions struct{ db *DB }

// Sessions returns the session store.
func (db *DB) Sessions() *Sessions { return &Sessions{db: db} }

// FindCtx returns the data of a live session.
func (s *Sessions) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var b []byte
	err := s.db.readRow(ctx, `SELECT data FROM sessions WHERE token = ? AND expiry > ?`,
		token, micros(s.db.now())).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	return b, err == nil, err
}

// CommitCtx writes a session.
func (s *Sessions) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	return s.db.update(ctx, func(tx *Tx) error {
		_, err := tx.exec(`INSERT INTO sessions (token, data, expiry) VALUES (?, ?, ?)
			ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`, token, b, micros(expiry))
		return err
	})
}

// DeleteCtx ends a session.
func (s *Sessions) DeleteCtx(ctx context.Context, token string) error {
	return s.db.update(ctx, func(tx *Tx) error {
		_, err := tx.exec(`DELETE FROM sessions WHERE token = ?`, token)
		return err
	})
}

// Find, Commit and Delete are the context-free forms scs also asks for.
func (s *Sessions) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

// Commit writes a session.
func (s *Sessions) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}

// Delete ends a session.
func (s *Sessions) Delete(token string) error { return s.DeleteCtx(context.Background(), token) }

// Purge deletes expired sessions.
func (s *Sessions) Purge(ctx context.Context) error {
	return s.db.update(ctx, func(tx *Tx) error {
		_, err := tx.exec(`DELETE FROM sessions WHERE expiry <= ?`, micros(tx.now))
		return err
	})
}
