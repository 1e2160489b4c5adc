package web_test

import (
	"net/url"
	"strings"
	"testing"
)

// TestChangePassword changes the reader's password: the current one is
// checked, the new one validated and confirmed; the reader stays signed
// in, their other sessions are over, and only the new password works.
func TestChangePassword(t *testing.T) {
	s := newSite(t)
	here, elsewhere := s.signIn("member"), s.signIn("member")
	if res, body := here.get("/account"); res.StatusCode != 200 || !strings.Contains(body, `autocomplete="new-password"`) {
		t.Fatalf("account page: %d", res.StatusCode)
	}
	const next = "another long enough password"
	for _, tc := range []struct {
		form  url.Values
		field string
	}{
		{url.Values{"current_password": {"wrong password!"}, "new_password": {next}, "confirm_password": {next}}, "current_password"},
		{url.Values{"current_password": {password}, "new_password": {"short"}, "confirm_password": {"short"}}, "new_password"},
		{url.Values{"current_password": {password}, "new_password": {next}, "confirm_password": {next + "!"}}, "confirm_password"},
	} {
		res := here.post("/account/password", tc.form)
		if res.StatusCode != 400 {
			t.Fatalf("%s refused: %d", tc.field, res.StatusCode)
		}
	}
	res := here.post("/account/password", url.Values{"current_password": {password}, "new_password": {next}, "confirm_password": {next}})
	if res.StatusCode != 303 {
		t.Fatalf("changing: %d", res.StatusCode)
	}
	if res, body := here.get("/account"); res.StatusCode != 200 || !strings.Contains(body, "Password changed") {
		t.Fatalf("the browser that changed it stays signed in: %d", res.StatusCode)
	}
	if res, _ := elsewhere.get("/"); res.StatusCode != 303 || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Fatalf("another session must be signed out: %d", res.StatusCode)
	}
	old := s.browser().post("/login", url.Values{"email": {"member@example.test"}, "password": {password}})
	if old.StatusCode != 401 {
		t.Fatalf("the old password: %d", old.StatusCode)
	}
	fresh := s.browser()
	if res := fresh.post("/login", url.Values{"email": {"member@example.test"}, "password": {next}, "next": {"/"}}); res.StatusCode != 303 {
		t.Fatalf("the new password: %d", res.StatusCode)
	}
	if res, _ := fresh.get("/"); res.StatusCode != 200 {
		t.Fatalf("signed in with the new password: %d", res.StatusCode)
	}
}
