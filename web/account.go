package web

import (
	"net/http"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/people"
)

// epochKey is the session value that holds the session epoch the person
// signed in at (see people.Person.SessionEpoch).
const epochKey = "epoch"

type accountView struct {
	base
	// Passwords says whether people sign in with a password here.
	Passwords bool
}

func (s *Server) account(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "account", &accountView{base: base{Title: "Your account"}, Passwords: !s.cfg.NoPasswordSignIn})
	return nil
}

// changePassword changes the reader's password after checking the one
// they have: failed checks are limited as sign-ins are. The session goes
// on under a new token; every other session of theirs is over.
// With password sign-in off there is no password to change.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.NoPasswordSignIn {
		return wayfare.Forbidden("password-sign-in-off", "Signing in with a password is turned off here: there is no password to change.")
	}
	me := s.me(r)
	refuse := func(status int, field, msg string) error {
		v := &accountView{base: base{Title: "Your account", Problem: &wayfare.Error{Code: wayfare.EINVALID, Field: field, Message: msg}},
			Passwords: true}
		s.render(w, r, status, "account", v)
		return nil
	}
	key := currentPasswordKey(me.ID.String())
	if d := s.limiter.reserve(r.Context(), key); d > 0 {
		tooMany(w, d)
		return refuse(http.StatusTooManyRequests, "current_password", "Too many wrong passwords. Try again in "+waitText(d)+".")
	}
	_, hash, err := s.svc.Credentials(r.Context(), me.Email)
	if err != nil {
		return err
	}
	ok, err := s.checkPassword(r.Context(), hash, r.PostFormValue("current_password"))
	if err != nil {
		return err
	}
	if !ok {
		return refuse(http.StatusBadRequest, "current_password", "is not your password.")
	}
	s.limiter.forget(r.Context(), key)
	pw := r.PostFormValue("new_password")
	if err := people.ValidatePassword(pw); err != nil {
		e, _ := wayfare.AsError(err)
		return refuse(http.StatusBadRequest, "new_password", e.Message+".")
	}
	if pw != r.PostFormValue("confirm_password") {
		return refuse(http.StatusBadRequest, "confirm_password", "is not the same as the new password.")
	}
	if hash, err = hashPassword(r.Context(), pw); err != nil {
		return err
	}
	if err := s.svc.SetPassword(r.Context(), me.ID, hash); err != nil {
		return err
	}
	done := "Password changed. Your other sessions are signed out."
	if r.PostFormValue("end_tokens") == "yes" {
		n, err := s.svc.RevokeTokens(r.Context(), me.ID)
		if err != nil {
			return err
		}
		done = "Password changed. Your other sessions are signed out and " + plural(n, "API token") + " ended."
	}
	again, _, err := s.signedInPerson(r.Context(), me.ID)
	if err != nil {
		return err
	}
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	s.sessions.Put(r.Context(), epochKey, int64(again.SessionEpoch))
	return s.back(w, r, "/account", done)
}
