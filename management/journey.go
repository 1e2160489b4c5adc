package management

import (
	"context"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/text"
)

// JourneyStatus is where a journey stands.
type JourneyStatus string

// The statuses of a journey: boarding → underway → arrived / abandoned.
const (
	Boarding  JourneyStatus = "boarding"
	Underway  JourneyStatus = "underway"
	Arrived   JourneyStatus = "arrived"
	Abandoned JourneyStatus = "abandoned"
)

// Valid reports whether s is a known status.
func (s JourneyStatus) Valid() bool {
	return s == Boarding || s == Underway || s == Arrived || s == Abandoned
}

// Departed reports whether refunds have stopped.
func (s JourneyStatus) Departed() bool { return s != Boarding }

// Over reports whether the journey has ended.
func (s JourneyStatus) Over() bool { return s == Arrived || s == Abandoned }

// Going returns ECONFLICT for a journey that has ended: its route, riders
// and check-ins are fixed from then on, and there is nothing left to sell.
func (s JourneyStatus) Going() error {
	if s.Over() {
		return wayfare.Conflict("journey-route", "the journey is %s", s)
	}
	return nil
}

// Move applies the journey's state machine: it returns ECONFLICT for a
// move the journey cannot make from where it stands.
func Move(from, to JourneyStatus) error {
	ok := false
	switch to {
	case Underway:
		ok = from == Boarding
	case Arrived:
		ok = from == Underway
	case Abandoned:
		ok = from == Boarding || from == Underway
	}
	if !ok {
		return wayfare.Conflict("journey-route", "a %s journey cannot become %s", from, to)
	}
	return nil
}

// DoubtThreshold is the default share of riders, in percent, whose open
// doubts flag a journey as needing leadership.
const DoubtThreshold = 25

// NeedsLeadership reports whether open doubts reach the threshold (percent
// of riders) on a journey not yet over.
func NeedsLeadership(status JourneyStatus, openDoubts, riders, thresholdPercent int) bool {
	if status.Over() || openDoubts == 0 || riders == 0 {
		return false
	}
	return openDoubts*100 >= thresholdPercent*riders
}

// JourneySummary is a journey without its route and people: what lists show.
type JourneySummary struct {
	ID              wayfare.ID    `json:"id"`
	PitchID         wayfare.ID    `json:"pitch_id"`
	GroupID         wayfare.ID    `json:"group_id"`
	Title           string        `json:"title"`
	Destination     string        `json:"destination"`
	Status          JourneyStatus `json:"status"`
	RiderCount      int           `json:"rider_count"`
	OpenDoubts      int           `json:"open_doubts"`
	NeedsLeadership bool          `json:"needs_leadership"`
	Review          string        `json:"review,omitempty"`
	CreatedAt       time.Time     `json:"created_at"`
	DepartedAt      *time.Time    `json:"departed_at,omitempty"`
	EndedAt         *time.Time    `json:"ended_at,omitempty"`
}

// Journey is what an adopted pitch becomes.
type Journey struct {
	JourneySummary
	Drivers   []wayfare.ID         `json:"drivers"`
	Riders    []wayfare.ID         `json:"riders"`
	Stops     []Stop               `json:"stops"`
	Checkins  []Checkin            `json:"checkins"`
	Doubts    []Doubt              `json:"doubts"`
	Repitches []leadership.Repitch `json:"repitches"`
}

// JourneyFilter narrows a list of journeys.
type JourneyFilter struct {
	GroupID         wayfare.ID
	Status          JourneyStatus
	NeedsLeadership bool       // only journeys whose doubts call for leadership
	RiderID         wayfare.ID // only journeys this person rides
	DriverID        wayfare.ID // only journeys this person was named to drive
	wayfare.Page
}

// Stop is a milestone on a journey's route.
type Stop struct {
	ID     wayfare.ID `json:"id"`
	Title  string     `json:"title"`
	DueOn  string     `json:"due_on"`
	Done   bool       `json:"done"`
	DoneAt *time.Time `json:"done_at,omitempty"`
}

// NewStop is the input of a stop.
type NewStop struct {
	Title string `json:"title"`
	DueOn string `json:"due_on"`
}

