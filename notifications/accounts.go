package notifications

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"time"
)

// Account links let a person set a password by e-mail: an invitation when
// an admin adds them, a reset when they forgot it.
const (
	LinkInvited = "invited"
	LinkReset   = "password_reset"
	// LinkLife is how long a link works; it works once.
	LinkLife = time.Hour
	// LinksPerHour bounds the links one person is sent in an hour.
	LinksPerHour = 3
)

// NewLinkToken returns a fresh link token and the hash that alone is kept.
func NewLinkToken() (token string, hash []byte) {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails: crypto/rand aborts the program instead
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, LinkHash(token)
}

// LinkHash is the hash a link token is kept as.
func LinkHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// AccountMail is what an account mail carries until it is sent (then it
// is wiped from the outbox).
type AccountMail struct {
	Kind  string `json:"kind"`
	Token string `json:"token"`
}
