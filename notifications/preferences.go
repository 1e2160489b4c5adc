package notifications

import (
	"fmt"
	"time"

	"github.com/wayfare-org/wayfare"
)

// Frequency is how often a person wants e-mail.
type Frequency string

// The e-mail frequencies.
const (
	Immediate Frequency = "immediate" // each notification, after the mail delay, unless read meanwhile
	Daily     Frequency = "daily"     // one digest a day at the digest hour
	Weekly    Frequency = "weekly"    // one digest on Mondays at the digest hour
	Off       Frequency = "off"       // the inbox only
)

// Valid reports whether f is a known frequency.
func (f Frequency) Valid() bool {
	switch f {
	case Immediate, Daily, Weekly, Off:
		return true
	}
	return false
}

// Digest reports whether the frequency sends digests.
func (f Frequency) Digest() bool { return f == Daily || f == Weekly }

// Preferences are a person's choices about notifications. The inbox always
// receives every kind; Kinds says which kinds may also go by e-mail.
type Preferences struct {
	Email      Frequency     `json:"email"`
	DigestHour int           `json:"digest_hour"`
	TimeZone   string        `json:"time_zone"`
	Kinds      map[Kind]bool `json:"kinds"`
}

// DefaultHour is the digest hour of someone who never chose one.
const DefaultHour = 6

// Defaults returns the preferences of someone who never chose: e-mail for
// every kind, right away (unless read in the browser first), digests at
// 06:00 UTC when they switch to a digest.
func Defaults() *Preferences {
	p := &Preferences{Email: Immediate, DigestHour: DefaultHour, TimeZone: "UTC", Kinds: map[Kind]bool{}}
	for _, k := range inboxKinds {
		p.Kinds[k] = true
	}
	return p
}

// Validate checks every field and fills in kinds left out (they stay on).
func (p *Preferences) Validate() error {
	var f wayfare.Fields
	if !p.Email.Valid() {
		f.Add(wayfare.FieldError("email", "must be one of immediate, daily, weekly, off"))
	}
	if p.DigestHour < 0 || p.DigestHour > 23 {
		f.Add(wayfare.FieldError("digest_hour", "must be an hour from 0 to 23"))
	}
	if p.TimeZone == "" {
		p.TimeZone = "UTC"
	}
	if _, err := time.LoadLocation(p.TimeZone); err != nil || len(p.TimeZone) > 64 {
		f.Add(wayfare.FieldError("time_zone", "must be a time zone of the IANA database, such as Europe/Paris"))
	}
	for k := range p.Kinds {
		if !k.Valid() {
			f.Add(wayfare.FieldError("kinds", "%q is not a kind of notification", string(k)))
		}
	}
	if p.Kinds == nil {
		p.Kinds = map[Kind]bool{}
	}
	for _, k := range inboxKinds {
		if _, ok := p.Kinds[k]; !ok {
			p.Kinds[k] = true
		}
	}
	return f.Err()
}

// Mails reports whether a notification of kind k goes by e-mail, at once
// or in a digest.
func (p *Preferences) Mails(k Kind) bool { return p.Email != Off && p.Kinds[k] }

// Location returns the preferences' time zone, UTC if it cannot be loaded.
func (p *Preferences) Location() *time.Location {
	if loc, err := time.LoadLocation(p.TimeZone); err == nil {
		return loc
	}
	return time.UTC
}

// NextDigest returns when the next digest is due after t: the digest hour
// in the person's time zone, the next day for daily digests and the next
// Monday for weekly ones. It is the zero time for other frequencies. A
// digest hour that a change of clocks skips falls on the hour after.
func (p *Preferences) NextDigest(t time.Time) time.Time {
	if !p.Email.Digest() {
		return time.Time{}
	}
	loc := p.Location()
	local := t.In(loc)
	for d := 0; d <= 8; d++ {
		day := local.AddDate(0, 0, d)
		at := time.Date(day.Year(), day.Month(), day.Day(), p.DigestHour, 0, 0, 0, loc)
		if !at.After(t) {
			continue
		}
		if p.Email == Weekly && at.Weekday() != time.Monday {
			continue
		}
		return at
	}
	panic(fmt.Sprintf("notifications: no digest time after %v", t)) // unreachable: a Monday comes within 8 days
}
