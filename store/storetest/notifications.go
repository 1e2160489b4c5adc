package storetest

import (
	"context"
	"errors"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/management"
	"github.com/wayfare-org/wayfare/notifications"
)

// postbox is a Postman that keeps what it was given to send.
type postbox struct {
	mu   sync.Mutex
	sent []*notifications.Mail
	fail bool // answer every mail with a temporary failure
}

func (p *postbox) Post(_ context.Context, mails []*notifications.Mail, now time.Time) []notifications.Sent {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []notifications.Sent
	for _, m := range mails {
		switch {
		case !m.Active:
			out = append(out, notifications.Sent{ID: m.ID, Dropped: true, Answer: "left"})
		case m.Notice != nil && m.Notice.ReadAt != nil:
			out = append(out, notifications.Sent{ID: m.ID, Dropped: true, Answer: "read"})
		case p.fail:
			out = append(out, notifications.Sent{ID: m.ID, Answer: "451 4.3.0 try again later", Retry: now.Add(time.Minute)})
		default:
			p.sent = append(p.sent, m)
			out = append(out, notifications.Sent{ID: m.ID, OK: true, Answer: "250 2.0.0 Ok"})
		}
	}
	return out
}

func (p *postbox) take() []*notifications.Mail {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.sent
	p.sent = nil
	return out
}

