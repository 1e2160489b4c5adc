// Package ledger is the append-only record of every act, each tagged with
// the function it serves (rule 4), and the hub that fans committed acts out
// to live listeners.
package ledger

import (
	"context"

	"github.com/wayfare-org/wayfare"
)

// The verbs of acts, noun.past_tense.
const (
	PersonCreated   = "person.created"
	PersonUpdated   = "person.updated"
	GroupCreated    = "group.created"
	RoleSet         = "role.set"
	MemberRemoved   = "member.removed"
	GroupUpdated    = "group.updated"
	PersonDeactive  = "person.deactivated"
	PersonReactive  = "person.reactivated"
	TokenCreated    = "token.created"
	TokenRevoked    = "token.revoked"
	SessionsEnded   = "sessions.ended"
	PasswordSet     = "password.set"
	SettingsChanged = "settings.changed"
	WebhookAdded    = "webhook.added"
	WebhookRemoved  = "webhook.removed"
	WebhookDisabled = "webhook.disabled"
	PitchPublished  = "pitch.published"
	ExamplePosted   = "example.posted"
	PitchWithdrawn  = "pitch.withdrawn"
	TicketBought    = "ticket.bought"
	TicketRefunded  = "ticket.refunded"
	DecisionMade    = "decision.made"
	DriverNamed     = "driver.named"
	StopAdded       = "stop.added"
	StopDone        = "stop.done"
	StopReopened    = "stop.reopened"
	JourneyDeparted = "journey.departed"
	JourneyArrived  = "journey.arrived"
	JourneyAbandon  = "journey.abandoned"
	CheckinPosted   = "checkin.posted"
	DoubtRaised     = "doubt.raised"
	RiderReconfirm  = "rider.reconfirmed"
	RiderLeft       = "rider.left"
	RepitchPosted   = "repitch.posted"
	SessionOpened   = "session.opened"
	SessionMoved    = "session.moved"
	IdeaPosted      = "idea.posted"
	ClusterMade     = "cluster.made"
	VoteCast        = "vote.cast"
	RoundOpened     = "round.opened"
	ResponseGiven   = "response.given"
	RoundClosed     = "round.closed"
)

// functions maps each verb to the function its act serves. It is the one
// place where a verb's function is declared.
var functions = map[string]wayfare.Function{
	PersonCreated:   wayfare.Admin,
	PersonUpdated:   wayfare.Admin,
	GroupCreated:    wayfare.Admin,
	RoleSet:         wayfare.Admin,
	MemberRemoved:   wayfare.Admin,
	GroupUpdated:    wayfare.Admin,
	PersonDeactive:  wayfare.Admin,
	PersonReactive:  wayfare.Admin,
	TokenCreated:    wayfare.Admin,
	TokenRevoked:    wayfare.Admin,
	SessionsEnded:   wayfare.Admin,
	PasswordSet:     wayfare.Admin,
	SettingsChanged: wayfare.Admin,
	WebhookAdded:    wayfare.Admin,
	WebhookRemoved:  wayfare.Admin,
	WebhookDisabled: wayfare.Admin,
	PitchPublished:  wayfare.Leadership,
	ExamplePosted:   wayfare.Leadership,
	PitchWithdrawn:  wayfare.Leadership,
	RepitchPosted:   wayfare.Leadership,
	TicketBought:    wayfare.Follower,
	TicketRefunded:  wayfare.Follower,
	DoubtRaised:     wayfare.Follower,
	RiderReconfirm:  wayfare.Follower,
	RiderLeft:       wayfare.Follower,
	DecisionMade:    wayfare.Management,
	DriverNamed:     wayfare.Management,
	StopAdded:       wayfare.Management,
	StopDone:        wayfare.Management,
	StopReopened:    wayfare.Management,
	JourneyDeparted: wayfare.Management,
	JourneyArrived:  wayfare.Management,
	JourneyAbandon:  wayfare.Management,
	CheckinPosted:   wayfare.Management,
	// Facilitation is management; contributing to a session is the
	// follower's act, and an idea turned into a pitch is pitch.published.
	SessionOpened: wayfare.Management,
	SessionMoved:  wayfare.Management,
	ClusterMade:   wayfare.Management,
	IdeaPosted:    wayfare.Follower,
	VoteCast:      wayfare.Follower,
	// A decision round is management; a member's answer is the follower's.
	RoundOpened:   wayfare.Management,
	RoundClosed:   wayfare.Management,
	ResponseGiven: wayfare.Follower,
}

// FunctionOf returns the function of a verb; ok is false for an unknown verb.
func FunctionOf(verb string) (f wayfare.Function, ok bool) {
	f, ok = functions[verb]
	return f, ok
}

// Verbs returns every known verb.
func Verbs() []string {
	out := make([]string, 0, len(functions))
	for v := range functions {
		out = append(out, v)
	}
	return out
}

// Filter narrows the ledger.
type Filter struct {
	Function wayfare.Function
	Verb     string
	PersonID wayfare.ID
	GroupID  wayfare.ID
	After    wayfare.ID // only acts newer than this one
	wayfare.Page
}

// Service reads the ledger. Acts are written by the services that act, in
// the same transaction as the state they change; nothing edits or deletes
// them.
type Service interface {
	// Acts lists acts, newest first.
	Acts(ctx context.Context, f Filter) ([]*wayfare.Act, error)
}
