// Package oidctest runs a real OpenID provider for tests, on 127.0.0.1:
// zitadel's OpenID provider (discovery, the authorization code flow with
// PKCE, signed ID tokens, userinfo) over its example in-memory storage,
// with a sign-in page of its own where people type a username and a
// password. Only tests import it: it stays out of the wayfare binary.
package oidctest

import (
	"context"
	"crypto/rand"
	"fmt"
	"html/template"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"

	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"
)

// The client the provider knows.
const (
	ClientID     = "wayfare"
	ClientSecret = "wayfare-test-secret"
)

// User is someone who can sign in at the provider.
type User struct {
	Username, Password string
	Email              string
	EmailVerified      bool
	GivenName, Family  string
	// Claims are more claims of the ID token and the userinfo answer,
	// such as a groups or an admin claim.
	Claims map[string]any
}

// Provider is a running OpenID provider.
type Provider struct {
	// Issuer is the provider's issuer URL.
	Issuer string

	mu         sync.Mutex
	users      map[string]*User // by username
	emailInIDs bool
}

// Start runs a provider until the test ends. It sends browsers back only
// to the redirect URIs given.
func Start(t testing.TB, redirectURIs ...string) *Provider {
	t.Helper()
	p := &Provider{users: map[string]*User{}}
	srv := httptest.NewUnstartedServer(nil)
	p.Issuer = "http://" + srv.Listener.Addr().String()
	inner := storage.NewStorageWithClients(userStore{p}, map[string]*storage.Client{
		ClientID: storage.WebClient(ClientID, ClientSecret, redirectURIs...),
	})
	st := &store{Storage: inner, p: p}
	var key [32]byte
	rand.Read(key[:])
	provider, err := op.NewProvider(&op.Config{CryptoKey: key, CodeMethodS256: true, AuthMethodPost: true,
		SupportedUILocales: []language.Tag{language.English}}, st, op.StaticIssuer(p.Issuer), op.WithAllowInsecure())
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	signIn := op.NewIssuerInterceptor(provider.IssuerFromRequest)
	mux.HandleFunc("GET /login/username", func(w http.ResponseWriter, r *http.Request) {
		signInPage(w, r.FormValue("authRequestID"), "")
	})
	mux.Handle("POST /login/username", signIn.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.FormValue("id")
		if err := inner.CheckUsernamePassword(r.FormValue("username"), r.FormValue("password"), id); err != nil {
			signInPage(w, id, "That username and password do not match.")
			return
		}
		http.Redirect(w, r, op.AuthCallbackURL(provider)(r.Context(), id), http.StatusFound)
	}))
	mux.Handle("/", provider)
	srv.Config.Handler = mux
	srv.Start()
	t.Cleanup(srv.Close)
	return p
}

// SetUser adds someone who can sign in, or changes them.
func (p *Provider) SetUser(u User) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.users[u.Username] = &u
}

// EmailInIDTokens has ID tokens carry the address and whether it is
// verified; otherwise, as zitadel does by default, only the userinfo
// endpoint tells them.
func (p *Provider) EmailInIDTokens(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.emailInIDs = on
}

// SignIn signs in at the provider as a browser would, with a plain HTTP
// client: it follows authURL to the provider's sign-in page, posts the
// username and password there, and returns the URL the provider then
// sends the browser back to (with the code and the state).
func (p *Provider) SignIn(authURL, username, password string) (string, error) {
	issuer, err := url.Parse(p.Issuer)
	if err != nil {
		return "", err
	}
	c := &http.Client{CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if req.URL.Host != issuer.Host {
			return http.ErrUseLastResponse // back to the client: stop there
		}
		return nil
	}}
	res, err := c.Get(authURL)
	if err != nil {
		return "", err
	}
	res.Body.Close()
	id := res.Request.URL.Query().Get("authRequestID")
	if res.StatusCode != http.StatusOK || id == "" {
		return "", fmt.Errorf("the provider answered %s at %s, not its sign-in page", res.Status, res.Request.URL)
	}
	res, err = c.PostForm(p.Issuer+"/login/username", url.Values{"id": {id}, "username": {username}, "password": {password}})
	if err != nil {
		return "", err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound && res.StatusCode != http.StatusSeeOther {
		return "", fmt.Errorf("signing in at the provider: %s", res.Status)
	}
	return res.Header.Get("Location"), nil
}

func (p *Provider) user(username string) (User, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	u, ok := p.users[username]
	if !ok {
		return User{}, false
	}
	return *u, true
}

var page = template.Must(template.New("sign-in").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in at the test provider</title></head>
<body><main><h1>Test provider</h1>
<form method="post" action="/login/username">
<input type="hidden" name="id" value="{{.ID}}">
<p><label for="username">Username</label> <input id="username" name="username" autocomplete="username"></p>
<p><label for="password">Password</label> <input id="password" name="password" type="password" autocomplete="current-password"></p>
{{with .Problem}}<p role="alert">{{.}}</p>{{end}}
<p><button type="submit">Sign in</button></p>
</form></main></body></html>`))

func signInPage(w http.ResponseWriter, id, problem string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	page.Execute(w, struct{ ID, Problem string }{id, problem})
}

// userStore lets the example storage see the provider's users.
type userStore struct{ p *Provider }

func (s userStore) GetUserByID(id string) *storage.User { return s.GetUserByUsername(id) }

func (s userStore) GetUserByUsername(username string) *storage.User {
	u, ok := s.p.user(username)
	if !ok {
		return nil
	}
	return &storage.User{ID: u.Username, Username: u.Username, Password: u.Password, FirstName: u.GivenName,
		LastName: u.Family, Email: u.Email, EmailVerified: u.EmailVerified, PreferredLanguage: language.English}
}

func (s userStore) ExampleClientID() string { return "service" }

// store is the example storage with the users' own claims added to ID
// tokens and userinfo answers.
type store struct {
	*storage.Storage
	p *Provider
}

// SetUserinfoFromRequest fills an ID token's claims.
func (s *store) SetUserinfoFromRequest(ctx context.Context, info *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	if err := s.Storage.SetUserinfoFromRequest(ctx, info, req, scopes); err != nil {
		return err
	}
	s.addClaims(info, req.GetSubject())
	return nil
}

// SetUserinfoFromToken fills the userinfo endpoint's answer.
func (s *store) SetUserinfoFromToken(ctx context.Context, info *oidc.UserInfo, tokenID, subject, origin string) error {
	if err := s.Storage.SetUserinfoFromToken(ctx, info, tokenID, subject, origin); err != nil {
		return err
	}
	s.addClaims(info, info.Subject)
	return nil
}

func (s *store) addClaims(info *oidc.UserInfo, subject string) {
	u, _ := s.p.user(subject)
	for k, v := range u.Claims {
		info.AppendClaims(k, v)
	}
}

// GetClientByClientID returns the client, which sees the address in its
// ID tokens when the provider says so.
func (s *store) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	c, err := s.Storage.GetClientByClientID(ctx, id)
	if err != nil {
		return nil, err
	}
	return client{Client: c, p: s.p}, nil
}

type client struct {
	op.Client
	p *Provider
}

func (c client) IDTokenUserinfoClaimsAssertion() bool {
	c.p.mu.Lock()
	defer c.p.mu.Unlock()
	return c.p.emailInIDs
}
