package browsertest

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/wayfare-org/wayfare/web/oidctest"
)

// providerPassword is the password of the provider's users.
const providerPassword = "at the provider"

// TestBrowserSingleSignOn signs people in with Chromium through a real
// OpenID provider that runs in this test, on 127.0.0.1: the real binary
// serves the demo with the single sign-on flags pointing at it. Maya
// opens the sign-in page, follows "Sign in with Test ID", types her
// username and password on the provider's own page, and comes back
// signed in on the home page, her account page naming her. Someone the
// organization lacks is refused with a page that says why.
func TestBrowserSingleSignOn(t *testing.T) {
	if testing.Short() && !required() {
		t.Skip("the browser suite does not run with -short")
	}
	axe := loadAxe(t)
	start := time.Now()
	addr := freeAddr(t)
	base := "http://" + addr
	idp := oidctest.Start(t, base+"/login/oidc/callback")
	idp.SetUser(oidctest.User{Username: "maya", Password: providerPassword, Email: emailEngineer, EmailVerified: true,
		GivenName: "Maya", Family: "Okafor"})
	idp.SetUser(oidctest.User{Username: "stranger", Password: providerPassword, Email: "stranger@demo.test", EmailVerified: true})
	s := newSuite(t, "--addr", addr, "--base-url", base, "--oidc-name", "Test ID",
		"--oidc-issuer", idp.Issuer, "--oidc-client-id", oidctest.ClientID, "--oidc-client-secret", oidctest.ClientSecret)
	if s.base != base {
		t.Fatalf("the server is at %s, not at its base URL %s", s.base, base)
	}

	maya := s.newTab(t, "Maya")
	maya.openOK(t, "/login")
	const button = `a[href^="/login/oidc"]`
	if got := maya.text(t, button); got != "Sign in with Test ID" {
		t.Fatalf("the sign-in page's single sign-on button says %q", got)
	}
	s.shot(t, maya, "login-single-sign-on")
	if axe != "" {
		s.axeCheck(t, maya, axe, "login with single sign-on")
	}
	atProvider(t, maya, idp, button, "maya")
	if got := js[string](t, maya, `location.href`); got != base+"/" {
		t.Fatalf("signing in at the provider led to %s, not home; the page says: %s", got, maya.text(t, "main"))
	}
	if got := maya.text(t, ".me"); !strings.Contains(got, "Maya Okafor") {
		t.Errorf("the home page's header names %q, not Maya", got)
	}
	maya.openOK(t, "/account")
	if got := maya.text(t, "main"); !strings.Contains(got, "Maya Okafor") || !strings.Contains(got, emailEngineer) {
		t.Fatalf("the account page of the session says: %s", got)
	}

	stranger := s.newTab(t, "a stranger")
	stranger.openOK(t, "/login")
	res := atProvider(t, stranger, idp, button, "stranger")
	if res != 403 || !strings.Contains(stranger.text(t, "main"), "Nobody in this organization has the address stranger@demo.test") {
		t.Fatalf("someone the organization lacks: %d; the page says: %s", res, stranger.text(t, "main"))
	}
	if stranger.has(t, ".me") {
		t.Fatal("the stranger's page shows someone signed in")
	}
	if axe != "" {
		s.axeCheck(t, stranger, axe, "single sign-on refused")
	}
	t.Logf("single sign-on in the browser took %s", time.Since(start).Round(time.Millisecond))
}

// atProvider clicks the single sign-on button, signs in on the
// provider's page as username and returns the status of the page the
// provider sent the browser back to.
func atProvider(t *testing.T, tb *tab, idp *oidctest.Provider, button, username string) int64 {
	t.Helper()
	tb.navigateBy(t, "click "+button, chromedp.Click(chromedp.CSS(button)))
	if got := js[string](t, tb, `location.origin`); got != idp.Issuer {
		t.Fatalf("%s: the button led to %s, not to the provider %s", tb.name, got, idp.Issuer)
	}
	tb.fill(t, "#username", username)
	tb.fill(t, "#password", providerPassword)
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	res, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form button[type=submit]`)))
	if err != nil {
		t.Fatalf("%s: signing in at the provider: %v", tb.name, err)
	}
	return res.Status
}

// freeAddr returns an address on 127.0.0.1 that nothing listens on now,
// for a server that must know its URL before it starts.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
