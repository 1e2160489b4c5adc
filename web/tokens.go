package web

import (
	"net/http"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/people"
)

type tokensView struct {
	base
	Tokens  []*people.Token
	Created *people.Token // just made: its secret, shown this once
	Name    string
	Expires string
}

// tokenLives are the lives a token may be given on the page.
var tokenLives = map[string]time.Duration{"30d": 30 * 24 * time.Hour, "90d": 90 * 24 * time.Hour,
	"365d": 365 * 24 * time.Hour, "never": 0}

// newToken reads a token's name and life from a form; a life not among
// tokenLives is EINVALID.
func newToken(name, expires string) (people.NewToken, error) {
	life, ok := tokenLives[expires]
	if !ok {
		return people.NewToken{}, wayfare.FieldError("expires", "must be one of the choices")
	}
	in := people.NewToken{Name: name}
	if life > 0 {
		at := time.Now().Add(life)
		in.ExpiresAt = &at
	}
	return in, nil
}

// tokens lists the reader's API tokens, with the form that makes one.
func (s *Server) tokens(w http.ResponseWriter, r *http.Request) error {
	return s.renderTokens(w, r, http.StatusOK, &tokensView{Expires: "90d"})
}

func (s *Server) renderTokens(w http.ResponseWriter, r *http.Request, status int, v *tokensView) error {
	var err error
	if v.Tokens, err = s.svc.Tokens(r.Context(), people.TokenFilter{}); err != nil {
		return err
	}
	v.base.Title = "API tokens"
	s.render(w, r, status, "tokens", v)
	return nil
}

// createToken makes a token and shows its secret once, on the answer
// itself: it is never stored, nor put in a redirect or a flash.
func (s *Server) createToken(w http.ResponseWriter, r *http.Request) error {
	v := &tokensView{Name: r.PostFormValue("name"), Expires: r.PostFormValue("expires")}
	in, err := newToken(v.Name, v.Expires)
	var t *people.Token
	if err == nil {
		t, err = s.svc.CreateToken(r.Context(), 0, in)
	}
	if e, ok := refused(err); ok {
		v.Problem = e
		return s.renderTokens(w, r, http.StatusBadRequest, v)
	} else if err != nil {
		return err
	}
	v.Created, v.Name = t, ""
	return s.renderTokens(w, r, http.StatusCreated, v)
}

// revokeToken ends one of the reader's tokens.
func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.svc.RevokeToken(r.Context(), id); err != nil {
		return err
	}
	return s.back(w, r, "/account/tokens", "The token is revoked: it no longer works anywhere.")
}
