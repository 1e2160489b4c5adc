// Package influence computes the figures of influence analytics:
// leadership measured as influence (who follows whom, and how far that
// reaches across groups and up the levels), management measured as
// decisions and journeys, and the organization's funnel, bottom-up index,
// spread and balance. Every function here is pure: it works on plain
// inputs that storage reads in a few set-based queries, so each rule
// lives in one place and is tested with tables.
//
// Who may see which figure is decided here too (privacy.go).
package influence

import (
	"context"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/management"
	"github.com/wayfare-org/wayfare/people"
)

// Org is everything the figures are computed from.
type Org struct {
	People    []Person
	Groups    []Group
	Pitches   []Pitch
	Follows   []Follow
	Decisions []Decision // in the order they were made
	Journeys  []Journey
	Sessions  []Session
	Acts      []ActCount
	// DoubtThreshold is the share of riders, in percent, whose open
	// doubts flag a journey as needing leadership.
	DoubtThreshold int
}

// Person is someone in the organization, with the groups they are a
// direct member or manager of.
type Person struct {
	ID     wayfare.ID
	Level  int // 0 = top
	Groups []wayfare.ID
}

// Group is a group and its parent (0 for a top group).
type Group struct {
	ID, ParentID wayfare.ID
}

// Pitch is what the funnel and the adoption figures need of a pitch.
type Pitch struct {
	ID, AuthorID wayfare.ID
	Kind         leadership.Kind
	Status       leadership.Status
	Origin       people.Relation // rule 8, as recorded when it was published
	Ready        bool            // tickets wanted reached
	PublishedAt  time.Time
}

// Follow counts the tickets a person holds on one author's pitches of one
// kind: the edges of the follower graph, as storage sums them up.
type Follow struct {
	FollowerID, AuthorID wayfare.ID
	Example              bool // the pitches are examples: a ticket is an adoption
	Tickets              int
}

// Decision is one decision on a pitch.
type Decision struct {
	PitchID, DeciderID wayfare.ID
	Outcome            management.Outcome
	At                 time.Time
}

// Journey is what the management figures need of a journey.
type Journey struct {
	ID, PitchID wayfare.ID
	Status      management.JourneyStatus
	Riders      int
	OpenDoubts  int
	AdoptedBy   wayfare.ID   // who made the decision that created it
	Drivers     []wayfare.ID // named drivers
}

// Session is what the facilitation figure needs of a facilitated session.
type Session struct {
	ID, FacilitatorID wayfare.ID
	Phase             management.Phase
}

// ActCount counts one person's acts of one function in the ledger.
type ActCount struct {
	PersonID wayfare.ID
	Function wayfare.Function
	Count    int
}

// Latency sums up how long decisions took, in seconds from publication to
// the first decision on a pitch.
type Latency struct {
	Median float64 `json:"median"`
	P90    float64 `json:"p90"`
	Count  int     `json:"count"` // the decisions it is computed over
}

// PersonFigures are one person's figures. Rates are nil (null) when
// nothing they are a share of has happened yet.
type PersonFigures struct {
	PersonID wayfare.ID `json:"person_id"`
	Level    int        `json:"level"`
	// Leadership, measured as influence.
	Reach              int      `json:"reach"`
	CrossBoundaryReach int      `json:"cross_boundary_reach"`
	UpwardReach        int      `json:"upward_reach"`
	ExampleAdoptions   int      `json:"example_adoptions"`
	AdoptionRate       *float64 `json:"adoption_rate"`
	InfluenceRank      float64  `json:"influence_rank"`
	// InfluencePercentile is the share of people, in percent, whose
	// influence rank is lower.
	InfluencePercentile int `json:"influence_percentile"`
	// Management, measured as decisions and facilitation.
	DecisionsMade       int       `json:"decisions_made"`
	DecisionLatency     *Latency  `json:"decision_latency"`
	JourneysDriven      int       `json:"journeys_driven"`
	ArrivalRate         *float64  `json:"arrival_rate"`
	SessionsFacilitated int       `json:"sessions_facilitated"`
	ComputedAt          time.Time `json:"computed_at"`
}

// Funnel counts proposals at each stage, from pitched to arrived. Each
// stage is counted on its own: management may decide before the tickets
// wanted are reached (rule 6), so decided may exceed ready.
type Funnel struct {
	Pitched int `json:"pitched"`
	Ready   int `json:"ready"`
	Decided int `json:"decided"`
	Adopted int `json:"adopted"`
	Arrived int `json:"arrived"`
}

// LevelBalance counts leadership and management acts by the people of a
// band of levels. Levels with fewer than MinAggregate people are merged
// with their neighbours (see BalanceByLevel).
type LevelBalance struct {
	FromLevel  int `json:"from_level"`
	ToLevel    int `json:"to_level"`
	People     int `json:"people"`
	Leadership int `json:"leadership"`
	Management int `json:"management"`
}

// ReachBucket counts the people whose reach falls in [Min, Max]; Max is
// nil for the last, open bucket.
type ReachBucket struct {
	Min    int  `json:"min"`
	Max    *int `json:"max"`
	People int  `json:"people"`
}

// OrgFigures are the organization's figures: aggregates only. A figure
// over fewer than MinAggregate people is nil (null) or left out.
type OrgFigures struct {
	ComputedAt                time.Time       `json:"computed_at"`
	People                    int             `json:"people"`
	Funnel                    Funnel          `json:"funnel"`
	BottomUpIndex             *float64        `json:"bottom_up_index"`
	LeadershipSpread          *float64        `json:"leadership_spread"`
	DecisionLatency           *Latency        `json:"decision_latency"`
	BalanceByLevel            []LevelBalance  `json:"balance_by_level"`
	JourneysNeedingLeadership int             `json:"journeys_needing_leadership"`
	ReachDistribution         []ReachBucket   `json:"reach_distribution"`
	LatencyDistribution       []LatencyBucket `json:"decision_latency_distribution"`
}

// LatencyBucket counts first decisions that took at most UpTo seconds
// (and more than the bucket before); UpTo is nil for the last, open one.
type LatencyBucket struct {
	UpTo      *int `json:"up_to"`
	Decisions int  `json:"decisions"`
}

// Snapshot is every figure at one moment: what storage keeps in memory
// and answers from until the data changes.
type Snapshot struct {
	Version    int64 // the store's commit version it was computed at
	ComputedAt time.Time
	Org        OrgFigures
	People     map[wayfare.ID]*PersonFigures
	// Ranked lists people by influence rank, highest first (ties by id).
	Ranked []wayfare.ID
}

// Ranked is a person's place in the ranking, for the top of the list.
type Ranked struct {
	Position int
	Name     string
	*PersonFigures
}

// Service answers the figures. Figures may be up to a recomputation
// interval old; ComputedAt says when they were computed.
type Service interface {
	// InfluenceOrg returns the organization's figures to anyone signed in
	// (EUNAUTHORIZED otherwise).
	InfluenceOrg(ctx context.Context) (*OrgFigures, error)
	// InfluencePerson returns a person's figures: to the person, to admins,
	// and to anyone when the organization shows person figures.
	// ENOTFOUND for an unknown person, EFORBIDDEN (RulePrivacy) otherwise.
	InfluencePerson(ctx context.Context, id wayfare.ID) (*PersonFigures, error)
	// InfluenceTop returns the n people of highest influence rank, with
	// names, to those who may see everyone's figures (EFORBIDDEN otherwise).
	InfluenceTop(ctx context.Context, n int) ([]Ranked, error)
	// InfluencePolicy returns who may see whose figures.
	InfluencePolicy(ctx context.Context) (Policy, error)
}
