package api_test

import (
	"context"
	"testing"

	"github.com/wayfare-org/wayfare/api"
	"github.com/wayfare-org/wayfare/notifications"
)

// notify runs the notifications worker once over what the fixture did.
func (f *fixture) notify() {
	f.t.Helper()
	w := notifications.NewWorker(notifications.Config{Store: f.db, Holder: "api-test"})
	if err := w.Cycle(context.Background()); err != nil {
		f.t.Fatal(err)
	}
}

// TestNotificationsThroughTheAPI: the manager learns that a pitch waits for
// a decision, reads the inbox, marks it read; preferences round-trip and
// every bad field is named.
func TestNotificationsThroughTheAPI(t *testing.T) {
	f := newFixture(t)
	for _, who := range []string{"member", "driver", "outsider"} {
		if w := f.do(who, "POST", f.path("/api/v1/pitches/{P}/tickets"), nil); w.Code != 201 {
			t.Fatalf("buy: %s", describe(w))
		}
	}
	f.notify()
	// The fixture made everyone an API token: each heard of it first.
	list := decodeInto[api.List[notifications.Notification]](t, f.do("manager", "GET", "/api/v1/notifications", nil))
	if len(list.Items) != 2 || list.Items[0].Kind != notifications.DecisionWaiting || list.Items[0].URL != f.path("/pitches/{P}") ||
		list.Items[0].ReadAt != nil || list.Items[1].Kind != notifications.AccountSignIn {
		t.Fatalf("manager's inbox: %+v", list)
	}
	author := decodeInto[api.List[notifications.Notification]](t, f.do("author", "GET", "/api/v1/notifications?limit=1", nil))
	if len(author.Items) != 1 || author.NextCursor == "" {
		t.Fatalf("author's first page: %+v", author)
	}
	next := decodeInto[api.List[notifications.Notification]](t, f.do("author", "GET", "/api/v1/notifications?limit=1&cursor="+author.NextCursor, nil))
	if len(next.Items) != 1 || next.Items[0].ID >= author.Items[0].ID || next.NextCursor == "" {
		t.Fatalf("author's second page: %+v", next)
	}
	if w := f.do("", "GET", "/api/v1/notifications", nil); w.Code != 401 {
		t.Fatalf("anonymous: %s", describe(w))
	}
	if w := f.do("manager", "GET", "/api/v1/notifications?unread=maybe", nil); w.Code != 400 || problemOf(t, w).Field != "unread" {
		t.Fatalf("bad unread: %s", describe(w))
	}
	if w := f.do("manager", "POST", "/api/v1/notifications/read", `{}`); w.Code != 400 || problemOf(t, w).Field != "ids" {
		t.Fatalf("empty read: %s", describe(w))
	}
	res := decodeInto[map[string]int](t, f.do("manager", "POST", "/api/v1/notifications/read", map[string]any{"ids": []string{list.Items[0].ID.String()}}))
	if res["marked"] != 1 || res["unread"] != 1 {
		t.Fatalf("read: %v", res)
	}
	unread := decodeInto[api.List[notifications.Notification]](t, f.do("manager", "GET", "/api/v1/notifications?unread=true", nil))
	if len(unread.Items) != 1 || unread.Items[0].ID != list.Items[1].ID {
		t.Fatalf("unread after reading: %+v", unread)
	}
	all := decodeInto[map[string]int](t, f.do("author", "POST", "/api/v1/notifications/read", `{"all":true}`))
	// The author heard of their token, both pitches' first tickets, P's
	// tickets wanted and the other's adoption.
	if all["marked"] != 5 {
		t.Fatalf("read all: %v", all)
	}

	prefs := decodeInto[notifications.Preferences](t, f.do("member", "GET", "/api/v1/me/preferences", nil))
	if prefs.Email != notifications.Immediate || prefs.DigestHour != 6 || prefs.TimeZone != "UTC" || !prefs.Kinds[notifications.JourneyMoved] {
		t.Fatalf("defaults: %+v", prefs)
	}
	w := f.do("member", "PUT", "/api/v1/me/preferences", `{"email":"weekly","digest_hour":8,"time_zone":"America/New_York","kinds":{"journey.moved":false}}`)
	if w.Code != 200 {
		t.Fatalf("set: %s", describe(w))
	}
	prefs = decodeInto[notifications.Preferences](t, f.do("member", "GET", "/api/v1/me/preferences", nil))
	if prefs.Email != notifications.Weekly || prefs.DigestHour != 8 || prefs.TimeZone != "America/New_York" ||
		prefs.Kinds[notifications.JourneyMoved] || !prefs.Kinds[notifications.PitchDecided] {
		t.Fatalf("read back: %+v", prefs)
	}
	w = f.do("member", "PUT", "/api/v1/me/preferences", `{"email":"hourly","digest_hour":25,"time_zone":"Atlantis"}`)
	p := problemOf(t, w)
	if w.Code != 400 || len(p.Errors) != 3 {
		t.Fatalf("bad preferences: %s", describe(w))
	}
}
