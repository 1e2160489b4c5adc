package browsertest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/wayfare-org/wayfare/notifications"
	"github.com/wayfare-org/wayfare/notifications/mail/mailtest"
)

// The notifications tests run the binary with mail sent to an SMTP server
// inside the test: the server's own notifications worker (wayfare demo
// runs it next to the pages, woken by every act) fills the inboxes and
// posts the mail, as in production.

const (
	// bellBudget is how soon the bell of an open page counts a new
	// notification: the act, the worker, the inbox event of the stream.
	bellBudget = 3 * time.Second
	// noticeTimeout bounds the wait for the worker to write a notification.
	noticeTimeout = 20 * time.Second
	// mailTimeout bounds the wait for a mail; with a short mail delay the
	// demo's history goes out first, some 4,000 mails.
	mailTimeout = 60 * time.Second
	// noMailDelay keeps notice mail back for longer than a test lasts.
	noMailDelay = notifications.DefaultMailDelay

	buyButton   = `#tickets form[action$="/tickets"] button[type=submit]`
	markAllRead = `form[action="/notifications/read"] input[name=all] ~ button[type=submit]`
)

// TestBrowserBellCountsLive: the manager of Payments has his home page
// open, his inbox all read; a team mate, in a browser of her own, buys the
// ticket that completes a pitch to Payments. Without a reload, the bell of
// his page counts 1 within a few seconds. He follows the bell to his
// inbox, opens the notification, lands on the pitch, and the bell counts
// none.
func TestBrowserBellCountsLive(t *testing.T) {
	s, _ := newMailSuite(t, noMailDelay)
	const title = "Rotate the payments on-call every week"
	pitch := s.settle(t, title)

	daniel := s.as(t, emailManager)
	daniel.openOK(t, "/notifications")
	if daniel.has(t, markAllRead) {
		daniel.submit(t, markAllRead)
	}
	if got := daniel.text(t, "main"); !strings.Contains(got, "Nothing waits for you.") {
		t.Fatalf("after Mark all read the inbox says: %s", got)
	}
	daniel.openOK(t, "/")
	if got := bell(t, daniel); got != (bellState{Count: "0", Badge: "0", Hidden: true, Words: " none unread"}) {
		t.Fatalf("the bell of a read inbox: %+v", got)
	}

	buyer := s.as(t, s.colleagues[0].Email)
	buyer.openOK(t, "/pitches/"+pitch)
	liveWithin(t, daniel, "the bell counts the decision waiting", bellShows(1), bellBudget,
		func() { buyer.submit(t, buyButton) })
	if got := bell(t, daniel); got != (bellState{Count: "1", Badge: "1", Words: " unread"}) {
		t.Errorf("the bell after one notification: %+v", got)
	}
	if got := buyer.text(t, "#tickets"); !strings.Contains(got, "ready for a decision") {
		t.Errorf("the second ticket of two should make the pitch ready for a decision: %q", got)
	}

	daniel.navigateBy(t, "follow the bell", chromedp.Click(chromedp.CSS("a.bell")))
	if p := daniel.path(t); p != "/notifications" {
		t.Fatalf("the bell led to %s", p)
	}
	if got := daniel.text(t, "#h-unread"); got != "Unread (1)" {
		t.Errorf("the inbox's heading says %q, want Unread (1)", got)
	}
	bellCountsInbox(t, daniel)
	item := `ul.inbox[aria-labelledby=h-unread] li.unread a.subject`
	if got := daniel.text(t, item); got != "“"+title+"” waits for your decision" {
		t.Errorf("the unread notification says %q", got)
	}
	daniel.navigateBy(t, "open the notification", chromedp.Click(chromedp.CSS(item)))
	if p := daniel.path(t); p != "/pitches/"+pitch {
		t.Fatalf("the notification led to %s, not the pitch /pitches/%s", p, pitch)
	}
	if got := daniel.text(t, "h1"); got != title {
		t.Errorf("the pitch page's heading is %q", got)
	}
	if !daniel.has(t, "form.decide") {
		t.Errorf("the manager landed on the pitch without its decision form")
	}
	if got := bell(t, daniel); got != (bellState{Count: "0", Badge: "0", Hidden: true, Words: " none unread"}) {
		t.Errorf("the bell once the notification is read: %+v", got)
	}
	daniel.openOK(t, "/notifications")
	if got := daniel.text(t, `ul.inbox[aria-labelledby=h-earlier]`); !strings.Contains(got, title) {
		t.Errorf("the read notification is not under Earlier: %q", got)
	}
}

