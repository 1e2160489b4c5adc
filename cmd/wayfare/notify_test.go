package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/notifications"
	"github.com/wayfare-org/wayfare/notifications/mail/mailtest"
	"github.com/wayfare-org/wayfare/notifications/webhook/webhooktest"
	"github.com/wayfare-org/wayfare/people"
	"github.com/wayfare-org/wayfare/store"
)

// linkIn returns the first link under base+prefix in a mail's text.
func linkIn(t *testing.T, m mailtest.Received, base, prefix string) string {
	t.Helper()
	re := regexp.MustCompile(regexp.QuoteMeta(base+prefix) + `[A-Za-z0-9_\-]+`)
	link := re.FindString(m.Text)
	if link == "" {
		t.Fatalf("no %s link in:\n%s", prefix, m.Text)
	}
	return link
}

// form posts a form without following redirects.
func form(t *testing.T, c *http.Client, u string, v url.Values) *http.Response {
	t.Helper()
	res, err := c.PostForm(u, v)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

func noRedirects() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// TestMailAndWebhooksFromTheServer runs the server with a real SMTP server
// and a webhook receiver: an invitation sets a password once, a reset link
// works once, a manager is mailed (after the mail delay) that a pitch waits,
// the unsubscribe link in that mail stops the mail, and a chat endpoint
// gets the purchase signed.
func TestMailAndWebhooksFromTheServer(t *testing.T) {
	dir := t.TempDir()
	o := e2eSeed(t, dir, 3)
	smtp := mailtest.Start(t)
	recv := webhooktest.New(t, "")
	ctx := system(context.Background())
	db, err := store.Open(ctx, store.Config{Path: filepath.Join(dir, "wayfare.db")})
	if err != nil {
		t.Fatal(err)
	}
	admin, err := db.CreatePerson(ctx, people.NewPerson{Name: "Ada Admin", Email: "ada@example.test", Admin: true})
	if err != nil {
		t.Fatal(err)
	}
	adminTok, err := db.CreateToken(ctx, admin.ID, people.NewToken{Name: "tests"})
	if err != nil {
		t.Fatal(err)
	}
	newcomer, err := db.CreatePerson(ctx, people.NewPerson{Name: "Nia New", Email: "nia@example.test"})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	base, _ := e2eServeWith(t, dir, map[string]string{"WAYFARE_SMTP_URL": smtp.URL(), "WAYFARE_MAIL_FROM": "Wayfare <wayfare@example.test>",
		"WAYFARE_MAIL_DELAY": "300ms", "WAYFARE_WEBHOOK_ALLOW_PRIVATE": "1"}, "--base-url", "http://wayfare.example.test")
	const site = "http://wayfare.example.test"

	// A webhook for purchases, registered through the API.
	var hook struct {
		ID     wayfare.ID `json:"id"`
		Secret string     `json:"secret"`
	}
	if code := call(t, adminTok.Token, "POST", base+"/api/v1/webhooks", `{"url":"`+recv.URL+`/hook","format":"standard","kinds":["ticket.bought"]}`, &hook); code != 201 || hook.Secret == "" {
		t.Fatalf("webhook: %d %+v", code, hook)
	}
	recv.SetSecret(hook.Secret)

	// The invitation: its link sets a password once.
	if code := call(t, adminTok.Token, "POST", fmt.Sprintf("%s/api/v1/people/%d/invitation", base, newcomer.ID), "", nil); code != 202 {
		t.Fatalf("invite: %d", code)
	}
	invite := smtp.Wait(t, 1, 10*time.Second)[0]
	if invite.To[0] != "nia@example.test" || !strings.Contains(invite.Subject(), "invited") && !strings.Contains(invite.Subject(), "Invit") {
		t.Fatalf("invitation: %v %q", invite.To, invite.Subject())
	}
	link := strings.Replace(linkIn(t, invite, site, "/invite/"), site, base, 1)
	c := noRedirects()
	pw := url.Values{"new_password": {"a brand new password"}, "confirm_password": {"a brand new password"}}
	if res := form(t, c, link, pw); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("using the invitation: %d", res.StatusCode)
	}
	if res := form(t, c, link, pw); res.StatusCode != http.StatusNotFound {
		t.Fatalf("using the invitation twice: %d", res.StatusCode)
	}
	if res := form(t, c, base+"/login", url.Values{"email": {"nia@example.test"}, "password": {"a brand new password"}}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Fatalf("sign-in with the invited password: %d %s", res.StatusCode, res.Header.Get("Location"))
	}

	// A reset: the same answer for an unknown address; the link works once.
	for _, email := range []string{"nia@example.test", "nobody@example.test"} {
		res, err := http.Post(base+"/api/v1/password-resets", "application/json", strings.NewReader(`{"email":"`+email+`"}`))
		if err != nil || res.StatusCode != 202 {
			t.Fatalf("reset for %s: %v %v", email, res, err)
		}
		res.Body.Close()
	}
	var reset mailtest.Received
	deadline := time.Now().Add(10 * time.Second)
	for reset.Data == nil && time.Now().Before(deadline) {
		for _, m := range smtp.Messages() {
			if strings.Contains(m.Text, site+"/reset/") {
				reset = m
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(reset.To) == 0 || reset.To[0] != "nia@example.test" {
		t.Fatalf("reset went to %v", reset.To)
	}
	link = strings.Replace(linkIn(t, reset, site, "/reset/"), site, base, 1)
	pw = url.Values{"new_password": {"another new password"}, "confirm_password": {"another new password"}}
	if res := form(t, noRedirects(), link, pw); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reset: %d", res.StatusCode)
	}
	if res := form(t, noRedirects(), link, pw); res.StatusCode != http.StatusNotFound {
		t.Fatalf("reset twice: %d", res.StatusCode)
	}
	time.Sleep(500 * time.Millisecond)
	links := 0
	for _, m := range smtp.Messages() {
		if m.To[0] == "nobody@example.test" {
			t.Fatal("a mail went to an address no account has")
		}
		if m.To[0] == "nia@example.test" && (strings.Contains(m.Text, "/reset/") || strings.Contains(m.Text, "/invite/")) {
			links++
		}
	}
	if links != 2 {
		t.Fatalf("%d link mails, want the invitation and one reset", links)
	}

	// Three tickets for the manager's group: the manager is mailed.
	var pitch struct {
		ID wayfare.ID `json:"id"`
	}
	body := fmt.Sprintf(`{"group_id":"%d","kind":"proposal","title":"Quiet Fridays","status_quo":"Meetings all week.","better_way":"No meetings on Fridays.","tickets_wanted":3}`, o.group)
	if code := call(t, o.people[0], "POST", base+"/api/v1/pitches", body, &pitch); code != 201 {
		t.Fatalf("pitch: %d", code)
	}
	for _, tok := range o.people {
		if code := call(t, tok, "POST", fmt.Sprintf("%s/api/v1/pitches/%d/tickets", base, pitch.ID), "", nil); code != 201 {
			t.Fatalf("buy: %d", code)
		}
	}
	var waiting *mailtest.Received
	deadline = time.Now().Add(10 * time.Second)
	for waiting == nil && time.Now().Before(deadline) {
		for _, m := range smtp.Messages() {
			if m.To[0] == "manager@example.test" && strings.Contains(m.Subject(), "waits for your decision") {
				waiting = &m
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	if waiting == nil {
		t.Fatal("the manager was not mailed that the pitch waits")
	}
	if !strings.Contains(waiting.Text, fmt.Sprintf("%s/pitches/%d", site, pitch.ID)) || waiting.HTML == "" {
		t.Errorf("the mail does not link to the pitch:\n%s", waiting.Text)
	}
	// One-click unsubscribe, as a mail client does it.
	unsub := strings.Trim(waiting.Header.Get("List-Unsubscribe"), "<>")
	if !strings.HasPrefix(unsub, site+"/unsubscribe/") {
		t.Fatalf("List-Unsubscribe = %q", unsub)
	}
	res, err := http.Post(strings.Replace(unsub, site, base, 1), "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("one-click: %v %v", res, err)
	}
	var prefs struct {
		Email string `json:"email"`
	}
	if call(t, o.manager, "GET", base+"/api/v1/me/preferences", "", &prefs); prefs.Email != "off" {
		t.Fatalf("after unsubscribing, e-mail is %q", prefs.Email)
	}

	// The webhook: the three purchases, signed, each once.
	got := recv.Wait(t, 3, 10*time.Second)
	for _, r := range got {
		var b struct {
			Type string `json:"type"`
		}
		if !r.Verified || json.NewDecoder(bytes.NewReader(r.Body)).Decode(&b) != nil || b.Type != "ticket.bought" {
			t.Errorf("webhook request: verified %v, body %s", r.Verified, r.Body)
		}
	}
	var log struct {
		Items []struct {
			Status    int `json:"status"`
			LatencyMS int `json:"latency_ms"`
		} `json:"items"`
	}
	if code := call(t, adminTok.Token, "GET", fmt.Sprintf("%s/api/v1/webhooks/%d/deliveries", base, hook.ID), "", &log); code != 200 || len(log.Items) < 3 || log.Items[0].Status != 200 {
		t.Fatalf("delivery log: %d %+v", code, log)
	}
}

// TestMailTestCommand prints the server's exact answer, and its refusal.
func TestMailTestCommand(t *testing.T) {
	smtp := mailtest.Start(t)
	mailTest := func() (string, error) {
		var out bytes.Buffer
		err := run(context.Background(), []string{"mail", "test", "--to", "ops@example.test", "--smtp-url", smtp.URL(),
			"--mail-from", "Wayfare <wayfare@example.test>"}, func(string) string { return "" }, nil, &out, io.Discard)
		return out.String(), err
	}
	out, err := mailTest()
	if err != nil || !strings.Contains(out, "The server answered: 250") {
		t.Fatalf("mail test: %q, %v", out, err)
	}
	if m := smtp.Wait(t, 1, 5*time.Second)[0]; m.To[0] != "ops@example.test" || m.Text == "" || m.HTML == "" {
		t.Fatalf("the test message: %+v", m)
	}
	smtp.FailNext(1, "554 5.7.1 Relay access denied")
	if _, err := mailTest(); err == nil || !strings.Contains(err.Error(), "554 5.7.1 Relay access denied") {
		t.Fatalf("a refusal: %v", err)
	}
}

// TestDigestSendCommand sends the digests due now, once.
func TestDigestSendCommand(t *testing.T) {
	dir := t.TempDir()
	o := e2eSeed(t, dir, 2)
	smtp := mailtest.Start(t)
	ctx := system(context.Background())
	db, err := store.Open(ctx, store.Config{Path: filepath.Join(dir, "wayfare.db")})
	if err != nil {
		t.Fatal(err)
	}
	mgr, _ := db.PersonByEmail(ctx, "manager@example.test")
	asMgr := wayfare.WithActor(context.Background(), wayfare.Actor{PersonID: mgr.ID})
	if _, err := db.SetPreferences(asMgr, notifications.Preferences{Email: notifications.Daily, DigestHour: 6, TimeZone: "UTC"}); err != nil {
		t.Fatal(err)
	}
	p0, _ := db.PersonByEmail(ctx, "person0@example.test")
	pitch, err := db.Publish(wayfare.WithActor(context.Background(), wayfare.Actor{PersonID: p0.ID}), leadership.NewPitch{GroupID: o.group,
		Kind: leadership.Proposal, Title: "Quiet Fridays", StatusQuo: "Meetings.", BetterWay: "None on Fridays.", TicketsWanted: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.BuyTicket(wayfare.WithActor(context.Background(), wayfare.Actor{PersonID: p0.ID}), pitch.ID); err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw, err := sql.Open("sqlite", filepath.Join(dir, "wayfare.db"))
	if err != nil {
		t.Fatal(err)
	}
	// The digest hour has come.
	if _, err := raw.Exec(`UPDATE preferences SET next_digest_at = ? WHERE person_id = ?`, time.Now().Add(-time.Minute).UnixMicro(), mgr.ID); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	digest := func() string {
		var out bytes.Buffer
		err := run(context.Background(), []string{"digest", "--send", "--data", dir, "--smtp-url", smtp.URL(), "--mail-from", "wayfare@example.test",
			"--base-url", "https://wayfare.example.test"}, func(string) string { return "" }, nil, &out, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	if out := digest(); !strings.Contains(out, "1 digest sent.") {
		t.Fatalf("digest --send: %q", out)
	}
	var got *mailtest.Received
	for _, m := range smtp.Wait(t, 1, 5*time.Second) {
		if m.To[0] == "manager@example.test" && strings.Contains(m.Subject(), "digest") {
			got = &m
		}
	}
	if got == nil || !strings.Contains(got.Text, "Quiet Fridays") || !strings.Contains(got.Text, "waiting for your decision") && !strings.Contains(got.Text, "Still waiting") {
		t.Fatalf("the manager's digest: %+v", got)
	}
	if out := digest(); !strings.Contains(out, "0 digests sent.") {
		t.Fatalf("a second run: %q", out)
	}
}
