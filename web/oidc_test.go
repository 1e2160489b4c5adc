package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/ledger"
	"github.com/wayfare-org/wayfare/people"
	"github.com/wayfare-org/wayfare/web"
	"github.com/wayfare-org/wayfare/web/oidctest"
)

// providerPassword is every provider user's password.
const providerPassword = "provider password"

// ssoSite is the small site of newSite, signing in through a real
// OpenID provider that runs in the test.
type ssoSite struct {
	*site
	idp *oidctest.Provider
}

// newSSOSite starts the provider and the site; cfg gives what the test
// changes of the single sign-on configuration.
func newSSOSite(t *testing.T, cfg web.SingleSignOnConfig, noPasswords bool) *ssoSite {
	t.Helper()
	var idp *oidctest.Provider
	s := newSiteFor(t, func(base string) web.Config {
		idp = oidctest.Start(t, base+"/login/oidc/callback")
		cfg.Issuer, cfg.ClientID, cfg.ClientSecret, cfg.BaseURL = idp.Issuer, oidctest.ClientID, oidctest.ClientSecret, base
		sso, err := web.NewSingleSignOn(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		return web.Config{SingleSignOn: sso, NoPasswordSignIn: noPasswords}
	})
	for _, who := range []string{"member", "outsider", "admin"} {
		idp.SetUser(oidctest.User{Username: who, Password: providerPassword, Email: who + "@example.test", EmailVerified: true,
			GivenName: strings.ToUpper(who[:1]) + who[1:]})
	}
	return &ssoSite{site: s, idp: idp}
}

// start opens /login/oidc and returns where it sends the browser.
func (s *ssoSite) start(b *browser, next string) string {
	s.t.Helper()
	res, _ := b.get("/login/oidc?next=" + url.QueryEscape(next))
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, s.idp.Issuer+"/") {
		s.t.Fatalf("GET /login/oidc: %d to %q, want 303 to the provider", res.StatusCode, loc)
	}
	return loc
}

// atProvider signs in at the provider from authURL and returns the path
// (with the query) the provider sends the browser back to.
func (s *ssoSite) atProvider(authURL, username string) string {
	s.t.Helper()
	back, err := s.idp.SignIn(authURL, username, providerPassword)
	if err != nil {
		s.t.Fatal(err)
	}
	u, err := url.Parse(back)
	if err != nil || "http://"+u.Host != s.srv.URL || u.Path != "/login/oidc/callback" {
		s.t.Fatalf("the provider sent the browser to %q, not to the site's callback", back)
	}
	return u.RequestURI()
}

// signOn signs in through the provider and returns the callback's answer
// and page.
func (s *ssoSite) signOn(b *browser, username, next string) (*http.Response, string) {
	s.t.Helper()
	return b.get(s.atProvider(s.start(b, next), username))
}

// signedInAs returns whose /account page the browser sees (the part of
// their address before @example.test), or "".
func signedInAs(b *browser) string {
	res, page := b.get("/account")
	if res.StatusCode != http.StatusOK {
		return ""
	}
	m := accountAddress.FindStringSubmatch(page)
	if m == nil {
		return ""
	}
	return m[1]
}

var accountAddress = regexp.MustCompile(`· ([a-z]+)@example\.test ·`)

func sessionCookie(b *browser, base string) string {
	u, _ := url.Parse(base)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == web.SessionCookie {
			return c.Value
		}
	}
	return ""
}

func TestOIDCSignsInByVerifiedAddress(t *testing.T) {
	for _, inIDToken := range []bool{false, true} {
		s := newSSOSite(t, web.SingleSignOnConfig{Name: "Test ID"}, false)
		s.idp.EmailInIDTokens(inIDToken)
		b := s.browser()
		_, login := b.get("/login?next=/acts")
		if !strings.Contains(login, `href="/login/oidc?next=%2facts">Sign in with Test ID</a>`) || !strings.Contains(login, `id="password"`) {
			t.Fatalf("the sign-in page offers no single sign-on next to the password:\n%s", login)
		}
		authURL := s.start(b, "/acts")
		before := sessionCookie(b, s.srv.URL)
		for _, want := range []string{"code_challenge_method=S256", "code_challenge=", "nonce=", "state=",
			"redirect_uri=" + url.QueryEscape(s.srv.URL+"/login/oidc/callback")} {
			if !strings.Contains(authURL, want) {
				t.Fatalf("the authorization request lacks %s: %s", want, authURL)
			}
		}
		res, _ := b.get(s.atProvider(authURL, "member"))
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/acts" {
			t.Fatalf("email in ID token %v: the callback answered %d to %q, want 303 to /acts", inIDToken, res.StatusCode, res.Header.Get("Location"))
		}
		if after := sessionCookie(b, s.srv.URL); after == "" || after == before {
			t.Fatal("signing in kept the session token of before")
		}
		if who := signedInAs(b); who != "member" {
			t.Fatalf("email in ID token %v: signed in as %q, want member", inIDToken, who)
		}
	}
}