// Validate checks a stop.
func (s *NewStop) Validate() error {
	var err error
	if s.Title, err = text.Line("title", s.Title, 1, 200); err != nil {
		return err
	}
	if _, perr := time.Parse(time.DateOnly, s.DueOn); perr != nil {
		return wayfare.FieldError("due_on", "must be a date (YYYY-MM-DD)")
	}
	return nil
}

// Confidence is a driver's confidence in reaching the destination.
type Confidence string

// The confidences of a check-in.
const (
	OnTrack  Confidence = "on_track"
	AtRisk   Confidence = "at_risk"
	OffTrack Confidence = "off_track"
)

// Checkin is a driver's progress report.
type Checkin struct {
	ID         wayfare.ID `json:"id"`
	AuthorID   wayfare.ID `json:"author_id"`
	Progress   int        `json:"progress"`
	Confidence Confidence `json:"confidence"`
	Note       string     `json:"note"`
	CreatedAt  time.Time  `json:"created_at"`
}

// NewCheckin is the input of a check-in.
type NewCheckin struct {
	Progress   *int       `json:"progress"`
	Confidence Confidence `json:"confidence"`
	Note       string     `json:"note"`
}

// Validate checks a check-in.
func (c *NewCheckin) Validate() error {
	var err error
	if c.Progress == nil || *c.Progress < 0 || *c.Progress > 100 {
		return wayfare.FieldError("progress", "must be a whole number from 0 to 100")
	}
	switch c.Confidence {
	case OnTrack, AtRisk, OffTrack:
	default:
		return wayfare.FieldError("confidence", "must be one of on_track, at_risk, off_track")
	}
	c.Note, err = text.Block("note", c.Note, 0, 20000)
	return err
}

// Doubt is a rider asking "why are we on this trip?".
type Doubt struct {
	ID         wayfare.ID `json:"id"`
	PersonID   wayfare.ID `json:"person_id"`
	Note       string     `json:"note,omitempty"`
	RaisedAt   time.Time  `json:"raised_at"`
	ResolvedAt *time.Time `json:"resolved_at,omitempty"`
	Resolution string     `json:"resolution,omitempty"` // "reconfirmed" or "left"
}

// NewDoubt is the input of a doubt.
type NewDoubt struct {
	Note string `json:"note,omitempty"`
}

// Validate checks a doubt.
func (d *NewDoubt) Validate() error {
	var err error
	d.Note, err = text.Block("note", d.Note, 0, 20000)
	return err
}

// Ending is the input that ends a journey: what was reached, what was learned.
type Ending struct {
	Review string `json:"review"`
}

// Validate checks an ending.
func (e *Ending) Validate() error {
	var err error
	e.Review, err = text.Block("review", e.Review, 1, 20000)
	return err
}

// JourneyService runs journeys.
type JourneyService interface {
	// Journey returns a journey with its route, riders, drivers, check-ins,
	// doubts and re-pitches (ENOTFOUND).
	Journey(ctx context.Context, id wayfare.ID) (*Journey, error)
	// Journeys lists journeys, newest first.
	Journeys(ctx context.Context, f JourneyFilter) ([]*JourneySummary, error)
	// NameDriver delegates the running of a journey. Management only.
	NameDriver(ctx context.Context, journeyID, personID wayfare.ID) error
	// AddStop and SetStopDone plan the route. Drivers or management.
	AddStop(ctx context.Context, journeyID wayfare.ID, in NewStop) (*Stop, error)
	SetStopDone(ctx context.Context, journeyID, stopID wayfare.ID, done bool) (*Stop, error)
	// Depart, Arrive and Abandon move the journey (ECONFLICT off route).
	Depart(ctx context.Context, journeyID wayfare.ID) (*Journey, error)
	End(ctx context.Context, journeyID wayfare.ID, to JourneyStatus, in Ending) (*Journey, error)
	// Checkin posts progress. Drivers or management.
	Checkin(ctx context.Context, journeyID wayfare.ID, in NewCheckin) (*Checkin, error)
	// RaiseDoubt, Reconfirm and Leave are the riders' own acts.
	// A rider has one open doubt at most: raising it again returns the
	// open one with created false.
	RaiseDoubt(ctx context.Context, journeyID wayfare.ID, in NewDoubt) (d *Doubt, created bool, err error)
	Reconfirm(ctx context.Context, journeyID wayfare.ID) error
	Leave(ctx context.Context, journeyID wayfare.ID) error
}
