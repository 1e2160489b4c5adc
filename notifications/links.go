package notifications

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"

	"github.com/wayfare-org/wayfare"
)

// UnsubscribeToken returns the token of a person's unsubscribe link:
// their id and a signature by the organization's link key, so that the
// link works without signing in and cannot be made for someone else.
func UnsubscribeToken(key []byte, personID wayfare.ID) string {
	b := binary.AppendUvarint(nil, uint64(personID))
	return base64.RawURLEncoding.EncodeToString(append(b, unsubscribeMAC(key, b)...))
}

// ParseUnsubscribe returns the person an unsubscribe token names, or
// false when the token is not one the key signed.
func ParseUnsubscribe(key []byte, token string) (wayfare.ID, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) > 64 {
		return 0, false
	}
	id, n := binary.Uvarint(raw)
	if n <= 0 || id == 0 || id > 1<<62 {
		return 0, false
	}
	if !hmac.Equal(raw[n:], unsubscribeMAC(key, raw[:n])) {
		return 0, false
	}
	return wayfare.ID(id), true
}

func unsubscribeMAC(key, id []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("wayfare unsubscribe\x00"))
	m.Write(id)
	return m.Sum(nil)[:16]
}
