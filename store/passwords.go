package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/ledger"
	"github.com/wayfare-org/wayfare/people"
)

// SetPassword stores a password hash (made by people.HashPassword) for a
// person and moves their session epoch, which ends their browser sessions
// signed in before. The command line, an admin or the person may do it;
// the ledger records who set it (never the password).
func (db *DB) SetPassword(ctx context.Context, personID wayfare.ID, hash string) error {
	a := wayfare.ActorFrom(ctx)
	if !a.System && !a.Admin && a.PersonID != personID {
		return wayfare.Forbidden("own-password", "only the person or an admin may set a password")
	}
	return db.update(ctx, func(tx *Tx) error {
		res, err := tx.exec(`UPDATE people SET password_hash = ?, session_epoch = session_epoch + 1 WHERE id = ?`, hash, personID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return wayfare.NotFound("person")
		}
		tx.rolesChanged = true // who is signed in is read again
		return tx.act(ledger.PasswordSet, "person", personID, 0, nil)
	})
}

// Credentials returns the actor and the password hash for an e-mail
// address, for signing in; ENOTFOUND when no active person has that
// address (a deactivated person cannot sign in).
func (db *DB) Credentials(ctx context.Context, email string) (wayfare.Actor, string, error) {
	var a wayfare.Actor
	var hash string
	err := db.readRow(ctx, `SELECT id, admin, password_hash FROM people WHERE email = ? AND status = 'active'`,
		strings.ToLower(strings.TrimSpace(email))).Scan(&a.PersonID, &a.Admin, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return a, "", wayfare.NotFound("person")
	}
	return a, hash, err
}

// SignedIn returns the person of a signed-in session (without their
// groups) and the actor they are, in one query.
func (db *DB) SignedIn(ctx context.Context, personID wayfare.ID) (*people.Person, wayfare.Actor, error) {
	var epoch int
	// From the primary: authority is never read from a replica.
	p, err := scanPerson(db.read.QueryRowContext(ctx, db.d.sql(`SELECT `+personCols+`, p.session_epoch FROM people p WHERE p.id = ?`), int64(personID)), &epoch)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wayfare.Actor{}, &wayfare.Error{Code: wayfare.EUNAUTHORIZED, Message: "the signed-in person no longer exists"}
	} else if err != nil {
		return nil, wayfare.Actor{}, err
	}
	if p.Status != people.Active {
		return nil, wayfare.Actor{}, &wayfare.Error{Code: wayfare.EUNAUTHORIZED, Message: "the signed-in person has been deactivated"}
	}
	p.SessionEpoch = epoch
	return p, wayfare.Actor{PersonID: p.ID, Admin: p.Admin}, nil
}
