package scim

import (
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/people"
)

func patchOps(t *testing.T, body string) ([]operation, error) {
	t.Helper()
	return readPatch(httptest.NewRequest("PATCH", "/scim/v2/Users/1", strings.NewReader(body)))
}

func TestPatchUser(t *testing.T) {
	ada := &people.DirectoryPerson{Person: people.Person{Name: "Ada Obi", Email: "ada@example.test", Title: "CTO"},
		GivenName: "Ada", FamilyName: "Obi", ExternalID: "00u1"}
	f, tr := false, true
	manager := "7"
	for _, tt := range []struct {
		name, body string
		want       people.DirectoryPersonInput
		manager    *string
	}{
		{name: "Okta deactivates", body: `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
			"Operations":[{"op":"replace","value":{"active":false}}]}`,
			want: people.DirectoryPersonInput{Email: "ada@example.test", Name: "Ada Obi", Title: "CTO", GivenName: "Ada", FamilyName: "Obi", ExternalID: "00u1", Active: &f}},
		{name: "a path, and a boolean", body: `{"Operations":[{"op":"replace","path":"active","value":true}]}`,
			want: people.DirectoryPersonInput{Email: "ada@example.test", Name: "Ada Obi", Title: "CTO", GivenName: "Ada", FamilyName: "Obi", ExternalID: "00u1", Active: &tr}},
		{name: "Entra ID: Replace, and False as a string", body: `{"Operations":[{"op":"Replace","path":"active","value":"False"}]}`,
			want: people.DirectoryPersonInput{Email: "ada@example.test", Name: "Ada Obi", Title: "CTO", GivenName: "Ada", FamilyName: "Obi", ExternalID: "00u1", Active: &f}},
		{name: "a name made of its parts follows them", body: `{"Operations":[{"op":"replace","path":"name.givenName","value":"Adaeze"}]}`,
			want: people.DirectoryPersonInput{Email: "ada@example.test", Name: "Adaeze Obi", Title: "CTO", GivenName: "Adaeze", FamilyName: "Obi", ExternalID: "00u1"}},
		{name: "a complex value merges", body: `{"Operations":[{"op":"replace","value":{"name":{"familyName":"Eze"},"title":"CEO"}}]}`,
			want: people.DirectoryPersonInput{Email: "ada@example.test", Name: "Ada Eze", Title: "CEO", GivenName: "Ada", FamilyName: "Eze", ExternalID: "00u1"}},
		{name: "displayName and userName", body: `{"Operations":[{"op":"Replace","path":"displayName","value":"Ada O."},
			{"op":"Replace","path":"userName","value":"ada.obi@example.test"}]}`,
			want: people.DirectoryPersonInput{Email: "ada.obi@example.test", Name: "Ada O.", Title: "CTO", GivenName: "Ada", FamilyName: "Obi", ExternalID: "00u1"}},
		{name: "Entra ID's manager, an id alone", body: `{"Operations":[{"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"7"}]}`,
			want: people.DirectoryPersonInput{Email: "ada@example.test", Name: "Ada Obi", Title: "CTO", GivenName: "Ada", FamilyName: "Obi", ExternalID: "00u1"}, manager: &manager},
		{name: "the manager as an object in the extension", body: `{"Operations":[{"op":"replace","value":{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"7"}}}}]}`,
			want: people.DirectoryPersonInput{Email: "ada@example.test", Name: "Ada Obi", Title: "CTO", GivenName: "Ada", FamilyName: "Obi", ExternalID: "00u1"}, manager: &manager},
		{name: "the manager's value by its path", body: `{"Operations":[{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value","value":"7"}]}`,
			want: people.DirectoryPersonInput{Email: "ada@example.test", Name: "Ada Obi", Title: "CTO", GivenName: "Ada", FamilyName: "Obi", ExternalID: "00u1"}, manager: &manager},
		{name: "remove empties", body: `{"Operations":[{"op":"remove","path":"title"},{"op":"remove","path":"externalId"},
			{"op":"Remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"}]}`,
			want: people.DirectoryPersonInput{Email: "ada@example.test", Name: "Ada Obi", GivenName: "Ada", FamilyName: "Obi"}, manager: new("")},
		{name: "what Wayfare does not keep is ignored", body: `{"Operations":[{"op":"add","path":"phoneNumbers[type eq \"work\"].value","value":"+1 555"},
			{"op":"replace","path":"emails[type eq \"work\"].value","value":"other@example.test"},
			{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department","value":"R&D"},
			{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:acme:2.0:User:title","value":"Acme title"}]}`,
			want: people.DirectoryPersonInput{Email: "ada@example.test", Name: "Ada Obi", Title: "CTO", GivenName: "Ada", FamilyName: "Obi", ExternalID: "00u1"}},
	} {
		ops, err := patchOps(t, tt.body)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		doc := docOf(ada)
		if err := doc.apply(ops); err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if got := doc.input(); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.name, got, tt.want)
		}
		if !reflect.DeepEqual(doc.manager, tt.manager) {
			t.Errorf("%s: manager %v, want %v", tt.name, doc.manager, tt.manager)
		}
	}
}

