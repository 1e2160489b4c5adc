package webhook_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/wayfare-org/wayfare/notifications/webhook"
	"github.com/wayfare-org/wayfare/notifications/webhook/webhooktest"
)

// testTimeout is the attempt's bound in these tests, so that a hang
// costs little.
const testTimeout = 300 * time.Millisecond

// deliver signs and delivers the standard body of event() to url.
func deliver(t *testing.T, c *webhook.Client, secret, url string) webhook.Outcome {
	t.Helper()
	body, _, err := webhook.Build(webhook.Standard, event())
	if err != nil {
		t.Fatal(err)
	}
	h, err := webhook.Headers(secret, event(), body, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return c.Deliver(context.Background(), url, body, h)
}

func TestDeliver(t *testing.T) {
	soon := time.Now().Add(3 * time.Second).UTC().Format(http.TimeFormat)
	for _, tc := range []struct {
		name  string
		reply webhooktest.Reply
		check func(t *testing.T, o webhook.Outcome)
	}{
		{"200", webhooktest.Reply{Status: 200, Body: "thanks"}, func(t *testing.T, o webhook.Outcome) {
			want(t, o.OK && o.Status == 200 && o.Err == "" && o.Excerpt == "thanks" && !o.Gone, o)
		}},
		{"204", webhooktest.Reply{Status: 204}, func(t *testing.T, o webhook.Outcome) {
			want(t, o.OK && o.Status == 204 && o.Err == "", o)
		}},
		{"500", webhooktest.Reply{Status: 500, Body: "boom", Header: http.Header{"Retry-After": {"7"}}}, func(t *testing.T, o webhook.Outcome) {
			want(t, !o.OK && o.Status == 500 && o.Err == "status 500 Internal Server Error" && o.Excerpt == "boom" && o.RetryAfter == 0, o)
		}},
		{"410", webhooktest.Reply{Status: 410}, func(t *testing.T, o webhook.Outcome) {
			want(t, !o.OK && o.Gone && o.Status == 410 && o.Err == "status 410 Gone", o)
		}},
		{"404 is not gone", webhooktest.Reply{Status: 404}, func(t *testing.T, o webhook.Outcome) {
			want(t, !o.OK && !o.Gone && o.Status == 404, o)
		}},
		{"429 retry after seconds", webhooktest.Reply{Status: 429, Header: http.Header{"Retry-After": {"1"}}}, func(t *testing.T, o webhook.Outcome) {
			want(t, !o.OK && o.Status == 429 && o.RetryAfter == time.Second, o)
		}},
		{"429 retry after a date", webhooktest.Reply{Status: 429, Header: http.Header{"Retry-After": {soon}}}, func(t *testing.T, o webhook.Outcome) {
			want(t, !o.OK && o.RetryAfter > time.Second && o.RetryAfter <= 3*time.Second, o)
		}},
		{"503 retry after seconds", webhooktest.Reply{Status: 503, Header: http.Header{"Retry-After": {"120"}}}, func(t *testing.T, o webhook.Outcome) {
			want(t, !o.OK && o.Status == 503 && o.RetryAfter == 2*time.Minute, o)
		}},
		{"429 without Retry-After", webhooktest.Reply{Status: 429}, func(t *testing.T, o webhook.Outcome) {
			want(t, !o.OK && o.RetryAfter == 0, o)
		}},
		{"hang", webhooktest.Reply{Hang: true}, func(t *testing.T, o webhook.Outcome) {
			want(t, !o.OK && o.Status == 0 && o.Err == "timeout after 300ms" && o.Latency >= testTimeout && o.Latency < 2*time.Second, o)
		}},
		{"slow", webhooktest.Reply{Status: 200, Delay: 100 * time.Millisecond}, func(t *testing.T, o webhook.Outcome) {
			want(t, o.OK && o.Latency >= 100*time.Millisecond && o.Latency < testTimeout, o)
		}},
		{"slower than the timeout", webhooktest.Reply{Status: 200, Delay: time.Second}, func(t *testing.T, o webhook.Outcome) {
			want(t, !o.OK && o.Status == 0 && strings.HasPrefix(o.Err, "timeout after"), o)
		}},
		{"long answer", webhooktest.Reply{Status: 400, Body: "x" + strings.Repeat("é", 1000)}, func(t *testing.T, o webhook.Outcome) {
			want(t, o.Excerpt == "x"+strings.Repeat("é", 127) && utf8.ValidString(o.Excerpt), o)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			secret := webhook.NewSecret()
			r := webhooktest.New(t, secret)
			r.ScriptReplies(tc.reply)
			o := deliver(t, webhook.NewClient(true, webhook.WithTimeout(testTimeout)), secret, r.URL)
			tc.check(t, o)
			reqs := r.Requests()
			if len(reqs) != 1 || !reqs[0].Verified || reqs[0].Method != http.MethodPost {
				t.Fatalf("received %+v, want one signed POST", reqs)
			}
			if ua := reqs[0].Header.Get("User-Agent"); ua != "Wayfare-Webhooks/1" {
				t.Errorf("User-Agent %q", ua)
			}
		})
	}
}

func want(t *testing.T, ok bool, o webhook.Outcome) {
	t.Helper()
	if !ok {
		t.Errorf("outcome %+v", o)
	}
}

func TestDeliverDoesNotFollowRedirects(t *testing.T) {
	for _, status := range []int{301, 302, 307, 308} {
		secret := webhook.NewSecret()
		target, r := webhooktest.New(t, ""), webhooktest.New(t, secret)
		r.ScriptReplies(webhooktest.Reply{Status: status, Header: http.Header{"Location": {target.URL + "/elsewhere"}}})
		o := deliver(t, webhook.NewClient(true), secret, r.URL)
		if o.OK || o.Status != status || o.Err != "redirect not followed ("+strconv.Itoa(status)+")" {
			t.Errorf("%d: outcome %+v", status, o)
		}
		if target.Conns() != 0 || target.Total() != 0 {
			t.Errorf("%d: the redirect's target got %d connections", status, target.Conns())
		}
	}
}

func TestDeliverKeepsConnectionsAlive(t *testing.T) {
	secret := webhook.NewSecret()
	r := webhooktest.New(t, secret)
	c := webhook.NewClient(true)
	for range 3 {
		if o := deliver(t, c, secret, r.URL); !o.OK {
			t.Fatalf("outcome %+v", o)
		}
	}
	if r.Conns() != 1 {
		t.Errorf("3 deliveries over %d connections, want 1", r.Conns())
	}
	if r.Total() != 3 || r.Distinct() != 1 {
		t.Errorf("received %d, %d distinct; want 3 of one message", r.Total(), r.Distinct())
	}
}

func TestDeliverCanceled(t *testing.T) {
	r := webhooktest.New(t, "")
	r.Script(webhooktest.Hang)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	o := webhook.NewClient(true).Deliver(ctx, r.URL, []byte("{}"), nil)
	if o.OK || o.Err != "canceled" {
		t.Errorf("outcome %+v, want canceled", o)
	}
}

func TestDeliverRefusesURLs(t *testing.T) {
	c := webhook.NewClient(true)
	for url, wantErr := range map[string]string{
		"ftp://example.com/x":          "invalid URL: must start with http:// or https://",
		"https://u:p@example.com/hook": "invalid URL: must not hold a user name or password",
		"":                             "invalid URL: is required",
	} {
		if o := c.Deliver(context.Background(), url, nil, nil); o.OK || o.Err != wantErr {
			t.Errorf("%q: outcome %+v, want %q", url, o, wantErr)
		}
	}
}
