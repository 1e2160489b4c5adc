package scim_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/ledger"
	"github.com/wayfare-org/wayfare/people"
)

func TestAuthentication(t *testing.T) {
	h := newHarness(t)
	sys := wayfare.WithActor(context.Background(), wayfare.Actor{System: true})
	api, err := h.db.CreateToken(sys, h.admin, people.NewToken{Name: "laptop"})
	if err != nil {
		t.Fatal(err)
	}
	for name, auth := range map[string]string{"no token": "", "not bearer": "Basic " + h.token, "garbage": "Bearer wf_nope",
		"an API token": "Bearer " + api.Token} {
		r := h.call(auth, "GET", "/scim/v2/Users", "")
		r.scimError(t, 401, "", "")
		if r.header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s: no WWW-Authenticate", name)
		}
	}
	for _, path := range []string{"/scim/v2/ServiceProviderConfig", "/scim/v2/Schemas", "/scim/v2/Groups/1", "/scim/v2/nothing"} {
		h.call("", "GET", path, "").scimError(t, 401, "", "")
	}
	h.call("bearer "+h.token, "GET", "/scim/v2/Users", "").want(t, 200)

	// A provisioning token opens provisioning only, not the API.
	req := httptest.NewRequest("GET", "/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+h.token)
	rec := httptest.NewRecorder()
	h.api.ServeHTTP(rec, req)
	if rec.Code != 401 {
		t.Errorf("a provisioning token on the API: %d", rec.Code)
	}
	tokens, _ := h.db.SCIMTokens(h.asAdmin())
	if err := h.db.RevokeToken(h.asAdmin(), tokens[0].ID); err != nil {
		t.Fatal(err)
	}
	h.do("GET", "/scim/v2/Users", "").scimError(t, 401, "", "")
}

func TestUserCreateAndFind(t *testing.T) {
	h := newHarness(t)
	r := h.do("POST", "/scim/v2/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User",
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
		"userName":"Bo.Li@Example.test","externalId":"00u7","title":"Engineer",
		"name":{"givenName":"Bo","familyName":"Li","formatted":"Bo Li"},"displayName":"Bo",
		"phoneNumbers":[{"value":"+1 555","type":"work"}],"password":"ignored-here",
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"`+h.admin.String()+`"},"department":"R&D"}}`).want(t, 201)
	id := str(r.body, "id")
	if r.header.Get("Location") != "http://wayfare.test/scim/v2/Users/"+id || str(r.body, "meta", "location") != r.header.Get("Location") {
		t.Errorf("location %q, meta %v", r.header.Get("Location"), get(r.body, "meta"))
	}
	p, err := h.db.Person(h.asAdmin(), parseID(t, id))
	if err != nil || p.Email != "bo.li@example.test" || p.Name != "Bo" || p.Title != "Engineer" || p.ManagerID == nil ||
		*p.ManagerID != h.admin || p.Level != 1 || p.Admin {
		t.Fatalf("the person in Wayfare: %+v, %v", p, err)
	}
	if str(r.body, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", "manager", "value") != h.admin.String() {
		t.Errorf("manager %s", r.raw)
	}
	for _, f := range []string{`userName eq "BO.LI@example.test"`, `externalId eq "00u7"`, `emails.value eq "bo.li@example.test"`,
		`emails[value eq "bo.li@example.test"]`, `id eq "` + id + `" and active eq true`} {
		got := h.do("GET", "/scim/v2/Users?"+filter(f), "").want(t, 200)
		if get(got.body, "totalResults") != 1.0 || str(got.body, "Resources", 0, "id") != id {
			t.Errorf("%s: %s", f, got.raw)
		}
	}
	for _, f := range []string{`externalId eq "00U7"`, `active eq false`, `id eq "x"`} {
		if got := h.do("GET", "/scim/v2/Users?"+filter(f), "").want(t, 200); get(got.body, "totalResults") != 0.0 {
			t.Errorf("%s matched: %s", f, got.raw)
		}
	}
	h.do("GET", "/scim/v2/Users?"+filter(`title eq "Engineer"`), "").scimError(t, 400, "invalidFilter", "title")
}

func TestUserPaging(t *testing.T) {
	h := newHarness(t)
	for _, n := range []string{"a", "b", "c", "d"} {
		h.do("POST", "/scim/v2/Users", `{"userName":"`+n+`@example.test"}`).want(t, 201)
	}
	for _, tt := range []struct {
		query     string
		start     float64
		items     int
		firstUser string
	}{
		{"count=2&startIndex=2", 2, 2, "a@example.test"},
		{"count=10&startIndex=4", 4, 2, "c@example.test"},
		{"startIndex=0", 1, 5, "ada@example.test"},
		{"count=0", 1, 0, ""},
		{"startIndex=9", 9, 0, ""},
	} {
		r := h.do("GET", "/scim/v2/Users?"+tt.query, "").want(t, 200)
		if get(r.body, "totalResults") != 5.0 || get(r.body, "startIndex") != tt.start || num(r.body, "itemsPerPage") != tt.items ||
			len(get(r.body, "Resources").([]any)) != tt.items || str(r.body, "Resources", 0, "userName") != tt.firstUser {
			t.Errorf("%s: %s", tt.query, r.raw)
		}
	}
	h.do("GET", "/scim/v2/Users?count=many", "").scimError(t, 400, "invalidValue", "count")
}

func TestUserRefused(t *testing.T) {
	h := newHarness(t)
	for _, tt := range []struct {
		body             string
		status           int
		scimType, detail string
	}{
		{`{"userName":`, 400, "invalidSyntax", "JSON"},
		{`["userName"]`, 400, "invalidSyntax", "object"},
		{``, 400, "invalidSyntax", "empty"},
		{`{"userName":"a@example.test"} {}`, 400, "invalidSyntax", "one JSON object"},
		{`{"displayName":"No Address"}`, 400, "invalidValue", "userName is required"},
		{`{"userName":"not an address"}`, 400, "invalidValue", "userName"},
		{`{"userName":"ada@example.test"}`, 409, "uniqueness", "userName"},
		{`{"userName":"b@example.test","active":"perhaps"}`, 400, "invalidValue", "active"},
		{`{"userName":"b@example.test","title":["x"]}`, 400, "invalidValue", "title"},
		{`{"userName":"b@example.test","displayName":"` + strings.Repeat("x", 201) + `"}`, 400, "invalidValue", "displayName"},
		{`{"userName":"b@example.test","displayName":"a\u0007b"}`, 400, "invalidValue", "displayName"},
		{`{"userName":"b@example.test","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"9999"}}}`, 400, "invalidValue", "manager"},
		{`{"userName":"b@example.test","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":"nobody"}}`, 400, "invalidValue", "manager"},
		{`{"userName":"b@example.test","x":"` + strings.Repeat("x", 1<<20) + `"}`, 413, "", "1 MiB"},
		{"{\"userName\":\"b@example.test\",\"title\":\"\xff\"}", 400, "invalidSyntax", "UTF-8"},
	} {
		h.do("POST", "/scim/v2/Users", tt.body).scimError(t, tt.status, tt.scimType, tt.detail)
	}
	if _, n, _ := h.db.DirectoryPeople(h.asAdmin(), people.DirectoryPersonFilter{}); n != 1 {
		t.Errorf("refused requests wrote %d people", n-1)
	}
	h.do("PUT", "/scim/v2/Users/999", `{"userName":"z@example.test"}`).scimError(t, 404, "", "not found")
	h.do("PATCH", "/scim/v2/Users/abc", `{"Operations":[{"op":"replace","path":"title","value":"x"}]}`).scimError(t, 404, "", "not found")
	h.do("DELETE", "/scim/v2/Users/999", "").scimError(t, 404, "", "not found")
	h.do("POST", "/scim/v2/Users/1", "{}").scimError(t, 405, "", "POST")
}

