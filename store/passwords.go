package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/people"
)

// SetPassword stores a password hash (made by people.HashPassword) for a
// person. The command line, an admin or the person may do it.
func (db *DB) SetPassword(ctx context.Context, personID wayfare.ID, hash string) error {
	a := wayfare.ActorFrom(ctx)
	if !a.System && !a.Admin && a.PersonID != personID {
		return wayfare.Forbidden("own-password", "only the person or an admin may set a password")
	}
	return db.update(ctx, func(tx *Tx) error {
		res, err := tx.exec(`UPDATE people SET password_hash = ? WHERE id = ?`, hash, personID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return wayfare.NotFound("person")
		}
		return nil
	})
}

// Credentials returns the actor and the password hash for an e-mail
// address, for signing in; ENOTFOUND when nobody has that address.
func (db *DB) Credentials(ctx context.Context, email string) (wayfare.Actor, string, error) {
	var a wayfare.Actor
	var hash string
	err := db.readRow(ctx, `SELECT id, admin, password_hash FROM people WHERE email = ?`,
		strings.ToLower(strings.TrimSpace(email))).Scan(&a.PersonID, &a.Admin, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return a, "", wayfare.NotFound("person")
	}
	return a, hash, err
}

// SignedIn returns the person of a signed-in session (without their
// groups) and the actor they are, in one query.
func (db *DB) SignedIn(ctx context.Context, personID wayfare.ID) (*people.Person, wayfare.Actor, error) {
	p, err := db.PersonBrief(ctx, personID)
	if wayfare.ErrorCode(err) == wayfare.ENOTFOUND {
		return nil, wayfare.Actor{}, &wayfare.Error{Code: wayfare.EUNAUTHORIZED, Message: "the signed-in person no longer exists"}
	} else if err != nil {
		return nil, wayfare.Actor{}, err
	}
	return p, wayfare.Actor{PersonID: p.ID, Admin: p.Admin}, nil
}
