package web

import (
	"encoding/json"
	"reflect"
	"testing"
)

func claimsOf(t *testing.T, s string) tokenClaims {
	t.Helper()
	c := tokenClaims{}
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestAssertionFromClaims(t *testing.T) {
	admin, _ := parseAdminClaim("wayfare_admin")
	o := &SingleSignOn{cfg: SingleSignOnConfig{GroupsClaim: "groups"}, admin: admin}
	for _, tc := range []struct {
		claims  string
		groups  [][]string
		ignored []string
		admin   bool
		err     bool
	}{
		{claims: `{"email":"A@Example.test","email_verified":true,"groups":["/Eng/Payments","Sales"],"wayfare_admin":true}`,
			groups: [][]string{{"Eng", "Payments"}, {"Sales"}}, admin: true},
		{claims: `{"email":"a@example.test","email_verified":"true","groups":"Eng","wayfare_admin":"false"}`,
			groups: [][]string{{"Eng"}}},
		{claims: `{"email":"a@example.test","email_verified":true,"groups":["Eng//x", "R\\/D"]}`,
			groups: [][]string{{"R/D"}}, ignored: []string{"Eng//x"}},
		{claims: `{"email":"a@example.test","email_verified":true}`, groups: [][]string{}},
		{claims: `{"email":"a@example.test","email_verified":false}`, err: true},
		{claims: `{"email":"a@example.test"}`, err: true},
		{claims: `{"email":"not an address","email_verified":true}`, err: true},
	} {
		in, ignored, err := o.assertion(claimsOf(t, tc.claims))
		if (err != nil) != tc.err {
			t.Fatalf("%s: error %v", tc.claims, err)
		}
		if err != nil {
			continue
		}
		if in.Email != "a@example.test" || !reflect.DeepEqual(in.Groups, tc.groups) || !reflect.DeepEqual(ignored, tc.ignored) ||
			in.Admin == nil || *in.Admin != tc.admin {
			t.Fatalf("%s: %+v (ignored %v)", tc.claims, in, ignored)
		}
	}
}

func TestAdminClaimWithAValue(t *testing.T) {
	a, err := parseAdminClaim("roles=wayfare-admin")
	if err != nil {
		t.Fatal(err)
	}
	for claims, want := range map[string]bool{
		`{"roles":["reader","wayfare-admin"]}`: true, `{"roles":"wayfare-admin"}`: true,
		`{"roles":["wayfare-admins"]}`: false, `{"roles":true}`: false, `{}`: false,
	} {
		if got := a.holds(claimsOf(t, claims)); got != want {
			t.Errorf("%s: admin %v, want %v", claims, got, want)
		}
	}
	for _, bad := range []string{"=x", "roles=", " = "} {
		if _, err := parseAdminClaim(bad); err == nil {
			t.Errorf("the admin claim %q was taken", bad)
		}
	}
}
