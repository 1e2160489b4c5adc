package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// SingleSignOnConfig configures sign-in through an OpenID provider.
type SingleSignOnConfig struct {
	// Issuer is the provider's issuer URL; its discovery document is at
	// Issuer + "/.well-known/openid-configuration".
	Issuer string
	// ClientID and ClientSecret are this server's credentials at the
	// provider. ID tokens must name ClientID as their audience.
	ClientID, ClientSecret string
	// BaseURL is where browsers reach this server: the provider sends
	// them back to BaseURL + "/login/oidc/callback".
	BaseURL string
	// Name is what the sign-in button names, "Sign in with Name"; the
	// issuer's host when empty.
	Name string
	// CreatePeople creates a person at their first sign-in when nobody
	// has their address; otherwise such a sign-in is refused.
	CreatePeople bool
	// GroupsClaim names the claim that lists the group paths a person is
	// a member of ("" for none); see people.SignOn.Groups.
	GroupsClaim string
	// AdminClaim names the claim that makes a person an admin ("" for
	// none): "claim" when the claim is true, "claim=value" when the claim
	// is value or a list that holds it.
	AdminClaim string
	// Client makes the requests to the provider; nil for one that gives
	// up after 10 seconds.
	Client *http.Client
}

// callbackPath is where the provider sends the browser back.
const callbackPath = "/login/oidc/callback"

// SingleSignOn signs people in through an OpenID provider with the
// authorization code flow: PKCE (S256), a state that binds the answer to
// the browser that asked, a nonce that binds the ID token to the sign-in,
// the ID token verified with the provider's keys for this client.
type SingleSignOn struct {
	cfg      SingleSignOnConfig
	provider *oidc.Provider
	verifier *oidc.IDTokenVerifier
	oauth    oauth2.Config
	admin    adminClaim
}

// NewSingleSignOn reads the provider's discovery document and returns
// the sign-in it configures. cfg must name the issuer, the client and
// the base URL.
func NewSingleSignOn(ctx context.Context, cfg SingleSignOnConfig) (*SingleSignOn, error) {
	admin, err := parseAdminClaim(cfg.AdminClaim)
	if err != nil {
		return nil, err
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.Name == "" {
		if u, err := url.Parse(cfg.Issuer); err == nil {
			cfg.Name = u.Hostname()
		}
	}
	p, err := oidc.NewProvider(oidc.ClientContext(ctx, cfg.Client), cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("reading the discovery document of %s: %w", cfg.Issuer, err)
	}
	return &SingleSignOn{
		cfg:      cfg,
		provider: p,
		verifier: p.Verifier(&oidc.Config{ClientID: cfg.ClientID}),
		oauth: oauth2.Config{
			ClientID:     cfg.ClientID,
			ClientSecret: cfg.ClientSecret,
			Endpoint:     p.Endpoint(),
			RedirectURL:  strings.TrimRight(cfg.BaseURL, "/") + callbackPath,
			Scopes:       []string{oidc.ScopeOpenID, "email", "profile"},
		},
		admin: admin,
	}, nil
}

// Name is what the sign-in button names.
func (o *SingleSignOn) Name() string { return o.cfg.Name }

// authURL is where the browser signs in at the provider.
func (o *SingleSignOn) authURL(p pendingSignOn) string {
	return o.oauth.AuthCodeURL(p.State, oidc.Nonce(p.Nonce), oauth2.S256ChallengeOption(p.Verifier))
}

// verify trades the code for the provider's tokens, with the PKCE
// verifier, and returns the claims of the ID token once it is verified:
// its signature, issuer, audience (and authorized party, when it has
// several audiences) and expiry, its nonce against this sign-in's, and
// its access token hash when it has one. When the ID token
// carries no address, the userinfo endpoint's claims fill in those it
// lacks, provided they are about the same subject.
func (o *SingleSignOn) verify(ctx context.Context, code string, p pendingSignOn) (tokenClaims, error) {
	ctx = oidc.ClientContext(ctx, o.cfg.Client)
	tok, err := o.oauth.Exchange(ctx, code, oauth2.VerifierOption(p.Verifier))
	if err != nil {
		return nil, fmt.Errorf("trading the code for tokens: %w", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, errors.New("the provider sent no ID token")
	}
	idt, err := o.verifier.Verify(ctx, raw)
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(p.Nonce)) != 1 {
		return nil, errors.New("the ID token's nonce is not this sign-in's")
	}
	c := tokenClaims{}
	if err := idt.Claims(&c); err != nil {
		return nil, err
	}
	if len(idt.Audience) > 1 && c.str("azp") != o.cfg.ClientID {
		return nil, fmt.Errorf("the ID token is for %v, and not authorized for %q", idt.Audience, o.cfg.ClientID)
	}
	if idt.AccessTokenHash != "" {
		if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
			return nil, err
		}
	}
	if _, ok := c["email"]; !ok && o.provider.UserInfoEndpoint() != "" {
		if err := o.addUserInfo(ctx, tok, idt.Subject, c); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// addUserInfo adds the userinfo endpoint's claims that c lacks.
func (o *SingleSignOn) addUserInfo(ctx context.Context, tok *oauth2.Token, subject string, c tokenClaims) error {
	ui, err := o.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		return err
	}
	if ui.Subject != subject {
		return fmt.Errorf("the userinfo endpoint answered for subject %q, not %q", ui.Subject, subject)
	}
	more := tokenClaims{}
	if err := ui.Claims(&more); err != nil {
		return err
	}
	for k, v := range more {
		if _, ok := c[k]; !ok {
			c[k] = v
		}
	}
	return nil
}

// signInStatus says, for the admin pages, how people sign in.
type signInStatus struct {
	Provider, Issuer        string // "" when single sign-on is off
	CreatePeople            bool
	GroupsClaim, AdminClaim string
	Passwords               bool
}

func (s *Server) signInStatus() signInStatus {
	st := signInStatus{Passwords: !s.cfg.NoPasswordSignIn}
	if o := s.cfg.SingleSignOn; o != nil {
		st.Provider, st.Issuer, st.CreatePeople = o.cfg.Name, o.cfg.Issuer, o.cfg.CreatePeople
		st.GroupsClaim, st.AdminClaim = o.cfg.GroupsClaim, o.cfg.AdminClaim
	}
	return st
}
