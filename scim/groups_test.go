package scim_test

import (
	"slices"
	"testing"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/people"
)

// memberIDs returns the ids a group answer lists as members.
func memberIDs(r response) []string {
	var ids []string
	for i := 0; get(r.body, "members", i) != nil; i++ {
		ids = append(ids, str(r.body, "members", i, "value"))
	}
	slices.Sort(ids)
	return ids
}

func (h *harness) user(email string) string {
	h.t.Helper()
	return str(h.do("POST", "/scim/v2/Users", `{"userName":"`+email+`"}`).want(h.t, 201).body, "id")
}

func TestGroups(t *testing.T) {
	h := newHarness(t)
	bo, cy, di := h.user("bo@example.test"), h.user("cy@example.test"), h.user("di@example.test")
	r := h.do("POST", "/scim/v2/Groups", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Platform",
		"externalId":"00g1","members":[{"value":"`+bo+`"},{"value":"`+cy+`"}]}`).want(t, 201)
	id := str(r.body, "id")
	if str(r.body, "externalId") != "00g1" || !slices.Equal(memberIDs(r), []string{bo, cy}) ||
		r.header.Get("Location") != "http://wayfare.test/scim/v2/Groups/"+id {
		t.Fatalf("created %s", r.raw)
	}
	h.do("POST", "/scim/v2/Groups", `{"displayName":"PLATFORM"}`).scimError(t, 409, "uniqueness", "displayName")
	h.do("POST", "/scim/v2/Groups", `{"displayName":"Ops","members":[{"value":"9999"}]}`).scimError(t, 400, "invalidValue", "members")
	h.do("POST", "/scim/v2/Groups", `{"members":[]}`).scimError(t, 400, "invalidValue", "displayName")

	list := h.do("GET", "/scim/v2/Groups?excludedAttributes=members&"+filter(`displayName eq "platform"`), "").want(t, 200)
	if get(list.body, "totalResults") != 1.0 || str(list.body, "Resources", 0, "id") != id || get(list.body, "Resources", 0, "members") != nil {
		t.Errorf("list %s", list.raw)
	}
	if got := h.do("GET", "/scim/v2/Groups/"+id+"?excludedAttributes=members", "").want(t, 200); get(got.body, "members") != nil {
		t.Errorf("excluded members are shown: %s", got.raw)
	}
	if got := h.do("GET", "/scim/v2/Groups?"+filter(`members[value eq "`+cy+`"]`), "").want(t, 200); get(got.body, "totalResults") != 1.0 {
		t.Errorf("by member %s", got.raw)
	}

	// A manager an admin named stays a manager when the directory adds
	// them again, and keeps the role in a replace that lists them.
	if _, err := h.db.SetRole(h.asAdmin(), parseID(t, id), parseID(t, bo), people.Manager); err != nil {
		t.Fatal(err)
	}
	h.do("PATCH", "/scim/v2/Groups/"+id, `{"Operations":[{"op":"Add","path":"members","value":[{"value":"`+bo+`"},{"value":"`+di+`"}]},
		{"op":"Remove","path":"members","value":[{"value":"`+cy+`"}]}]}`).want(t, 204)
	g := h.group(id)
	if !slices.Equal(g.members, []string{bo, di}) || g.managers != 1 {
		t.Errorf("after the patch: %+v", g)
	}
	r = h.do("PUT", "/scim/v2/Groups/"+id, `{"displayName":"Platform team","members":[{"value":"`+bo+`"},{"value":"`+cy+`"}]}`).want(t, 200)
	if str(r.body, "displayName") != "Platform team" || get(r.body, "externalId") != nil || !slices.Equal(memberIDs(r), []string{bo, cy}) {
		t.Errorf("replaced %s", r.raw)
	}
	if g := h.group(id); g.managers != 1 || g.name != "Platform team" {
		t.Errorf("after the replace: %+v", g)
	}
	// A PUT that leaves members out keeps them.
	h.do("PUT", "/scim/v2/Groups/"+id, `{"displayName":"Platform team"}`).want(t, 200)
	if g := h.group(id); !slices.Equal(g.members, []string{bo, cy}) {
		t.Errorf("a PUT without members: %+v", g)
	}
	h.do("PATCH", "/scim/v2/Groups/"+id, `{"Operations":[{"op":"add","path":"members","value":[{"value":"9999"}]}]}`).
		scimError(t, 400, "invalidValue", "members")
	h.do("PATCH", "/scim/v2/Groups/999", `{"Operations":[{"op":"add","path":"members","value":[{"value":"`+bo+`"}]}]}`).
		scimError(t, 404, "", "not found")

	if r := h.do("DELETE", "/scim/v2/Groups/"+id, ""); r.status != 204 {
		t.Fatalf("delete: %d %s", r.status, r.raw)
	}
	h.do("GET", "/scim/v2/Groups/"+id, "").scimError(t, 404, "", "not found")
	kept, err := h.db.Group(h.asAdmin(), parseID(t, id))
	if err != nil || len(kept.Members) != 0 {
		t.Errorf("the deleted group stays, empty: %+v, %v", kept, err)
	}
}

// groupSeen is a group as Wayfare holds it.
type groupSeen struct {
	name     string
	members  []string
	managers int
}

func (h *harness) group(id string) groupSeen {
	h.t.Helper()
	g, err := h.db.Group(h.asAdmin(), parseID(h.t, id))
	if err != nil {
		h.t.Fatal(err)
	}
	seen := groupSeen{name: g.Name, managers: len(g.Managers)}
	for _, m := range g.Members {
		seen.members = append(seen.members, m.PersonID.String())
	}
	slices.SortFunc(seen.members, func(a, b string) int { return int(parseID(h.t, a) - parseID(h.t, b)) })
	return seen
}

// TestGroupsSeeEveryGroup: groups made through other doors are seen too,
// so that a directory can link them by name.
func TestGroupsSeeEveryGroup(t *testing.T) {
	h := newHarness(t)
	sys := wayfare.WithActor(h.asAdmin(), wayfare.Actor{System: true})
	top, err := h.db.CreateGroup(sys, people.NewGroup{Name: "Engineering"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.SetRole(sys, top.ID, h.admin, people.Manager); err != nil {
		t.Fatal(err)
	}
	r := h.do("GET", "/scim/v2/Groups?"+filter(`displayName eq "engineering"`), "").want(t, 200)
	if get(r.body, "totalResults") != 1.0 || str(r.body, "Resources", 0, "members", 0, "value") != h.admin.String() ||
		str(r.body, "Resources", 0, "members", 0, "display") != "Ada Obi" {
		t.Errorf("list %s", r.raw)
	}
}
