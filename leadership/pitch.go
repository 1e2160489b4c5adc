// Package leadership holds the acts of influence: pitches that promote a
// better way to a target group, the evidence behind them, the tickets that
// followers buy, examples (leading by example) and re-pitches of journeys
// under way. Nothing here decides: leadership grants no rights over a
// decision or a journey (rule 2).
package leadership

import (
	"context"
	"net/url"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/people"
	"github.com/wayfare-org/wayfare/text"
)

// Kind is the kind of pitch.
type Kind string

// The kinds of pitch.
const (
	Proposal Kind = "proposal" // needs a management decision
	Example  Kind = "example"  // "I did this, here is what happened": needs no decision
)

// Status is where a pitch stands.
type Status string

// The statuses of a pitch. An example stays Showing.
const (
	Selling   Status = "selling"
	Adopted   Status = "adopted"
	Declined  Status = "declined"
	Deferred  Status = "deferred"
	Merged    Status = "merged"
	Withdrawn Status = "withdrawn"
	Showing   Status = "showing"
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	switch s {
	case Selling, Adopted, Declined, Deferred, Merged, Withdrawn, Showing:
		return true
	}
	return false
}

// Pitch promotes a better way to a target group.
type Pitch struct {
	ID               wayfare.ID    `json:"id"`
	GroupID          wayfare.ID    `json:"group_id"`
	AuthorID         wayfare.ID    `json:"author_id"`
	Kind             Kind          `json:"kind"`
	Title            string        `json:"title"`
	StatusQuo        string        `json:"status_quo"`
	BetterWay        string        `json:"better_way"`
	TicketsWanted    int           `json:"tickets_wanted"`
	SalesClose       *time.Time    `json:"sales_close,omitempty"`
	Evidence         []Evidence    `json:"evidence"`
	TicketsSold      int           `json:"tickets_sold"`
	Status           Status        `json:"status"`
	ReadyForDecision bool          `json:"ready_for_decision"`
	Origin           people.Origin `json:"origin"`
	DecisionID       *wayfare.ID   `json:"decision_id,omitempty"`
	JourneyID        *wayfare.ID   `json:"journey_id,omitempty"`
	MergedInto       *wayfare.ID   `json:"merged_into,omitempty"`
	SessionID        *wayfare.ID   `json:"session_id,omitempty"` // the session whose idea it grew from
	CreatedAt        time.Time     `json:"created_at"`
}

// CanWithdraw says whether a person may withdraw a pitch: its author
// only, while it still sells (or shows, for an example) — a decided pitch
// is on record.
func CanWithdraw(personID, authorID wayfare.ID, status Status) error {
	if personID != authorID {
		return wayfare.Forbidden("author-withdraws", "only the author may withdraw a pitch")
	}
	if status != Selling && status != Showing {
		return wayfare.Conflict("decisions-are-records", "a %s pitch cannot be withdrawn", status)
	}
	return nil
}

// Ready reports whether an undecided proposal has sold the tickets
// wanted: a signal to management, never a gate (rule 6). A deferred
// pitch waits for a decision again.
func Ready(kind Kind, status Status, sold, wanted int) bool {
	return kind == Proposal && (status == Selling || status == Deferred) && sold >= wanted
}

// NewPitch is the input that publishes a pitch.
type NewPitch struct {
	GroupID       wayfare.ID `json:"group_id"`
	Kind          Kind       `json:"kind"`
	Title         string     `json:"title"`
	StatusQuo     string     `json:"status_quo"`
	BetterWay     string     `json:"better_way"`
	TicketsWanted int        `json:"tickets_wanted"`
	SalesClose    *time.Time `json:"sales_close,omitempty"`
	Evidence      []Evidence `json:"evidence"`
}

// Limits of a pitch.
const (
	MaxTicketsWanted = 100000
	MaxEvidence      = 50
)

// Validate checks a new pitch against the clock and normalizes it.
func (p *NewPitch) Validate(now time.Time) error {
	var errs wayfare.Fields
	var err error
	if p.GroupID <= 0 {
		errs.Add(wayfare.FieldError("group_id", "is required"))
	}
	if p.Kind != Proposal && p.Kind != Example {
		errs.Add(wayfare.FieldError("kind", "must be %q or %q", Proposal, Example))
	}
	if p.Title, err = text.Line("title", p.Title, 3, 200); err != nil {
		errs.Add(err)
	}
	if p.StatusQuo, err = text.Block("status_quo", p.StatusQuo, 1, 20000); err != nil {
		errs.Add(err)
	}
	if p.BetterWay, err = text.Block("better_way", p.BetterWay, 1, 20000); err != nil {
		errs.Add(err)
	}
	if p.TicketsWanted < 1 || p.TicketsWanted > MaxTicketsWanted {
		errs.Add(wayfare.FieldError("tickets_wanted", "must be between 1 and %d", MaxTicketsWanted))
	}
	if p.SalesClose != nil && !p.SalesClose.After(now) {
		errs.Add(wayfare.FieldError("sales_close", "must be in the future"))
	}
	if len(p.Evidence) > MaxEvidence {
		errs.Add(wayfare.FieldError("evidence", "must hold at most %d items", MaxEvidence))
	} else {
		errs.Add(ValidateEvidence("evidence", p.Evidence))
	}
	return errs.Err()
}

