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

// session is a session as the cache keeps it.
type session struct {
	data   []byte
	expiry time.Time
}

// FindCtx returns the data of a live session. Sessions are kept in memory
// too: this process writes them, and on PostgreSQL the other nodes tell
// it when they write one (fanout.go).
func (s *Sessions) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	// A session another node ended is forgotten before it is looked up.
	if err := s.db.Fence(ctx); err != nil {
		return nil, false, err
	}
	now := s.db.now()
	if c, ok := s.db.sessions.Load(token); ok {
		if c := c.(session); c.expiry.After(now) {
			return c.data, true, nil
		}
		s.db.sessions.Delete(token)
		return nil, false, nil
	}
	var b []byte
	var expiry int64
	err := s.db.readRow(ctx, `SELECT data, expiry FROM sessions WHERE token = ? AND expiry > ?`,
		token, micros(now)).Scan(&b, &expiry)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	} else if err != nil {
		return nil, false, err
	}
	s.db.sessions.Store(token, session{data: b, expiry: fromMicros(expiry)})
	return b, true, nil
}

// CommitCtx writes a session.
func (s *Sessions) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	s.db.sessions.Delete(token)
	err := s.db.update(ctx, func(tx *Tx) error {
		tx.sessionsChanged = true
		_, err := tx.exec(`INSERT INTO sessions (token, data, expiry) VALUES (?, ?, ?)
			ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`, token, b, micros(expiry))
		return err
	})
	if err == nil {
		s.db.sessions.Store(token, session{data: b, expiry: expiry.UTC()})
	}
	return err
}

// DeleteCtx ends a session (a sign-out): the event streams this process
// holds open check their credentials again at once, so that the session's
// own streams, in its other tabs, end.
func (s *Sessions) DeleteCtx(ctx context.Context, token string) error {
	s.db.sessions.Delete(token)
	err := s.db.update(ctx, func(tx *Tx) error {
		tx.sessionsChanged = true
		// On several nodes an ended session is a change of authority, so
		// that the next request on any node knows of it (Fence).
		tx.rolesChanged = tx.rolesChanged || s.db.SharedByNodes()
		_, err := tx.exec(`DELETE FROM sessions WHERE token = ?`, token)
		return err
	})
	if err == nil {
		s.db.credentialsChanged()
	}
	return err
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
	now := s.db.now()
	s.db.sessions.Range(func(k, v any) bool {
		if !v.(session).expiry.After(now) {
			s.db.sessions.Delete(k)
		}
		return true
	})
	return s.db.update(ctx, func(tx *Tx) error {
		_, err := tx.exec(`DELETE FROM sessions WHERE expiry <= ?`, micros(tx.now))
		return err
	})
}
