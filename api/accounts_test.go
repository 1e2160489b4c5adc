package api_test

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare/api"
	"github.com/wayfare-org/wayfare/people"
)

// TestTokensThroughTheAPI creates, uses, lists and revokes a token.
func TestTokensThroughTheAPI(t *testing.T) {
	f := newFixture(t)
	expires := time.Now().Add(30 * 24 * time.Hour).UTC().Format(time.RFC3339)
	w := f.do("member", "POST", "/api/v1/tokens", `{"name":"laptop","expires_at":"`+expires+`"}`)
	if w.Code != 201 || w.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("create: %s", describe(w))
	}
	tok := decodeInto[people.Token](t, w)
	if !strings.HasPrefix(tok.Token, "wf_") || tok.Name != "laptop" || tok.ExpiresAt == nil {
		t.Fatalf("token: %+v", tok)
	}
	f.tokens["laptop"] = tok.Token
	me := decodeInto[people.Person](t, f.do("laptop", "GET", "/api/v1/me", nil))
	if me.ID != f.ids["member"] || me.Email != "member@example.test" || me.Status != people.Active || len(me.Groups) != 1 {
		t.Fatalf("me: %+v", me)
	}
	list := decodeInto[api.List[people.Token]](t, f.do("member", "GET", "/api/v1/tokens", nil))
	if len(list.Items) != 2 || list.Items[0].Name != "laptop" || list.Items[0].Token != "" {
		t.Fatalf("list: %+v", list)
	}
	if w := f.do("outsider", "DELETE", "/api/v1/tokens/"+tok.ID.String(), nil); w.Code != 404 {
		t.Fatalf("someone else revoking: %s", describe(w))
	}
	if w := f.do("member", "DELETE", "/api/v1/tokens/"+tok.ID.String(), nil); w.Code != 204 {
		t.Fatalf("revoke: %s", describe(w))
	}
	if w := f.do("laptop", "GET", "/api/v1/me", nil); w.Code != 401 {
		t.Fatalf("a revoked token: %s", describe(w))
	}
	for body, field := range map[string]string{
		`{"name":""}`: "name",
		`{"name":"x","expires_at":"2001-01-01T00:00:00Z"}`: "expires_at",
		`{"name":"x","expires_at":"soon"}`:                 "expires_at",
		`{"name":"x","scope":"all"}`:                       "scope",
	} {
		w := f.do("member", "POST", "/api/v1/tokens", body)
		if p := problemOf(t, w); w.Code != 400 || p.Field != field {
			t.Errorf("%s: %s, want 400 naming %s", body, describe(w), field)
		}
	}
}

// TestDeactivationThroughTheAPI: the next request with the person's token
// is refused, their open event stream ends, their records stay.
func TestDeactivationThroughTheAPI(t *testing.T) {
	f := newFixture(t)
	srv := httptest.NewServer(f.h)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/api/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+f.tokens["member"])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if w := f.do("admin", "POST", f.path("/api/v1/people/{member}/deactivate"), nil); w.Code != 200 ||
		decodeInto[people.Person](t, w).Status != people.Deactivated {
		t.Fatalf("deactivate: %s", describe(w))
	}
	// The stream says why and closes.
	r := bufio.NewReader(res.Body)
	var ended bool
	for {
		line, err := r.ReadString('\n')
		if strings.HasPrefix(line, "event: end") {
			ended = true
		}
		if err != nil {
			break
		}
	}
	if !ended || ctx.Err() != nil {
		t.Fatalf("the stream did not end with an end event (ended %v, %v)", ended, ctx.Err())
	}
	if w := f.do("member", "GET", "/api/v1/pitches", nil); w.Code != 401 {
		t.Fatalf("a deactivated person's token: %s", describe(w))
	}
	p := decodeInto[people.Person](t, f.do("manager", "GET", f.path("/api/v1/people/{member}"), nil))
	if p.Status != people.Deactivated {
		t.Fatalf("person: %+v", p)
	}
	active := decodeInto[api.List[people.Person]](t, f.do("manager", "GET", "/api/v1/people?status=active&limit=500", nil))
	for _, a := range active.Items {
		if a.ID == f.ids["member"] {
			t.Error("a deactivated person listed as active")
		}
	}
	if w := f.do("manager", "GET", "/api/v1/people?status=gone", nil); w.Code != 400 || problemOf(t, w).Field != "status" {
		t.Errorf("a bad status filter: %s", describe(w))
	}
	if w := f.do("admin", "POST", f.path("/api/v1/people/{admin}/deactivate"), nil); w.Code != 409 || problemOf(t, w).Rule != "last-admin" {
		t.Errorf("the last admin: %s", describe(w))
	}
}