func TestUserReplace(t *testing.T) {
	h := newHarness(t)
	id := str(h.do("POST", "/scim/v2/Users", `{"userName":"bo@example.test","title":"Engineer","externalId":"e1",
		"name":{"givenName":"Bo","familyName":"Li"},
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"`+h.admin.String()+`"}}}`).want(t, 201).body, "id")
	// Left out: the title and externalId are emptied; active and the
	// manager stay as they are.
	r := h.do("PUT", "/scim/v2/Users/"+id, `{"userName":"bo.li@example.test","name":{"givenName":"Bo","familyName":"Li"}}`).want(t, 200)
	p, _ := h.db.DirectoryPerson(h.asAdmin(), parseID(t, id))
	if str(r.body, "title") != "" || p.Title != "" || p.ExternalID != "" || p.Email != "bo.li@example.test" ||
		p.ManagerID == nil || p.Status != people.Active {
		t.Errorf("replaced: %+v (%s)", p, r.raw)
	}
	h.do("PUT", "/scim/v2/Users/"+id, `{"userName":"bo.li@example.test","active":false,
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":null}}`).want(t, 200)
	p, _ = h.db.DirectoryPerson(h.asAdmin(), parseID(t, id))
	if p.ManagerID != nil || p.Status != people.Deactivated {
		t.Errorf("replaced again: %+v", p)
	}
	h.do("PUT", "/scim/v2/Users/"+id, `{"userName":"ada@example.test"}`).scimError(t, 409, "uniqueness", "userName")
}

