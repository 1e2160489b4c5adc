package web

import (
	"net/http"
	"slices"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/edge"
	"github.com/wayfare-org/wayfare/people"
)

// Provisioning (SCIM) on the settings page: the base URL an identity
// provider is given, and the provisioning tokens, made and revoked here.

// scimPath is where admins make and revoke provisioning tokens.
const scimPath = "/admin/settings/scim-tokens"

// scimView is the settings page's provisioning section.
type scimView struct {
	Base    string // the SCIM base URL; "" when provisioning is not served
	Tokens  []scimToken
	Created *people.Token // just made: its secret, shown this once
	Name    string
	Expires string
}

// scimToken is a provisioning token with the name of the admin it acts
// as.
type scimToken struct {
	*people.Token
	Owner string
}

// scimSettings fills the provisioning section.
func (s *Server) scimSettings(r *http.Request, v *scimView) error {
	if s.cfg.SCIMPath == "" {
		return nil
	}
	v.Base = edge.Origin(r, s.cfg.SecureCookies) + s.cfg.SCIMPath
	tokens, err := s.svc.SCIMTokens(r.Context())
	if err != nil {
		return err
	}
	owners := make([]wayfare.ID, 0, len(tokens))
	for _, t := range tokens {
		owners = append(owners, t.PersonID)
	}
	names, err := s.svc.Names(r.Context(), "person", owners)
	if err != nil {
		return err
	}
	v.Tokens = make([]scimToken, 0, len(tokens))
	for _, t := range tokens {
		v.Tokens = append(v.Tokens, scimToken{Token: t, Owner: names[t.PersonID]})
	}
	return nil
}

// adminCreateSCIMToken makes a provisioning token acting as the admin
// who makes it, and shows its secret once, on the answer itself: it is
// never stored, nor put in a redirect or a flash.
func (s *Server) adminCreateSCIMToken(w http.ResponseWriter, r *http.Request) error {
	v := &adminSettingsView{SCIM: scimView{Name: r.PostFormValue("name"), Expires: r.PostFormValue("expires")}}
	in, err := newToken(v.SCIM.Name, v.SCIM.Expires)
	var t *people.Token
	if err == nil {
		t, err = s.svc.CreateSCIMToken(r.Context(), 0, in)
	}
	if e, ok := refused(err); ok {
		v.Problem = e
		return s.renderSettings(w, r, http.StatusBadRequest, v)
	} else if err != nil {
		return err
	}
	v.SCIM.Created, v.SCIM.Name = t, ""
	return s.renderSettings(w, r, http.StatusCreated, v)
}

// adminRevokeSCIMToken ends a provisioning token at once, on every
// server.
func (s *Server) adminRevokeSCIMToken(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	tokens, err := s.svc.SCIMTokens(r.Context())
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(tokens, func(t *people.Token) bool { return t.ID == id }) {
		return errNoPage
	}
	if err := s.svc.RevokeToken(r.Context(), id); err != nil {
		return err
	}
	return s.back(w, r, "/admin/settings", "The provisioning token is revoked: it no longer works anywhere.")
}
