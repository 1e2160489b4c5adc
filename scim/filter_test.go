package scim

import (
	"reflect"
	"testing"
)

func TestParseFilter(t *testing.T) {
	for _, tt := range []struct {
		filter string
		want   []comparison
		bad    bool
	}{
		{filter: `userName eq "ada@example.test"`, want: []comparison{{"username", "ada@example.test"}}},
		{filter: `USERNAME Eq "Ada@Example.test"`, want: []comparison{{"username", "Ada@Example.test"}}},
		{filter: `urn:ietf:params:scim:schemas:core:2.0:User:userName eq "a@b.test"`, want: []comparison{{"username", "a@b.test"}}},
		{filter: `externalId eq "00u1" and active eq true`, want: []comparison{{"externalid", "00u1"}, {"active", true}}},
		{filter: `emails.value eq "a@b.test"`, want: []comparison{{"emails.value", "a@b.test"}}},
		{filter: `emails[value eq "a@b.test"]`, want: []comparison{{"emails.value", "a@b.test"}}},
		{filter: `displayName eq "Team \"A\" [east]"`, want: []comparison{{"displayname", `Team "A" [east]`}}},
		{filter: `id eq "7" and members[value eq "12"]`, want: []comparison{{"id", "7"}, {"members.value", "12"}}},
		{filter: `  userName   eq   "x@y.test"  `, want: []comparison{{"username", "x@y.test"}}},
		{filter: `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "3"`,
			want: []comparison{{"enterprise:manager.value", "3"}}},
		{filter: `userName sw "a"`, bad: true},
		{filter: `userName eq "a" or userName eq "b"`, bad: true},
		{filter: `(userName eq "a")`, bad: true},
		{filter: `userName eq a`, bad: true},
		{filter: `userName eq "unterminated`, bad: true},
		{filter: `userName eq`, bad: true},
		{filter: `emails[type eq "work"].value eq "a"`, bad: true},
		{filter: `members[value eq "1"`, bad: true},
		{filter: `user;name eq "a"`, bad: true},
	} {
		got, err := parseFilter(tt.filter)
		if tt.bad {
			p, ok := err.(*problem)
			if !ok || p.status != 400 || p.scimType != "invalidFilter" {
				t.Errorf("%s: %v, %v; want 400 invalidFilter", tt.filter, got, err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: %#v, %v; want %#v", tt.filter, got, err, tt.want)
		}
	}
}

func TestParsePath(t *testing.T) {
	for _, tt := range []struct {
		path, key, filter string
		bad               bool
	}{
		{path: "active", key: "active"},
		{path: "name.givenName", key: "name.givenname"},
		{path: `emails[type eq "work"].value`, key: "emails.value", filter: `type eq "work"`},
		{path: `members[value eq "2819c223"]`, key: "members", filter: `value eq "2819c223"`},
		{path: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", key: "enterprise:manager"},
		{path: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", key: "enterprise:"},
		{path: "urn:ietf:params:scim:schemas:core:2.0:User:title", key: "title"},
		{path: "urn:ietf:params:scim:schemas:extension:acme:2.0:User:title", key: "urn:ietf:params:scim:schemas:extension:acme:2.0:user:title"},
		{path: "", bad: true},
		{path: "name..givenName", bad: true},
		{path: "members[value eq", bad: true},
		{path: "emails[type eq \"work\"]x", bad: true},
	} {
		p, err := parsePath(tt.path)
		if tt.bad {
			if pr, ok := err.(*problem); !ok || pr.scimType != "invalidPath" {
				t.Errorf("%q: %+v, %v; want invalidPath", tt.path, p, err)
			}
			continue
		}
		if err != nil || p.key() != tt.key || p.filter != tt.filter {
			t.Errorf("%q: key %q filter %q, %v; want %q %q", tt.path, p.key(), p.filter, err, tt.key, tt.filter)
		}
	}
}

func TestPersonFilter(t *testing.T) {
	f, none, err := personFilter(`userName eq "Ada@Example.TEST" and active eq false`)
	if err != nil || none || f.Email != "ada@example.test" || f.Status != "deactivated" {
		t.Errorf("userName and active: %+v %v %v", f, none, err)
	}
	for _, q := range []string{`id eq "not-an-id"`, `userName eq "a@b.test" and userName eq "c@d.test"`, `userName eq ""`} {
		if _, none, err := personFilter(q); err != nil || !none {
			t.Errorf("%s: none %v, %v; want nothing to match", q, none, err)
		}
	}
	for _, q := range []string{`title eq "CEO"`, `active eq "yes"`, `userName eq true`} {
		if _, _, err := personFilter(q); err == nil || err.(*problem).scimType != "invalidFilter" {
			t.Errorf("%s: %v; want invalidFilter", q, err)
		}
	}
	g, none, err := groupFilter(`displayName eq "Platform" and members[value eq "12"]`)
	if err != nil || none || g.Name != "platform" || g.MemberID != 12 {
		t.Errorf("group filter: %+v %v %v", g, none, err)
	}
}
