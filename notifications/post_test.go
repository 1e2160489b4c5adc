package notifications_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/notifications"
	"github.com/wayfare-org/wayfare/notifications/mail"
	"github.com/wayfare-org/wayfare/notifications/mail/mailtest"
)

var key = []byte("0123456789abcdef0123456789abcdef")

func newPost(t *testing.T, srv *mailtest.Server, waiting []notifications.Notification) *notifications.Post {
	t.Helper()
	cfg, err := mail.ParseURL(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	s, err := mail.NewSender(cfg, "Wayfare <wayfare@example.test>")
	if err != nil {
		t.Fatal(err)
	}
	return &notifications.Post{Sender: s, BaseURL: "https://wayfare.example.test", OrgName: "Example Corp",
		Key:     func(context.Context) ([]byte, error) { return key, nil },
		Waiting: func(context.Context, wayfare.ID) ([]notifications.Notification, error) { return waiting, nil }}
}

func notice(id wayfare.ID, thread, topic, subject string) *notifications.Notification {
	return &notifications.Notification{ID: id, Kind: notifications.PitchDecided, Subject: subject, Text: "Text of " + subject,
		URL: "/" + strings.NewReplacer("pitch:", "pitches/", "journey:", "journeys/").Replace(thread) + "#x", Thread: thread, Topic: topic, CreatedAt: time.Unix(1_800_000_000, 0)}
}

// TestPostSendsNoticesThreadedWithUnsubscribe sends notices through a real
// SMTP server: two about one pitch share a thread, a read one is dropped,
// and each carries the one-click unsubscribe headers and both parts.
func TestPostSendsNoticesThreadedWithUnsubscribe(t *testing.T) {
	srv := mailtest.Start(t)
	p := newPost(t, srv, nil)
	read := time.Now()
	readOne := notice(3, "pitch:9", "Weekly demos", "Already seen")
	readOne.ReadAt = &read
	mails := []*notifications.Mail{
		{ID: 1, PersonID: 7, Kind: "notice", Active: true, Name: "Ana", Email: "ana@example.test", Notice: notice(11, "pitch:9", "Weekly demos", "“Weekly demos”: adopted")},
		{ID: 2, PersonID: 7, Kind: "notice", Active: true, Name: "Ana", Email: "ana@example.test", Notice: notice(12, "pitch:9", "Weekly demos", "<script>x</script> sold")},
		{ID: 3, PersonID: 7, Kind: "notice", Active: true, Name: "Ana", Email: "ana@example.test", Notice: readOne},
	}
	done := p.Post(context.Background(), mails, time.Now())
	if len(done) != 3 {
		t.Fatalf("done = %+v", done)
	}
	got := map[wayfare.ID]notifications.Sent{}
	for _, d := range done {
		got[d.ID] = d
	}
	if !got[1].OK || !got[2].OK || !strings.HasPrefix(got[1].Answer, "250") || !got[3].Dropped {
		t.Fatalf("results = %+v", done)
	}
	msgs := srv.Wait(t, 2, 5*time.Second)
	if len(msgs) != 2 {
		t.Fatalf("%d messages arrived", len(msgs))
	}
	unsubscribe := "<https://wayfare.example.test/unsubscribe/" + notifications.UnsubscribeToken(key, 7) + ">"
	for _, m := range msgs {
		h := m.Header
		if m.To[0] != "ana@example.test" || h.Get("Auto-Submitted") != "auto-generated" ||
			h.Get("List-Unsubscribe") != unsubscribe || h.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
			t.Errorf("headers: %v", h)
		}
		if h.Get("In-Reply-To") != "<pitch-9@wayfare.example.test>" || !strings.Contains(h.Get("References"), "pitch-9@wayfare.example.test") {
			t.Errorf("threading: In-Reply-To %q References %q", h.Get("In-Reply-To"), h.Get("References"))
		}
		if m.Text == "" || m.HTML == "" || !strings.Contains(m.Text, "https://wayfare.example.test/pitches/9") {
			t.Errorf("parts: text %q html %d bytes", m.Text, len(m.HTML))
		}
		if strings.Contains(m.HTML, "<script>") {
			t.Error("HTML part carries markup from a notification's text")
		}
	}
	if msgs[0].Header.Get("Message-ID") == msgs[1].Header.Get("Message-ID") {
		t.Error("two notices share a Message-ID")
	}
}

