package webhook_test

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare/notifications/webhook"
)

// The test vector of the Standard Webhooks specification.
const (
	specSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	specID     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	specTS     = 1614265330
	specBody   = `{"test": 2432232314}`
	specSig    = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func TestSign(t *testing.T) {
	for _, tc := range []struct {
		name, secret, id string
		ts               int64
		body, want       string
	}{
		{"specification vector", specSecret, specID, specTS, specBody, specSig},
		{"secret without prefix", strings.TrimPrefix(specSecret, "whsec_"), specID, specTS, specBody, specSig},
		{"another body", specSecret, specID, specTS, `{"test": 2432232315}`, ""},
		{"another id", specSecret, specID + "x", specTS, specBody, ""},
		{"another second", specSecret, specID, specTS + 1, specBody, ""},
	} {
		got, err := webhook.Sign(tc.secret, tc.id, time.Unix(tc.ts, 0), []byte(tc.body))
		switch {
		case err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && got != tc.want:
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		case tc.want == "" && (got == specSig || !strings.HasPrefix(got, "v1,")):
			t.Errorf("%s: %s, want another v1 signature", tc.name, got)
		}
	}
	for _, bad := range []struct{ secret, id string }{{"whsec_not base64!", specID}, {"whsec_", specID}, {specSecret, ""}} {
		if sig, err := webhook.Sign(bad.secret, bad.id, time.Unix(specTS, 0), nil); err == nil {
			t.Errorf("Sign(%q, %q) = %s, want an error", bad.secret, bad.id, sig)
		}
	}
}

func specHeader(ts int64, sig string) http.Header {
	h := http.Header{}
	h.Set("webhook-id", specID)
	h.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	h.Set("webhook-signature", sig)
	return h
}

func TestVerify(t *testing.T) {
	at := time.Unix(specTS, 0)
	other, _ := webhook.Sign(webhook.NewSecret(), specID, at, []byte(specBody))
	for _, tc := range []struct {
		name      string
		h         http.Header
		body      string
		tolerance time.Duration
		now       time.Time
		want      error
	}{
		{"specification vector", specHeader(specTS, specSig), specBody, 0, at, nil},
		{"4 minutes late", specHeader(specTS, specSig), specBody, 0, at.Add(4 * time.Minute), nil},
		{"several signatures, the good one last", specHeader(specTS, other+" v1,AAAA "+specSig), specBody, 0, at, nil},
		{"several signatures, none good", specHeader(specTS, other+" v1,AAAA"), specBody, 0, at, webhook.ErrSignature},
		{"good signature of another version", specHeader(specTS, "v1a,"+strings.TrimPrefix(specSig, "v1,")), specBody, 0, at, webhook.ErrSignature},
		{"signature without version", specHeader(specTS, strings.TrimPrefix(specSig, "v1,")), specBody, 0, at, webhook.ErrSignature},
		{"tampered body", specHeader(specTS, specSig), `{"test": 2432232315}`, 0, at, webhook.ErrSignature},
		{"tampered id", withHeader(specHeader(specTS, specSig), "webhook-id", specID+"x"), specBody, 0, at, webhook.ErrSignature},
		{"tampered timestamp", specHeader(specTS+1, specSig), specBody, 0, at, webhook.ErrSignature},
		{"old timestamp", specHeader(specTS, specSig), specBody, 0, at.Add(6 * time.Minute), webhook.ErrTimestamp},
		{"future timestamp", specHeader(specTS, specSig), specBody, 0, at.Add(-6 * time.Minute), webhook.ErrTimestamp},
		{"tighter tolerance", specHeader(specTS, specSig), specBody, time.Minute, at.Add(2 * time.Minute), webhook.ErrTimestamp},
		{"timestamp in milliseconds", specHeader(specTS*1000, specSig), specBody, 0, at, webhook.ErrTimestamp},
		{"timestamp not a number", withHeader(specHeader(specTS, specSig), "webhook-timestamp", "soon"), specBody, 0, at, webhook.ErrTimestamp},
		{"no id", withHeader(specHeader(specTS, specSig), "webhook-id", ""), specBody, 0, at, webhook.ErrMissingHeader},
		{"no signature", withHeader(specHeader(specTS, specSig), "webhook-signature", ""), specBody, 0, at, webhook.ErrMissingHeader},
	} {
		err := webhook.Verify(specSecret, tc.h, []byte(tc.body), tc.tolerance, tc.now)
		if (tc.want == nil && err != nil) || (tc.want != nil && !errors.Is(err, tc.want)) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	if err := webhook.Verify(webhook.NewSecret(), specHeader(specTS, specSig), []byte(specBody), 0, at); !errors.Is(err, webhook.ErrSignature) {
		t.Errorf("another secret: %v, want ErrSignature", err)
	}
}

func withHeader(h http.Header, k, v string) http.Header {
	h.Set(k, v)
	return h
}

func TestNewSecret(t *testing.T) {
	a, b := webhook.NewSecret(), webhook.NewSecret()
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(a, "whsec_"))
	if !strings.HasPrefix(a, "whsec_") || err != nil || len(key) < 24 || len(key) > 64 {
		t.Fatalf("secret %q: %d bytes, %v; want whsec_ and 24 to 64 bytes in base64", a, len(key), err)
	}
	if a == b {
		t.Fatal("two secrets alike")
	}
}

func TestHeaders(t *testing.T) {
	secret, ev, body := webhook.NewSecret(), event(), []byte(`{"x":1}`)
	now := time.Unix(1772357999, 0) // the attempt, later than the act
	h, err := webhook.Headers(secret, ev, body, now)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"webhook-id": ev.ID, "webhook-timestamp": "1772357999",
		"Content-Type": "application/json", "User-Agent": "Wayfare-Webhooks/1",
	}
	for k, v := range want {
		if h.Get(k) != v {
			t.Errorf("%s: %q, want %q", k, h.Get(k), v)
		}
	}
	if err := webhook.Verify(secret, h, body, 0, now.Add(time.Second)); err != nil {
		t.Errorf("a receiver refuses our own headers: %v", err)
	}
	if err := webhook.Verify(secret, h, body, 0, ev.Timestamp); !errors.Is(err, webhook.ErrTimestamp) {
		t.Errorf("signed at the act's time rather than the attempt's: %v", err)
	}
	ev.ID = ""
	if _, err := webhook.Headers(secret, ev, body, now); err == nil {
		t.Error("headers for an event without id")
	}
	if _, err := webhook.Headers("whsec_!!", event(), body, now); err == nil {
		t.Error("headers with a broken secret")
	}
}
