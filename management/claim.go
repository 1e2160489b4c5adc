package management

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"strconv"

	"github.com/wayfare-org/wayfare"
)

// An idea posted to an anonymous session names nobody where it is kept:
// no row, backup or log of Wayfare links it to its author. Its author
// holds a claim token instead, a random secret given once when the idea
// is posted; only the token's hash, bound to the author, is stored with
// the idea. Presenting the token marks the idea "mine" for its author and
// lets the author turn it into a pitch. Without the token nobody, the
// operator with the database included, can tell who wrote the idea.

// NewClaim returns a fresh claim token: 32 random bytes, base64url.
func NewClaim() string {
	return base64.RawURLEncoding.EncodeToString(randomBytes(32))
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand, Go 1.24 and later)
	return b
}

// ClaimHash is what is stored with an anonymous idea: the SHA-256 of the
// claim token bound to its author, so that the token alone, lost to
// someone else, claims nothing for them.
func ClaimHash(author wayfare.ID, token string) string {
	sum := sha256.Sum256([]byte("wayfare idea claim\x00" + strconv.FormatInt(int64(author), 10) + "\x00" + token))
	return hex.EncodeToString(sum[:])
}

// Authorship is what is stored of who wrote an idea: the author named in
// a session that is not anonymous, or the claim hash in one that is.
type Authorship struct {
	AuthorID  wayfare.ID
	ClaimHash string
}

// WrittenBy reports whether the person wrote the idea: the named author,
// or, in an anonymous session, a person presenting its claim token.
func (a Authorship) WrittenBy(person wayfare.ID, tokens []string) bool {
	if person == 0 {
		return false
	}
	if a.AuthorID != 0 {
		return a.AuthorID == person
	}
	if a.ClaimHash == "" {
		return false // an anonymous idea from before claims: nobody can claim it
	}
	for _, t := range tokens {
		if t != "" && subtle.ConstantTimeCompare([]byte(ClaimHash(person, t)), []byte(a.ClaimHash)) == 1 {
			return true
		}
	}
	return false
}

type claimsKey struct{}

// WithClaims returns a context that carries the claim tokens the reader
// holds, so that their anonymous ideas read as theirs.
func WithClaims(ctx context.Context, tokens []string) context.Context {
	return context.WithValue(ctx, claimsKey{}, tokens)
}

// ClaimsFrom returns the claim tokens of ctx.
func ClaimsFrom(ctx context.Context) []string {
	t, _ := ctx.Value(claimsKey{}).([]string)
	return t
}
