package people

import (
	"context"
	"strings"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/text"
)

// SignOn is what a single sign-on provider asserts of a person as they
// sign in, once the provider's ID token has been verified.
type SignOn struct {
	// Email is the address the provider has verified; people are matched
	// by it.
	Email string
	// Name names a person created at their first sign-in.
	Name string
	// Create creates a person when nobody has the address; otherwise such
	// a sign-in is refused (ENOTFOUND).
	Create bool
	// Groups are the groups the provider's groups claim names, each as its
	// path of names from the top; nil when no groups claim is mapped. The
	// claim makes the person a member of the groups it names that exist,
	// and takes away the memberships it made before and no longer names;
	// it never creates a group, and leaves alone every membership that
	// someone else set.
	Groups [][]string
	// Admin is what the provider's admin claim says; nil when no admin
	// claim is mapped. It sets or clears the admin flag, except that the
	// last active admin keeps it.
	Admin *bool
}

// Validate checks and normalizes the assertion: the address as
// ValidEmail does; a name that is missing or unusable becomes the part
// of the address before the "@".
func (s *SignOn) Validate() error {
	email, err := ValidEmail("email", s.Email)
	if err != nil {
		return err
	}
	s.Email = email
	if s.Name, err = text.Line("name", s.Name, 1, 200); err != nil {
		s.Name = email[:strings.LastIndexByte(email, '@')]
	}
	return nil
}

// SignOnResult says what a sign-in found and changed.
type SignOnResult struct {
	Person  *Person // without their groups
	Created bool    // the person was created at this sign-in
	// Joined and Left are the groups the groups claim made the person a
	// member of, and took them out of, at this sign-in.
	Joined, Left []wayfare.ID
	// UnknownGroups are the paths the groups claim names that are no
	// group of the organization, joined by "/".
	UnknownGroups []string
	// AdminKept says that the admin claim would have taken the admin flag
	// from the last active admin, who kept it.
	AdminKept bool
}

// SignOnService applies single sign-on.
type SignOnService interface {
	// SignOn applies what the provider asserts of a person signing in, in
	// one transaction, and returns the person. Only the system calls it
	// (the pages, once they have verified the provider's answer).
	// ENOTFOUND when nobody has the address and in.Create is false;
	// EFORBIDDEN (rule "deactivated") for a deactivated person, with
	// nothing changed.
	SignOn(ctx context.Context, in SignOn) (SignOnResult, error)
}