// TestUpdatesThroughTheAPI: PATCH of people and groups, null meaning
// "no one" or "the top", and every field named when wrong.
func TestUpdatesThroughTheAPI(t *testing.T) {
	f := newFixture(t)
	w := f.do("admin", "PATCH", f.path("/api/v1/people/{member}"), `{"manager_id":null,"title":"Staff"}`)
	p := decodeInto[people.Person](t, w)
	if w.Code != 200 || p.ManagerID != nil || p.Level != 0 || p.Title != "Staff" {
		t.Fatalf("patch person: %s", describe(w))
	}
	for body, want := range map[string]string{
		`{"manager_id":"{member}"}`:        "400 manager_id",
		`{"manager_id":"999999"}`:          "400 manager_id",
		`{"email":"manager@example.test"}`: "409 email",
		`{"name":"  "}`:                    "400 name",
		`{"admin":"yes"}`:                  "400 admin",
	} {
		w := f.do("admin", "PATCH", f.path("/api/v1/people/{member}"), f.path(body))
		if got := describeField(t, w); got != want {
			t.Errorf("%s: %s, want %s", body, got, want)
		}
	}
	w = f.do("admin", "PATCH", f.path("/api/v1/groups/{T}"), `{"parent_id":null,"name":"Target team"}`)
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"name":"Target team"`) || strings.Contains(w.Body.String(), "parent_id") {
		t.Fatalf("patch group: %s", describe(w))
	}
	w = f.do("admin", "PATCH", f.path("/api/v1/groups/{O}"), f.path(`{"parent_id":"{O}"}`))
	if w.Code != 409 || problemOf(t, w).Rule != "no-circle" {
		t.Fatalf("a group under itself: %s", describe(w))
	}
}

func describeField(t *testing.T, w *httptest.ResponseRecorder) string {
	t.Helper()
	if w.Code < 400 {
		return describe(w)
	}
	return strconv.Itoa(w.Code) + " " + problemOf(t, w).Field
}

// TestRevokeEveryToken: DELETE /api/v1/tokens ends all of one's own tokens;
// an admin ends anyone's; others may not.
func TestRevokeEveryToken(t *testing.T) {
	f := newFixture(t)
	f.tokens["second"] = decodeInto[people.Token](t, f.do("member", "POST", "/api/v1/tokens", `{"name":"second"}`)).Token
	if w := f.do("outsider", "DELETE", f.path("/api/v1/tokens?person_id={member}"), nil); w.Code != 403 {
		t.Fatalf("another person's tokens: %s", describe(w))
	}
	if w := f.do("second", "DELETE", "/api/v1/tokens", nil); w.Code != 204 {
		t.Fatalf("ending one's own tokens: %s", describe(w))
	}
	if w := f.do("second", "GET", "/api/v1/me", nil); w.Code != 401 {
		t.Errorf("an ended token: %s", describe(w))
	}
	if w := f.do("member", "GET", "/api/v1/me", nil); w.Code != 401 {
		t.Errorf("the fixture's own token of the person survived: %s", describe(w))
	}
	if w := f.do("admin", "DELETE", f.path("/api/v1/tokens?person_id={outsider}"), nil); w.Code != 204 {
		t.Fatalf("an admin ending someone's tokens: %s", describe(w))
	}
	if w := f.do("outsider", "GET", "/api/v1/me", nil); w.Code != 401 {
		t.Errorf("a token an admin ended: %s", describe(w))
	}
}
