package webhooktest_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare/notifications/webhook"
	"github.com/wayfare-org/wayfare/notifications/webhook/webhooktest"
)

func send(t *testing.T, c *webhook.Client, secret, url, id string) webhook.Outcome {
	t.Helper()
	body := []byte(`{"type":"decision.made"}`)
	h, err := webhook.Headers(secret, webhook.Event{ID: id}, body, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return c.Deliver(context.Background(), url, body, h)
}

func TestScript(t *testing.T) {
	secret := webhook.NewSecret()
	r := webhooktest.New(t, secret)
	r.Script(500, webhooktest.Hang, 410, 429, 302, 200)
	c := webhook.NewClient(true, webhook.WithTimeout(200*time.Millisecond))
	var got []string
	for range 7 {
		o := send(t, c, secret, r.URL, "msg_1_1")
		got = append(got, fmt.Sprintf("%d %v %v %s", o.Status, o.OK, o.RetryAfter, o.Err))
	}
	want := []string{
		"500 false 0s status 500 Internal Server Error",
		"0 false 0s timeout after 200ms",
		"410 false 0s status 410 Gone",
		"429 false 1s status 429 Too Many Requests",
		"302 false 0s redirect not followed (302)",
		"200 true 0s ",
		"200 true 0s ", // the script is used up
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("outcomes\n%q\nwant\n%q", got, want)
	}
	if r.Total() != 7 || r.Distinct() != 1 || len(r.Accepted()) != 2 {
		t.Errorf("total %d, distinct %d, accepted %d; want 7, 1, 2", r.Total(), r.Distinct(), len(r.Accepted()))
	}
	for _, q := range r.Requests() {
		if q.Path == "/redirected" {
			t.Error("the redirect was followed")
		}
	}
	if reqs := r.Wait(t, 2, time.Second); len(reqs) != 2 || reqs[0].ID != "msg_1_1" || !reqs[0].Verified {
		t.Errorf("accepted %+v", reqs)
	}
}

func TestRefusesBadSignatures(t *testing.T) {
	secret := webhook.NewSecret()
	r := webhooktest.New(t, secret)
	r.Script(201)
	o := send(t, webhook.NewClient(true), webhook.NewSecret(), r.URL, "msg_1_1")
	if o.Status != http.StatusUnauthorized {
		t.Errorf("signed with another secret: %+v, want 401", o)
	}
	q := r.Requests()
	if len(q) != 1 || q[0].Verified || q[0].Err == nil {
		t.Fatalf("recorded %+v, want one unverified request", q)
	}
	// The refused request took no scripted reply: the 201 is still there.
	if o := send(t, webhook.NewClient(true), secret, r.URL, "msg_1_1"); o.Status != 201 {
		t.Errorf("signed with the secret: %+v, want the scripted 201", o)
	}
	unsigned := webhooktest.New(t, "")
	if o := webhook.NewClient(true).Deliver(context.Background(), unsigned.URL, []byte("{}"), nil); !o.OK {
		t.Errorf("a receiver without secret refused %+v", o)
	}
}

func TestDistinct(t *testing.T) {
	secret := webhook.NewSecret()
	r := webhooktest.New(t, secret)
	c := webhook.NewClient(true)
	for _, id := range []string{"msg_1_1", "msg_1_2", "msg_1_1", "msg_1_3", "msg_1_2"} {
		send(t, c, secret, r.URL, id)
	}
	if r.Total() != 5 || r.Distinct() != 3 {
		t.Errorf("total %d, distinct %d; want 5, 3", r.Total(), r.Distinct())
	}
}

func TestWaitForDeliveriesInFlight(t *testing.T) {
	secret := webhook.NewSecret()
	r := webhooktest.New(t, secret)
	r.ScriptReplies(webhooktest.Reply{Status: 200, Delay: 50 * time.Millisecond})
	c := webhook.NewClient(true)
	body := []byte("{}")
	for i := range 3 {
		h, err := webhook.Headers(secret, webhook.Event{ID: fmt.Sprint("msg_", i)}, body, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		go c.Deliver(context.Background(), r.URL, body, h)
	}
	if got := r.Wait(t, 3, 2*time.Second); len(got) != 3 {
		t.Errorf("waited for %d", len(got))
	}
}

// fatal records a Fatalf instead of ending the test.
type fatal struct {
	testing.TB
	msg string
}

func (f *fatal) Helper() {}

func (f *fatal) Fatalf(format string, args ...any) { f.msg = fmt.Sprintf(format, args...) }

func TestWaitTimesOut(t *testing.T) {
	r := webhooktest.New(t, "")
	r.Script(500)
	webhook.NewClient(true).Deliver(context.Background(), r.URL, []byte("{}"), nil)
	f := &fatal{TB: t}
	start := time.Now()
	if got := r.Wait(f, 1, 100*time.Millisecond); got != nil || f.msg == "" {
		t.Errorf("Wait returned %v and told %q, want a failure", got, f.msg)
	}
	if d := time.Since(start); d < 100*time.Millisecond || d > time.Second {
		t.Errorf("gave up after %s, want 100ms", d)
	}
}

func TestGivenUpIsNotAccepted(t *testing.T) {
	r := webhooktest.New(t, "")
	r.ScriptReplies(webhooktest.Reply{Status: 200, Delay: time.Second})
	c := webhook.NewClient(true, webhook.WithTimeout(100*time.Millisecond))
	if o := c.Deliver(context.Background(), r.URL, []byte("{}"), nil); o.OK {
		t.Fatalf("outcome %+v, want a timeout", o)
	}
	q := r.Requests()
	if len(q) != 1 || q[0].Status != 0 || len(r.Accepted()) != 0 {
		t.Errorf("recorded %+v, want one request not answered", q)
	}
}

func TestCloseReleasesHangs(t *testing.T) {
	r := webhooktest.New(t, "")
	r.Script(webhooktest.Hang)
	done := make(chan webhook.Outcome)
	go func() {
		done <- webhook.NewClient(true).Deliver(context.Background(), r.URL, []byte("{}"), nil)
	}()
	for r.Total() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	r.Close()
	select {
	case o := <-done:
		if o.OK || o.Status != 0 {
			t.Errorf("outcome %+v, want no answer", o)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Close left the request hanging")
	}
}
