// Package notifications tells people what waits for them. Every
// notification derives from an act of the ledger (the single source): the
// rules here say which acts concern whom, and the worker turns committed
// acts into inbox entries, e-mails and webhook deliveries, durably and once
// per person, act and channel.
package notifications

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/wayfare-org/wayfare"
)

// Kind names what a notification is about.
type Kind string

// The kinds of notifications.
const (
	DecisionWaiting        Kind = "decision.waiting"
	RoundOpened            Kind = "round.opened"
	RoundDue               Kind = "round.due"
	PitchDecided           Kind = "pitch.decided"
	PitchSold              Kind = "pitch.sold"
	JourneyNeedsLeadership Kind = "journey.needs_leadership"
	JourneyMoved           Kind = "journey.moved"
	DoubtRaised            Kind = "doubt.raised"
	RepitchPosted          Kind = "repitch.posted"
	SessionPhase           Kind = "session.phase"
	WebhookStopped         Kind = "webhook.disabled"
	AccountSignIn          Kind = "account.sign_in"
	AccountInvited         Kind = "account.invited"
	AccountPasswordReset   Kind = "account.password_reset"
)

// inboxKinds are the kinds that reach the inbox and that preferences name;
// account mails go to the person's address only.
var inboxKinds = []Kind{DecisionWaiting, RoundOpened, RoundDue, PitchDecided, PitchSold,
	JourneyNeedsLeadership, JourneyMoved, DoubtRaised, RepitchPosted, SessionPhase, AccountSignIn, WebhookStopped}

// Kinds returns the kinds a person may choose about, in a stable order.
func Kinds() []Kind { return slices.Clone(inboxKinds) }

// Valid reports whether k is a kind of the inbox.
func (k Kind) Valid() bool { return slices.Contains(inboxKinds, k) }

// Label is the kind in words, for preference forms.
func (k Kind) Label() string {
	switch k {
	case DecisionWaiting:
		return "A pitch to my group waits for a decision"
	case RoundOpened:
		return "A decision round asks me"
	case RoundDue:
		return "A round I opened is due to close"
	case PitchDecided:
		return "A pitch I wrote or hold a ticket for is decided"
	case PitchSold:
		return "My pitch sells its first ticket, or all it wanted"
	case JourneyNeedsLeadership:
		return "A journey of mine needs leadership"
	case JourneyMoved:
		return "A journey I ride moves on"
	case DoubtRaised:
		return "A rider doubts a journey I drive"
	case RepitchPosted:
		return "Someone answers my doubt with a re-pitch"
	case SessionPhase:
		return "A session of my group opens for ideas or votes"
	case AccountSignIn:
		return "A new way into my account: a password set, an API token made"
	case WebhookStopped:
		return "A webhook stops receiving acts (admins)"
	}
	return string(k)
}

// Notification is one entry of a person's inbox.
type Notification struct {
	ID        wayfare.ID `json:"id"`
	PersonID  wayfare.ID `json:"-"`
	Kind      Kind       `json:"kind"`
	ActID     wayfare.ID `json:"act_id"`
	Subject   string     `json:"subject"`
	Text      string     `json:"text"`
	URL       string     `json:"url"`
	Thread    string     `json:"-"` // "pitch:12", "journey:4": what mail clients thread by
	Topic     string     `json:"-"` // the title of what Thread names
	ReadAt    *time.Time `json:"read_at"`
	CreatedAt time.Time  `json:"created_at"`
}

// Notice is what one act (or one deadline) tells a set of people: the rule's
// output, before it is written to their inboxes.
type Notice struct {
	Kind       Kind
	ActID      wayfare.ID
	Recipients []wayfare.ID
	// Key makes the notice once per person: a second notice of the same
	// kind with the same key is not written again.
	Key     string
	At      time.Time // when it happened; the zero time means now
	Subject string
	Text    string
	URL     string
	Thread  string
	Topic   string
}

// Filter narrows a person's inbox.
type Filter struct {
	Unread bool
	wayfare.Page
}

// Read names which notifications to mark read: some ids, or all.
type Read struct {
	IDs []wayfare.ID `json:"ids"`
	All bool         `json:"all"`
}

// Validate checks that a Read names something.
func (r Read) Validate() error {
	if !r.All && len(r.IDs) == 0 {
		return wayfare.FieldError("ids", "name the notifications to mark read, or set all")
	}
	if len(r.IDs) > 1000 {
		return wayfare.FieldError("ids", "at most 1,000 at once")
	}
	return nil
}

// Service is a person's inbox and preferences. Every method acts for the
// signed-in person of ctx (EUNAUTHORIZED otherwise) and touches only their
// own notifications.
type Service interface {
	// Notifications lists the inbox, newest first.
	Notifications(ctx context.Context, f Filter) ([]*Notification, error)
	// Unread counts the unread notifications.
	Unread(ctx context.Context) (int, error)
	// MarkRead marks notifications read; ids of others are ignored.
	MarkRead(ctx context.Context, r Read) (int, error)
	// Preferences returns the person's choices (the defaults until set).
	Preferences(ctx context.Context) (*Preferences, error)
	// SetPreferences replaces them; EINVALID names the field at fault.
	SetPreferences(ctx context.Context, p Preferences) (*Preferences, error)
}

// Mail is one message waiting in the outbox.
type Mail struct {
	ID       wayfare.ID
	PersonID wayfare.ID
	Kind     string // "notice", "digest" or "account"
	Name     string
	Email    string
	Active   bool // a person deactivated since is sent nothing
	Attempts int
	// Notice is the notification a "notice" mail tells; it has been read
	// in the browser when its ReadAt is set.
	Notice *Notification
	// Items are the notifications a "digest" mail covers, oldest first.
	Items  []*Notification
	Period string // "daily" or "weekly", for digests
	// Account is the link an "account" mail carries.
	Account *AccountMail
}

// Sent is what became of one mail.
type Sent struct {
	ID     wayfare.ID
	Answer string // the server's answer, or why it was not sent
	OK     bool
	// Dropped says the mail was not sent because it is no longer needed
	// (read in the browser meanwhile).
	Dropped bool
	// Retry is when to try again; the zero time gives up.
	Retry time.Time
}

// ErrPositionMoved says another process recorded the same acts first.
var ErrPositionMoved = errors.New("notifications: the position moved")

// Delivery says which channels a batch of notices also goes to.
type Delivery struct {
	MailAt   time.Time // when immediate mail is due; the zero time writes no mail
	Webhooks bool      // queue the acts for the webhooks
}
