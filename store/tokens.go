package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/ledger"
	"github.com/wayfare-org/wayfare/people"
)

// tokenPrefix marks Wayfare API tokens so that they are easy to spot.
const tokenPrefix = "wf_"

// tokenKind says what a token opens: the API, or SCIM provisioning.
type tokenKind string

const (
	apiToken  tokenKind = "api"
	scimToken tokenKind = "scim"
)

// newSecret returns a fresh token and the hash that is stored for it.
func newSecret(prefix string) (string, []byte, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", nil, err
	}
	token := prefix + base64.RawURLEncoding.EncodeToString(raw)
	sum := sha256.Sum256([]byte(token))
	return token, sum[:], nil
}

// CreateToken issues an API token and returns it with its secret, shown
// this once; only its hash is kept. A person makes their own; the command
// line (System) makes one for anyone; see people.AccountService.
func (db *DB) CreateToken(ctx context.Context, personID wayfare.ID, in people.NewToken) (*people.Token, error) {
	a := wayfare.ActorFrom(ctx)
	if err := requireSignedIn(a); err != nil {
		return nil, err
	}
	if personID == 0 {
		personID = a.PersonID
	}
	if !a.System && a.PersonID != personID {
		return nil, wayfare.Forbidden("own-tokens", "a token can be created only for oneself")
	}
	if err := in.Validate(db.now()); err != nil {
		return nil, err
	}
	return db.createToken(ctx, personID, apiToken, in)
}

// CreateSCIMToken issues a provisioning token for an active admin; see
// people.DirectoryService. An admin makes their own; the command line
// (System) makes one for any admin.
func (db *DB) CreateSCIMToken(ctx context.Context, ownerID wayfare.ID, in people.NewToken) (*people.Token, error) {
	a := wayfare.ActorFrom(ctx)
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	if ownerID == 0 {
		ownerID = a.PersonID
	}
	if !a.System && a.PersonID != ownerID {
		return nil, wayfare.Forbidden("own-tokens", "an admin makes provisioning tokens of their own only")
	}
	if err := in.Validate(db.now()); err != nil {
		return nil, err
	}
	return db.createToken(ctx, ownerID, scimToken, in)
}

