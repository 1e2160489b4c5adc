package people

import (
	"bytes"
	"context"
	"encoding/json"
	"net/mail"
	"strings"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/text"
)

// Status says whether a person may still sign in and act.
type Status string

// The statuses of a person.
const (
	Active      Status = "active"
	Deactivated Status = "deactivated"
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return s == Active || s == Deactivated }

// CanChangeAdmin applies the rule that an organization always keeps one
// active admin: taking the admin flag from a person, or deactivating
// them, is refused when they are the last active admin (ECONFLICT).
// activeAdmins counts the active admins before the change.
func CanChangeAdmin(target *Person, activeAdmins int, losesAdmin bool) error {
	if losesAdmin && target.Admin && target.Status == Active && activeAdmins <= 1 {
		return wayfare.Conflict("last-admin", "%s is the last active admin: make someone else an admin first", target.Name)
	}
	return nil
}

// ManagerRef is a manager_id in an update: Set says the field was sent,
// ID is nil when it was sent as null (the person reports to no one).
type ManagerRef struct {
	Set bool
	ID  *wayfare.ID
}

// UnmarshalJSON reads an id or null.
func (m *ManagerRef) UnmarshalJSON(b []byte) error {
	m.Set = true
	if string(b) == "null" {
		m.ID = nil
		return nil
	}
	var id wayfare.ID
	if err := json.Unmarshal(b, &id); err != nil {
		return err
	}
	m.ID = &id
	return nil
}

// PersonUpdate changes some of a person's fields; a field left nil (or a
// ManagerRef not Set) stays as it is.
type PersonUpdate struct {
	Name      *string    `json:"name,omitempty"`
	Email     *string    `json:"email,omitempty"`
	Title     *string    `json:"title,omitempty"`
	ManagerID ManagerRef `json:"manager_id"`
	Admin     *bool      `json:"admin,omitempty"`
}

// Validate checks the fields sent and normalizes them.
func (u *PersonUpdate) Validate() error {
	var err error
	if u.Name != nil {
		if *u.Name, err = text.Line("name", *u.Name, 1, 200); err != nil {
			return err
		}
	}
	if u.Title != nil {
		if *u.Title, err = text.Line("title", *u.Title, 0, 200); err != nil {
			return err
		}
	}
	if u.Email != nil {
		e, err := ValidEmail("email", *u.Email)
		if err != nil {
			return err
		}
		u.Email = &e
	}
	return nil
}

// Empty reports whether the update changes nothing.
func (u *PersonUpdate) Empty() bool {
	return u.Name == nil && u.Email == nil && u.Title == nil && !u.ManagerID.Set && u.Admin == nil
}

// ValidEmail normalizes an e-mail address (trimmed, lower case) and
// checks it, naming field when it is wrong.
func ValidEmail(field, email string) (string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" {
		return "", wayfare.FieldError(field, "is required")
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || len(email) > 254 {
		return "", wayfare.FieldError(field, "is not a valid e-mail address")
	}
	return email, nil
}

// GroupUpdate renames a group or moves it under another parent.
type GroupUpdate struct {
	Name     *string    `json:"name,omitempty"`
	ParentID ManagerRef `json:"parent_id"` // null moves the group to the top
}

// Validate checks the fields sent and normalizes them.
func (u *GroupUpdate) Validate() error {
	if u.Name != nil {
		n, err := text.Line("name", *u.Name, 1, 200)
		if err != nil {
			return err
		}
		u.Name = &n
	}
	return nil
}

// Token is an API token as its owner and admins see it; the secret itself
// is shown once, when it is created, and only its hash is kept.
type Token struct {
	ID         wayfare.ID `json:"id"`
	PersonID   wayfare.ID `json:"person_id"`
	Name       string     `json:"name"`
	Token      string     `json:"token,omitempty"` // only in the answer that creates it
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

// MaxTokenLife is the longest a token may be made to last.
const MaxTokenLife = 5 * 366 * 24 * time.Hour

// NewToken is the input that creates a token.
type NewToken struct {
	Name      string     `json:"name"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
}

// UnmarshalJSON reads a new token, naming expires_at when it is not an
// RFC 3339 time.
func (t *NewToken) UnmarshalJSON(b []byte) error {
	var in struct {
		Name      string  `json:"name"`
		ExpiresAt *string `json:"expires_at,omitempty"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return err
	}
	t.Name, t.ExpiresAt = in.Name, nil
	if in.ExpiresAt != nil {
		at, err := time.Parse(time.RFC3339, *in.ExpiresAt)
		if err != nil {
			return wayfare.FieldError("expires_at", "must be a time such as 2027-03-31T17:00:00Z")
		}
		t.ExpiresAt = &at
	}
	return nil
}

// Validate checks a new token's fields against the time now.
func (t *NewToken) Validate(now time.Time) error {
	var err error
	if t.Name, err = text.Line("name", t.Name, 1, 100); err != nil {
		return err
	}
	if t.ExpiresAt != nil {
		e := t.ExpiresAt.UTC()
		switch {
		case !e.After(now):
			return wayfare.FieldError("expires_at", "must be in the future")
		case e.Sub(now) > MaxTokenLife:
			return wayfare.FieldError("expires_at", "must be within five years")
		}
		t.ExpiresAt = &e
	}
	return nil
}

// TokenFilter narrows a list of tokens: a person's own, or for admins
// anyone's (PersonID 0 means the actor's own) or everyone's (All).
type TokenFilter struct {
	PersonID wayfare.ID
	All      bool
}

// AccountService is the account lifecycle: status, tokens, who is signed
// in. Admin acts are recorded in the ledger with the function admin.
type AccountService interface {
	// Me returns the signed-in person with groups and roles
	// (EUNAUTHORIZED when nobody is).
	Me(ctx context.Context) (*Person, error)
	// UpdatePerson changes a person's fields. Admin only; EINVALID for bad
	// fields, ECONFLICT for a taken e-mail address, a circle of managers
	// or taking the admin flag from the last active admin.
	UpdatePerson(ctx context.Context, id wayfare.ID, u PersonUpdate) (*Person, error)
	// SetStatus deactivates or reactivates a person. Admin only.
	// Deactivation ends every session and token of theirs at once and
	// keeps their records; the last active admin cannot be deactivated
	// (ECONFLICT).
	SetStatus(ctx context.Context, id wayfare.ID, s Status) (*Person, error)
	// EndSessions signs a person out of every browser (their tokens stay):
	// an admin, the command line or the person.
	EndSessions(ctx context.Context, id wayfare.ID) error
	// UpdateGroup renames a group or moves it. Admin only; a move under
	// itself or one of its descendants is ECONFLICT.
	UpdateGroup(ctx context.Context, id wayfare.ID, u GroupUpdate) (*Group, error)
	// RemoveMember takes a person out of a group. Admin or the group's
	// management (ENOTFOUND when they are not in it).
	RemoveMember(ctx context.Context, groupID, personID wayfare.ID) error
	// CreateToken issues a token for the actor (or, for the command line,
	// for personID) and returns it with its secret, shown this once.
	CreateToken(ctx context.Context, personID wayfare.ID, in NewToken) (*Token, error)
	// Tokens lists a person's tokens: one's own, or anyone's for admins.
	Tokens(ctx context.Context, f TokenFilter) ([]*Token, error)
	// RevokeToken ends a token at once: its owner or an admin.
	RevokeToken(ctx context.Context, id wayfare.ID) error
	// RevokeTokens ends every API token of a person at once (personID 0:
	// the actor's own) and says how many: the person, an admin or the
	// command line.
	RevokeTokens(ctx context.Context, personID wayfare.ID) (int, error)
}