func TestPatchRefused(t *testing.T) {
	for _, tt := range []struct{ body, scimType string }{
		{`{"Operations":[]}`, "invalidSyntax"},
		{`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"]}`, "invalidSyntax"},
		{`{"Operations":[{"op":"move","path":"title","value":"x"}]}`, "invalidSyntax"},
		{`{"Operations":[{"op":"remove"}]}`, "invalidSyntax"},
		{`{"Operations":[{"op":"replace","path":"title"}]}`, "invalidSyntax"},
		{`{"Operations":[{"op":"replace","path":"active","value":"maybe"}]}`, "invalidValue"},
		{`{"Operations":[{"op":"replace","path":"title","value":42}]}`, "invalidValue"},
		{`{"Operations":[{"op":"replace","value":"not an object"}]}`, "invalidValue"},
		{`{"Operations":[{"op":"remove","path":"userName"}]}`, "invalidValue"},
		{`{"Operations":[{"op":"replace","path":"name..x","value":"x"}]}`, "invalidPath"},
		{`{"Operations":[{"op":"replace","path":"manager","value":"x"}`, "invalidSyntax"},
	} {
		ops, err := patchOps(t, tt.body)
		if err == nil {
			err = docOf(&people.DirectoryPerson{}).apply(ops)
		}
		if p, ok := err.(*problem); !ok || p.status != 400 || p.scimType != tt.scimType {
			t.Errorf("%s: %v; want 400 %s", tt.body, err, tt.scimType)
		}
	}
}

func TestPatchGroup(t *testing.T) {
	for _, tt := range []struct {
		name, body string
		want       people.DirectoryGroupChange
	}{
		{name: "Okta renames", body: `{"Operations":[{"op":"replace","value":{"id":"3","displayName":"Platform"}}]}`,
			want: people.DirectoryGroupChange{Name: new("Platform")}},
		{name: "Okta adds members", body: `{"Operations":[{"op":"add","path":"members","value":[{"value":"12","display":"ada@example.test"},{"value":"13"}]}]}`,
			want: people.DirectoryGroupChange{Members: []people.MemberChange{{Op: people.AddMembers, People: ids(12, 13)}}}},
		{name: "Okta removes a member by filter", body: `{"Operations":[{"op":"remove","path":"members[value eq \"12\"]"}]}`,
			want: people.DirectoryGroupChange{Members: []people.MemberChange{{Op: people.RemoveMembers, People: ids(12)}}}},
		{name: "Entra ID removes members by value", body: `{"Operations":[{"op":"Remove","path":"members","value":[{"value":"12"}]}]}`,
			want: people.DirectoryGroupChange{Members: []people.MemberChange{{Op: people.RemoveMembers, People: ids(12)}}}},
		{name: "replace sets them all, then remove all", body: `{"Operations":[{"op":"Replace","path":"members","value":[{"value":"14"}]},
			{"op":"remove","path":"members"},{"op":"Replace","path":"displayName","value":"Ops"},{"op":"add","path":"externalId","value":"g-9"}]}`,
			want: people.DirectoryGroupChange{Name: new("Ops"), ExternalID: new("g-9"), Members: []people.MemberChange{
				{Op: people.SetMembers, People: ids(14)}, {Op: people.RemoveMembers}}}},
		{name: "removing someone who cannot be a member removes no one", body: `{"Operations":[{"op":"remove","path":"members[value eq \"okta-00g1\"]"}]}`,
			want: people.DirectoryGroupChange{Members: []people.MemberChange{{Op: people.RemoveMembers, People: ids()}}}},
	} {
		ops, err := patchOps(t, tt.body)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		got, err := groupChange(ops)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\n got %+v, %v\nwant %+v", tt.name, got, err, tt.want)
		}
	}
	for _, body := range []string{
		`{"Operations":[{"op":"add","path":"members","value":[{"value":"okta-00u1"}]}]}`,
		`{"Operations":[{"op":"add","path":"members","value":"12"}]}`,
		`{"Operations":[{"op":"remove","path":"displayName"}]}`,
		`{"Operations":[{"op":"remove","path":"members[display eq \"Ada\"]"}]}`,
	} {
		ops, err := patchOps(t, body)
		if err == nil {
			_, err = groupChange(ops)
		}
		if p, ok := err.(*problem); !ok || p.status != 400 {
			t.Errorf("%s: %v; want 400", body, err)
		}
	}
}

func ids(v ...wayfare.ID) []wayfare.ID { return append([]wayfare.ID{}, v...) }
