package web

import (
	"context"
	"net/http"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/api"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/management"
)

type homeView struct {
	base
	Mine            []*leadership.Pitch // pitches I wrote: selling, decided, on their journeys
	InMyGroups      []*leadership.Pitch
	Selling         []*leadership.Pitch
	NeedsLeadership []*management.JourneySummary
	MyTickets       []*leadership.Pitch
	Riding          []*management.JourneySummary
	Driving         []*management.JourneySummary
	AwaitingMe      []*leadership.Pitch
	AwaitingAnswer  []roundRow // decision rounds asking for my answer
}

// roundRow is a decision round with the title of its pitch.
type roundRow struct {
	*management.Round
	Title string
}

// home shows what is selling in my groups and across the organization,
// journeys that need leadership, my tickets and journeys, and decisions
// waiting for me.
func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	me := wayfare.ActorFrom(ctx).PersonID
	fragment := r.Header.Get(fragmentHeader)
	if fragment != "" && fragment != "home" {
		http.Error(w, "no such fragment", http.StatusNotFound)
		return nil
	}
	p, err := s.homePart(ctx, me)
	if err != nil {
		return err
	}
	if fragment == "home" { // the live region: the whole content, as kept
		writeHTML(w, http.StatusOK, p.whole)
		return nil
	}
	s.writePage(w, r, http.StatusOK, &base{Title: "Home"}, p.head, p.whole)
	return nil
}

// homePart returns the person's kept home page, with the cards of pitches
// that changed rendered again, or reads and renders it afresh.
func (s *Server) homePart(ctx context.Context, me wayfare.ID) (*homePart, error) {
	if p, ok := s.parts.homes.get(me); ok && p.current(s, me) {
		if stale := p.stale(s); len(stale) > 0 {
			var err error
			if p, err = s.refreshCards(ctx, p, stale); err != nil {
				return nil, err
			}
			s.parts.homes.put(me, p, p.size())
		}
		return p, nil
	}
	// The versions are read before the data: a commit in between makes
	// the page look older than it is, never newer.
	part := &homePart{lists: s.svc.ListsVersion(), roles: s.svc.RolesVersion(), mine: s.svc.PersonVersion(me)}
	v := &homeView{base: base{Title: "Home"}}
	page := func(n int) wayfare.Page { return wayfare.Page{Limit: n} }
	var err error
	pitches := func(f leadership.PitchFilter) []*leadership.Pitch {
		if err != nil {
			return nil
		}
		var ps []*leadership.Pitch
		ps, err = s.svc.Pitches(ctx, f)
		return ps
	}
	journeys := func(f management.JourneyFilter) []*management.JourneySummary {
		if err != nil {
			return nil
		}
		var js []*management.JourneySummary
		js, err = s.svc.Journeys(ctx, f)
		return js
	}
	// Each pitch is listed once, where it matters most to the reader: each
	// list leaves out the pitches the lists before it hold.
	var shownAbove []wayfare.ID
	listed := func(f leadership.PitchFilter) []*leadership.Pitch {
		f.Except = shownAbove
		ps := pitches(f)
		for _, p := range ps {
			shownAbove = append(shownAbove, p.ID)
		}
		return ps
	}
	v.AwaitingMe = listed(leadership.PitchFilter{AwaitingDecisionBy: me, Page: page(10)})
	v.Mine = listed(leadership.PitchFilter{AuthorID: me, Page: page(homeList)})
	v.MyTickets = listed(leadership.PitchFilter{HeldBy: me, Page: page(homeList)})
	v.InMyGroups = listed(leadership.PitchFilter{MemberOf: me, Status: leadership.Selling, Page: page(homeList)})
	v.Selling = listed(leadership.PitchFilter{Status: leadership.Selling, Page: page(homeList)})
	v.NeedsLeadership = journeys(management.JourneyFilter{NeedsLeadership: true, Page: page(8)})
	v.Riding = journeys(management.JourneyFilter{RiderID: me, Page: page(8)})
	v.Driving = journeys(management.JourneyFilter{DriverID: me, Page: page(8)})
	if err != nil {
		return nil, err
	}
	if v.AwaitingAnswer, err = s.roundsAwaiting(ctx, me); err != nil {
		return nil, err
	}
	// The pitches' versions are read after the lists, and their counts
	// again after the versions: purchases change nothing else a list
	// shows, so the kept page is never older than the versions it is
	// kept by.
	lists := [][]*leadership.Pitch{v.AwaitingMe, v.Mine, v.InMyGroups, v.Selling, v.MyTickets}
	shown, versions := map[wayfare.ID]*leadership.Pitch{}, map[wayfare.ID]uint64{}
	var ids []wayfare.ID
	for _, list := range lists {
		for _, p := range list {
			if _, ok := shown[p.ID]; !ok {
				shown[p.ID], versions[p.ID] = p, s.svc.PitchVersion(p.ID)
				ids = append(ids, p.ID)
			}
		}
	}
	sold, err := s.svc.TicketsSold(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, p := range shown {
		if n, ok := sold[p.ID]; ok {
			p.TicketsSold = n
			p.ReadyForDecision = leadership.Ready(p.Kind, p.Status, n, p.TicketsWanted)
		}
	}
	if part.head, err = s.exec("home", "head", v); err != nil {
		return nil, err
	}
	content, err := s.exec("home", "content", v)
	if err != nil {
		return nil, err
	}
	if err := s.newHomePart(part, content, shown, versions); err != nil {
		return nil, err
	}
	part.until = time.Now().Add(partLife)
	s.parts.homes.put(me, part, part.size())
	return part, nil
}

// homeList is how many pitches a list of the home page shows at most.
const homeList = 8

// roundsAwaiting reads the decision rounds that wait for the person's
// answer, with their pitches' titles.
func (s *Server) roundsAwaiting(ctx context.Context, me wayfare.ID) ([]roundRow, error) {
	rounds, err := s.svc.RoundsAwaiting(ctx, me, 5)
	if err != nil || len(rounds) == 0 {
		return nil, err
	}
	ids := make([]wayfare.ID, len(rounds))
	for i, r := range rounds {
		ids[i] = r.PitchID
	}
	titles, err := s.svc.Names(ctx, "pitch", ids)
	if err != nil {
		return nil, err
	}
	out := make([]roundRow, len(rounds))
	for i, r := range rounds {
		out[i] = roundRow{Round: r, Title: titles[r.PitchID]}
	}
	return out, nil
}

// events streams the ledger to the signed-in browser for live updates,
// while the session holds: signed out, its password set anew, or its
// person deactivated, the stream ends.
func (s *Server) events(w http.ResponseWriter, r *http.Request) error {
	return api.StreamActsAndInbox(w, r, s.svc, s.cfg.Heartbeat, s.sessionHolds(r), s.inbox(r))
}

// sessionHolds returns whether the request's session still holds: it is
// still in the store, and its person is active at the same epoch.
func (s *Server) sessionHolds(r *http.Request) func(context.Context) bool {
	token := s.sessions.Token(r.Context())
	id, epoch := s.me(r).ID, s.sessions.GetInt64(r.Context(), epochKey)
	return func(ctx context.Context) bool {
		// Read from the store afresh: the request's own context holds the
		// session as it was when the stream opened.
		now, err := s.sessions.Load(context.Background(), token)
		if err != nil || wayfare.ID(s.sessions.GetInt64(now, sessionKey)) != id {
			return false
		}
		p, _, err := s.signedInPerson(ctx, id)
		return err == nil && int64(p.SessionEpoch) == epoch
	}
}
