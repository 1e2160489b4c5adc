package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/wayfare-org/wayfare/ledger"
	"github.com/wayfare-org/wayfare/people"
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

// TestChangePasswordKeepsTokens: a new password keeps the person's API
// tokens, unless they ask to end them too.
func TestChangePasswordKeepsTokens(t *testing.T) {
	s := newSite(t)
	b := s.signIn("member")
	keep, err := s.db.CreateToken(as(s, "member"), 0, people.NewToken{Name: "kept"})
	if err != nil {
		t.Fatal(err)
	}
	const next = "another long enough password"
	b.post("/account/password", url.Values{"current_password": {password}, "new_password": {next}, "confirm_password": {next}})
	if _, err := s.db.Authenticate(context.Background(), keep.Token); err != nil {
		t.Fatalf("a password change ended a token: %v", err)
	}
	b.post("/account/password", url.Values{"current_password": {next}, "new_password": {password}, "confirm_password": {password},
		"end_tokens": {"yes"}})
	if _, err := s.db.Authenticate(context.Background(), keep.Token); err == nil {
		t.Fatal("asked to end the tokens with the password, the token still works")
	}
	if _, body := b.get("/account"); !strings.Contains(body, "1 API token ended") {
		t.Error("the page does not say the token ended")
	}
	acts, _ := s.db.Acts(context.Background(), ledger.Filter{Verb: ledger.PasswordSet, PersonID: s.ids["member"]})
	if len(acts) != 2 || acts[0].PersonID != s.ids["member"] || acts[0].SubjectID != s.ids["member"] {
		t.Errorf("password.set acts: %+v", acts)
	}
}