// EvidenceKind is the kind of an evidence item.
type EvidenceKind string

// The kinds of evidence.
const (
	DataPoint   EvidenceKind = "data"        // a value with a unit and a source
	Link        EvidenceKind = "link"        // a document or page
	Experiment  EvidenceKind = "experiment"  // the result of a trial
	Testimonial EvidenceKind = "testimonial" // an example or testimonial
)

// Evidence backs a pitch (rule 7: evidence is first-class).
type Evidence struct {
	Kind   EvidenceKind `json:"kind"`
	Label  string       `json:"label"`
	Value  *float64     `json:"value,omitempty"`
	Unit   string       `json:"unit,omitempty"`
	URL    string       `json:"url,omitempty"`
	Source string       `json:"source,omitempty"`
}

// ValidateEvidence checks each item, naming every field at fault; field
// prefixes the field names.
func ValidateEvidence(field string, items []Evidence) error {
	var errs wayfare.Fields
	for i := range items {
		errs.Add(items[i].validate(field + "[" + itoa(i) + "]"))
	}
	return errs.Err()
}

func (e *Evidence) validate(field string) error {
	var errs wayfare.Fields
	var err error
	switch e.Kind {
	case DataPoint, Link, Experiment, Testimonial:
	default:
		errs.Add(wayfare.FieldError(field+".kind", "must be one of data, link, experiment, testimonial"))
	}
	if e.Label, err = text.Block(field+".label", e.Label, 1, 2000); err != nil {
		errs.Add(err)
	}
	if e.Unit, err = text.Line(field+".unit", e.Unit, 0, 50); err != nil {
		errs.Add(err)
	}
	if e.Source, err = text.Line(field+".source", e.Source, 0, 500); err != nil {
		errs.Add(err)
	}
	if e.Kind == DataPoint && e.Value == nil {
		errs.Add(wayfare.FieldError(field+".value", "is required for a data point"))
	}
	if e.Kind == Link && e.URL == "" {
		errs.Add(wayfare.FieldError(field+".url", "is required for a link"))
	}
	if e.URL != "" {
		u, perr := url.Parse(e.URL)
		if perr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(e.URL) > 2000 {
			errs.Add(wayfare.FieldError(field+".url", "must be an http or https address"))
		}
	}
	return errs.Err()
}

func itoa(i int) string { return wayfare.ID(i).String() }

// PitchFilter narrows a list of pitches.
type PitchFilter struct {
	GroupID  wayfare.ID
	AuthorID wayfare.ID
	Status   Status
	Kind     Kind
	Query    string
	// MemberOf keeps pitches to the groups this person belongs to.
	MemberOf wayfare.ID
	// HeldBy keeps pitches this person holds a ticket for.
	HeldBy wayfare.ID
	// AwaitingDecisionBy keeps undecided proposals to groups this person
	// manages, directly or from a group above.
	AwaitingDecisionBy wayfare.ID
	// Except leaves these pitches out (a page that lists each pitch once
	// asks a list for the pitches it shows nowhere else); at most
	// MaxExcept.
	Except []wayfare.ID
	wayfare.Page
}

// MaxExcept is how many pitches a filter may leave out.
const MaxExcept = 100

// Service publishes pitches and sells tickets.
type Service interface {
	// Publish publishes a pitch: anyone signed in may pitch to any group
	// (rule 1). EINVALID for bad fields, ENOTFOUND for an unknown group.
	Publish(ctx context.Context, in NewPitch) (*Pitch, error)
	// Pitch returns one pitch with its evidence, tickets sold and origin.
	Pitch(ctx context.Context, id wayfare.ID) (*Pitch, error)
	// Pitches lists pitches, newest first.
	Pitches(ctx context.Context, f PitchFilter) ([]*Pitch, error)
	// Withdraw withdraws a pitch not yet decided. The author only.
	Withdraw(ctx context.Context, id wayfare.ID) (*Pitch, error)
	// BuyTicket buys the actor's ticket; created is false when the actor
	// already held one (rule 5). ECONFLICT when sales are over.
	BuyTicket(ctx context.Context, pitchID wayfare.ID) (t *Ticket, created bool, err error)
	// RefundTicket refunds the actor's ticket. ECONFLICT after departure,
	// ENOTFOUND when the actor holds no ticket.
	RefundTicket(ctx context.Context, pitchID wayfare.ID) error
	// Repitch re-sells a journey that has not arrived. Anyone (rule 1).
	Repitch(ctx context.Context, journeyID wayfare.ID, in NewRepitch) (*Repitch, error)
}
