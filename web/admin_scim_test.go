package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/people"
	"github.com/wayfare-org/wayfare/web"
)

// postAnswer sends a form and returns the answer with its page.
func (b *browser) postAnswer(path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	res, err := b.c.PostForm(b.s.srv.URL+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

var scimSecret = regexp.MustCompile(`id="new-scim-token" readonly value="(wf_[A-Za-z0-9_-]{43})"`)

// TestSettingsProvisioning: an admin sees the SCIM base URL, makes a
// provisioning token (its secret shown on the answer only) and revokes it.
func TestSettingsProvisioning(t *testing.T) {
	s := newSiteWith(t, web.Config{SCIMPath: "/scim/v2"})
	admin := s.signIn("admin")
	res, page := admin.get("/admin/settings")
	if res.StatusCode != 200 || !strings.Contains(page, `value="`+s.srv.URL+`/scim/v2"`) || !strings.Contains(page, "No provisioning tokens") {
		t.Fatalf("settings: %d\n%s", res.StatusCode, page)
	}
	res, page = admin.postAnswer("/admin/settings/scim-tokens", url.Values{"name": {"Okta"}, "expires": {"365d"}})
	m := scimSecret.FindStringSubmatch(page)
	if res.StatusCode != 201 || m == nil {
		t.Fatalf("make a token: %d\n%s", res.StatusCode, page)
	}
	if a, err := s.db.AuthenticateSCIM(context.Background(), m[1]); err != nil || a.PersonID != s.ids["admin"] {
		t.Fatalf("the token shown: %+v, %v", a, err)
	}
	_, page = admin.get("/admin/settings")
	if strings.Contains(page, m[1]) || !strings.Contains(page, "Okta") || !strings.Contains(page, "<td>Admin</td>") {
		t.Errorf("the page after: the secret must be gone, the token listed with its admin\n%s", page)
	}
	if res, page := admin.postAnswer("/admin/settings/scim-tokens", url.Values{"name": {""}, "expires": {"365d"}}); res.StatusCode != 400 ||
		!strings.Contains(page, `aria-invalid="true"`) {
		t.Errorf("a token without a name: %d", res.StatusCode)
	}
	if res := admin.post("/admin/settings/scim-tokens", url.Values{"name": {"x"}, "expires": {"forever"}}); res.StatusCode != 400 {
		t.Errorf("a life not offered: %d", res.StatusCode)
	}
	if res := s.signIn("manager").post("/admin/settings/scim-tokens", url.Values{"name": {"x"}, "expires": {"30d"}}); res.StatusCode != 403 {
		t.Errorf("a non-admin making a provisioning token: %d", res.StatusCode)
	}

	// The revoke button ends provisioning tokens only.
	sys := wayfare.WithActor(context.Background(), wayfare.Actor{System: true})
	api, err := s.db.CreateToken(sys, s.ids["member"], people.NewToken{Name: "laptop"})
	if err != nil {
		t.Fatal(err)
	}
	if res := admin.post("/admin/settings/scim-tokens/"+api.ID.String()+"/revoke", nil); res.StatusCode != 404 {
		t.Errorf("an API token through the provisioning revoke: %d", res.StatusCode)
	}
	tokens, _ := s.db.SCIMTokens(sys)
	if res := admin.post("/admin/settings/scim-tokens/"+tokens[0].ID.String()+"/revoke", nil); res.StatusCode != 303 {
		t.Fatalf("revoke: %d", res.StatusCode)
	}
	if _, err := s.db.AuthenticateSCIM(context.Background(), m[1]); wayfare.ErrorCode(err) != wayfare.EUNAUTHORIZED {
		t.Errorf("a revoked provisioning token: %v", err)
	}
	if _, err := s.db.Authenticate(context.Background(), api.Token); err != nil {
		t.Errorf("the API token was revoked too: %v", err)
	}
}

// TestSettingsWithoutProvisioning: no section when it is not served.
func TestSettingsWithoutProvisioning(t *testing.T) {
	s := newSite(t)
	if _, page := s.signIn("admin").get("/admin/settings"); strings.Contains(page, "Provisioning (SCIM)") {
		t.Error("the provisioning section without provisioning")
	}
}
