package webhook_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/wayfare-org/wayfare/notifications/webhook"
	"github.com/wayfare-org/wayfare/notifications/webhook/webhooktest"
)

// on returns the receiver's URL with its host replaced.
func on(t *testing.T, r *webhooktest.Receiver, host string) string {
	t.Helper()
	u, err := url.Parse(r.URL)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = host + ":" + u.Port()
	return u.String()
}

func TestDeliverGuard(t *testing.T) {
	for _, tc := range []struct {
		name         string
		host         string
		allowPrivate bool
		wantErr      string // "" for a delivery
	}{
		{"loopback refused", "127.0.0.1", false, "address 127.0.0.1 is loopback"},
		{"loopback allowed", "127.0.0.1", true, ""},
		{"a name that resolves to loopback", "localhost", false, "is loopback"},
		{"IPv4-mapped loopback", "[::ffff:127.0.0.1]", false, "address 127.0.0.1 is loopback"},
		{"IPv4-mapped loopback allowed", "[::ffff:127.0.0.1]", true, ""},
		{"metadata even when private is allowed", "169.254.169.254", true, "address 169.254.169.254 is a cloud metadata service"},
		{"link-local even when private is allowed", "169.254.10.10", true, "address 169.254.10.10 is link-local"},
		{"unspecified even when private is allowed", "0.0.0.0", true, "address 0.0.0.0 is unspecified"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			secret := webhook.NewSecret()
			r := webhooktest.New(t, secret)
			o := deliver(t, webhook.NewClient(tc.allowPrivate, webhook.WithTimeout(testTimeout)), secret, on(t, r, tc.host))
			if tc.wantErr == "" {
				if !o.OK || r.Total() != 1 {
					t.Fatalf("outcome %+v, %d received; want delivered", o, r.Total())
				}
				return
			}
			if o.OK || o.Status != 0 || !strings.Contains(o.Err, tc.wantErr) {
				t.Errorf("outcome %+v, want refused: %s", o, tc.wantErr)
			}
			if r.Conns() != 0 {
				t.Errorf("refused, yet %d connections reached the receiver", r.Conns())
			}
		})
	}
}

func TestCheckURL(t *testing.T) {
	for _, tc := range []struct {
		url          string
		allowPrivate bool
		ok           bool
	}{
		{"https://hooks.slack.com/services/T0/B0/x", false, true},
		{"http://example.com:8080/hook?x=1", false, true},
		{"HTTPS://EXAMPLE.COM/hook", false, true},
		{"https://8.8.8.8/hook", false, true},
		{"http://localhost/hook", false, true}, // a name: judged on the address it resolves to
		{"http://127.0.0.1:9000/hook", true, true},
		{"http://10.0.0.5/hook", true, true},
		{"http://[fd12::1]/hook", true, true},
		{"http://127.0.0.1:9000/hook", false, false},
		{"http://10.0.0.5/hook", false, false},
		{"http://192.168.0.10/hook", false, false},
		{"http://100.64.1.1/hook", false, false},
		{"http://[::1]/hook", false, false},
		{"http://[::ffff:10.0.0.1]/hook", false, false},
		{"http://[::ffff:127.0.0.1]/hook", false, false},
		{"http://169.254.169.254/latest/meta-data/", true, false},
		{"http://[fd00:ec2::254]/", true, false},
		{"http://100.100.100.200/", true, false},
		{"http://[fe80::1%25eth0]/", true, false},
		{"http://0.0.0.0/", true, false},
		{"http://224.0.0.1/", true, false},
		{"", false, false},
		{"example.com/hook", false, false},
		{"ftp://example.com/hook", false, false},
		{"javascript:alert(1)", false, false},
		{"file:///etc/passwd", false, false},
		{"https://", false, false},
		{"https:///path", false, false},
		{"https://user:secret@example.com/hook", false, false},
		{"https://user@example.com/hook", false, false},
		{"http://exa mple.com/", false, false},
		{"https://example.com/" + strings.Repeat("a", 2048), false, false},
	} {
		err := webhook.CheckURL(tc.url, tc.allowPrivate)
		if tc.ok && err != nil {
			t.Errorf("CheckURL(%q, %v): %v, want accepted", tc.url, tc.allowPrivate, err)
		}
		if !tc.ok && !isFieldError(err, "url") {
			t.Errorf("CheckURL(%q, %v): %v, want a url field error", tc.url, tc.allowPrivate, err)
		}
	}
}
