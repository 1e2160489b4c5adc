package scim_test

import (
	"strings"
	"testing"

	"github.com/wayfare-org/wayfare/people"
)

// TestOktaSequence follows Okta's published SCIM 2.0 test sequence ("Okta
// SCIM 2.0 SPEC Test", run on Runscope) step by step, with the requests
// and the assertions it makes, then the provisioning Okta does after it:
// the profile updated, the person deactivated and reactivated, a group
// pushed and its members changed.
func TestOktaSequence(t *testing.T) {
	h := newHarness(t)
	const (
		username = "RunscopeTester7qk@atko.test"
		given    = "Runscope"
		family   = "Tester7qk"
	)
	var isvUserID, oktaUserID string
	step := func(name string, f func(t *testing.T)) {
		if !t.Run(name, f) {
			t.FailNow() // each step builds on the ones before
		}
	}

	step("Required: test Users endpoint", func(t *testing.T) {
		r := h.do("GET", "/scim/v2/Users?count=1&startIndex=1", "").want(t, 200)
		if get(r.body, "schemas", 0) != "urn:ietf:params:scim:api:messages:2.0:ListResponse" ||
			get(r.body, "itemsPerPage") != 1.0 || get(r.body, "startIndex") != 1.0 || get(r.body, "totalResults") != 1.0 {
			t.Fatalf("list response %s", r.raw)
		}
		first := get(r.body, "Resources", 0)
		for _, p := range [][]any{{"id"}, {"name", "familyName"}, {"name", "givenName"}, {"userName"}, {"emails", 0, "value"}} {
			if str(first, p...) == "" {
				t.Errorf("Resources[0] lacks %v: %s", p, r.raw)
			}
		}
		if get(first, "active") != true {
			t.Errorf("Resources[0].active: %s", r.raw)
		}
		isvUserID = str(first, "id")
	})
	step("Required: get Users/{id}", func(t *testing.T) {
		r := h.do("GET", "/scim/v2/Users/"+isvUserID, "").want(t, 200)
		if str(r.body, "id") != isvUserID || str(r.body, "name", "familyName") != "Obi" || str(r.body, "name", "givenName") != "Ada" ||
			str(r.body, "userName") != "ada@example.test" || get(r.body, "active") != true || str(r.body, "emails", 0, "value") == "" {
			t.Errorf("user %s", r.raw)
		}
	})
	step("Required: test invalid User by username", func(t *testing.T) {
		r := h.do("GET", "/scim/v2/Users?"+filter(`userName eq "invalid-user@atko.test"`), "").want(t, 200)
		if get(r.body, "schemas", 0) != "urn:ietf:params:scim:api:messages:2.0:ListResponse" || get(r.body, "totalResults") != 0.0 {
			t.Errorf("list %s", r.raw)
		}
	})
	step("Required: test invalid User by ID", func(t *testing.T) {
		h.do("GET", "/scim/v2/Users/010101010101", "").scimError(t, 404, "", "not found")
	})
	step("Required: make sure random user doesn't exist", func(t *testing.T) {
		r := h.do("GET", "/scim/v2/Users?"+filter(`userName eq "`+username+`"`), "").want(t, 200)
		if get(r.body, "totalResults") != 0.0 {
			t.Errorf("list %s", r.raw)
		}
	})
	create := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"` + username + `",
		"name":{"givenName":"` + given + `","familyName":"` + family + `"},
		"emails":[{"primary":true,"value":"` + username + `","type":"work"}],
		"displayName":"` + given + ` ` + family + `","active":true}`
	step("Required: create Okta user with realistic values", func(t *testing.T) {
		r := h.do("POST", "/scim/v2/Users", create).want(t, 201)
		if get(r.body, "active") != true || str(r.body, "id") == "" || str(r.body, "name", "familyName") != family ||
			str(r.body, "name", "givenName") != given || get(r.body, "schemas", 0) != "urn:ietf:params:scim:schemas:core:2.0:User" ||
			!strings.EqualFold(str(r.body, "userName"), username) {
			t.Errorf("created %s", r.raw)
		}
		oktaUserID = str(r.body, "id")
	})
	step("Required: verify that user was created", func(t *testing.T) {
		r := h.do("GET", "/scim/v2/Users/"+oktaUserID, "").want(t, 200)
		if !strings.EqualFold(str(r.body, "userName"), username) || str(r.body, "name", "familyName") != family ||
			str(r.body, "name", "givenName") != given {
			t.Errorf("user %s", r.raw)
		}
	})
	step("Required: expect failure when recreating user with same values", func(t *testing.T) {
		h.do("POST", "/scim/v2/Users", create).scimError(t, 409, "uniqueness", "userName")
	})
	step("Required: username case sensitivity check", func(t *testing.T) {
		r := h.do("GET", "/scim/v2/Users?"+filter(`userName eq "`+strings.ToUpper(username)+`"`), "").want(t, 200)
		if get(r.body, "totalResults") != 1.0 || str(r.body, "Resources", 0, "id") != oktaUserID {
			t.Errorf("list %s", r.raw)
		}
	})
	step("Optional: verify Groups endpoint", func(t *testing.T) {
		r := h.do("GET", "/scim/v2/Groups", "").want(t, 200)
		if _, ok := get(r.body, "Resources").([]any); !ok {
			t.Errorf("groups %s", r.raw)
		}
	})
	step("Required: check status 401", func(t *testing.T) {
		h.call("non-token", "GET", "/scim/v2/Users?"+filter(`userName eq "`+username+`"`), "").
			scimError(t, 401, "", "Bearer")
	})
	step("Required: check status 404", func(t *testing.T) {
		h.do("GET", "/scim/v2/Users/00919288221112222", "").scimError(t, 404, "", "not found")
	})
	oktaCRUD(t, h, step, oktaUserID, username)
}

// oktaCRUD is what Okta does next (its "SCIM 2.0 CRUD" test): update the
// profile with a PUT, deactivate and reactivate with PATCH, then push a
// group and change its members.
func oktaCRUD(t *testing.T, h *harness, step func(string, func(*testing.T)), id, username string) {
	step("profile update: PUT replaces the user", func(t *testing.T) {
		r := h.do("PUT", "/scim/v2/Users/"+id, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"`+id+`",
			"userName":"`+username+`","name":{"givenName":"Rune","familyName":"Tester7qk"},"title":"Engineer",
			"emails":[{"primary":true,"value":"`+username+`","type":"work"}],"active":true}`).want(t, 200)
		if str(r.body, "name", "givenName") != "Rune" || str(r.body, "displayName") != "Rune Tester7qk" || str(r.body, "title") != "Engineer" {
			t.Errorf("replaced %s", r.raw)
		}
	})
	step("deactivation: PATCH active false", func(t *testing.T) {
		r := h.do("PATCH", "/scim/v2/Users/"+id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
			"Operations":[{"op":"replace","value":{"active":false}}]}`).want(t, 200)
		if get(r.body, "active") != false {
			t.Errorf("deactivated %s", r.raw)
		}
		if got := h.do("GET", "/scim/v2/Users/"+id, "").want(t, 200); get(got.body, "active") != false {
			t.Errorf("read back %s", got.raw)
		}
	})
	step("reactivation: PATCH active true", func(t *testing.T) {
		r := h.do("PATCH", "/scim/v2/Users/"+id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
			"Operations":[{"op":"replace","value":{"active":true}}]}`).want(t, 200)
		if get(r.body, "active") != true || str(r.body, "title") != "Engineer" {
			t.Errorf("reactivated %s", r.raw)
		}
	})
	var groupID string
	step("push a group: POST /Groups", func(t *testing.T) {
		r := h.do("POST", "/scim/v2/Groups", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],
			"displayName":"Runscope Group","members":[]}`).want(t, 201)
		groupID = str(r.body, "id")
		if str(r.body, "displayName") != "Runscope Group" || groupID == "" {
			t.Errorf("group %s", r.raw)
		}
	})
	step("find the group: GET /Groups?filter=displayName eq", func(t *testing.T) {
		r := h.do("GET", "/scim/v2/Groups?"+filter(`displayName eq "Runscope Group"`), "").want(t, 200)
		if get(r.body, "totalResults") != 1.0 || str(r.body, "Resources", 0, "id") != groupID {
			t.Errorf("list %s", r.raw)
		}
	})
	step("add members: PATCH add members", func(t *testing.T) {
		h.do("PATCH", "/scim/v2/Groups/"+groupID, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
			"Operations":[{"op":"add","path":"members","value":[{"value":"`+id+`","display":"`+username+`"}]}]}`).want(t, 204)
		r := h.do("GET", "/scim/v2/Groups/"+groupID, "").want(t, 200)
		if str(r.body, "members", 0, "value") != id || get(r.body, "members", 1) != nil {
			t.Errorf("members %s", r.raw)
		}
	})
	step("rename: PATCH replace value", func(t *testing.T) {
		h.do("PATCH", "/scim/v2/Groups/"+groupID, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
			"Operations":[{"op":"replace","value":{"id":"`+groupID+`","displayName":"Runscope Team"}}]}`).want(t, 204)
	})
	step("remove members: PATCH remove members[value eq]", func(t *testing.T) {
		h.do("PATCH", "/scim/v2/Groups/"+groupID, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
			"Operations":[{"op":"remove","path":"members[value eq \"`+id+`\"]"}]}`).want(t, 204)
		r := h.do("GET", "/scim/v2/Groups/"+groupID, "").want(t, 200)
		if str(r.body, "displayName") != "Runscope Team" || len(get(r.body, "members").([]any)) != 0 {
			t.Errorf("group %s", r.raw)
		}
		g, err := h.db.Group(h.asAdmin(), parseID(t, groupID))
		if err != nil || g.Name != "Runscope Team" || len(g.Members) != 0 {
			t.Errorf("the group in Wayfare: %+v, %v", g, err)
		}
		p, err := h.db.Person(h.asAdmin(), parseID(t, id))
		if err != nil || p.Status != people.Active || p.Name != "Rune Tester7qk" {
			t.Errorf("the person in Wayfare: %+v, %v", p, err)
		}
	})
}
