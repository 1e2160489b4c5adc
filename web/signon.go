package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"time"

	"golang.org/x/oauth2"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/people"
)

// pendingKey is the session value that holds a sign-in started at the
// provider and not yet finished.
const pendingKey = "oidc_pending"

// pendingFor is how long a sign-in at the provider may take.
const pendingFor = 10 * time.Minute

// pendingSignOn is what a sign-in at the provider must come back with, kept
// in the browser's own session: read once, when the provider sends the
// browser back, and discarded then whatever the answer.
type pendingSignOn struct {
	State    string `json:"state"`
	Nonce    string `json:"nonce"`
	Verifier string `json:"verifier"` // PKCE
	Next     string `json:"next"`
	Started  int64  `json:"started"` // Unix seconds
}

// startSignOn sends the browser to the provider to sign in, with a fresh
// state, nonce and PKCE challenge; the page to come back to passes
// through safeNext, as the password sign-in's does.
func (s *Server) startSignOn(w http.ResponseWriter, r *http.Request) error {
	p := pendingSignOn{State: rand.Text(), Nonce: rand.Text(), Verifier: oauth2.GenerateVerifier(),
		Next: safeNext(r.URL.Query().Get("next")), Started: time.Now().Unix()}
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	s.sessions.Put(r.Context(), pendingKey, string(b))
	if s.sessions.GetInt64(r.Context(), sessionKey) == 0 {
		// Nobody is signed in here: the session holds only this sign-in,
		// and lasts no longer (signing in renews it for its whole life).
		s.sessions.SetDeadline(r.Context(), time.Now().Add(pendingFor))
	}
	http.Redirect(w, r, s.cfg.SingleSignOn.authURL(p), http.StatusSeeOther)
	return nil
}

// takePending returns the sign-in this browser started, and forgets it;
// ok is false when there is none, or it took too long.
func (s *Server) takePending(ctx context.Context) (p pendingSignOn, ok bool) {
	raw := s.sessions.PopString(ctx, pendingKey)
	if raw == "" || json.Unmarshal([]byte(raw), &p) != nil {
		return p, false
	}
	return p, time.Since(time.Unix(p.Started, 0)) < pendingFor && p.State != ""
}

// errorCode is the form of an OAuth error code; anything else the
// provider's answer says is logged, never shown, as anyone can make a link
// that says it.
var errorCode = regexp.MustCompile(`^[a-z_]{1,40}$`)

// finishSignOn takes the browser back from the provider: the answer must
// carry the state this browser's sign-in started with, its code must
// trade for an ID token that verifies with this sign-in's nonce, and the
// provider must have verified the address. The person is then matched by
// that address (or created), the claims are applied, and the browser is
// signed in under a new session token.
func (s *Server) finishSignOn(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p, ok := s.takePending(r.Context())
	if e := q.Get("error"); e != "" {
		s.log.Info("single sign-on: the provider refused", "error", e, "description", q.Get("error_description"))
		msg := s.cfg.SingleSignOn.Name() + " did not sign you in"
		if errorCode.MatchString(e) {
			msg += " (it answered " + e + ")"
		}
		return s.signOnRefused(w, r, http.StatusUnauthorized, msg+".")
	}
	if !ok || subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(p.State)) != 1 {
		return s.signOnRefused(w, r, http.StatusBadRequest,
			"This sign-in was not started in this browser, was finished already, or took too long. Please sign in again.")
	}
	c, err := s.cfg.SingleSignOn.verify(r.Context(), q.Get("code"), p)
	if err != nil {
		s.log.Warn("single sign-on: the provider's answer was refused", "err", err)
		return s.signOnRefused(w, r, http.StatusUnauthorized, "The answer from "+s.cfg.SingleSignOn.Name()+
			" could not be verified, so you are not signed in. Please try again; if this goes on, tell an admin.")
	}
	in, ignored, err := s.cfg.SingleSignOn.assertion(c)
	if errors.Is(err, errUnverified) {
		return s.signOnRefused(w, r, http.StatusForbidden, s.cfg.SingleSignOn.Name()+
			" has not verified your e-mail address, and Wayfare knows people by it. Verify it there, then sign in again.")
	} else if err != nil {
		s.log.Warn("single sign-on: the provider's claims were refused", "err", err)
		return s.signOnRefused(w, r, http.StatusForbidden, s.cfg.SingleSignOn.Name()+" gave no usable e-mail address for you.")
	}
	id, err := s.applySignOn(r, in, ignored)
	if err != nil {
		return s.signOnProblem(w, r, in.Email, err)
	}
	if err := s.startSession(r.Context(), id); err != nil {
		return err
	}
	http.Redirect(w, r, p.Next, http.StatusSeeOther)
	return nil
}

// applySignOn has the store apply the assertion, as the system, and logs
// what the claims named that the organization lacks.
func (s *Server) applySignOn(r *http.Request, in people.SignOn, ignored []string) (wayfare.ID, error) {
	sys := wayfare.WithActor(r.Context(), wayfare.Actor{System: true})
	res, err := s.svc.SignOn(sys, in)
	if err != nil {
		return 0, err
	}
	if len(res.UnknownGroups)+len(ignored) > 0 {
		s.log.Warn("single sign-on: the groups claim names groups the organization lacks; create them to use them",
			"email", in.Email, "groups", res.UnknownGroups, "not_paths", ignored)
	}
	if res.AdminKept {
		s.log.Warn("single sign-on: the admin claim would take the flag from the last active admin, who keeps it", "email", in.Email)
	}
	if res.Created {
		s.log.Info("single sign-on: a person was created at their first sign-in", "email", in.Email)
	}
	return res.Person.ID, nil
}

// signOnProblem answers a sign-in the store refused.
func (s *Server) signOnProblem(w http.ResponseWriter, r *http.Request, email string, err error) error {
	switch e, _ := wayfare.AsError(err); {
	case e == nil:
		return err
	case e.Code == wayfare.ENOTFOUND:
		return s.signOnRefused(w, r, http.StatusForbidden, "Nobody in this organization has the address "+email+
			" yet, so you cannot sign in. Ask an admin to add you.")
	case e.Rule == "deactivated":
		return s.signOnRefused(w, r, http.StatusForbidden, "The account of "+email+
			" has been deactivated, so you cannot sign in. Ask an admin if this is a mistake.")
	}
	return err
}

// signOnRefused shows the sign-in page with why signing in failed.
func (s *Server) signOnRefused(w http.ResponseWriter, r *http.Request, status int, msg string) error {
	v := s.newLoginView("/", "")
	v.Problem = &wayfare.Error{Code: wayfare.EUNAUTHORIZED, Message: msg}
	s.render(w, r, status, "login", v)
	return nil
}