// inbox returns the kinds in a person's inbox, oldest first.
func inbox(t *testing.T, o *org, who wayfare.ID) []notifications.Kind {
	t.Helper()
	ns, err := o.db.Notifications(as(who), notifications.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []notifications.Kind
	for i := len(ns) - 1; i >= 0; i-- {
		out = append(out, ns[i].Kind)
	}
	return out
}

func kinds(ks ...notifications.Kind) []notifications.Kind { return ks }

func sameKinds(a, b []notifications.Kind) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func newWorker(o *org, post notifications.Postman, now func() time.Time) *notifications.Worker {
	return notifications.NewWorker(notifications.Config{Store: o.db, Mail: post, MailDelay: time.Nanosecond,
		Holder: "test", Now: now})
}

func cycle(t *testing.T, w *notifications.Worker) {
	t.Helper()
	if err := w.Cycle(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// testNotificationsFromTheLedger follows a pitch from its first ticket to a
// re-pitched journey and checks who learns what, once.
func testNotificationsFromTheLedger(t *testing.T, o *org) {
	post := &postbox{}
	w := newWorker(o, post, time.Now)
	p := o.pitch(t, o.eng, o.exec, leadership.Proposal, 2)
	for _, buyer := range []wayfare.ID{o.vp, o.rep} {
		if _, _, err := o.db.BuyTicket(as(buyer), p.ID); err != nil {
			t.Fatal(err)
		}
	}
	cycle(t, w)
	cycle(t, w) // a second pass finds nothing new
	if got := inbox(t, o, o.eng); !sameKinds(got, kinds(notifications.PitchSold, notifications.PitchSold)) {
		t.Errorf("author's inbox = %v, want the first ticket and the tickets wanted", got)
	}
	if got := inbox(t, o, o.ceo); !sameKinds(got, kinds(notifications.DecisionWaiting)) {
		t.Errorf("exec manager's inbox = %v, want decision.waiting", got)
	}
	if got := inbox(t, o, o.vp); len(got) != 0 {
		t.Errorf("a buyer is told of nothing yet: %v", got)
	}
	// A refund and a purchase cross the wanted again: nobody is told twice.
	if err := o.db.RefundTicket(as(o.rep), p.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := o.db.BuyTicket(as(o.rep), p.ID); err != nil {
		t.Fatal(err)
	}
	cycle(t, w)
	if got := inbox(t, o, o.ceo); len(got) != 1 {
		t.Errorf("crossing the wanted again told the manager again: %v", got)
	}

	j := mustJourney(t, o, p.ID) // the ceo adopts
	cycle(t, w)
	for _, who := range []wayfare.ID{o.eng, o.vp, o.rep} {
		if got := inbox(t, o, who); len(got) == 0 || got[len(got)-1] != notifications.PitchDecided {
			t.Errorf("person %d after the decision: %v, want pitch.decided last", who, got)
		}
	}
	if got := inbox(t, o, o.ceo); len(got) != 1 {
		t.Errorf("the decider is not told of their own decision: %v", got)
	}
	ns, _ := o.db.Notifications(as(o.vp), notifications.Filter{})
	if n := ns[0]; n.URL != "/pitches/"+p.ID.String() || n.Subject == "" || n.Text == "" || n.ActID == 0 {
		t.Errorf("pitch.decided = %+v", n)
	}

	if err := o.db.NameDriver(as(o.ceo), j.ID, o.lead); err != nil {
		t.Fatal(err)
	}
	if _, err := o.db.Depart(as(o.lead), j.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := o.db.RaiseDoubt(as(o.vp), j.ID, management.NewDoubt{Note: "Too fast."}); err != nil {
		t.Fatal(err)
	}
	if _, err := o.db.Repitch(as(o.eng), j.ID, leadership.NewRepitch{Message: "Here is why it still holds."}); err != nil {
		t.Fatal(err)
	}
	cycle(t, w)
	last := func(who wayfare.ID, n int) []notifications.Kind {
		got := inbox(t, o, who)
		return got[max(0, len(got)-n):]
	}
	// The rider rep: departed, then the journey needs leadership.
	if got := last(o.rep, 2); !sameKinds(got, kinds(notifications.JourneyMoved, notifications.JourneyNeedsLeadership)) {
		t.Errorf("rider's last = %v", got)
	}
	// The driver: the doubt and the threshold crossed.
	if got := last(o.lead, 2); !sameKinds(got, kinds(notifications.DoubtRaised, notifications.JourneyNeedsLeadership)) {
		t.Errorf("driver's last = %v", got)
	}
	// The doubter: departed and the re-pitch (not their own doubt's notice).
	if got := last(o.vp, 2); !sameKinds(got, kinds(notifications.JourneyMoved, notifications.RepitchPosted)) {
		t.Errorf("doubter's last = %v", got)
	}
	// Mail went to everyone told, once each.
	mails := post.take()
	per := map[wayfare.ID]int{}
	for _, m := range mails {
		if m.Kind != "notice" || m.Notice == nil || m.Email == "" {
			t.Fatalf("mail = %+v", m)
		}
		per[m.PersonID]++
	}
	for _, who := range []wayfare.ID{o.eng, o.ceo, o.vp, o.rep, o.lead} {
		if want := len(inbox(t, o, who)); per[who] != want {
			t.Errorf("person %d got %d mails for %d notifications", who, per[who], want)
		}
	}
	cycle(t, w)
	if again := post.take(); len(again) != 0 {
		t.Errorf("%d mails sent again", len(again))
	}
}

func testInboxIsOwn(t *testing.T, o *org) {
	w := newWorker(o, nil, time.Now)
	p := o.pitch(t, o.eng, o.exec, leadership.Proposal, 1)
	if _, _, err := o.db.BuyTicket(as(o.vp), p.ID); err != nil {
		t.Fatal(err)
	}
	cycle(t, w)
	mine, _ := o.db.Notifications(as(o.eng), notifications.Filter{})
	theirs, _ := o.db.Notifications(as(o.ceo), notifications.Filter{})
	if len(mine) != 1 || len(theirs) != 1 {
		t.Fatalf("inboxes: author %d, manager %d", len(mine), len(theirs))
	}
	if _, err := o.db.Notifications(context.Background(), notifications.Filter{}); code(err) != wayfare.EUNAUTHORIZED {
		t.Errorf("anonymous inbox: %v", err)
	}
	// Marking another's notification read does nothing.
	if n, err := o.db.MarkRead(as(o.eng), notifications.Read{IDs: []wayfare.ID{theirs[0].ID}}); err != nil || n != 0 {
		t.Errorf("marked another's: %d, %v", n, err)
	}
	if n, _ := o.db.Unread(as(o.ceo)); n != 1 {
		t.Errorf("manager's unread = %d", n)
	}
	if _, err := o.db.MarkRead(as(o.eng), notifications.Read{}); code(err) != wayfare.EINVALID {
		t.Errorf("empty read: %v", err)
	}
	if n, err := o.db.MarkRead(as(o.ceo), notifications.Read{All: true}); err != nil || n != 1 {
		t.Errorf("mark all: %d, %v", n, err)
	}
	unread, _ := o.db.Notifications(as(o.ceo), notifications.Filter{Unread: true})
	if n, _ := o.db.Unread(as(o.ceo)); n != 0 || len(unread) != 0 {
		t.Errorf("after mark all: %d unread, %d listed", n, len(unread))
	}
}

func testNoticesOnceAcrossProcesses(t *testing.T, o *org) {
	p := o.pitch(t, o.eng, o.exec, leadership.Proposal, 1)
	if _, _, err := o.db.BuyTicket(as(o.vp), p.ID); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	from, acts, err := o.db.NoticePosition(ctx, 100)
	if err != nil || len(acts) == 0 {
		t.Fatalf("position %d, %d acts, %v", from, len(acts), err)
	}
	notices, err := notifications.Derive(ctx, acts[len(acts)-1], o.db.Facts())
	if err != nil || len(notices) == 0 {
		t.Fatalf("derive: %v, %v", notices, err)
	}
	to := acts[len(acts)-1].ID
	if _, err := o.db.RecordNotices(ctx, from, to, notices, notifications.Delivery{}); err != nil {
		t.Fatal(err)
	}
	// Another process that read the same position records nothing.
	if _, err := o.db.RecordNotices(ctx, from, to, notices, notifications.Delivery{}); !errors.Is(err, notifications.ErrPositionMoved) {
		t.Fatalf("second record: %v", err)
	}
	if got := inbox(t, o, o.ceo); len(got) != 1 {
		t.Errorf("manager's inbox = %v", got)
	}
	// Only one of two processes holds the lease.
	a, _ := o.db.Lease(ctx, "job", "node-a", time.Minute)
	b, _ := o.db.Lease(ctx, "job", "node-b", time.Minute)
	if !a || b {
		t.Errorf("lease: a %v, b %v", a, b)
	}
	if err := o.db.Release(ctx, "job", "node-a"); err != nil {
		t.Fatal(err)
	}
	if b, _ := o.db.Lease(ctx, "job", "node-b", time.Minute); !b {
		t.Error("the lease given up is not taken")
	}
}

func testPreferencesAndDigests(t *testing.T, o *org) {
	now := time.Now()
	clock := func() time.Time { return now }
	post := &postbox{}
	w := newWorker(o, post, clock)
	got, err := o.db.Preferences(as(o.ceo))
	if err != nil || got.Email != notifications.Immediate || !got.Kinds[notifications.DecisionWaiting] {
		t.Fatalf("defaults = %+v, %v", got, err)
	}
	if _, err := o.db.SetPreferences(as(o.ceo), notifications.Preferences{Email: "hourly", DigestHour: 30, TimeZone: "Mars/Olympus"}); code(err) != wayfare.EINVALID {
		t.Fatalf("bad preferences: %v", err)
	} else if e, _ := wayfare.AsError(err); len(e.All()) != 3 {
		t.Errorf("bad preferences name %d fields, want 3: %v", len(e.All()), err)
	}
	// The manager wants a daily digest; the author no mail at all.
	if _, err := o.db.SetPreferences(as(o.ceo), notifications.Preferences{Email: notifications.Daily, DigestHour: 6, TimeZone: "Europe/Paris"}); err != nil {
		t.Fatal(err)
	}
	if _, err := o.db.SetPreferences(as(o.eng), notifications.Preferences{Email: notifications.Off, DigestHour: 6, TimeZone: "UTC"}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		p := o.pitch(t, o.eng, o.exec, leadership.Proposal, 1)
		if _, _, err := o.db.BuyTicket(as(o.vp), p.ID); err != nil {
			t.Fatal(err)
		}
	}
	cycle(t, w)
	if mails := post.take(); len(mails) != 0 {
		t.Fatalf("immediate mails for people on digests or off: %d", len(mails))
	}
	now = now.Add(25 * time.Hour) // past 06:00 in Paris, whatever the hour now
	cycle(t, w)
	mails := post.take()
	if len(mails) != 1 || mails[0].Kind != "digest" || mails[0].PersonID != o.ceo || len(mails[0].Items) != 2 || mails[0].Period != "daily" {
		t.Fatalf("digest = %+v", mails)
	}
	now = now.Add(25 * time.Hour)
	cycle(t, w)
	if again := post.take(); len(again) != 0 {
		t.Errorf("an empty digest was sent, or one repeated: %+v", again[0])
	}
	prefs, _ := o.db.Preferences(as(o.ceo))
	if prefs.TimeZone != "Europe/Paris" || prefs.Email != notifications.Daily {
		t.Errorf("preferences read back = %+v", prefs)
	}
}

func testMailRetriesAndDrops(t *testing.T, o *org) {
	now := time.Now()
	post := &postbox{fail: true}
	w := newWorker(o, post, func() time.Time { return now })
	p := o.pitch(t, o.eng, o.exec, leadership.Proposal, 1)
	if _, _, err := o.db.BuyTicket(as(o.vp), p.ID); err != nil {
		t.Fatal(err)
	}
	cycle(t, w) // both mails fail for now
	if n, _ := o.db.MarkRead(as(o.ceo), notifications.Read{All: true}); n != 1 {
		t.Fatalf("marked %d", n)
	}
	post.fail = false
	cycle(t, w)
	if mails := post.take(); len(mails) != 0 {
		t.Fatalf("sent before the retry time: %d", len(mails))
	}
	now = now.Add(2 * time.Minute)
	cycle(t, w)
	mails := post.take()
	var to []wayfare.ID
	for _, m := range mails {
		to = append(to, m.PersonID)
	}
	sort.Slice(to, func(i, j int) bool { return to[i] < to[j] })
	if len(to) != 1 || to[0] != o.eng {
		t.Errorf("after the retry, mail went to %v; want the author only (the manager read it first)", to)
	}
}
