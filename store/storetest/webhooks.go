package storetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/notifications"
	"github.com/wayfare-org/wayfare/notifications/webhook"
	"github.com/wayfare-org/wayfare/notifications/webhook/webhooktest"
)

func (o *org) webhook(t *testing.T, url string, kinds ...string) *notifications.Webhook {
	t.Helper()
	h, err := o.db.CreateWebhook(asAdmin(o.admin), notifications.NewWebhook{URL: url, Kinds: kinds, AllowPrivate: true})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// testWebhooksDeliverOnce: an endpoint that fails, hangs and asks to wait
// gets the act in the end, once, signed; the log keeps every attempt.
func testWebhooksDeliverOnce(t *testing.T, o *org) {
	recv := webhooktest.New(t, "")
	hook := o.webhook(t, recv.URL, "ticket.bought")
	recv.SetSecret(hook.Secret)
	recv.Script(500, webhooktest.Hang, 429, 200)
	now := time.Now()
	w := newWorker(o, nil, func() time.Time { return now })
	hooks := &notifications.Hooks{Store: o.db, Facts: o.db.Facts(), Client: webhook.NewClient(true, webhook.WithTimeout(300*time.Millisecond)),
		BaseURL: "https://wayfare.example.test"}
	p := o.pitch(t, o.eng, o.exec, leadership.Proposal, 5)
	if _, _, err := o.db.BuyTicket(as(o.vp), p.ID); err != nil {
		t.Fatal(err)
	}
	cycle(t, w) // queues the purchase (and not the pitch: another verb)
	ctx := context.Background()
	for _, step := range []time.Duration{0, time.Second, 6 * time.Second, 6 * time.Minute, 31 * time.Minute, 3 * time.Hour} {
		now = now.Add(step)
		if err := hooks.RunDue(ctx, now); err != nil {
			t.Fatal(err)
		}
	}
	reqs := recv.Requests()
	if len(reqs) != 4 || recv.Distinct() != 1 {
		t.Fatalf("%d requests, %d distinct; want 4 tries of one delivery", len(reqs), recv.Distinct())
	}
	for _, r := range reqs {
		if !r.Verified {
			t.Fatalf("a request was not signed with the endpoint's secret: %v", r.Err)
		}
	}
	var body struct {
		Type string       `json:"type"`
		Data wayfare.Act  `json:"data"`
		At   time.Time    `json:"timestamp"`
		More *interface{} `json:"more"`
	}
	if err := json.Unmarshal(reqs[3].Body, &body); err != nil || body.Type != "ticket.bought" || body.Data.SubjectID != p.ID || body.Data.PersonID != o.vp {
		t.Fatalf("body = %s (%v)", reqs[3].Body, err)
	}
	log, err := o.db.WebhookAttempts(asAdmin(o.admin), hook.ID, wayfare.Page{})
	if err != nil || len(log) != 4 {
		t.Fatalf("log = %d, %v", len(log), err)
	}
	if log[0].Status != 200 || log[1].Status != 429 || log[2].Status != 0 || log[2].Error == "" || log[3].Status != 500 {
		t.Errorf("log, newest first: %+v %+v %+v %+v", log[0], log[1], log[2], log[3])
	}
	if _, err := o.db.WebhookAttempts(as(o.eng), hook.ID, wayfare.Page{}); code(err) != wayfare.EFORBIDDEN {
		t.Errorf("a non-admin read the log: %v", err)
	}
}

// testWebhookGoneIsDisabled: a 410 disables the endpoint, and the admins
// are told in their inbox.
func testWebhookGoneIsDisabled(t *testing.T, o *org) {
	recv := webhooktest.New(t, "")
	recv.Script(410)
	hook := o.webhook(t, recv.URL)
	w := newWorker(o, nil, time.Now)
	hooks := &notifications.Hooks{Store: o.db, Facts: o.db.Facts(), Client: webhook.NewClient(true)}
	o.pitch(t, o.eng, o.exec, leadership.Proposal, 5)
	cycle(t, w)
	if err := hooks.RunDue(context.Background(), time.Now()); err != nil {
		t.Fatal(err)
	}
	cycle(t, w) // the act that disabled it tells the admins
	before := recv.Total()
	hs, err := o.db.Webhooks(asAdmin(o.admin))
	if err != nil || len(hs) != 1 || hs[0].ID != hook.ID || hs[0].Enabled || hs[0].Disabled == "" || hs[0].Secret != "" {
		t.Fatalf("webhooks = %+v, %v", hs, err)
	}
	if got := inbox(t, o, o.admin); len(got) != 1 || got[0] != notifications.WebhookStopped {
		t.Errorf("admin's inbox = %v", got)
	}
	o.pitch(t, o.eng, o.exec, leadership.Proposal, 5)
	cycle(t, w)
	if err := hooks.RunDue(context.Background(), time.Now()); err != nil {
		t.Fatal(err)
	}
	if n := recv.Total(); n != before || n > 2 {
		t.Errorf("a disabled endpoint got %d requests after %d (the act that added it, the pitch)", n, before)
	}
	if _, err := o.db.CreateWebhook(as(o.eng), notifications.NewWebhook{URL: "https://example.test/x"}); code(err) != wayfare.EFORBIDDEN {
		t.Errorf("a non-admin registered a webhook: %v", err)
	}
	if _, err := o.db.CreateWebhook(asAdmin(o.admin), notifications.NewWebhook{URL: "http://169.254.169.254/latest", Format: "fax",
		Kinds: []string{"pitch.liked"}, AllowPrivate: true}); code(err) != wayfare.EINVALID {
		t.Errorf("bad webhook: %v", err)
	} else if e, _ := wayfare.AsError(err); len(e.All()) != 3 {
		t.Errorf("bad webhook names %d fields, want url, format and kinds: %v", len(e.All()), err)
	}
	if err := o.db.DeleteWebhook(asAdmin(o.admin), hook.ID); err != nil {
		t.Fatal(err)
	}
	if hs, _ := o.db.Webhooks(asAdmin(o.admin)); len(hs) != 0 {
		t.Errorf("after delete: %+v", hs)
	}
}
