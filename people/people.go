// Package people holds the persons of an organization, their reporting
// lines (from which a level is derived, 0 = top), the groups they belong to
// and their roles there. Groups nest like departments: a member of a group
// counts as a member of its ancestors, and a manager of a group may manage
// its descendants.
package people

import (
	"context"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/text"
)

// Person is someone in the organization.
type Person struct {
	ID        wayfare.ID   `json:"id"`
	Name      string       `json:"name"`
	Email     string       `json:"email,omitempty"`
	Title     string       `json:"title,omitempty"`
	ManagerID *wayfare.ID  `json:"manager_id,omitempty"`
	Level     int          `json:"level"`
	Admin     bool         `json:"admin"`
	Status    Status       `json:"status"`
	CreatedAt time.Time    `json:"created_at"`
	Groups    []Membership `json:"groups,omitempty"`
	// SessionEpoch moves each time the person's password is set: browser
	// sessions signed in at an earlier epoch are over. Never sent.
	SessionEpoch int `json:"-"`
}

// Role is a person's role in a group.
type Role string

// The roles in a group.
const (
	Member  Role = "member"
	Manager Role = "manager"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == Member || r == Manager }

// Membership is one person's role in one group.
type Membership struct {
	GroupID   wayfare.ID `json:"group_id"`
	GroupName string     `json:"group_name,omitempty"`
	PersonID  wayfare.ID `json:"person_id"`
	Name      string     `json:"name,omitempty"`
	Role      Role       `json:"role"`
	Level     int        `json:"level"`
	Status    Status     `json:"status,omitempty"` // the person's, in a group's lists
}

// Group is a team, department, committee or community.
type Group struct {
	ID        wayfare.ID   `json:"id"`
	Name      string       `json:"name"`
	ParentID  *wayfare.ID  `json:"parent_id,omitempty"`
	CreatedAt time.Time    `json:"created_at"`
	Managers  []Membership `json:"managers,omitempty"`
	Members   []Membership `json:"members,omitempty"`
}

// GroupCounts is what the group directory counts of a group.
type GroupCounts struct {
	Members        int // active people in the group
	Managers       int // its managers, who left included
	ManagersActive int
	Selling        int // pitches selling to the group
	Journeys       int // journeys boarding or under way
}

// Leaderless reports whether every manager the group had has left: its
// decisions fall to the groups above until someone is made a manager.
func (c GroupCounts) Leaderless() bool { return c.Managers > 0 && c.ManagersActive == 0 }

// NewPerson is the input that creates a person.
type NewPerson struct {
	Name      string      `json:"name"`
	Email     string      `json:"email"`
	Title     string      `json:"title,omitempty"`
	ManagerID *wayfare.ID `json:"manager_id,omitempty"`
	Admin     bool        `json:"admin,omitempty"`
}

// Validate checks the fields of a new person and normalizes them.
func (p *NewPerson) Validate() error {
	var err error
	if p.Name, err = text.Line("name", p.Name, 1, 200); err != nil {
		return err
	}
	if p.Title, err = text.Line("title", p.Title, 0, 200); err != nil {
		return err
	}
	p.Email, err = ValidEmail("email", p.Email)
	return err
}

// NewGroup is the input that creates a group.
type NewGroup struct {
	Name     string      `json:"name"`
	ParentID *wayfare.ID `json:"parent_id,omitempty"`
}

// Validate checks the fields of a new group and normalizes them.
func (g *NewGroup) Validate() error {
	var err error
	g.Name, err = text.Line("name", g.Name, 1, 200)
	return err
}

// PersonFilter narrows a list of people.
type PersonFilter struct {
	GroupID wayfare.ID
	Query   string
	Status  Status // "" for everyone
	wayfare.Page
}

// GroupFilter narrows a list of groups.
type GroupFilter struct {
	ParentID wayfare.ID
	wayfare.Page
}

// Service manages people and groups.
type Service interface {
	// CreatePerson adds a person. Admin only (EFORBIDDEN otherwise);
	// EINVALID for bad fields, ECONFLICT for a taken e-mail address.
	CreatePerson(ctx context.Context, in NewPerson) (*Person, error)
	// Person returns one person with level, groups and roles (ENOTFOUND).
	// E-mail addresses are shown to admins and to the person only.
	Person(ctx context.Context, id wayfare.ID) (*Person, error)
	// People lists people, ordered by id.
	People(ctx context.Context, f PersonFilter) ([]*Person, error)
	// CreateGroup adds a group. Admin only.
	CreateGroup(ctx context.Context, in NewGroup) (*Group, error)
	// Group returns one group with its members and managers (ENOTFOUND).
	Group(ctx context.Context, id wayfare.ID) (*Group, error)
	// Groups lists groups, ordered by id.
	Groups(ctx context.Context, f GroupFilter) ([]*Group, error)
	// SetRole gives a person a role in a group. Admin or a manager of the
	// group or of an ancestor group.
	SetRole(ctx context.Context, groupID, personID wayfare.ID, role Role) (*Membership, error)
}

// Tries is what the sign-in limits keep of one key (an account, an
// address, both): its failed tries, the time before which no try is
// taken, and when the last try was counted.
type Tries struct {
	Fails int
	Next  time.Time
	Last  time.Time
}