// TestPostDigestGroupsByThread: a digest groups its items by pitch and
// journey, leaves out what was read since, and lists what still waits.
func TestPostDigestGroupsByThread(t *testing.T) {
	srv := mailtest.Start(t)
	waiting := []notifications.Notification{{Kind: notifications.DecisionWaiting, Subject: "Quiet hours", Text: "5 tickets (5 wanted)", URL: "/pitches/4"}}
	p := newPost(t, srv, waiting)
	read := time.Now()
	seen := notice(4, "journey:2", "Office move", "Seen already")
	seen.ReadAt = &read
	items := []*notifications.Notification{notice(1, "pitch:9", "Weekly demos", "First ticket"),
		notice(2, "journey:2", "Office move", "Departed"), notice(3, "pitch:9", "Weekly demos", "All tickets"), seen}
	done := p.Post(context.Background(), []*notifications.Mail{{ID: 5, PersonID: 8, Kind: "digest", Active: true, Name: "Bo",
		Email: "bo@example.test", Items: items, Period: "daily"}}, time.Now())
	if len(done) != 1 || !done[0].OK {
		t.Fatalf("done = %+v", done)
	}
	m := srv.Wait(t, 1, 5*time.Second)[0]
	text := m.Text
	for _, want := range []string{"Weekly demos", "Office move", "First ticket", "All tickets", "Departed", "Quiet hours"} {
		if !strings.Contains(text, want) {
			t.Errorf("digest lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Seen already") {
		t.Error("the digest repeats what was read in the browser")
	}
	if strings.Index(text, "All tickets") > strings.Index(text, "Office move") {
		t.Error("the pitch's items are not together")
	}
	// A digest whose items were all read, with nothing waiting, is dropped.
	p.Waiting = nil
	done = p.Post(context.Background(), []*notifications.Mail{{ID: 6, PersonID: 8, Kind: "digest", Active: true, Email: "bo@example.test",
		Items: []*notifications.Notification{seen}, Period: "daily"}}, time.Now())
	if len(done) != 1 || !done[0].Dropped {
		t.Fatalf("empty digest: %+v", done)
	}
}

// TestPostRetriesTemporaryFailures: a 4xx is tried again later, a 5xx is
// given up, and the server's exact answer is kept.
func TestPostRetriesTemporaryFailures(t *testing.T) {
	srv := mailtest.Start(t)
	p := newPost(t, srv, nil)
	srv.FailNext(1, "451 4.3.0 Try again later")
	now := time.Now()
	done := p.Post(context.Background(), []*notifications.Mail{{ID: 1, PersonID: 7, Kind: "notice", Active: true, Email: "ana@example.test",
		Notice: notice(1, "pitch:1", "T", "S")}}, now)
	if len(done) != 1 || done[0].OK || done[0].Retry.IsZero() || !strings.Contains(done[0].Answer, "451") {
		t.Fatalf("temporary: %+v", done)
	}
	srv.FailNext(1, "550 5.1.1 No such user")
	done = p.Post(context.Background(), []*notifications.Mail{{ID: 2, PersonID: 7, Kind: "notice", Active: true, Email: "nobody@example.test",
		Notice: notice(2, "pitch:1", "T", "S")}}, now)
	if len(done) != 1 || done[0].OK || !done[0].Retry.IsZero() || !strings.Contains(done[0].Answer, "550") {
		t.Fatalf("permanent: %+v", done)
	}
	done = p.Post(context.Background(), []*notifications.Mail{{ID: 3, PersonID: 7, Kind: "notice", Active: true, Email: "ana@example.test",
		Attempts: notifications.MaxAttempts - 1, Notice: notice(3, "pitch:1", "T", "S")}}, now)
	if len(done) != 1 || !done[0].OK {
		t.Fatalf("after failures: %+v", done)
	}
}

// TestPostSendsNothingToLeavers: a person deactivated after their mail was
// queued is sent nothing.
func TestPostSendsNothingToLeavers(t *testing.T) {
	srv := mailtest.Start(t)
	p := newPost(t, srv, nil)
	done := p.Post(context.Background(), []*notifications.Mail{{ID: 1, PersonID: 7, Kind: "notice", Email: "left@example.test",
		Notice: notice(1, "pitch:1", "T", "S")}}, time.Now())
	if len(done) != 1 || !done[0].Dropped {
		t.Fatalf("done = %+v", done)
	}
	time.Sleep(100 * time.Millisecond)
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("%d mails to a leaver", n)
	}
}