// TestBrowserInboxAccessibility checks the pages of notifications and of
// account links with axe-core at desktop and phone width, and saves their
// screenshots: an inbox with unread and read notifications, the
// notification settings, the forgotten-password form, a reset and an
// invitation link, and an unsubscribe link, the links read out of the
// mail the server sent.
func TestBrowserInboxAccessibility(t *testing.T) {
	axe := loadAxe(t)
	s, smtp := newMailSuite(t, time.Second)
	const title = "Write the payments runbook as we go"
	pitch := s.settle(t, title)
	if code := s.call(t, emailVP, http.MethodPost, "/pitches/"+pitch+"/tickets", "", nil); code != http.StatusCreated {
		t.Fatalf("Priya's ticket: status %d", code)
	}
	s.waitNotification(t, emailEngineer, "“"+title+"” has all 2 tickets it wanted")

	// One of Maya's notifications read, the other left unread.
	maya := s.as(t, emailEngineer)
	maya.openOK(t, "/notifications")
	first := js[string](t, maya, `[...document.querySelectorAll('ul.inbox[aria-labelledby=h-unread] a.subject[href^="/notifications/"]')]
		.find(a => a.textContent.includes("`+title+`” sold its first ticket"))?.getAttribute("href") ?? ""`)
	if first == "" {
		t.Fatalf("Maya's inbox lacks the first ticket's notification: %s", maya.text(t, "main"))
	}
	maya.navigateBy(t, "open a notification", chromedp.Click(chromedp.CSS(fmt.Sprintf(`a[href=%q]`, first))))
	maya.openOK(t, "/notifications")
	if !maya.has(t, `ul.inbox[aria-labelledby=h-unread] li`) || !maya.has(t, `ul.inbox[aria-labelledby=h-earlier] li`) {
		t.Fatalf("the inbox should show unread and earlier notifications: %s", maya.text(t, "main"))
	}
	bellCountsInbox(t, maya)

	// The links, as their mail brings them.
	res, err := http.Post(s.base+"/api/v1/password-resets", "application/json", strings.NewReader(`{"email":"`+emailCEO+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusAccepted {
		t.Fatalf("asking for a reset link: status %d", res.StatusCode)
	}
	invited := s.colleagues[1]
	req, _ := http.NewRequest(http.MethodPost, s.base+"/api/v1/people/"+invited.ID+"/invitation", nil)
	req.Header.Set("Authorization", "Bearer "+s.admin)
	if res, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusAccepted {
		t.Fatalf("inviting %s: status %d", invited.Name, res.StatusCode)
	}
	reset := s.pathOf(linkIn(t, waitMail(t, smtp, emailCEO, s.base+"/reset/"), s.base, "/reset/"))
	invite := s.pathOf(linkIn(t, waitMail(t, smtp, invited.Email, s.base+"/invite/"), s.base, "/invite/"))
	unsubscribe := s.pathOf(linkIn(t, waitMail(t, smtp, emailEngineer, s.base+"/unsubscribe/"), s.base, "/unsubscribe/"))

	s.checkPages(t, axe, []pageCase{
		{"notifications", emailEngineer, "/notifications", 200},
		{"account-notifications", emailEngineer, "/account/notifications", 200},
		{"forgot", "", "/forgot", 200},
		{"reset", "", reset, 200},
		{"invite", "", invite, 200},
		{"unsubscribe", "", unsubscribe, 200},
	})
}

// TestBrowserPreferences: Maya chooses a daily digest at 07:00 in a time
// zone she types, and unticks journeys moving; after Save and a reload the
// form shows what she chose, and so does the API.
func TestBrowserPreferences(t *testing.T) {
	s, _ := newMailSuite(t, noMailDelay)
	const zone = "Pacific/Auckland" // not among the zones offered first
	off := notifications.JourneyMoved
	maya := s.as(t, emailEngineer)
	maya.openOK(t, "/account/notifications")
	maya.do(t, "choose a daily digest", chromedp.Click(chromedp.CSS(`label[for=email-daily]`)))
	maya.set(t, "#digest_hour", "7")
	if got := js[string](t, maya, `document.querySelector("#digest_hour").selectedOptions[0].textContent.trim()`); got != "07:00" {
		t.Fatalf("the digest hour chosen reads %q, want 07:00", got)
	}
	maya.fill(t, "#time_zone", zone)
	maya.do(t, "untick "+string(off), chromedp.Click(chromedp.CSS(fmt.Sprintf(`label[for="kind-%s"]`, off))))
	maya.submit(t, `form[action="/account/notifications"] button[type=submit]`)
	if got, want := maya.text(t, ".flash"), "Saved: a daily digest at 7:00, "+zone+"."; got != want {
		t.Errorf("after Save the page says %q, want %q", got, want)
	}

	maya.openOK(t, "/account/notifications")
	var form struct {
		Email, Hour, Zone string
		Off               []string
		Kinds             int
	}
	raw := js[string](t, maya, `(() => {
		const f = document.querySelector('form[action="/account/notifications"]');
		const kinds = [...f.querySelectorAll("input[name=kind]")];
		return JSON.stringify({email: f.querySelector("input[name=email]:checked")?.value ?? "",
			hour: f.querySelector("#digest_hour").selectedOptions[0].textContent.trim(),
			zone: f.querySelector("#time_zone").value,
			off: kinds.filter(k => !k.checked).map(k => k.value), kinds: kinds.length});
	})()`)
	if err := json.Unmarshal([]byte(raw), &form); err != nil {
		t.Fatal(err)
	}
	if form.Email != "daily" || form.Hour != "07:00" || form.Zone != zone || !slices.Equal(form.Off, []string{string(off)}) ||
		form.Kinds != len(notifications.Kinds()) {
		t.Errorf("after a reload the form shows %+v", form)
	}

	var saved notifications.Preferences
	if code := s.call(t, emailEngineer, http.MethodGet, "/me/preferences", "", &saved); code != http.StatusOK {
		t.Fatalf("GET /me/preferences: status %d", code)
	}
	if saved.Email != notifications.Daily || saved.DigestHour != 7 || saved.TimeZone != zone {
		t.Errorf("the server keeps %+v", saved)
	}
	for _, k := range notifications.Kinds() {
		if saved.Kinds[k] != (k != off) {
			t.Errorf("the server keeps kind %s mailed: %v", k, saved.Kinds[k])
		}
	}
}

// TestBrowserUnsubscribe: the unsubscribe link of a mail the server sent
// Maya, opened in a browser nobody signed in to; a press of Unsubscribe
// confirms, her e-mail is off, and the next notice mails her manager but
// not her.
func TestBrowserUnsubscribe(t *testing.T) {
	axe := loadAxe(t)
	s, smtp := newMailSuite(t, time.Second)
	const title = "Pair on every payments release"
	pitch := s.settle(t, title)
	m := waitMail(t, smtp, emailEngineer, "“"+title+"” sold its first ticket")
	link := linkIn(t, m, s.base, "/unsubscribe/")
	if got := m.Header.Get("List-Unsubscribe"); got != "<"+link+">" {
		t.Errorf("the mail's List-Unsubscribe is %q, want <%s>", got, link)
	}

	anon := s.as(t, "")
	anon.openOK(t, s.pathOf(link))
	if anon.has(t, ".me") {
		t.Fatal("the unsubscribe page shows someone signed in")
	}
	if got := anon.text(t, "h1"); got != "Unsubscribe from Wayfare e-mail" {
		t.Errorf("the unsubscribe page's heading is %q", got)
	}
	var prefs notifications.Preferences
	s.call(t, emailEngineer, http.MethodGet, "/me/preferences", "", &prefs)
	if prefs.Email != notifications.Immediate {
		t.Fatalf("opening the link changed Maya's e-mail to %q; only the button may", prefs.Email)
	}
	anon.submit(t, `form[action^="/unsubscribe/"] button[type=submit]`)
	if got := anon.text(t, "h1"); got != "You are unsubscribed" {
		t.Fatalf("after Unsubscribe the page says: %s", anon.text(t, "main"))
	}
	s.shot(t, anon, "unsubscribed-desktop")
	if axe != "" {
		s.axeCheck(t, anon, axe, "unsubscribed")
	}
	s.call(t, emailEngineer, http.MethodGet, "/me/preferences", "", &prefs)
	if prefs.Email != notifications.Off {
		t.Fatalf("after Unsubscribe Maya's e-mail is %q, want off", prefs.Email)
	}

	// The ticket that completes the pitch tells Maya and her manager in
	// one go: his mail comes, hers does not.
	if code := s.call(t, emailVP, http.MethodPost, "/pitches/"+pitch+"/tickets", "", nil); code != http.StatusCreated {
		t.Fatalf("Priya's ticket: status %d", code)
	}
	waitMail(t, smtp, emailManager, "“"+title+"” waits for your decision")
	time.Sleep(200 * time.Millisecond)
	for _, m := range smtp.Messages() {
		if slices.Contains(m.To, emailEngineer) && strings.Contains(m.Subject(), "has all 2 tickets") {
			t.Errorf("Maya unsubscribed but was mailed %q", m.Subject())
		}
	}
}

// TestBrowserResetLinkOnce: Priya asks for a reset link on the sign-in
// side, opens the link of the mail, sets a new password, is sent to sign
// in and signs in with it; the same link then no longer works.
func TestBrowserResetLinkOnce(t *testing.T) {
	axe := loadAxe(t)
	s, smtp := newMailSuite(t, noMailDelay)
	const newPassword = "a fresh password of my own"
	priya := s.newTab(t, "Priya, signed out")
	priya.openOK(t, "/login")
	priya.navigateBy(t, "follow Forgot your password?", chromedp.Click(chromedp.CSS(`a[href="/forgot"]`)))
	priya.fill(t, "#email", emailVP)
	priya.submit(t, `form[action="/forgot"] button[type=submit]`)
	if got := js[string](t, priya, `[...document.querySelectorAll("main [role=status]")].map(e => e.textContent).join("\n")`); !strings.Contains(got, "a link to set a new password is on its way") {
		t.Fatalf("asking for a link: the page says: %s", priya.text(t, "main"))
	}
	link := linkIn(t, waitMail(t, smtp, emailVP, s.base+"/reset/"), s.base, "/reset/")

	priya.openOK(t, s.pathOf(link))
	if got, want := priya.text(t, "h1"), "Set a new password, "+s.byEmail[emailVP].Name; got != want {
		t.Errorf("the reset page's heading is %q, want %q", got, want)
	}
	priya.fill(t, "#new_password", newPassword)
	priya.fill(t, "#confirm_password", newPassword)
	priya.submit(t, `form[action^="/reset/"] button[type=submit]`)
	if p := priya.path(t); p != "/login" {
		t.Fatalf("setting the password led to %s; the page says: %s", p, priya.text(t, "main"))
	}
	if got := priya.text(t, ".flash"); !strings.Contains(got, "Your password is set") {
		t.Errorf("the sign-in page after a reset says %q", got)
	}
	priya.fill(t, "#email", emailVP)
	priya.fill(t, "#password", newPassword)
	priya.submit(t, `form[action="/login"] button[type=submit]`)
	if p := priya.path(t); p != "/" {
		t.Fatalf("signing in with the new password led to %s; the page says: %s", p, priya.text(t, "main"))
	}
	if got := priya.text(t, ".me"); !strings.Contains(got, s.byEmail[emailVP].Name) {
		t.Errorf("signed in with the new password, the header names %q", got)
	}

	again := s.newTab(t, "the same link again")
	if st := again.open(t, s.pathOf(link)); st != http.StatusNotFound {
		t.Errorf("the used link answered %d, want 404", st)
	}
	if got := again.text(t, "h1"); got != "This link no longer works" {
		t.Errorf("the used link says: %s", again.text(t, "main"))
	}
	if again.has(t, `form[action^="/reset/"]`) {
		t.Errorf("the used link still offers to set a password")
	}
	s.shot(t, again, "link-gone-desktop")
	if axe != "" {
		s.axeCheck(t, again, axe, "a used link")
	}
}

// newMailSuite starts an SMTP server in the test, then the suite with the
// binary sending its mail there and linking to its own address; a notice
// mail waits mailDelay for its reader to see it in the browser first.
func newMailSuite(t *testing.T, mailDelay time.Duration) (*suite, *mailtest.Server) {
	t.Helper()
	if testing.Short() && !required() {
		t.Skip("the browser suite does not run with -short")
	}
	smtp := mailtest.Start(t)
	addr := freeAddr(t)
	base := "http://" + addr
	s := newSuite(t, "--addr", addr, "--base-url", base, "--smtp-url", smtp.URL(),
		"--mail-from", "Wayfare <wayfare@demo.test>", "--mail-delay", mailDelay.String())
	if s.base != base {
		t.Fatalf("the server is at %s, not at its base URL %s", s.base, base)
	}
	return s, smtp
}

// settle publishes Maya's pitch to Payments wanting two tickets, has Tomás
// buy the first through the API, and waits for Maya's notification of it:
// then the worker has read every act before, the demo's history too. It
// returns the pitch's id.
func (s *suite) settle(t *testing.T, title string) string {
	t.Helper()
	payments := s.groupNamed(t, "Payments")
	body, _ := json.Marshal(map[string]any{"group_id": payments, "kind": "proposal", "title": title,
		"status_quo": "Each of us does it our own way.", "better_way": "One way, written down, that we all follow.",
		"tickets_wanted": 2})
	var pitch struct{ ID string }
	if code := s.call(t, emailEngineer, http.MethodPost, "/pitches", string(body), &pitch); code != http.StatusCreated {
		t.Fatalf("Maya's pitch: status %d", code)
	}
	if code := s.call(t, emailOther, http.MethodPost, "/pitches/"+pitch.ID+"/tickets", "", nil); code != http.StatusCreated {
		t.Fatalf("Tomás's ticket: status %d", code)
	}
	s.waitNotification(t, emailEngineer, "“"+title+"” sold its first ticket")
	return pitch.ID
}

// groupNamed returns the id of the demo's group of that name.
func (s *suite) groupNamed(t *testing.T, name string) string {
	t.Helper()
	var groups struct{ Items []struct{ ID, Name string } }
	s.api(t, "/groups?limit=500", &groups)
	for _, g := range groups.Items {
		if g.Name == name {
			return g.ID
		}
	}
	t.Fatalf("the demo has no group %q", name)
	return ""
}

// call calls the JSON API as a persona, with the token the demo printed,
// decodes a successful answer into into (when not nil) and returns the
// status.
func (s *suite) call(t *testing.T, email, method, path, body string, into any) int {
	t.Helper()
	token := s.tokens[email]
	if token == "" {
		t.Fatalf("wayfare demo printed no token for %s", email)
	}
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.base+"/api/v1"+path, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		t.Logf("%s %s as %s: %s %s", method, path, email, res.Status, b)
		return res.StatusCode
	}
	if into != nil {
		if err := json.Unmarshal(b, into); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
	}
	return res.StatusCode
}

// waitNotification waits until the persona's inbox holds a notification
// whose subject is subject, and returns its id.
func (s *suite) waitNotification(t *testing.T, email, subject string) string {
	t.Helper()
	deadline := time.Now().Add(noticeTimeout)
	for {
		var inbox struct {
			Items []struct{ ID, Subject string }
		}
		if code := s.call(t, email, http.MethodGet, "/notifications?limit=100", "", &inbox); code != http.StatusOK {
			t.Fatalf("GET /notifications as %s: status %d", email, code)
		}
		for _, n := range inbox.Items {
			if n.Subject == subject {
				return n.ID
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s was not notified %q within %s", email, subject, noticeTimeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitMail waits for a mail to the address whose subject or text holds
// want, and returns the first.
func waitMail(t *testing.T, smtp *mailtest.Server, to, want string) mailtest.Received {
	t.Helper()
	deadline := time.Now().Add(mailTimeout)
	for {
		msgs := smtp.Messages()
		for _, m := range msgs {
			if slices.Contains(m.To, to) && (strings.Contains(m.Subject(), want) || strings.Contains(m.Text, want)) {
				return m
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no mail to %s with %q within %s (%d mails arrived)", to, want, mailTimeout, len(msgs))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// linkIn returns the first link under base+prefix in a mail's text.
func linkIn(t *testing.T, m mailtest.Received, base, prefix string) string {
	t.Helper()
	link := regexp.MustCompile(regexp.QuoteMeta(base+prefix) + `[A-Za-z0-9_\-]+`).FindString(m.Text)
	if link == "" {
		t.Fatalf("no %s link in the mail %q:\n%s", prefix, m.Subject(), m.Text)
	}
	return link
}

// pathOf returns the path of a link to the server.
func (s *suite) pathOf(link string) string { return strings.TrimPrefix(link, s.base) }

// bellState is what the header's bell shows.
type bellState struct {
	Count  string // its data-unread
	Badge  string // the badge's text
	Hidden bool   // whether the badge is hidden
	Words  string // what a screen reader hears after the count
}

// bell reads the bell of the tab's page.
func bell(t *testing.T, tb *tab) bellState {
	t.Helper()
	raw := js[string](t, tb, `(b => JSON.stringify(b ? {count: b.dataset.unread,
		badge: b.querySelector("[data-unread-count]")?.textContent.trim() ?? "",
		hidden: b.querySelector("[data-unread-count]")?.hidden ?? true,
		words: b.querySelector("[data-unread-words]")?.textContent ?? ""} : null))(document.querySelector("a.bell[data-unread]"))`)
	if raw == "null" {
		t.Fatalf("%s: the page at %s has no bell", tb.name, tb.path(t))
	}
	var b bellState
	if err := json.Unmarshal([]byte(raw), &b); err != nil {
		t.Fatal(err)
	}
	return b
}

// bellCountsInbox fails unless the bell of an inbox page counts what its
// heading "Unread (n)" counts.
func bellCountsInbox(t *testing.T, tb *tab) {
	t.Helper()
	heading := tb.text(t, "#h-unread")
	n := strings.TrimSuffix(strings.TrimPrefix(heading, "Unread ("), ")")
	if n == heading {
		t.Fatalf("%s: the inbox's heading says %q, not Unread (n)", tb.name, heading)
	}
	if got := bell(t, tb); got != (bellState{Count: n, Badge: n, Words: " unread"}) {
		t.Errorf("%s: on the inbox, whose heading says %q, the bell shows %+v", tb.name, heading, got)
	}
}

// bellShows is the condition that the bell's badge shows n.
func bellShows(n int) string {
	return fmt.Sprintf(`(c => c && !c.hidden && c.textContent.trim() === "%d")(document.querySelector("a.bell [data-unread-count]"))`, n)
}
