package web_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare/notifications"
)

func (s *site) notify() {
	s.t.Helper()
	w := notifications.NewWorker(notifications.Config{Store: s.db, Holder: "web-test"})
	if err := w.Cycle(context.Background()); err != nil {
		s.t.Fatal(err)
	}
}

// TestInboxPages: the bell counts, the inbox lists unread first, opening a
// notification marks it read and follows its link, and marking all read
// empties the count.
func TestInboxPages(t *testing.T) {
	s := newSite(t)
	s.notify() // the fixture: the author's password set, the pitch sold out and adopted
	author := s.signIn("author")
	_, home := author.get("/")
	if !strings.Contains(home, `data-unread="3"`) {
		t.Fatalf("the author's bell does not count 3:\n%s", home)
	}
	_, page := author.get("/notifications")
	if !strings.Contains(page, "Unread (3)") || !strings.Contains(page, "“Weekly demos”: adopted") || !strings.Contains(page, "Your password was set") {
		t.Fatalf("inbox:\n%s", page)
	}
	ns, err := s.db.Notifications(s.as("author"), notifications.Filter{})
	if err != nil || len(ns) != 3 {
		t.Fatalf("notifications: %d, %v", len(ns), err)
	}
	res, _ := author.get("/notifications/" + ns[0].ID.String())
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != ns[0].URL {
		t.Fatalf("open: %d → %s", res.StatusCode, res.Header.Get("Location"))
	}
	_, home = author.get("/")
	if !strings.Contains(home, `data-unread="2"`) {
		t.Fatal("opening a notification did not mark it read")
	}
	// Another person's notification is not found, and not marked.
	member := s.signIn("member")
	if res, _ := member.get("/notifications/" + ns[1].ID.String()); res.StatusCode != http.StatusNotFound {
		t.Fatalf("another's notification: %d", res.StatusCode)
	}
	if res := author.post("/notifications/read", url.Values{"all": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("mark all: %d", res.StatusCode)
	}
	_, page = author.get("/notifications")
	if !strings.Contains(page, "Nothing waits for you.") || !strings.Contains(page, "Earlier") {
		t.Fatalf("after mark all:\n%s", page)
	}
}

// TestPreferencesPage saves choices, names bad fields, and reads back.
func TestPreferencesPage(t *testing.T) {
	s := newSite(t)
	b := s.signIn("member")
	_, page := b.get("/account/notifications")
	if !strings.Contains(page, `value="immediate" checked`) || !strings.Contains(page, `name="kind" value="journey.moved" checked`) {
		t.Fatalf("defaults:\n%s", page)
	}
	form := url.Values{"email": {"daily"}, "digest_hour": {"7"}, "time_zone": {"Europe/Paris"},
		"kind": {"pitch.decided", "journey.moved"}}
	if res := b.post("/account/notifications", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", res.StatusCode)
	}
	p, err := s.db.Preferences(s.as("member"))
	if err != nil || p.Email != notifications.Daily || p.DigestHour != 7 || p.TimeZone != "Europe/Paris" ||
		!p.Kinds[notifications.JourneyMoved] || p.Kinds[notifications.SessionPhase] {
		t.Fatalf("saved: %+v, %v", p, err)
	}
	res := b.post("/account/notifications", url.Values{"email": {"hourly"}, "digest_hour": {"x"}, "time_zone": {"Mars"}})
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("bad form: %d", res.StatusCode)
	}
}

// TestUnsubscribeLink: the link works without signing in; GET asks, POST
// unsubscribes (the RFC 8058 one-click form too); a forged token is 404.
func TestUnsubscribeLink(t *testing.T) {
	s := newSite(t)
	key, err := s.db.LinkKey(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tok := notifications.UnsubscribeToken(key, s.ids["member"])
	anon := s.browser()
	res, page := anon.get("/unsubscribe/" + tok)
	if res.StatusCode != 200 || !strings.Contains(page, `action="/unsubscribe/`+tok+`"`) {
		t.Fatalf("confirmation page: %d\n%s", res.StatusCode, page)
	}
	if p, _ := s.db.Preferences(s.as("member")); p.Email != notifications.Immediate {
		t.Fatal("a GET unsubscribed")
	}
	res = anon.post("/unsubscribe/"+tok, url.Values{"List-Unsubscribe": {"One-Click"}})
	if res.StatusCode != 200 {
		t.Fatalf("one-click: %d", res.StatusCode)
	}
	if p, _ := s.db.Preferences(s.as("member")); p.Email != notifications.Off {
		t.Fatalf("after one-click: %s", p.Email)
	}
	forged := notifications.UnsubscribeToken([]byte("not the key"), s.ids["member"])
	if res, _ := anon.get("/unsubscribe/" + forged); res.StatusCode != http.StatusNotFound {
		t.Fatalf("forged: %d", res.StatusCode)
	}
}

// TestBellCountsLive: a page's stream says when the reader's unread count
// changes.
func TestBellCountsLive(t *testing.T) {
	s := newSite(t)
	s.notify() // what the fixture did: the manager's password set
	before, err := s.db.Unread(s.as("manager"))
	if err != nil {
		t.Fatal(err)
	}
	b := s.signIn("manager")
	req, _ := http.NewRequest("GET", s.srv.URL+"/events", nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := b.c.Do(req.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	go func() {
		for _, who := range []string{"member", "outsider", "admin"} {
			if _, _, err := s.db.BuyTicket(s.as(who), s.P); err != nil {
				t.Error(err)
			}
		}
		s.notify()
	}()
	sc := bufio.NewScanner(res.Body)
	event := ""
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "event: ") {
			event = strings.TrimPrefix(line, "event: ")
		}
		if event == "inbox" && strings.HasPrefix(line, "data: ") {
			if got, want := strings.TrimPrefix(line, "data: "), fmt.Sprintf(`{"unread":%d}`, before+1); got != want {
				t.Fatalf("inbox event = %s", got)
			}
			return
		}
	}
	t.Fatalf("no inbox event: %v", sc.Err())
}
