package management

import (
	"context"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/text"
)

// Phase is where a facilitated session stands.
type Phase string

// The phases of a session, in order: ideas → clusters → votes → results
// → closed. Phases only move forward; a phase may be skipped (a session
// without clusters goes from ideas to votes).
const (
	Ideas    Phase = "ideas"
	Clusters Phase = "clusters"
	Votes    Phase = "votes"
	Results  Phase = "results"
	Closed   Phase = "closed"
)

// phaseOrder ranks the phases.
var phaseOrder = map[Phase]int{Ideas: 1, Clusters: 2, Votes: 3, Results: 4, Closed: 5}

// Valid reports whether p is a known phase.
func (p Phase) Valid() bool { return phaseOrder[p] > 0 }

// Rule names of facilitation.
const (
	RuleOnlyFacilitator = "only-the-facilitator"
	RuleMembersOnly     = "group-members-only"
	RulePhaseForward    = "phases-move-forward"
	RuleWrongPhase      = "not-in-this-phase"
	RuleVotesPerPerson  = "votes-per-person"
	RuleAuthorPitches   = "author-pitches-idea"
	RuleIdeaPitched     = "idea-pitched-once"
	RuleOneCluster      = "one-cluster-per-idea"
)

// MovePhase applies the session's state machine: only forward, never to
// the phase it is in (ECONFLICT).
func MovePhase(from, to Phase) error {
	if !to.Valid() {
		return wayfare.FieldError("phase", "must be one of ideas, clusters, votes, results, closed")
	}
	if phaseOrder[to] <= phaseOrder[from] {
		return wayfare.Conflict(RulePhaseForward, "phases only move forward: the session is in %s and cannot go to %s", from, to)
	}
	return nil
}

// InPhase returns ECONFLICT unless the session is in the phase the act needs.
func InPhase(current, needed Phase, act string) error {
	if current != needed {
		return wayfare.Conflict(RuleWrongPhase, "%s only during %s; the session is in %s", act, needed, current)
	}
	return nil
}

// CanFacilitate applies rule 3 to running a session: a manager of the
// group (or of a group above it), or the facilitator a manager named.
// Admin rights grant nothing here.
func CanFacilitate(s Standing) error {
	if s.Actor.System || s.Manager || s.Facilitator {
		return nil
	}
	if s.Actor.Anonymous() {
		return wayfare.Forbidden(RuleSignedIn, "sign in to act")
	}
	return wayfare.Forbidden(RuleOnlyFacilitator, "only the session's facilitator or a manager of its group (or of a group above it) may run this session")
}

// CanContribute applies the membership rule to ideas, dot votes and
// round responses: members of the group (or of a group below it) only.
func CanContribute(s Standing, act string) error {
	if s.Member {
		return nil
	}
	if s.Actor.Anonymous() {
		return wayfare.Forbidden(RuleSignedIn, "sign in to act")
	}
	return wayfare.Forbidden(RuleMembersOnly, "only members of the group may %s", act)
}

// CanVote applies the dot-vote limit: at most perPerson votes in all.
func CanVote(cast, perPerson int) error {
	if cast >= perPerson {
		return wayfare.Conflict(RuleVotesPerPerson, "you have cast all your %d votes in this session", perPerson)
	}
	return nil
}

// CanPitchIdea lets only the idea's author turn it into a pitch, once. In
// an anonymous session the author shows one of tokens, the idea's claim.
func CanPitchIdea(a Authorship, actor wayfare.ID, tokens []string, pitched bool) error {
	if !a.WrittenBy(actor, tokens) {
		return wayfare.Forbidden(RuleAuthorPitches, "only the idea's author may turn it into a pitch")
	}
	if pitched {
		return wayfare.Conflict(RuleIdeaPitched, "this idea has been turned into a pitch already")
	}
	return nil
}

// MaxVotesPerPerson bounds the dots each person gets.
const MaxVotesPerPerson = 100

// NewSession is the input that opens a session.
type NewSession struct {
	GroupID        wayfare.ID  `json:"group_id"`
	Prompt         string      `json:"prompt"`
	Anonymous      bool        `json:"anonymous"`
	VotesPerPerson int         `json:"votes_per_person"`
	FacilitatorID  *wayfare.ID `json:"facilitator_id,omitempty"`
}

// Validate checks a new session's fields.
func (s *NewSession) Validate() error {
	var err error
	if s.GroupID <= 0 {
		return wayfare.FieldError("group_id", "is required")
	}
	if s.Prompt, err = text.Block("prompt", s.Prompt, 3, 2000); err != nil {
		return err
	}
	if s.VotesPerPerson < 1 || s.VotesPerPerson > MaxVotesPerPerson {
		return wayfare.FieldError("votes_per_person", "must be between 1 and %d", MaxVotesPerPerson)
	}
	return nil
}

