// Package wayfare holds the vocabulary shared by every part of Wayfare:
// identifiers, the two functions an act can serve (leadership and
// management, plus the follower's own act), the acts of the ledger, the
// signed-in actor and the error type that every service returns.
//
// The domain lives in the folders beside this file: people, leadership,
// management, ledger and influence. Adapters (store, api, cmd) sit next to
// them and are never imported by the domain.
package wayfare

import (
	"context"
	"encoding/json"
	"reflect"
	"strconv"
	"time"
)

// ID identifies any stored thing. Clients see it as an opaque string.
type ID int64

// String returns the id as clients see it.
func (id ID) String() string { return strconv.FormatInt(int64(id), 10) }

// MarshalJSON writes the id as a JSON string.
func (id ID) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 22)
	b = append(b, '"')
	b = strconv.AppendInt(b, int64(id), 10)
	return append(b, '"'), nil
}

// UnmarshalJSON reads an id from a JSON string.
func (id *ID) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return &json.UnmarshalTypeError{Value: "non-string", Type: reflect.TypeFor[ID]()}
	}
	v, err := ParseID(s)
	if err != nil {
		// A type error lets the decoder name the field at fault.
		return &json.UnmarshalTypeError{Value: "string " + strconv.Quote(s), Type: reflect.TypeFor[ID]()}
	}
	*id = v
	return nil
}

// ParseID reads an id as clients send it.
func ParseID(s string) (ID, error) {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v <= 0 {
		return 0, Errorf(EINVALID, "is not a valid id")
	}
	return ID(v), nil
}

// Function is what an act is for. It is declared with every act and never
// inferred from the position of the person who acts.
type Function string

// The functions of acts.
const (
	Leadership Function = "leadership" // shows or promotes a better way
	Management Function = "management" // decides or facilitates
	Follower   Function = "follower"   // commits, doubts, reconfirms, leaves
	Admin      Function = "admin"      // configures the organization
)

// Valid reports whether f is one of the functions.
func (f Function) Valid() bool {
	switch f {
	case Leadership, Management, Follower, Admin:
		return true
	}
	return false
}

// Act is one entry of the append-only ledger.
type Act struct {
	ID          ID              `json:"id"`
	At          time.Time       `json:"at"`
	PersonID    ID              `json:"person_id,omitempty"` // absent for the command line
	Function    Function        `json:"function"`
	Verb        string          `json:"verb"`
	SubjectKind string          `json:"subject_kind"`
	SubjectID   ID              `json:"subject_id"`
	GroupID     ID              `json:"group_id,omitempty"`
	Payload     json.RawMessage `json:"payload,omitempty"`
}

// Actor is the person on whose behalf a call is made. The zero Actor is
// anonymous. The command line acts as System, trusted like an admin.
type Actor struct {
	PersonID ID
	Admin    bool
	System   bool
}

// Anonymous reports whether nobody is signed in.
func (a Actor) Anonymous() bool { return a.PersonID == 0 && !a.System }

type actorKey struct{}

// WithActor returns a context that carries the actor.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor of ctx, or the anonymous actor.
func ActorFrom(ctx context.Context) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	return a
}

// Page asks for one page of a list: at most Limit items after Cursor.
type Page struct {
	Limit  int
	Cursor ID // the id of the last item seen; 0 for the first page
}

// DefaultLimit and MaxLimit bound the size of a page.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// Normalize applies the default and the maximum to the limit. It allows
// one item over MaxLimit so that a caller can peek whether more follow.
func (p Page) Normalize() Page {
	if p.Limit <= 0 {
		p.Limit = DefaultLimit
	}
	if p.Limit > MaxLimit+1 {
		p.Limit = MaxLimit + 1
	}
	return p
}

// Peek returns the page that asks for one more item than p, to learn
// whether another page follows.
func (p Page) Peek() Page {
	p.Limit++
	return p
}