func TestOIDCRefusesAStateNotThisBrowsers(t *testing.T) {
	s := newSSOSite(t, web.SingleSignOnConfig{}, false)
	mine, other := s.browser(), s.browser()
	s.start(mine, "/")
	back := s.atProvider(s.start(other, "/"), "member")
	res, page := mine.get(back)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(page, "was not started in this browser") || signedInAs(mine) != "" {
		t.Fatalf("another browser's answer: %d, signed in as %q", res.StatusCode, signedInAs(mine))
	}
	// The other browser's sign-in was not taken by the refusal.
	forged := strings.Replace(back, "state=", "state=x", 1)
	if res, _ := other.get(forged); res.StatusCode != http.StatusBadRequest || signedInAs(other) != "" {
		t.Fatalf("an altered state: %d, signed in as %q", res.StatusCode, signedInAs(other))
	}
}

func TestOIDCStateIsUsedOnce(t *testing.T) {
	s := newSSOSite(t, web.SingleSignOnConfig{}, false)
	b := s.browser()
	back := s.atProvider(s.start(b, "/"), "member")
	if res, _ := b.get(back); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the first answer: %d", res.StatusCode)
	}
	if res, _ := b.get(back); res.StatusCode != http.StatusBadRequest {
		t.Fatalf("the answer replayed in the same browser: %d, want 400", res.StatusCode)
	}
	if fresh := s.browser(); signedInAs(fresh) != "" {
		t.Fatal("a fresh browser is signed in")
	} else if res, _ := fresh.get(back); res.StatusCode != http.StatusBadRequest || signedInAs(fresh) != "" {
		t.Fatalf("the answer replayed in another browser: %d, signed in as %q", res.StatusCode, signedInAs(fresh))
	}
}