// TestDeactivationGovernsTheNextRequest: once provisioning deactivates
// a person, their API token and browser session stop at the very next
// request; their records stay; reactivation lets them sign in again.
func TestDeactivationGovernsTheNextRequest(t *testing.T) {
	h := newHarness(t)
	id := str(h.do("POST", "/scim/v2/Users", `{"userName":"bo@example.test","displayName":"Bo Li"}`).want(t, 201).body, "id")
	bo := parseID(t, id)
	sys := wayfare.WithActor(context.Background(), wayfare.Actor{System: true})
	tok, err := h.db.CreateToken(sys, bo, people.NewToken{Name: "laptop"})
	if err != nil {
		t.Fatal(err)
	}
	me := func() int {
		req := httptest.NewRequest("GET", "/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+tok.Token)
		rec := httptest.NewRecorder()
		h.api.ServeHTTP(rec, req)
		return rec.Code
	}
	if code := me(); code != 200 {
		t.Fatalf("before: %d", code)
	}
	if _, _, err := h.db.SignedIn(context.Background(), bo); err != nil {
		t.Fatalf("signed in before: %v", err)
	}
	h.do("PATCH", "/scim/v2/Users/"+id, `{"Operations":[{"op":"Replace","path":"active","value":"False"}]}`).want(t, 200)
	if code := me(); code != 401 {
		t.Errorf("the API token after deactivation: %d", code)
	}
	if _, err := h.db.Authenticate(context.Background(), tok.Token); wayfare.ErrorCode(err) != wayfare.EUNAUTHORIZED {
		t.Errorf("Authenticate after deactivation: %v", err)
	}
	if _, _, err := h.db.SignedIn(context.Background(), bo); wayfare.ErrorCode(err) != wayfare.EUNAUTHORIZED {
		t.Errorf("the browser session after deactivation: %v", err)
	}
	acts, _ := h.db.Acts(context.Background(), ledger.Filter{Verb: ledger.PersonDeactive})
	if len(acts) != 1 || acts[0].SubjectID != bo || acts[0].PersonID != h.admin || acts[0].Function != wayfare.Admin {
		t.Errorf("deactivation acts: %+v", acts)
	}
	h.do("PATCH", "/scim/v2/Users/"+id, `{"Operations":[{"op":"replace","value":{"active":true}}]}`).want(t, 200)
	if _, _, err := h.db.SignedIn(context.Background(), bo); err != nil {
		t.Errorf("signed in after reactivation: %v", err)
	}
	// The organization keeps its one active admin.
	h.do("PATCH", "/scim/v2/Users/"+h.admin.String(), `{"Operations":[{"op":"replace","path":"active","value":false}]}`).
		scimError(t, 409, "", "last active admin")
}

func TestUserDelete(t *testing.T) {
	h := newHarness(t)
	id := str(h.do("POST", "/scim/v2/Users", `{"userName":"bo@example.test","displayName":"Bo Li"}`).want(t, 201).body, "id")
	if r := h.do("DELETE", "/scim/v2/Users/"+id, ""); r.status != 204 || r.raw != "" {
		t.Fatalf("delete: %d %s", r.status, r.raw)
	}
	h.do("GET", "/scim/v2/Users/"+id, "").scimError(t, 404, "", "not found")
	h.do("DELETE", "/scim/v2/Users/"+id, "").scimError(t, 404, "", "not found")
	if r := h.do("GET", "/scim/v2/Users?"+filter(`userName eq "bo@example.test"`), "").want(t, 200); get(r.body, "totalResults") != 0.0 {
		t.Errorf("a deleted user is listed: %s", r.raw)
	}
	p, err := h.db.Person(h.asAdmin(), parseID(t, id))
	if err != nil || p.Status != people.Deactivated {
		t.Fatalf("the person stays, deactivated: %+v, %v", p, err)
	}
	again := h.do("POST", "/scim/v2/Users", `{"userName":"bo@example.test","displayName":"Bo Li"}`).want(t, 201)
	if str(again.body, "id") != id || get(again.body, "active") != true {
		t.Errorf("created again: %s", again.raw)
	}
}

func TestDiscovery(t *testing.T) {
	h := newHarness(t)
	spc := h.do("GET", "/scim/v2/ServiceProviderConfig", "").want(t, 200)
	if get(spc.body, "patch", "supported") != true || get(spc.body, "bulk", "supported") != false ||
		get(spc.body, "filter", "supported") != true || str(spc.body, "authenticationSchemes", 0, "type") != "oauthbearertoken" {
		t.Errorf("service provider config %s", spc.raw)
	}
	rts := h.do("GET", "/scim/v2/ResourceTypes", "").want(t, 200)
	if get(rts.body, "totalResults") != 2.0 || str(rts.body, "Resources", 0, "endpoint") != "/Users" ||
		str(rts.body, "Resources", 0, "schemaExtensions", 0, "schema") != "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User" {
		t.Errorf("resource types %s", rts.raw)
	}
	h.do("GET", "/scim/v2/ResourceTypes/Group", "").want(t, 200)
	schemas := h.do("GET", "/scim/v2/Schemas", "").want(t, 200)
	if get(schemas.body, "totalResults") != 3.0 || str(schemas.body, "Resources", 0, "attributes", 0, "name") != "userName" {
		t.Errorf("schemas %s", schemas.raw)
	}
	one := h.do("GET", "/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group", "").want(t, 200)
	if str(one.body, "name") != "Group" || str(one.body, "meta", "resourceType") != "Schema" {
		t.Errorf("group schema %s", one.raw)
	}
	h.do("GET", "/scim/v2/Schemas/urn:nothing", "").scimError(t, 404, "", "no schema")
}
