package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/wayfare-org/wayfare/people"
)

// tokenClaims are a verified ID token's claims, with what the userinfo
// endpoint added.
type tokenClaims map[string]json.RawMessage

// str returns a claim that is a string, or "".
func (c tokenClaims) str(name string) string {
	var s string
	if json.Unmarshal(c[name], &s) != nil {
		return ""
	}
	return strings.TrimSpace(s)
}

// truthy reports whether a claim is true, or the string "true" as some
// providers send it.
func (c tokenClaims) truthy(name string) bool {
	var b bool
	if json.Unmarshal(c[name], &b) == nil {
		return b
	}
	return strings.EqualFold(c.str(name), "true")
}

// strs returns a claim that is a list of strings, or a string alone.
func (c tokenClaims) strs(name string) []string {
	var list []string
	if json.Unmarshal(c[name], &list) == nil {
		return list
	}
	if s := c.str(name); s != "" {
		return []string{s}
	}
	return nil
}

// name is the person's name as the provider gives it, or "".
func (c tokenClaims) name() string {
	if n := c.str("name"); n != "" {
		return n
	}
	return strings.TrimSpace(c.str("given_name") + " " + c.str("family_name"))
}

// errUnverified refuses an address the provider has not verified.
var errUnverified = errors.New("the provider has not verified the address")

// assertion reads what the claims assert of the person signing in: the
// address, which the provider must have verified (email_verified true),
// and what the mapped groups and admin claims say. It also returns the
// entries of the groups claim that are no group path.
func (o *SingleSignOn) assertion(c tokenClaims) (in people.SignOn, ignored []string, err error) {
	if !c.truthy("email_verified") {
		return in, nil, errUnverified
	}
	email, err := people.ValidEmail("email", c.str("email"))
	if err != nil {
		return in, nil, fmt.Errorf("the provider's address %q: %w", c.str("email"), err)
	}
	in = people.SignOn{Email: email, Name: c.name(), Create: o.cfg.CreatePeople}
	if o.cfg.GroupsClaim != "" {
		in.Groups, ignored = groupPaths(c.strs(o.cfg.GroupsClaim))
	}
	if o.admin.name != "" {
		admin := o.admin.holds(c)
		in.Admin = &admin
	}
	return in, ignored, nil
}

// groupPaths reads the entries of a groups claim as group paths (see
// people.ParseGroupPath); a "/" before the first name, as Keycloak writes
// full paths, is dropped. It never returns nil.
func groupPaths(entries []string) (paths [][]string, ignored []string) {
	paths = [][]string{}
	for _, e := range entries {
		p, err := people.ParseGroupPath(strings.TrimPrefix(strings.TrimSpace(e), "/"))
		if err != nil {
			ignored = append(ignored, e)
			continue
		}
		paths = append(paths, p)
	}
	return paths, ignored
}

// adminClaim is the claim that makes a person an admin: true, or holding
// value when value is set.
type adminClaim struct{ name, value string }

// parseAdminClaim reads "claim" or "claim=value".
func parseAdminClaim(s string) (adminClaim, error) {
	name, value, withValue := strings.Cut(strings.TrimSpace(s), "=")
	a := adminClaim{name: strings.TrimSpace(name), value: strings.TrimSpace(value)}
	if (a.name == "" && s != "") || (withValue && a.value == "") {
		return a, fmt.Errorf("the admin claim %q is not claim or claim=value", s)
	}
	return a, nil
}

// holds reports whether the claims make the person an admin.
func (a adminClaim) holds(c tokenClaims) bool {
	if a.value == "" {
		return c.truthy(a.name)
	}
	return slices.Contains(c.strs(a.name), a.value)
}
