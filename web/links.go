package web

import (
	"net/http"
	"strings"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/notifications"
	"github.com/wayfare-org/wayfare/people"
)

type forgotView struct {
	base
	Email string
	Sent  bool
	Mail  bool // mail is configured: links can be sent
}

// forgotPage asks for the address to send a reset link to.
func (s *Server) forgotPage(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "forgot", &forgotView{base: base{Title: "Forgot your password?"}, Mail: s.cfg.Mail})
	return nil
}

// forgot sends a reset link, with the same answer whether or not the
// address is known.
func (s *Server) forgot(w http.ResponseWriter, r *http.Request) error {
	v := &forgotView{base: base{Title: "Forgot your password?"}, Email: strings.TrimSpace(r.PostFormValue("email")), Mail: s.cfg.Mail}
	if !s.cfg.Mail || s.cfg.NoPasswordSignIn {
		s.render(w, r, http.StatusServiceUnavailable, "forgot", v)
		return nil
	}
	addr := s.cfg.TrustedProxies.ClientAddr(r)
	if d := s.limiter.reserve(r.Context(), addressKey(addr)); d > 0 {
		tooMany(w, d)
		v.Problem = &wayfare.Error{Code: wayfare.EFORBIDDEN, Message: "Too many requests. Try again in " + waitText(d) + "."}
		s.render(w, r, http.StatusTooManyRequests, "forgot", v)
		return nil
	}
	s.limiter.release(r.Context(), addressKey(addr))
	err := s.svc.RequestLink(r.Context(), v.Email, notifications.LinkReset)
	if e, ok := refused(err); ok {
		v.Problem = e
		s.render(w, r, http.StatusBadRequest, "forgot", v)
		return nil
	} else if err != nil {
		return err
	}
	v.Sent = true
	s.render(w, r, http.StatusOK, "forgot", v)
	return nil
}

type linkView struct {
	base
	Token  string
	Invite bool
	Name   string
	Gone   bool // used or expired
}

// linkPage shows the form that sets a password through a link.
func (s *Server) linkPage(invite bool) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		v := s.newLinkView(r, invite)
		status := http.StatusOK
		if v.Gone {
			status = http.StatusNotFound
		}
		s.render(w, r, status, "link", v)
		return nil
	}
}

func (s *Server) newLinkView(r *http.Request, invite bool) *linkView {
	v := &linkView{base: base{Title: "Set your password"}, Token: r.PathValue("token"), Invite: invite}
	if invite {
		v.Title = "Welcome to Wayfare"
	}
	id, _, err := s.svc.Link(r.Context(), v.Token)
	if err != nil {
		v.Gone = true
		return v
	}
	if p, err := s.svc.PersonBrief(r.Context(), id); err == nil {
		v.Name = p.Name
	}
	return v
}

// useLink sets the password once; the link then stops working, and every
// session of the person ends.
func (s *Server) useLink(invite bool) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		v := s.newLinkView(r, invite)
		if v.Gone {
			s.render(w, r, http.StatusNotFound, "link", v)
			return nil
		}
		if s.cfg.NoPasswordSignIn {
			return wayfare.Forbidden("password-sign-in-off", "Signing in with a password is turned off here.")
		}
		pw := r.PostFormValue("new_password")
		var f wayfare.Fields
		f.Add(people.ValidatePassword(pw))
		if f.Has("password") || len(f) > 0 {
			f = wayfare.Fields{wayfare.FieldError("new_password", "%s", strings.TrimPrefix(f.Err().Error(), "password: "))}
		}
		if pw != r.PostFormValue("confirm_password") {
			f.Add(wayfare.FieldError("confirm_password", "is not the same as the new password"))
		}
		if err := f.Err(); err != nil {
			v.Problem, _ = wayfare.AsError(err)
			s.render(w, r, http.StatusBadRequest, "link", v)
			return nil
		}
		hash, err := hashPassword(r.Context(), pw)
		if err != nil {
			return err
		}
		if _, err := s.svc.UseLink(r.Context(), v.Token, hash); wayfare.ErrorCode(err) == wayfare.ENOTFOUND {
			v.Gone = true
			s.render(w, r, http.StatusNotFound, "link", v)
			return nil
		} else if err != nil {
			return err
		}
		s.flash(r, "Your password is set. Sign in with it.")
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
}
