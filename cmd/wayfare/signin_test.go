package main

import (
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"

	"github.com/wayfare-org/wayfare/web/oidctest"
)

func TestSignInFlagsAreChecked(t *testing.T) {
	full := []string{"--oidc-client-id", "c", "--oidc-client-secret", "s", "--base-url", "https://wayfare.example.org"}
	for _, tc := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{args: []string{"--oidc-issuer", "https://id.example.org"}, want: "--oidc-issuer needs --oidc-client-id"},
		{args: []string{"--oidc-issuer", "https://id.example.org", "--oidc-client-id", "c"}, want: "--oidc-issuer needs --oidc-client-secret"},
		{env: map[string]string{"WAYFARE_OIDC_ISSUER": "https://id.example.org", "WAYFARE_OIDC_CLIENT_ID": "c", "WAYFARE_OIDC_CLIENT_SECRET": "s"},
			want: "--oidc-issuer needs --base-url"},
		{args: append([]string{"--oidc-issuer", "http://id.example.org"}, full...), want: "must be an https URL"},
		{args: append([]string{"--oidc-issuer", "id.example.org"}, full...), want: "is not an issuer URL"},
		{args: append([]string{"--oidc-issuer", "https://id.example.org", "--base-url", "https://w.example.org/app"}, full[:4]...),
			want: "--base-url https://w.example.org/app: must be the URL of this server's root"},
		{args: []string{"--password-sign-in=false"}, want: "--password-sign-in=false needs single sign-on (--oidc-issuer)"},
		{env: map[string]string{"WAYFARE_PASSWORD_SIGN_IN": "false"}, want: "--password-sign-in=false needs single sign-on"},
		{env: map[string]string{"WAYFARE_PASSWORD_SIGN_IN": "maybe"}, want: `WAYFARE_PASSWORD_SIGN_IN="maybe": must be true or false`},
		{args: []string{"--oidc-groups-claim", "groups"}, want: "--oidc-groups-claim needs --oidc-issuer"},
		{args: []string{"--oidc-create-people"}, want: "--oidc-create-people needs --oidc-issuer"},
		{args: append([]string{"--oidc-issuer", "http://127.0.0.1:1"}, full...),
			want: "single sign-on: reading the discovery document of http://127.0.0.1:1"},
	} {
		for _, verb := range []string{"serve", "demo"} {
			dir := t.TempDir()
			_, err := cli(t, tc.env, append([]string{verb, "--addr", "127.0.0.1:0", "--data", dir}, tc.args...)...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("%s %v (env %v): %v, want an error saying %q", verb, tc.args, tc.env, err, tc.want)
			}
		}
	}
}

// TestServeSignsInWithTheProvider: the flags reach the pages, and the
// sign-in page sends people to the provider, to come back to the base URL.
func TestServeSignsInWithTheProvider(t *testing.T) {
	const base = "https://wayfare.example.org"
	idp := oidctest.Start(t, base+"/login/oidc/callback")
	url, _ := e2eServeWith(t, initDir(t), map[string]string{"WAYFARE_OIDC_CLIENT_SECRET": oidctest.ClientSecret,
		"WAYFARE_PASSWORD_SIGN_IN": "false"},
		"--oidc-issuer", idp.Issuer, "--oidc-client-id", oidctest.ClientID, "--base-url", base, "--oidc-name", "Staff ID")
	res, err := http.Get(url + "/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(page), "Sign in with Staff ID") || strings.Contains(string(page), `id="password"`) {
		t.Fatalf("the sign-in page:\n%s", page)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if res, err = c.Get(url + "/login/oidc"); err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	loc := res.Header.Get("Location")
	if !strings.HasPrefix(loc, idp.Issuer+"/") || !strings.Contains(loc, "redirect_uri=https%3A%2F%2Fwayfare.example.org%2Flogin%2Foidc%2Fcallback") {
		t.Fatalf("/login/oidc sends the browser to %q", loc)
	}
}

// TestTestProvidersStayOutOfTheBinary: what only tests use is not built
// into wayfare.
func TestTestProvidersStayOutOfTheBinary(t *testing.T) {
	gocmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	out, err := exec.Command(gocmd, "list", "-deps", "github.com/wayfare-org/wayfare/cmd/wayfare").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, test := range []string{"github.com/zitadel/", "github.com/chromedp/", "github.com/getkin/", "/web/oidctest"} {
		if strings.Contains(string(out), test) {
			t.Errorf("the binary imports %s", test)
		}
	}
}
