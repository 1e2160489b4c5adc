package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/ledger"
	"github.com/wayfare-org/wayfare/notifications"
)

// RequestLink sends an active person a single-use link to set their
// password (kind notifications.LinkReset or LinkInvited). It does the same
// work whether or not the address is known, and says nothing about it:
// an unknown address, a deactivated person or one sent too many links in
// the last hour get no mail, and no error.
func (db *DB) RequestLink(ctx context.Context, email, kind string) error {
	if kind != notifications.LinkReset && kind != notifications.LinkInvited {
		return wayfare.FieldError("kind", "must be invited or password_reset")
	}
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" || len(email) > 320 || !strings.Contains(email, "@") {
		return wayfare.FieldError("email", "must be an e-mail address")
	}
	token, hash := notifications.NewLinkToken()
	return db.quietly(ctx, func(tx *Tx) error {
		var id wayfare.ID
		err := tx.row(`SELECT id FROM people WHERE email = ? AND status = 'active'`, email).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return err
		}
		return tx.sendLink(id, kind, token, hash)
	})
}

// Invite sends a person an invitation: an admin's act.
func (db *DB) Invite(ctx context.Context, personID wayfare.ID) error {
	if err := requireAdmin(wayfare.ActorFrom(ctx)); err != nil {
		return err
	}
	token, hash := notifications.NewLinkToken()
	return db.update(ctx, func(tx *Tx) error {
		var status string
		if err := tx.row(`SELECT status FROM people WHERE id = ?`, personID).Scan(&status); errors.Is(err, sql.ErrNoRows) {
			return wayfare.NotFound("person")
		} else if err != nil {
			return err
		}
		if status != "active" {
			return wayfare.Conflict("deactivated", "a deactivated person cannot be invited")
		}
		return tx.sendLink(personID, notifications.LinkInvited, token, hash)
	})
}

func (tx *Tx) sendLink(personID wayfare.ID, kind, token string, hash []byte) error {
	var recent int
	if err := tx.row(`SELECT count(*) FROM account_links WHERE person_id = ? AND created_at > ?`,
		personID, micros(tx.now.Add(-time.Hour))).Scan(&recent); err != nil {
		return err
	}
	if recent >= notifications.LinksPerHour {
		return nil
	}
	if _, err := tx.exec(`INSERT INTO account_links (hash, person_id, kind, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		hash, personID, kind, micros(tx.now), micros(tx.now.Add(notifications.LinkLife))); err != nil {
		return err
	}
	payload, err := json.Marshal(notifications.AccountMail{Kind: kind, Token: token})
	if err != nil {
		return err
	}
	_, err = tx.exec(`INSERT INTO mail_outbox (person_id, kind, period, payload, due_at, created_at) VALUES (?, 'account', ?, ?, ?, ?)`,
		personID, kind, string(payload), micros(tx.now), micros(tx.now))
	return err
}

// Link returns the person and kind of a link that still works.
func (db *DB) Link(ctx context.Context, token string) (wayfare.ID, string, error) {
	var id wayfare.ID
	var kind string
	err := db.readRow(ctx, `SELECT l.person_id, l.kind FROM account_links l JOIN people p ON p.id = l.person_id
		WHERE l.hash = ? AND l.used_at IS NULL AND l.expires_at > ? AND p.status = 'active'`,
		notifications.LinkHash(token), micros(db.now())).Scan(&id, &kind)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", wayfare.NotFound("link (it has been used, or has expired)")
	}
	return id, kind, err
}

// UseLink sets the password of the link's person (a hash made by
// people.HashPassword) and uses the link up, at most once: every session
// of theirs ends, and their other links stop working.
func (db *DB) UseLink(ctx context.Context, token, passwordHash string) (wayfare.ID, error) {
	var id wayfare.ID
	err := db.update(wayfare.WithActor(ctx, wayfare.Actor{System: true}), func(tx *Tx) error {
		err := tx.row(`UPDATE account_links SET used_at = ? WHERE hash = ? AND used_at IS NULL AND expires_at > ?
			AND person_id IN (SELECT id FROM people WHERE status = 'active') RETURNING person_id`,
			micros(tx.now), notifications.LinkHash(token), micros(tx.now)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return wayfare.NotFound("link (it has been used, or has expired)")
		} else if err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE account_links SET used_at = ? WHERE person_id = ? AND used_at IS NULL`, micros(tx.now), id); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE people SET password_hash = ?, session_epoch = session_epoch + 1 WHERE id = ?`, passwordHash, id); err != nil {
			return err
		}
		tx.rolesChanged = true
		return tx.actBy(id, ledger.PasswordSet, "person", id, 0, map[string]any{"by": "link"})
	})
	return id, err
}