func (db *DB) createToken(ctx context.Context, personID wayfare.ID, kind tokenKind, in people.NewToken) (*people.Token, error) {
	secret, hash, err := newSecret(tokenPrefix)
	if err != nil {
		return nil, err
	}
	t := &people.Token{PersonID: personID, Name: in.Name, Token: secret, ExpiresAt: in.ExpiresAt}
	err = db.update(ctx, func(tx *Tx) error {
		var status people.Status
		var admin bool
		err := tx.row(`SELECT status, admin FROM people WHERE id = ?`, personID).Scan(&status, &admin)
		if errors.Is(err, sql.ErrNoRows) {
			return wayfare.NotFound("person")
		} else if err != nil {
			return err
		}
		if status != people.Active {
			return wayfare.Conflict("deactivated", "a deactivated person cannot be given a token")
		}
		if kind == scimToken && !admin {
			return wayfare.Conflict("admin-configures", "a provisioning token acts as its owner, who must be an admin")
		}
		t.CreatedAt = tx.now
		if t.ID, err = tx.insert(`INSERT INTO api_tokens (hash, person_id, kind, name, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?)`, hash, personID, string(kind), in.Name, micros(tx.now), nullMicros(in.ExpiresAt)); err != nil {
			return err
		}
		// The act is about the token's owner: the token itself, once
		// revoked, leaves nothing behind but its hash's absence.
		return tx.act(ledger.TokenCreated, "person", personID, 0, map[string]any{"token_id": t.ID, "name": in.Name, "kind": kind})
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// Tokens lists a person's API tokens, newest first: one's own, or
// anyone's for admins and the command line.
func (db *DB) Tokens(ctx context.Context, f people.TokenFilter) ([]*people.Token, error) {
	a := wayfare.ActorFrom(ctx)
	if err := requireSignedIn(a); err != nil {
		return nil, err
	}
	if f.PersonID == 0 && !f.All {
		f.PersonID = a.PersonID
	}
	if f.All || f.PersonID != a.PersonID {
		if err := requireAdmin(a); err != nil {
			return nil, wayfare.Forbidden("own-tokens", "only an admin may see another person's tokens")
		}
	}
	return db.listTokens(ctx, apiToken, f.PersonID, f.All)
}

// SCIMTokens lists every provisioning token, newest first; see
// people.DirectoryService.
func (db *DB) SCIMTokens(ctx context.Context) ([]*people.Token, error) {
	if err := requireAdmin(wayfare.ActorFrom(ctx)); err != nil {
		return nil, err
	}
	return db.listTokens(ctx, scimToken, 0, true)
}

// listTokens lists the tokens of a kind, newest first: a person's, or
// everyone's.
func (db *DB) listTokens(ctx context.Context, kind tokenKind, personID wayfare.ID, everyone bool) ([]*people.Token, error) {
	q, args := `SELECT id, person_id, name, created_at, expires_at, last_used_at FROM api_tokens WHERE kind = ?`, []any{string(kind)}
	if !everyone {
		q, args = q+` AND person_id = ?`, append(args, personID)
	}
	rows, err := db.readQuery(ctx, q+` ORDER BY id DESC`, args...)
	out := []*people.Token{}
	err = scanEach(rows, err, func(rows *sql.Rows) error {
		t := &people.Token{}
		var created int64
		var expires, used sql.NullInt64
		if err := rows.Scan(&t.ID, &t.PersonID, &t.Name, &created, &expires, &used); err != nil {
			return err
		}
		t.CreatedAt, t.ExpiresAt, t.LastUsedAt = fromMicros(created), timePtr(expires), timePtr(used)
		out = append(out, t)
		return nil
	})
	return out, err
}

// RevokeToken ends a token at once, on every server: its owner or an
// admin may (ENOTFOUND for a token that is not there or not theirs).
func (db *DB) RevokeToken(ctx context.Context, id wayfare.ID) error {
	a := wayfare.ActorFrom(ctx)
	if err := requireSignedIn(a); err != nil {
		return err
	}
	return db.update(ctx, func(tx *Tx) error {
		var owner wayfare.ID
		var kind tokenKind
		var name string
		err := tx.row(`SELECT person_id, kind, name FROM api_tokens WHERE id = ?`, id).Scan(&owner, &kind, &name)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && owner != a.PersonID && !a.Admin && !a.System) {
			return wayfare.NotFound("token")
		} else if err != nil {
			return err
		}
		if _, err := tx.exec(`DELETE FROM api_tokens WHERE id = ?`, id); err != nil {
			return err
		}
		tx.rolesChanged = true
		return tx.act(ledger.TokenRevoked, "person", owner, 0, map[string]any{"token_id": id, "name": name, "kind": kind})
	})
}

// RevokeTokens ends every API token of a person; see
// people.AccountService. Provisioning tokens are left alone.
func (db *DB) RevokeTokens(ctx context.Context, personID wayfare.ID) (int, error) {
	a := wayfare.ActorFrom(ctx)
	if err := requireSignedIn(a); err != nil {
		return 0, err
	}
	if personID == 0 {
		personID = a.PersonID
	}
	if personID != a.PersonID && !a.Admin && !a.System {
		return 0, wayfare.Forbidden("own-tokens", "only an admin may end another person's tokens")
	}
	n := 0
	err := db.update(ctx, func(tx *Tx) error {
		n = 0
		rows, err := tx.query(`SELECT id, name FROM api_tokens WHERE person_id = ? AND kind = 'api' ORDER BY id`, personID)
		if err != nil {
			return err
		}
		type named struct {
			id   wayfare.ID
			name string
		}
		var ended []named
		for rows.Next() {
			var t named
			if err := rows.Scan(&t.id, &t.name); err != nil {
				rows.Close()
				return err
			}
			ended = append(ended, t)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, t := range ended {
			if _, err := tx.exec(`DELETE FROM api_tokens WHERE id = ?`, t.id); err != nil {
				return err
			}
			if err := tx.act(ledger.TokenRevoked, "person", personID, 0, map[string]any{"token_id": t.id, "name": t.name, "kind": apiToken}); err != nil {
				return err
			}
		}
		n = len(ended)
		if n > 0 {
			tx.rolesChanged = true
		}
		return nil
	})
	return n, err
}

// errBadToken is the one answer for a token that opens nothing: unknown,
// revoked, expired or its person deactivated.
var errBadToken = &wayfare.Error{Code: wayfare.EUNAUTHORIZED, Message: "the bearer token is not valid"}

// tokenEntry is what a process remembers of a token it has seen: valid
// while the authority version it was read at is current (see
// authority.go) and until it expires.
type tokenEntry struct {
	id      wayfare.ID
	actor   wayfare.Actor
	kind    tokenKind
	expires time.Time // zero: never
	roles   uint64
	used    atomic.Int64 // when its use was last recorded, in microseconds
}

// Authenticate returns the actor an API token stands for (EUNAUTHORIZED).
// What it reads is remembered only until the next change of authority
// anywhere (a revoked token, a deactivated person, a role or admin flag
// changed, by this process or another), so the hot path is a map look-up.
func (db *DB) Authenticate(ctx context.Context, token string) (wayfare.Actor, error) {
	e, err := db.token(ctx, token)
	if err != nil {
		return wayfare.Actor{}, err
	}
	if e.kind != apiToken {
		return wayfare.Actor{}, errBadToken
	}
	return e.actor, nil
}

// AuthenticateSCIM returns the actor a provisioning token stands for: its
// owner, while they are an active admin (EUNAUTHORIZED otherwise). Like
// Authenticate, it reads authority afresh after every change of it.
func (db *DB) AuthenticateSCIM(ctx context.Context, token string) (wayfare.Actor, error) {
	e, err := db.token(ctx, token)
	if err != nil {
		return wayfare.Actor{}, err
	}
	if e.kind != scimToken || !e.actor.Admin {
		return wayfare.Actor{}, errBadToken
	}
	return e.actor, nil
}

func (db *DB) token(ctx context.Context, token string) (*tokenEntry, error) {
	if !strings.HasPrefix(token, tokenPrefix) || len(token) > 100 {
		return nil, errBadToken
	}
	if err := db.Fence(ctx); err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(token))
	key := string(sum[:])
	now := db.now()
	// The version is read before the data: a change in between makes the
	// entry look older than it is, never newer.
	roles := db.rolesVersion.Load()
	if v, ok := db.tokens.Load(key); ok {
		e := v.(*tokenEntry)
		if e.roles == roles && (e.expires.IsZero() || now.Before(e.expires)) {
			db.tokenUsed(e, now)
			return e, nil
		}
		db.tokens.Delete(key)
	}
	e := &tokenEntry{roles: roles}
	var expires sql.NullInt64
	var status people.Status
	err := db.readRow(ctx, `SELECT t.id, t.kind, t.expires_at, p.id, p.admin, p.status FROM api_tokens t
		JOIN people p ON p.id = t.person_id WHERE t.hash = ?`, sum[:]).
		Scan(&e.id, &e.kind, &expires, &e.actor.PersonID, &e.actor.Admin, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errBadToken
	} else if err != nil {
		return nil, err
	}
	if expires.Valid {
		e.expires = fromMicros(expires.Int64)
	}
	if status != people.Active || (!e.expires.IsZero() && !now.Before(e.expires)) {
		return nil, errBadToken
	}
	if db.tokensLen.Add(1) > 100000 { // bound the memory: start afresh
		db.tokens.Clear()
		db.tokensLen.Store(0)
	}
	db.tokens.Store(key, e)
	db.tokenUsed(e, now)
	return e, nil
}

// tokenUseEvery is how precisely last_used_at follows a token's use.
const tokenUseEvery = time.Minute

// tokenUses holds the last uses of tokens not yet written; the authority
// watcher writes them in one transaction now and then, off the request's
// path.
type tokenUses struct {
	mu   sync.Mutex
	last map[wayfare.ID]int64
}

// tokenUsed notes that a token was used, at most once a minute per token.
func (db *DB) tokenUsed(e *tokenEntry, now time.Time) {
	t := micros(now)
	prev := e.used.Load()
	if t-prev < tokenUseEvery.Microseconds() || !e.used.CompareAndSwap(prev, t) {
		return
	}
	db.uses.mu.Lock()
	if db.uses.last == nil {
		db.uses.last = map[wayfare.ID]int64{}
	}
	db.uses.last[e.id] = t
	db.uses.mu.Unlock()
}

// flushTokenUses writes the tokens' last uses noted since the last flush.
func (db *DB) flushTokenUses(ctx context.Context) error {
	db.uses.mu.Lock()
	last := db.uses.last
	db.uses.last = nil
	db.uses.mu.Unlock()
	if len(last) == 0 {
		return nil
	}
	return db.update(ctx, func(tx *Tx) error {
		for id, t := range last {
			if _, err := tx.exec(`UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)`,
				t, id, t); err != nil {
				return err
			}
		}
		return nil
	})
}
