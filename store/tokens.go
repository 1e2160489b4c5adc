package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"strings"

	"github.com/wayfare-org/wayfare"
)

// tokenPrefix marks Wayfare API tokens so that they are easy to spot.
const tokenPrefix = "wf_"

// CreateToken issues a new API token for a person and returns it; only
// its hash is stored. The command line (System) or the person may do it.
func (db *DB) CreateToken(ctx context.Context, personID wayfare.ID) (string, error) {
	a := wayfare.ActorFrom(ctx)
	if !a.System && a.PersonID != personID {
		return "", wayfare.Forbidden("own-tokens", "a token can be created only for oneself")
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	token := tokenPrefix + base64.RawURLEncoding.EncodeToString(raw)
	sum := sha256.Sum256([]byte(token))
	err := db.update(ctx, func(tx *Tx) error {
		var ok bool
		if err := tx.row(`SELECT EXISTS (SELECT 1 FROM people WHERE id = ?)`, personID).Scan(&ok); err != nil {
			return err
		}
		if !ok {
			return wayfare.NotFound("person")
		}
		_, err := tx.exec(`INSERT INTO tokens (hash, person_id, created_at) VALUES (?, ?, ?)`, sum[:], personID, micros(tx.now))
		return err
	})
	return token, err
}

// Authenticate returns the actor a token stands for (EUNAUTHORIZED).
// Answers are cached: a token maps to the same person for its lifetime.
func (db *DB) Authenticate(ctx context.Context, token string) (wayfare.Actor, error) {
	if !strings.HasPrefix(token, tokenPrefix) || len(token) > 100 {
		return wayfare.Actor{}, &wayfare.Error{Code: wayfare.EUNAUTHORIZED, Message: "the bearer token is not valid"}
	}
	sum := sha256.Sum256([]byte(token))
	key := string(sum[:])
	if a, ok := db.tokens.Load(key); ok {
		return a.(wayfare.Actor), nil
	}
	var a wayfare.Actor
	err := db.readRow(ctx, `SELECT p.id, p.admin FROM tokens t JOIN people p ON p.id = t.person_id WHERE t.hash = ?`,
		sum[:]).Scan(&a.PersonID, &a.Admin)
	if errors.Is(err, sql.ErrNoRows) {
		return wayfare.Actor{}, &wayfare.Error{Code: wayfare.EUNAUTHORIZED, Message: "the bearer token is not valid"}
	} else if err != nil {
		return wayfare.Actor{}, err
	}
	db.tokens.Store(key, a)
	return a, nil
}
