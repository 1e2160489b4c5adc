package api

import (
	"encoding/base64"
	"strings"

	"github.com/wayfare-org/wayfare"
)

// Cursors are opaque to clients: the last id seen, tagged and encoded.
const cursorTag = "c1:"

func encodeCursor(id wayfare.ID) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorTag + id.String()))
}

func decodeCursor(s string) (wayfare.ID, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || !strings.HasPrefix(string(b), cursorTag) {
		return 0, wayfare.Errorf(wayfare.EINVALID, "bad cursor")
	}
	return wayfare.ParseID(strings.TrimPrefix(string(b), cursorTag))
}