// NewIdea is an idea posted to a session.
type NewIdea struct {
	Text string `json:"text"`
}

// Validate checks an idea.
func (i *NewIdea) Validate() error {
	var err error
	i.Text, err = text.Block("text", i.Text, 3, 2000)
	return err
}

// NewCluster groups ideas under a title.
type NewCluster struct {
	Title   string       `json:"title"`
	IdeaIDs []wayfare.ID `json:"idea_ids"`
}

// Validate checks a cluster.
func (c *NewCluster) Validate() error {
	var err error
	if c.Title, err = text.Line("title", c.Title, 1, 200); err != nil {
		return err
	}
	if len(c.IdeaIDs) == 0 {
		return wayfare.FieldError("idea_ids", "must name at least one idea")
	}
	if len(c.IdeaIDs) > 500 {
		return wayfare.FieldError("idea_ids", "must name at most 500 ideas")
	}
	seen := map[wayfare.ID]bool{}
	for _, id := range c.IdeaIDs {
		if seen[id] {
			return wayfare.FieldError("idea_ids", "names idea %s twice", id)
		}
		seen[id] = true
	}
	return nil
}

// NewVote is one dot, on an idea or on a cluster.
type NewVote struct {
	IdeaID    *wayfare.ID `json:"idea_id,omitempty"`
	ClusterID *wayfare.ID `json:"cluster_id,omitempty"`
}

// Validate checks that the vote names exactly one idea or one cluster.
func (v *NewVote) Validate() error {
	if (v.IdeaID == nil) == (v.ClusterID == nil) {
		return wayfare.FieldError("idea_id", "name one idea (idea_id) or one cluster (cluster_id)")
	}
	return nil
}

// IdeaPitch is the input that turns an idea into a pitch. The title
// defaults to the idea's text; the kind to proposal; tickets wanted to 5.
type IdeaPitch struct {
	Kind          leadership.Kind       `json:"kind,omitempty"`
	Title         string                `json:"title,omitempty"`
	StatusQuo     string                `json:"status_quo"`
	BetterWay     string                `json:"better_way"`
	TicketsWanted *int                  `json:"tickets_wanted,omitempty"` // nil: DefaultTicketsWanted
	SalesClose    *time.Time            `json:"sales_close,omitempty"`
	Evidence      []leadership.Evidence `json:"evidence,omitempty"`
	// ClaimToken proves authorship of an idea posted to an anonymous
	// session: the token given when it was posted.
	ClaimToken string `json:"claim_token,omitempty"`
}

// DefaultTicketsWanted is what an idea's pitch asks for when not told.
const DefaultTicketsWanted = 5

// Pitch returns the pitch an idea becomes, to the session's group.
func (p IdeaPitch) Pitch(groupID wayfare.ID, ideaText string) leadership.NewPitch {
	in := leadership.NewPitch{GroupID: groupID, Kind: p.Kind, Title: p.Title, StatusQuo: p.StatusQuo, BetterWay: p.BetterWay,
		TicketsWanted: DefaultTicketsWanted, SalesClose: p.SalesClose, Evidence: p.Evidence}
	if p.TicketsWanted != nil { // an explicit 0 is refused by the pitch's own check
		in.TicketsWanted = *p.TicketsWanted
	}
	if in.Kind == "" {
		in.Kind = leadership.Proposal
	}
	if in.Title == "" {
		in.Title = DefaultTitle(ideaText)
	}
	if in.Evidence == nil {
		in.Evidence = []leadership.Evidence{}
	}
	return in
}

// DefaultTitle makes a pitch title from an idea: its first line, cut to
// 200 characters.
func DefaultTitle(idea string) string {
	r := []rune(idea)
	for i, c := range r {
		if c == '\n' || c == '\r' {
			r = r[:i]
			break
		}
	}
	if len(r) > 200 {
		r = append(r[:199], '…')
	}
	return string(r)
}

// Session is a facilitated brainstorming session for a group. It decides
// nothing; its ideas may become pitches by their authors.
type Session struct {
	ID             wayfare.ID `json:"id"`
	GroupID        wayfare.ID `json:"group_id"`
	FacilitatorID  wayfare.ID `json:"facilitator_id"`
	Prompt         string     `json:"prompt"`
	Anonymous      bool       `json:"anonymous"`
	VotesPerPerson int        `json:"votes_per_person"`
	Phase          Phase      `json:"phase"`
	IdeaCount      int        `json:"idea_count"`
	CreatedAt      time.Time  `json:"created_at"`
}

