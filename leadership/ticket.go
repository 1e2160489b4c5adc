package leadership

import (
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/text"
)

// Ticket is a person's commitment: "I am persuaded and I am coming". On an
// example it means "I adopted this practice".
type Ticket struct {
	PitchID  wayfare.ID `json:"pitch_id"`
	PersonID wayfare.ID `json:"person_id"`
	BoughtAt time.Time  `json:"bought_at"`
}

// Sales says whether tickets can be bought or refunded for a pitch now.
type Sales struct {
	Status     Status
	SalesClose *time.Time
	Departed   bool // the journey of an adopted pitch is under way or over
}

// CanBuy applies rule 5 to a purchase: tickets sell while the pitch sells,
// is deferred or shows an example, and while an adopted pitch's journey is
// still boarding.
func (s Sales) CanBuy(now time.Time) error {
	switch s.Status {
	case Selling, Deferred, Showing:
		if s.SalesClose != nil && now.After(*s.SalesClose) && s.Status != Showing {
			return wayfare.Conflict("sales-closed", "ticket sales for this pitch closed at %s", s.SalesClose.Format(time.RFC3339))
		}
		return nil
	case Adopted:
		if s.Departed {
			return wayfare.Conflict("refunds-stop-at-departure", "the journey has departed; tickets are no longer sold")
		}
		return nil
	}
	return wayfare.Conflict("sales-closed", "this pitch is %s; tickets are no longer sold", s.Status)
}

// CanRefund applies rule 5 to a refund: refunds stop at departure.
func (s Sales) CanRefund() error {
	if s.Departed {
		return wayfare.Conflict("refunds-stop-at-departure", "the journey has departed; tickets can no longer be refunded")
	}
	return nil
}

// Repitch is a further injection of leadership into a journey.
type Repitch struct {
	ID        wayfare.ID `json:"id"`
	JourneyID wayfare.ID `json:"journey_id"`
	AuthorID  wayfare.ID `json:"author_id"`
	Message   string     `json:"message"`
	Evidence  []Evidence `json:"evidence"`
	CreatedAt time.Time  `json:"created_at"`
}

// NewRepitch is the input of a re-pitch.
type NewRepitch struct {
	Message  string     `json:"message"`
	Evidence []Evidence `json:"evidence,omitempty"`
}

// Validate checks a re-pitch.
func (r *NewRepitch) Validate() error {
	var err error
	if r.Message, err = text.Block("message", r.Message, 1, 20000); err != nil {
		return err
	}
	if len(r.Evidence) > MaxEvidence {
		return wayfare.FieldError("evidence", "must hold at most %d items", MaxEvidence)
	}
	return ValidateEvidence("evidence", r.Evidence)
}