func TestOIDCRefusesAnIDTokenOfAnotherSignIn(t *testing.T) {
	s := newSSOSite(t, web.SingleSignOnConfig{}, false)
	for _, param := range []string{"nonce", "code_challenge"} {
		b := s.browser()
		u, _ := url.Parse(s.start(b, "/"))
		q := u.Query()
		q.Set(param, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
		u.RawQuery = q.Encode()
		res, page := b.get(s.atProvider(u.String(), "member"))
		if res.StatusCode != http.StatusUnauthorized || !strings.Contains(page, "could not be verified") || signedInAs(b) != "" {
			t.Fatalf("another %s: %d, signed in as %q", param, res.StatusCode, signedInAs(b))
		}
	}
}

func TestOIDCRequiresAVerifiedAddress(t *testing.T) {
	s := newSSOSite(t, web.SingleSignOnConfig{CreatePeople: true}, false)
	s.idp.SetUser(oidctest.User{Username: "member", Password: providerPassword, Email: "member@example.test"})
	b := s.browser()
	res, page := s.signOn(b, "member", "/")
	if res.StatusCode != http.StatusForbidden || !strings.Contains(page, "has not verified your e-mail address") || signedInAs(b) != "" {
		t.Fatalf("an unverified address: %d, signed in as %q", res.StatusCode, signedInAs(b))
	}
}

func TestOIDCUnknownAddress(t *testing.T) {
	for _, create := range []bool{false, true} {
		s := newSSOSite(t, web.SingleSignOnConfig{CreatePeople: create}, false)
		s.idp.SetUser(oidctest.User{Username: "newcomer", Password: providerPassword, Email: "Newcomer@Example.test",
			EmailVerified: true, GivenName: "Nia", Family: "Newcomer"})
		b := s.browser()
		res, page := s.signOn(b, "newcomer", "/")
		p, err := s.db.PersonByEmail(context.Background(), "newcomer@example.test")
		if !create {
			if res.StatusCode != http.StatusForbidden || !strings.Contains(page, "Nobody in this organization has the address newcomer@example.test") ||
				err == nil || signedInAs(b) != "" {
				t.Fatalf("an unknown address without creation: %d, person %v", res.StatusCode, p)
			}
			continue
		}
		if res.StatusCode != http.StatusSeeOther || err != nil || p.Name != "Nia Newcomer" || signedInAs(b) != "newcomer" {
			t.Fatalf("an unknown address with creation: %d, person %+v (%v), signed in as %q", res.StatusCode, p, err, signedInAs(b))
		}
	}
}

func TestOIDCRefusesTheDeactivated(t *testing.T) {
	s := newSSOSite(t, web.SingleSignOnConfig{CreatePeople: true}, false)
	if _, err := s.db.SetStatus(wayfare.WithActor(context.Background(), wayfare.Actor{System: true}), s.ids["member"], people.Deactivated); err != nil {
		t.Fatal(err)
	}
	b := s.browser()
	res, page := s.signOn(b, "member", "/")
	if res.StatusCode != http.StatusForbidden || !strings.Contains(page, "has been deactivated") || signedInAs(b) != "" {
		t.Fatalf("a deactivated person: %d, signed in as %q", res.StatusCode, signedInAs(b))
	}
}

// TestOIDCClaimsApplyAtEachSignIn: the groups and admin claims are read
// again at every sign-in.
func TestOIDCClaimsApplyAtEachSignIn(t *testing.T) {
	s := newSSOSite(t, web.SingleSignOnConfig{GroupsClaim: "groups", AdminClaim: "roles=wayfare-admin"}, false)
	outsider := func(groups []string, roles ...string) {
		s.idp.SetUser(oidctest.User{Username: "outsider", Password: providerPassword, Email: "outsider@example.test",
			EmailVerified: true, Claims: map[string]any{"groups": groups, "roles": roles}})
	}
	outsider([]string{"/Target", "Nowhere/Else"}, "reader", "wayfare-admin")
	b := s.browser()
	if res, _ := s.signOn(b, "outsider", "/admin"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first sign-in: %d", res.StatusCode)
	}
	if res, _ := b.get("/admin"); res.StatusCode != http.StatusOK {
		t.Fatalf("the admin claim held, yet /admin answers %d", res.StatusCode)
	}
	if !isMember(t, s.site, "outsider") {
		t.Fatal("the groups claim named Target, yet outsider is no member of it")
	}
	acts, err := s.db.Acts(wayfare.WithActor(context.Background(), wayfare.Actor{System: true}), ledger.Filter{Verb: ledger.RoleSet})
	if err != nil || len(acts) == 0 || acts[0].PersonID != 0 || !strings.Contains(string(acts[0].Payload), `"via":"single sign-on"`) {
		t.Fatalf("the membership's act: %+v (%v), want the system's via single sign-on", acts, err)
	}

	outsider(nil, "reader")
	b = s.browser()
	if res, _ := s.signOn(b, "outsider", "/"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("second sign-in: %d", res.StatusCode)
	}
	if res, _ := b.get("/admin"); res.StatusCode != http.StatusForbidden {
		t.Fatalf("the admin claim no longer holds, yet /admin answers %d", res.StatusCode)
	}
	if isMember(t, s.site, "outsider") {
		t.Fatal("the groups claim no longer names Target, yet outsider is still a member")
	}
	if isMember(t, s.site, "member") != true {
		t.Fatal("a membership the claim never made was taken")
	}
}

func isMember(t *testing.T, s *site, who string) bool {
	t.Helper()
	g, err := s.db.Group(context.Background(), s.ids["T"])
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range g.Members {
		if m.PersonID == s.ids[who] {
			return true
		}
	}
	return false
}

func TestOIDCWithPasswordSignInOff(t *testing.T) {
	s := newSSOSite(t, web.SingleSignOnConfig{}, true)
	b := s.browser()
	_, login := b.get("/login")
	if strings.Contains(login, `id="password"`) || !strings.Contains(login, "Sign in with 127.0.0.1") {
		t.Fatalf("with password sign-in off, the sign-in page:\n%s", login)
	}
	res := b.post("/login", url.Values{"email": {"member@example.test"}, "password": {password}, "next": {"/"}})
	if res.StatusCode != http.StatusForbidden || signedInAs(b) != "" {
		t.Fatalf("a right password with password sign-in off: %d, signed in as %q", res.StatusCode, signedInAs(b))
	}
	if res, _ := s.signOn(b, "member", "/"); res.StatusCode != http.StatusSeeOther || signedInAs(b) != "member" {
		t.Fatalf("single sign-on with password sign-in off: %d", res.StatusCode)
	}
	if _, page := b.get("/account"); strings.Contains(page, "/account/password") {
		t.Fatal("the account page offers to change a password that cannot be used")
	}
	res = b.post("/account/password", url.Values{"current_password": {password}, "new_password": {"another long password"},
		"confirm_password": {"another long password"}})
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("a password change with password sign-in off: %d, want 403", res.StatusCode)
	}
	if _, err := web.New(s.db, nil, web.Config{NoPasswordSignIn: true}); err == nil {
		t.Fatal("pages with neither password sign-in nor single sign-on were made")
	}
}

