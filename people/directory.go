package people

import (
	"context"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/text"
)

// An organization's directory (an identity provider such as Okta or
// Entra ID) may keep its people and groups in step with its own,
// creating, updating and deactivating people and keeping memberships.
// The directory sees every person and group but the ones it removed:
// a person it removes is deactivated and keeps their records, a group it
// removes is emptied and keeps its records; neither is shown to it
// again, until it creates the same person (by e-mail address) anew.

// DirectoryPerson is a person as the directory sees them: the person,
// the directory's own id for them, and their name in parts, as the
// directory gave it (empty for people it did not provision).
type DirectoryPerson struct {
	Person
	ExternalID string
	GivenName  string
	FamilyName string
}

// DirectoryPersonInput is all the directory says of a person when it
// creates or replaces them. What it leaves empty is emptied, but for the
// manager (kept unless ManagerID is Set) and the status (kept unless
// Active is set; a new person is active).
type DirectoryPersonInput struct {
	Email      string
	Name       string
	Title      string
	GivenName  string
	FamilyName string
	ExternalID string
	ManagerID  ManagerRef
	Active     *bool
}

// Validate checks the fields and normalizes them, by the rules of a new
// person.
func (in *DirectoryPersonInput) Validate() error {
	p := NewPerson{Name: in.Name, Email: in.Email, Title: in.Title}
	if err := p.Validate(); err != nil {
		return err
	}
	in.Name, in.Email, in.Title = p.Name, p.Email, p.Title
	var err error
	if in.GivenName, err = text.Line("given_name", in.GivenName, 0, 200); err != nil {
		return err
	}
	if in.FamilyName, err = text.Line("family_name", in.FamilyName, 0, 200); err != nil {
		return err
	}
	in.ExternalID, err = text.Line("external_id", in.ExternalID, 0, 200)
	return err
}

// DirectoryGroup is a group as the directory sees it: the group with
// its direct members (none it removed) and the directory's own id for it.
type DirectoryGroup struct {
	Group
	ExternalID string
}

// DirectoryGroupInput creates a group at the top of the tree, with its
// members.
type DirectoryGroupInput struct {
	Name       string
	ExternalID string
	Members    []wayfare.ID
}

// Validate checks the fields and normalizes them, by the rules of a new
// group.
func (in *DirectoryGroupInput) Validate() error {
	g := NewGroup{Name: in.Name}
	if err := g.Validate(); err != nil {
		return err
	}
	in.Name = g.Name
	var err error
	in.ExternalID, err = text.Line("external_id", in.ExternalID, 0, 200)
	return err
}

// MemberOp is what a MemberChange does.
type MemberOp string

// The changes of a group's members: add people, remove them, or make
// them the whole membership.
const (
	AddMembers    MemberOp = "add"
	RemoveMembers MemberOp = "remove"
	SetMembers    MemberOp = "set"
)

// MemberChange changes a group's members. Adding someone already in
// the group, or removing someone not in it, changes nothing; a manager
// added again stays a manager. Removing with no People removes everyone.
type MemberChange struct {
	Op     MemberOp
	People []wayfare.ID
}

// DirectoryGroupChange is what the directory changes of a group in one
// request; the member changes apply in order.
type DirectoryGroupChange struct {
	Name       *string
	ExternalID *string
	Members    []MemberChange
}

// Validate checks the fields sent and normalizes them.
func (c *DirectoryGroupChange) Validate() error {
	if c.Name != nil {
		u := GroupUpdate{Name: c.Name}
		if err := u.Validate(); err != nil {
			return err
		}
		c.Name = u.Name
	}
	if c.ExternalID != nil {
		id, err := text.Line("external_id", *c.ExternalID, 0, 200)
		if err != nil {
			return err
		}
		c.ExternalID = &id
	}
	for _, m := range c.Members {
		switch m.Op {
		case AddMembers, RemoveMembers, SetMembers:
		default:
			return wayfare.FieldError("members", "cannot be changed by %q", m.Op)
		}
	}
	return nil
}

// DirectoryPersonFilter narrows the people the directory lists; every
// field set must hold. Offset skips that many of them, ordered by id.
type DirectoryPersonFilter struct {
	ID         wayfare.ID
	Email      string
	ExternalID string
	Status     Status
	Offset     int
	Limit      int
}

// DirectoryGroupFilter narrows the groups the directory lists; every
// field set must hold. Name matches regardless of case; Members asks for
// the groups' members too.
type DirectoryGroupFilter struct {
	ID         wayfare.ID
	Name       string
	ExternalID string
	MemberID   wayfare.ID
	Members    bool
	Offset     int
	Limit      int
}

// DirectoryService keeps people and groups in step with the directory.
// Every method is an admin's (or the command line's): EFORBIDDEN
// otherwise. A person or group the directory removed is ENOTFOUND to it.
// Every change is recorded in the ledger as the admin's act.
type DirectoryService interface {
	// DirectoryPeople lists people by id and counts all that match.
	DirectoryPeople(ctx context.Context, f DirectoryPersonFilter) ([]*DirectoryPerson, int, error)
	// DirectoryPerson returns one person (ENOTFOUND).
	DirectoryPerson(ctx context.Context, id wayfare.ID) (*DirectoryPerson, error)
	// ProvisionPerson creates a person, or brings back one the directory
	// removed with the same e-mail address; EINVALID for bad fields,
	// ECONFLICT for an e-mail address someone else has.
	ProvisionPerson(ctx context.Context, in DirectoryPersonInput) (*DirectoryPerson, error)
	// UpdateDirectoryPerson replaces what the directory keeps of a person
	// (EINVALID, ENOTFOUND, ECONFLICT: a taken e-mail address, a circle
	// of managers, deactivating the last active admin).
	UpdateDirectoryPerson(ctx context.Context, id wayfare.ID, in DirectoryPersonInput) (*DirectoryPerson, error)
	// DeprovisionPerson deactivates a person and hides them from the
	// directory (ENOTFOUND; ECONFLICT for the last active admin).
	DeprovisionPerson(ctx context.Context, id wayfare.ID) error
	// DirectoryGroups lists groups by id and counts all that match.
	DirectoryGroups(ctx context.Context, f DirectoryGroupFilter) ([]*DirectoryGroup, int, error)
	// DirectoryGroup returns one group with its members (ENOTFOUND).
	DirectoryGroup(ctx context.Context, id wayfare.ID) (*DirectoryGroup, error)
	// ProvisionGroup creates a group at the top of the tree with its
	// members; ECONFLICT when a group the directory sees has its name,
	// EINVALID for a member who is not a person it sees.
	ProvisionGroup(ctx context.Context, in DirectoryGroupInput) (*DirectoryGroup, error)
	// ChangeDirectoryGroup renames a group or changes its members, as
	// ProvisionGroup checks them.
	ChangeDirectoryGroup(ctx context.Context, id wayfare.ID, c DirectoryGroupChange) error
	// DeprovisionGroup empties a group and hides it from the directory;
	// the group and its records stay (ENOTFOUND).
	DeprovisionGroup(ctx context.Context, id wayfare.ID) error
	// CreateSCIMToken issues a token that opens provisioning only, for
	// an active admin: the actor, or for the command line ownerID. It
	// acts as its owner while they are an active admin, and ends when
	// they are deactivated.
	CreateSCIMToken(ctx context.Context, ownerID wayfare.ID, in NewToken) (*Token, error)
	// SCIMTokens lists every provisioning token, newest first. They are
	// revoked with RevokeToken.
	SCIMTokens(ctx context.Context) ([]*Token, error)
}
