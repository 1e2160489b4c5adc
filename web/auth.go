package web

import (
	"context"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/people"
)

// sessionKey is the session value that holds the signed-in person's id.
const sessionKey = "person_id"

type meKey struct{}

// afterKey holds the newest act published when a page's request began.
type afterKey struct{}

// liveAfter returns the newest act published before the page was read.
func liveAfter(r *http.Request) wayfare.ID {
	id, _ := r.Context().Value(afterKey{}).(wayfare.ID)
	return id
}

// handler is a page handler that returns an error to be shown as a page.
type handler func(w http.ResponseWriter, r *http.Request) error

// public serves a page that needs no sign-in.
func (s *Server) public(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
}

// private serves a page for signed-in people; others are sent to sign in
// and brought back after.
func (s *Server) private(h handler) http.Handler {
	return s.public(func(w http.ResponseWriter, r *http.Request) error {
		id := wayfare.ID(s.sessions.GetInt64(r.Context(), sessionKey))
		if id == 0 {
			return s.toLogin(w, r)
		}
		me, actor, err := s.signedInPerson(r.Context(), id)
		if wayfare.ErrorCode(err) == wayfare.EUNAUTHORIZED ||
			(err == nil && s.sessions.GetInt64(r.Context(), epochKey) != int64(me.SessionEpoch)) {
			// Gone, or signed in before the password last changed.
			s.sessions.Destroy(r.Context())
			return s.toLogin(w, r)
		} else if err != nil {
			return err
		}
		ctx := wayfare.WithActor(r.Context(), actor)
		// The newest act before anything of the page is read: the page's
		// live updates replay every act after it (see liveAfter).
		ctx = context.WithValue(ctx, afterKey{}, s.svc.Hub().Last())
		return h(w, r.WithContext(context.WithValue(ctx, meKey{}, me)))
	})
}

func (s *Server) toLogin(w http.ResponseWriter, r *http.Request) error {
	if r.Header.Get(fragmentHeader) != "" { // a live region asks: no sign-in page in its place
		http.Error(w, "Sign in again to see this.", http.StatusUnauthorized)
		return nil
	}
	next := r.URL.RequestURI()
	if r.Method != http.MethodGet {
		next = "/"
	}
	http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
	return nil
}

// me returns the signed-in person, or nil.
func (s *Server) me(r *http.Request) *people.Person {
	p, _ := r.Context().Value(meKey{}).(*people.Person)
	return p
}

type loginView struct {
	base
	Email string
	Next  string
	// Provider names the single sign-on provider ("" for none).
	Provider string
	// Passwords says whether people may sign in with a password.
	Passwords bool
	// Mail says whether a forgotten password can be reset by e-mail.
	Mail bool
}

// newLoginView is the sign-in page, to come back to next after.
func (s *Server) newLoginView(next, email string) *loginView {
	v := &loginView{base: base{Title: "Sign in"}, Email: email, Next: safeNext(next), Passwords: !s.cfg.NoPasswordSignIn,
		Mail: s.cfg.Mail}
	if s.cfg.SingleSignOn != nil {
		v.Provider = s.cfg.SingleSignOn.Name()
	}
	return v
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "login", s.newLoginView(r.URL.Query().Get("next"), ""))
	return nil
}

// login signs a person in. The try is counted against the limits before
// the password is checked, and an unknown address costs the same check as
// a known one; the answer never tells which part was wrong.
// With password sign-in off, every try is refused before anything else.
func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	email := strings.ToLower(strings.TrimSpace(r.PostFormValue("email")))
	v := s.newLoginView(r.PostFormValue("next"), email)
	if s.cfg.NoPasswordSignIn {
		v.Problem = &wayfare.Error{Code: wayfare.EFORBIDDEN, Message: "Signing in with a password is turned off here: sign in with " + v.Provider + "."}
		s.render(w, r, http.StatusForbidden, "login", v)
		return nil
	}
	addr := s.cfg.TrustedProxies.ClientAddr(r)
	account, pair, client := accountKey(email), pairKey(email, addr), addressKey(addr)
	if d := s.limiter.reserve(r.Context(), account, pair, client); d > 0 {
		tooMany(w, d)
		v.Problem = &wayfare.Error{Code: wayfare.EFORBIDDEN, Message: "Too many failed sign-ins. Try again in " + waitText(d) + "."}
		s.render(w, r, http.StatusTooManyRequests, "login", v)
		return nil
	}
	actor, hash, err := s.svc.Credentials(r.Context(), email)
	known := err == nil
	if err != nil && wayfare.ErrorCode(err) != wayfare.ENOTFOUND {
		return err
	}
	if hash == "" { // no password set (single sign-on, or never given one): the same work
		known = false
	}
	if !known {
		hash = dummyHash
	}
	ok, err := s.checkPassword(r.Context(), hash, r.PostFormValue("password"))
	if err != nil {
		return err
	}
	if !known || !ok {
		v.Problem = &wayfare.Error{Code: wayfare.EUNAUTHORIZED, Message: "That e-mail address and password do not match."}
		s.render(w, r, http.StatusUnauthorized, "login", v)
		return nil
	}
	s.limiter.release(r.Context(), account, client)
	s.limiter.forget(r.Context(), pair)
	if err := s.startSession(r.Context(), actor.PersonID); err != nil {
		return err
	}
	http.Redirect(w, r, v.Next, http.StatusSeeOther)
	return nil
}

// startSession signs the browser in as the person, however they proved
// who they are: a new session token (so that a token set before signing
// in is worth nothing after), and in the session the person and the
// session epoch they signed in at.
func (s *Server) startSession(ctx context.Context, id wayfare.ID) error {
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	me, _, err := s.signedInPerson(ctx, id)
	if err != nil {
		return err
	}
	s.sessions.Put(ctx, sessionKey, int64(id))
	s.sessions.Put(ctx, epochKey, int64(me.SessionEpoch))
	return nil
}

// tooMany says when to come back, in whole seconds rounded up.
func tooMany(w http.ResponseWriter, d time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(d.Seconds()))))
}

// waitText says a wait in words: "3 seconds", "2 minutes".
func waitText(d time.Duration) string {
	if d <= time.Minute {
		return plural(int(math.Ceil(d.Seconds())), "second")
	}
	return plural(int(math.Ceil(d.Minutes())), "minute")
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if err := s.sessions.Destroy(r.Context()); err != nil {
		return err
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// safeNext keeps a redirect after sign-in on this site: a path of ours,
// never a scheme, a host, a backslash or a control character (browsers
// drop tabs and newlines from URLs, so "/\t/evil.example" would become
// "//evil.example", another site).
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.ContainsFunc(next, func(r rune) bool { return r == '\\' || r < 0x20 || r == 0x7f }) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || strings.HasPrefix(u.Path, "//") {
		return "/"
	}
	return next
}

// flash leaves a message for the next page the person sees.
func (s *Server) flash(r *http.Request, msg string) { s.sessions.Put(r.Context(), "flash", msg) }
