package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The headers of the Standard Webhooks specification, and ours.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
	UserAgent       = "Wayfare-Webhooks/1"
)

// secretPrefix starts every secret, as the specification recommends.
const secretPrefix = "whsec_"

// secretBytes is the size of a new secret's key (the specification asks
// for 24 to 64 bytes).
const secretBytes = 32

// DefaultTolerance is how far a timestamp may be from the receiver's clock
// when Verify is given no tolerance.
const DefaultTolerance = 5 * time.Minute

// Errors of Verify; the error returned wraps one of them.
var (
	ErrMissingHeader = errors.New("webhook: missing header")
	ErrTimestamp     = errors.New("webhook: timestamp outside tolerance")
	ErrSignature     = errors.New("webhook: no matching signature")
)

// NewSecret returns a new signing secret: "whsec_" and the base64 of 32
// random bytes.
func NewSecret() string {
	b := make([]byte, secretBytes)
	_, _ = rand.Read(b) // never fails (crypto/rand aborts the program instead)
	return secretPrefix + base64.StdEncoding.EncodeToString(b)
}

// key returns the HMAC key of a secret: the base64 after "whsec_" (the
// prefix may be left out, as the reference libraries allow).
func key(secret string) ([]byte, error) {
	k, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, secretPrefix))
	if err != nil {
		return nil, fmt.Errorf("webhook: secret is not whsec_ and base64: %w", err)
	}
	if len(k) == 0 {
		return nil, errors.New("webhook: secret is empty")
	}
	return k, nil
}

// mac returns HMAC-SHA256(key, id + "." + unix seconds + "." + body).
func mac(k []byte, id string, unix int64, body []byte) []byte {
	m := hmac.New(sha256.New, k)
	m.Write([]byte(id))
	m.Write([]byte{'.'})
	m.Write(strconv.AppendInt(nil, unix, 10))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// Sign returns the signature of a message as the webhook-signature header
// carries it: "v1," and the base64 of the HMAC-SHA256 of id, the unix
// seconds of ts and the body, joined by dots.
func Sign(secret, id string, ts time.Time, body []byte) (string, error) {
	if id == "" {
		return "", errors.New("webhook: message has no id")
	}
	k, err := key(secret)
	if err != nil {
		return "", err
	}
	return "v1," + base64.StdEncoding.EncodeToString(mac(k, id, ts.Unix(), body)), nil
}

// Headers returns the headers of one attempt to deliver body for ev:
// webhook-id (ev.ID, the same on every attempt), webhook-timestamp (now,
// the attempt's time), webhook-signature, Content-Type and User-Agent.
func Headers(secret string, ev Event, body []byte, now time.Time) (http.Header, error) {
	sig, err := Sign(secret, ev.ID, now, body)
	if err != nil {
		return nil, err
	}
	h := make(http.Header, 5)
	h.Set(HeaderID, ev.ID)
	h.Set(HeaderTimestamp, strconv.FormatInt(now.Unix(), 10))
	h.Set(HeaderSignature, sig)
	h.Set("Content-Type", ContentType)
	h.Set("User-Agent", UserAgent)
	return h, nil
}

// Verify checks a received message as a receiver does: its timestamp must
// be within tolerance of now (DefaultTolerance when tolerance is not
// positive), and one of the space-separated v1 signatures must match.
// Signatures are compared in constant time; other versions are ignored.
func Verify(secret string, h http.Header, body []byte, tolerance time.Duration, now time.Time) error {
	id, ts, sigs := h.Get(HeaderID), h.Get(HeaderTimestamp), h.Get(HeaderSignature)
	for _, name := range []string{HeaderID, HeaderTimestamp, HeaderSignature} {
		if h.Get(name) == "" {
			return fmt.Errorf("%w: %s", ErrMissingHeader, name)
		}
	}
	unix, err := checkTimestamp(ts, tolerance, now)
	if err != nil {
		return err
	}
	k, err := key(secret)
	if err != nil {
		return err
	}
	want := mac(k, id, unix, body)
	for _, s := range strings.Fields(sigs) {
		version, sig, ok := strings.Cut(s, ",")
		if !ok || version != "v1" {
			continue
		}
		got, err := base64.StdEncoding.DecodeString(sig)
		if err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return ErrSignature
}

// checkTimestamp reads a webhook-timestamp and refuses one too far from
// now, either way.
func checkTimestamp(ts string, tolerance time.Duration, now time.Time) (int64, error) {
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: %q is not unix seconds", ErrTimestamp, ts)
	}
	off := now.Sub(time.Unix(unix, 0))
	if off > tolerance || off < -tolerance {
		return 0, fmt.Errorf("%w: %s off", ErrTimestamp, off.Round(time.Second))
	}
	return unix, nil
}