// SessionDetail is a session as one reader sees it: the ideas (authors
// hidden in an anonymous session), clusters, dot votes and results.
type SessionDetail struct {
	Session
	Ideas     []Idea    `json:"ideas"`
	Clusters  []Cluster `json:"clusters"`
	Results   []Result  `json:"results"`
	VotesLeft int       `json:"votes_left"` // the reader's dots still to cast
}

// Idea is one idea of a session. AuthorID is given only when the session
// is not anonymous; Mine tells the reader their own ideas in any session.
type Idea struct {
	ID       wayfare.ID  `json:"id"`
	Text     string      `json:"text"`
	AuthorID *wayfare.ID `json:"author_id,omitempty"`
	Mine     bool        `json:"mine"`
	// ClaimToken is given once, to the author of an idea posted to an
	// anonymous session: the proof of authorship that nothing stored holds.
	ClaimToken string      `json:"claim_token,omitempty"`
	ClusterID  *wayfare.ID `json:"cluster_id,omitempty"`
	Votes      int         `json:"votes"`
	PitchID    *wayfare.ID `json:"pitch_id,omitempty"`
	CreatedAt  time.Time   `json:"created_at"`
}

// Cluster is ideas grouped under a title by the facilitator.
type Cluster struct {
	ID      wayfare.ID   `json:"id"`
	Title   string       `json:"title"`
	IdeaIDs []wayfare.ID `json:"idea_ids"`
	Votes   int          `json:"votes"`
}

// Result is one line of a session's results.
type Result struct {
	Kind  string     `json:"kind"` // "cluster" or "idea"
	ID    wayfare.ID `json:"id"`
	Title string     `json:"title"`
	Votes int        `json:"votes"`
}

// Rank computes the results: each cluster counts its own dots and those
// of its ideas; an idea outside any cluster stands alone. Most dots first;
// a tie keeps the earlier (clusters before ideas, then by id). Results are
// given from the results phase on; before, the list is empty.
func Rank(phase Phase, ideas []Idea, clusters []Cluster) []Result {
	out := []Result{}
	if phaseOrder[phase] < phaseOrder[Results] {
		return out
	}
	inCluster := map[wayfare.ID]int{}
	for _, i := range ideas {
		if i.ClusterID != nil {
			inCluster[*i.ClusterID] += i.Votes
		}
	}
	for _, c := range clusters {
		out = append(out, Result{Kind: "cluster", ID: c.ID, Title: c.Title, Votes: c.Votes + inCluster[c.ID]})
	}
	for _, i := range ideas {
		if i.ClusterID == nil {
			out = append(out, Result{Kind: "idea", ID: i.ID, Title: i.Text, Votes: i.Votes})
		}
	}
	// A stable insertion sort: few lines, and ties keep their order.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Votes > out[j-1].Votes; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// SessionFilter narrows a list of sessions.
type SessionFilter struct {
	GroupID wayfare.ID
	wayfare.Page
}

// SessionService runs facilitated sessions.
type SessionService interface {
	// OpenSession opens a session in the ideas phase. A manager of the
	// group or of a group above it (EFORBIDDEN otherwise); the facilitator
	// is the opener unless FacilitatorID names someone else.
	OpenSession(ctx context.Context, in NewSession) (*Session, error)
	// MovePhase moves a session forward. The facilitator or a manager;
	// ECONFLICT for a move that is not forward.
	MovePhase(ctx context.Context, sessionID wayfare.ID, to Phase) (*SessionDetail, error)
	// PostIdea posts an idea. Group members during ideas only.
	PostIdea(ctx context.Context, sessionID wayfare.ID, in NewIdea) (*Idea, error)
	// MakeCluster groups ideas. The facilitator during clusters only;
	// ECONFLICT for an idea already in a cluster.
	MakeCluster(ctx context.Context, sessionID wayfare.ID, in NewCluster) (*Cluster, error)
	// CastVote casts one dot. Group members during votes only, at most
	// votes_per_person in all (ECONFLICT beyond).
	CastVote(ctx context.Context, sessionID wayfare.ID, in NewVote) (*SessionDetail, error)
	// PitchIdea turns an idea into a pitch credited to its author, linked
	// to the session. The author only; once per idea.
	PitchIdea(ctx context.Context, sessionID, ideaID wayfare.ID, in IdeaPitch) (*leadership.Pitch, error)
	// Session returns a session as the actor sees it.
	Session(ctx context.Context, id wayfare.ID) (*SessionDetail, error)
	// ListSessions lists sessions, newest first.
	ListSessions(ctx context.Context, f SessionFilter) ([]*Session, error)
}
