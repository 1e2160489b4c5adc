package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"strings"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/notifications"
)

// Preferences returns the signed-in person's notification preferences.
func (db *DB) Preferences(ctx context.Context) (*notifications.Preferences, error) {
	me := wayfare.ActorFrom(ctx)
	if err := requireSignedIn(me); err != nil {
		return nil, err
	}
	return db.preferencesOf(ctx, me.PersonID)
}

// PreferencesOf returns a person's preferences, for the mailer.
func (db *DB) preferencesOf(ctx context.Context, personID wayfare.ID) (*notifications.Preferences, error) {
	p := notifications.Defaults()
	var off string
	err := db.readRow(ctx, `SELECT email, digest_hour, time_zone, kinds_off FROM preferences WHERE person_id = ?`, personID).Scan(
		&p.Email, &p.DigestHour, &p.TimeZone, &off)
	if errors.Is(err, sql.ErrNoRows) {
		return p, nil
	} else if err != nil {
		return nil, err
	}
	for _, k := range strings.Split(strings.Trim(off, ","), ",") {
		if k != "" {
			p.Kinds[notifications.Kind(k)] = false
		}
	}
	return p, nil
}

// SetPreferences replaces the signed-in person's preferences. Turning
// digests on starts them from now: what was already told is not told again.
func (db *DB) SetPreferences(ctx context.Context, p notifications.Preferences) (*notifications.Preferences, error) {
	me := wayfare.ActorFrom(ctx)
	if err := requireSignedIn(me); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	err := db.update(ctx, func(tx *Tx) error {
		tx.quiet = true
		return tx.setPreferences(me.PersonID, &p)
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

func (tx *Tx) setPreferences(personID wayfare.ID, p *notifications.Preferences) error {
	var off []string
	for _, k := range notifications.Kinds() {
		if !p.Kinds[k] {
			off = append(off, string(k))
		}
	}
	kindsOff := ""
	if len(off) > 0 {
		kindsOff = "," + strings.Join(off, ",") + ","
	}
	var next any
	if at := p.NextDigest(tx.now); !at.IsZero() {
		next = micros(at)
	}
	// A digest covers what came after the newest notification the person
	// had when digests were turned on (or after the last digest).
	_, err := tx.exec(`INSERT INTO preferences (person_id, email, digest_hour, time_zone, kinds_off, digest_through, next_digest_at, updated_at)
		VALUES (?, ?, ?, ?, ?, (SELECT coalesce(max(id), 0) FROM notifications WHERE person_id = ?), ?, ?)
		ON CONFLICT (person_id) DO UPDATE SET email = excluded.email, digest_hour = excluded.digest_hour,
			time_zone = excluded.time_zone, kinds_off = excluded.kinds_off, next_digest_at = excluded.next_digest_at,
			updated_at = excluded.updated_at,
			digest_through = CASE WHEN preferences.email IN ('daily', 'weekly') THEN preferences.digest_through
				ELSE excluded.digest_through END`,
		personID, string(p.Email), p.DigestHour, p.TimeZone, kindsOff, personID, next, micros(tx.now))
	return err
}

// Unsubscribe turns a person's notification e-mail off, as the one-click
// link in every mail asks. It is idempotent.
func (db *DB) Unsubscribe(ctx context.Context, personID wayfare.ID) error {
	p, err := db.preferencesOf(ctx, personID)
	if err != nil {
		return err
	}
	p.Email = notifications.Off
	return db.quietly(ctx, func(tx *Tx) error {
		var exists bool
		if err := tx.row(`SELECT EXISTS (SELECT 1 FROM people WHERE id = ?)`, personID).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return wayfare.NotFound("person")
		}
		return tx.setPreferences(personID, p)
	})
}

// LinkKey returns the organization's key for signed links (unsubscribe),
// made on first use and the same for every process on the database.
func (db *DB) LinkKey(ctx context.Context) ([]byte, error) {
	var v string
	err := db.readRow(ctx, `SELECT value FROM settings WHERE key = 'link.key'`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		err = db.quietly(ctx, func(tx *Tx) error {
			if _, err := tx.exec(`INSERT INTO settings (key, value) VALUES ('link.key', ?) ON CONFLICT (key) DO NOTHING`,
				hex.EncodeToString(b)); err != nil {
				return err
			}
			return tx.row(`SELECT value FROM settings WHERE key = 'link.key'`).Scan(&v)
		})
	}
	if err != nil {
		return nil, err
	}
	return hex.DecodeString(v)
}
