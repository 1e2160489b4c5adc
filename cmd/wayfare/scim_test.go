package main

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestSCIMToken makes a provisioning token on the command line and uses
// it on a running server: it opens /scim/v2 and not the API, and a person
// provisioning deactivates is refused at their very next request.
func TestSCIMToken(t *testing.T) {
	dir := t.TempDir()
	if _, err := cli(t, nil, "init", "--data", dir, "--admin-email", "root@example.test", "--admin-name", "Root Admin"); err != nil {
		t.Fatal(err)
	}
	token, err := cli(t, nil, "scim", "token", "create", "--data", dir, "--name", "Okta", "--expires", "365d")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^wf_[A-Za-z0-9_-]{43}\n$`).MatchString(token) {
		t.Fatalf("scim token create must print the token and nothing else: %q", token)
	}
	token = strings.TrimSpace(token)
	if _, err := cli(t, nil, "scim", "token", "create", "--data", dir, "--email", "nobody@example.test"); err == nil {
		t.Error("a provisioning token for nobody")
	}
	if _, err := cli(t, nil, "scim", "token", "mint", "--data", dir); err == nil {
		t.Error("an unknown scim command")
	}
	list, err := cli(t, nil, "scim", "token", "list", "--data", dir)
	if err != nil || !strings.Contains(list, "root@example.test") || !strings.Contains(list, "Okta") {
		t.Errorf("scim token list: %q, %v", list, err)
	}
	if apiList, _ := cli(t, nil, "token", "list", "--data", dir); strings.Contains(apiList, "Okta") {
		t.Errorf("token list shows a provisioning token: %q", apiList)
	}

	url := e2eServe(t, dir)
	if code := call(t, token, "GET", url+"/api/v1/me", "", nil); code != 401 {
		t.Errorf("a provisioning token on the API: %d", code)
	}
	var created struct{ ID string }
	if code := call(t, token, "POST", url+"/scim/v2/Users", `{"userName":"bo@example.test","displayName":"Bo Li"}`, &created); code != 201 {
		t.Fatalf("provision: %d", code)
	}
	apiToken, err := cli(t, nil, "token", "create", "--data", dir, "--email", "bo@example.test")
	if err != nil {
		t.Fatal(err)
	}
	apiToken = strings.TrimSpace(apiToken)
	if code := call(t, apiToken, "GET", url+"/api/v1/me", "", nil); code != 200 {
		t.Fatalf("their API token: %d", code)
	}
	if code := call(t, token, "PATCH", url+"/scim/v2/Users/"+created.ID,
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}`, nil); code != 200 {
		t.Fatalf("deactivate: %d", code)
	}
	if code := call(t, apiToken, "GET", url+"/api/v1/me", "", nil); code != 401 {
		t.Errorf("their API token after deactivation: %d", code)
	}

	// Revoked on the command line, beside the server: refused within 2 s.
	id := strings.Fields(strings.Split(list, "\n")[1])[0]
	if _, err := cli(t, nil, "token", "revoke", "--data", dir, "--id", id); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for call(t, token, "GET", url+"/scim/v2/Users", "", nil) != 401 {
		if time.Now().After(deadline) {
			t.Fatal("a revoked provisioning token still opens provisioning after 2 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
