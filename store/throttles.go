package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/people"
)

// SharedByNodes says that several processes may serve this database at
// once (PostgreSQL): what one process would keep in memory for everyone,
// such as the sign-in limits' counts, is kept in the database instead.
func (db *DB) SharedByNodes() bool { return db.d.numbered }

// CountTries reads the sign-in limits' records of the keys, has fn say
// what they become, and writes that, in one transaction: two nodes
// counting tries of one key at once count both. fn may run again when the
// transaction does; a record it leaves empty is deleted.
func (db *DB) CountTries(ctx context.Context, keys [][sha256.Size]byte, fn func([]people.Tries) []people.Tries) error {
	return db.update(wayfare.WithActor(ctx, wayfare.Actor{System: true}), func(tx *Tx) error {
		tx.quiet = true
		recs := make([]people.Tries, len(keys))
		for i, k := range keys {
			var fails int
			var next, last int64
			err := tx.row(`SELECT fails, next_at, last_at FROM throttles WHERE key = ?`, k[:]).Scan(&fails, &next, &last)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			} else if err != nil {
				return err
			}
			recs[i] = people.Tries{Fails: fails, Next: triesTime(next), Last: triesTime(last)}
		}
		out := fn(append([]people.Tries(nil), recs...))
		for i, k := range keys {
			switch r := out[i]; {
			case r == recs[i]:
			case r == people.Tries{}:
				if _, err := tx.exec(`DELETE FROM throttles WHERE key = ?`, k[:]); err != nil {
					return err
				}
			default:
				if _, err := tx.exec(`INSERT INTO throttles (key, fails, next_at, last_at) VALUES (?, ?, ?, ?)
					ON CONFLICT (key) DO UPDATE SET fails = excluded.fails, next_at = excluded.next_at, last_at = excluded.last_at`,
					k[:], r.Fails, triesMicros(r.Next), triesMicros(r.Last)); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// purgeTries deletes the records nobody has tried for a day and that ask
// for no wait: the limits forget them well before.
func (db *DB) purgeTries(ctx context.Context) error {
	now := db.now()
	return db.update(wayfare.WithActor(ctx, wayfare.Actor{System: true}), func(tx *Tx) error {
		tx.quiet = true
		_, err := tx.exec(`DELETE FROM throttles WHERE last_at < ? AND next_at < ?`, micros(now.Add(-24*time.Hour)), micros(now))
		return err
	})
}

func triesTime(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return fromMicros(v)
}

func triesMicros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return micros(t)
}