func TestOIDCProviderErrorsAndNext(t *testing.T) {
	s := newSSOSite(t, web.SingleSignOnConfig{Name: "Test ID"}, false)
	b := s.browser()
	u, _ := url.Parse(s.start(b, "/"))
	state := u.Query().Get("state")
	res, page := b.get("/login/oidc/callback?" + url.Values{"state": {state}, "error": {"access_denied"},
		"error_description": {"Call 555-0100 to unlock your account"}}.Encode())
	if res.StatusCode != http.StatusUnauthorized || !strings.Contains(page, "Test ID did not sign you in (it answered access_denied).") ||
		strings.Contains(page, "555-0100") {
		t.Fatalf("an error from the provider: %d\n%s", res.StatusCode, page)
	}
	for next, want := range map[string]string{"//evil.example/x": "/", "/pitches/1?x=y": "/pitches/1?x=y"} {
		b := s.browser()
		if res, _ := s.signOn(b, "member", next); res.Header.Get("Location") != want {
			t.Fatalf("next %q led to %q, want %q", next, res.Header.Get("Location"), want)
		}
	}
}

func TestOIDCStatusOnTheAdminPages(t *testing.T) {
	s := newSSOSite(t, web.SingleSignOnConfig{Name: "Test ID", CreatePeople: true, GroupsClaim: "groups", AdminClaim: "wayfare_admin"}, false)
	b := s.signIn("admin")
	for _, path := range []string{"/admin", "/admin/settings"} {
		_, page := b.get(path)
		for _, want := range []string{"Single sign-on with <strong>Test ID</strong> (issuer <code>" + s.idp.Issuer + "</code>)",
			"added to the organization at their first sign-in", "The <code>groups</code> claim", "The <code>wayfare_admin</code> claim",
			"may also sign in with their e-mail address and password"} {
			if !strings.Contains(page, want) {
				t.Fatalf("%s does not say %q", path, want)
			}
		}
	}
}

// TestOIDCPendingSessionIsShortLived: a browser that starts a sign-in and
// never finishes it holds a session of minutes; signing in gives it the
// session's whole life.
func TestOIDCPendingSessionIsShortLived(t *testing.T) {
	s := newSSOSite(t, web.SingleSignOnConfig{}, false)
	b := s.browser()
	expiry := func(res *http.Response) time.Duration {
		for _, c := range res.Cookies() {
			if c.Name == web.SessionCookie {
				return time.Until(c.Expires)
			}
		}
		t.Fatal("no session cookie")
		return 0
	}
	res, _ := b.get("/login/oidc")
	if d := expiry(res); d <= 0 || d > 11*time.Minute {
		t.Fatalf("the session of a sign-in under way lasts %s", d)
	}
	res, _ = b.get(s.atProvider(res.Header.Get("Location"), "member"))
	if d := expiry(res); d < 13*24*time.Hour {
		t.Fatalf("the session once signed in lasts %s", d)
	}
}
