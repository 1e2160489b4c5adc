package web

import (
	"net/http"
	"strings"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/management"
)

// phases are a session's steps, in order.
var phases = []management.Phase{management.Ideas, management.Clusters, management.Votes, management.Results, management.Closed}

// step is one phase in the step indicator.
type step struct {
	Phase   management.Phase
	Done    bool
	Current bool
}

type sessionView struct {
	base
	S             *management.SessionDetail
	Group         string
	Facilitator   string
	Names         map[wayfare.ID]string // authors, for a session that is not anonymous
	Ideas         map[wayfare.ID]string // idea texts by id, for clusters
	Steps         []step
	Next          []management.Phase // the phases the facilitator may move to
	MayFacilitate bool
	Member        bool
	Top           int // the most dots on one result, for the bars
	Loose         []management.Idea
	Mine          []management.Idea // the reader's ideas not yet pitched
	Pitch         management.IdeaPitch
	PitchIdea     wayfare.ID // the idea whose pitch form was refused
}

// Author is the name of an idea's author, "" in an anonymous session.
func (v *sessionView) Author(i management.Idea) string {
	if i.AuthorID == nil {
		return ""
	}
	return v.Names[*i.AuthorID]
}

func (s *Server) session(w http.ResponseWriter, r *http.Request) error {
	v, err := s.sessionView(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "session", v)
	return nil
}

func (s *Server) sessionView(r *http.Request) (*sessionView, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	ctx := withClaims(r, id).Context()
	d, err := s.svc.Session(ctx, id)
	if err != nil {
		return nil, err
	}
	v := &sessionView{base: base{Title: "Session: " + d.Prompt}, S: d, Names: map[wayfare.ID]string{}, Ideas: map[wayfare.ID]string{},
		Pitch: management.IdeaPitch{TicketsWanted: ptr(management.DefaultTicketsWanted)}}
	groups, err := s.svc.Names(ctx, "group", []wayfare.ID{d.GroupID})
	if err != nil {
		return nil, err
	}
	v.Group = groups[d.GroupID]
	standing, err := s.svc.SessionStanding(ctx, d.GroupID, d.FacilitatorID)
	if err != nil {
		return nil, err
	}
	v.MayFacilitate = management.CanFacilitate(standing) == nil
	v.Member = management.CanContribute(standing, "") == nil
	ids := []wayfare.ID{d.FacilitatorID}
	for _, i := range d.Ideas {
		v.Ideas[i.ID] = i.Text
		if i.AuthorID != nil {
			ids = append(ids, *i.AuthorID)
		}
		if i.ClusterID == nil {
			v.Loose = append(v.Loose, i)
		}
		if i.Mine && i.PitchID == nil {
			v.Mine = append(v.Mine, i)
		}
	}
	if err := s.names(r, v.Names, ids); err != nil {
		return nil, err
	}
	v.Facilitator = v.Names[d.FacilitatorID]
	reached := true
	for _, p := range phases {
		cur := p == d.Phase
		v.Steps = append(v.Steps, step{Phase: p, Done: reached && !cur, Current: cur})
		if cur {
			reached = false
		} else if !reached {
			v.Next = append(v.Next, p)
		}
	}
	for _, res := range d.Results {
		v.Top = max(v.Top, res.Votes)
	}
	return v, nil
}

// sessionAct runs a session action from a form and goes back to the
// session; a refusal is shown on the session page.
func (s *Server) sessionAct(w http.ResponseWriter, r *http.Request, done string, act func(id wayfare.ID) error) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := act(id); err != nil {
		return s.sessionRefused(w, r, err, nil)
	}
	return s.back(w, r, "/sessions/"+id.String(), done)
}

// sessionRefused shows the session again with the reason, or fails for
// errors that are not refusals; fill adjusts the view (a form as typed).
func (s *Server) sessionRefused(w http.ResponseWriter, r *http.Request, err error, fill func(v *sessionView)) error {
	e, ok := refused(err)
	if !ok {
		return err
	}
	v, verr := s.sessionView(r)
	if verr != nil {
		return verr
	}
	v.Problem = e
	if fill != nil {
		fill(v)
	}
	s.render(w, r, statusOf(e), "session", v)
	return nil
}

// statusOf is the status of a page that shows a refusal.
func statusOf(e *wayfare.Error) int {
	switch e.Code {
	case wayfare.EFORBIDDEN:
		return http.StatusForbidden
	case wayfare.ECONFLICT:
		return http.StatusConflict
	}
	return http.StatusBadRequest
}

// openSession opens a session from a group's page; a refusal is shown
// on the group's page with the form as it was filled in.
func (s *Server) openSession(w http.ResponseWriter, r *http.Request) error {
	gid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	in := management.NewSession{GroupID: gid, Prompt: r.PostFormValue("prompt"), Anonymous: r.PostFormValue("anonymous") == "true"}
	if in.VotesPerPerson, err = formInt(r, "votes_per_person"); err == nil {
		var x *management.Session
		if x, err = s.svc.OpenSession(r.Context(), in); err == nil {
			return s.back(w, r, "/sessions/"+x.ID.String(), "Session opened: members can post their ideas now.")
		}
	}
	e, ok := refused(err)
	if !ok {
		return err
	}
	v, verr := s.groupView(r)
	if verr != nil {
		return verr
	}
	v.Problem, v.Form = e, in
	s.render(w, r, statusOf(e), "group", v)
	return nil
}

func (s *Server) movePhase(w http.ResponseWriter, r *http.Request) error {
	to := management.Phase(r.PostFormValue("phase"))
	return s.sessionAct(w, r, "The session moved to "+string(to)+".", func(id wayfare.ID) error {
		_, err := s.svc.MovePhase(r.Context(), id, to)
		return err
	})
}

// postIdea posts the reader's idea; in an anonymous session the browser
// keeps the idea's claim token, the author's only proof of it.
func (s *Server) postIdea(w http.ResponseWriter, r *http.Request) error {
	return s.sessionAct(w, r, "Idea posted.", func(id wayfare.ID) error {
		i, err := s.svc.PostIdea(r.Context(), id, management.NewIdea{Text: r.PostFormValue("text")})
		if err == nil && i.ClaimToken != "" {
			s.keepClaim(w, r, id, i.ClaimToken)
		}
		return err
	})
}

func (s *Server) makeCluster(w http.ResponseWriter, r *http.Request) error {
	return s.sessionAct(w, r, "Cluster made.", func(id wayfare.ID) error {
		if err := r.ParseForm(); err != nil {
			return wayfare.FieldError("body", "could not be read")
		}
		in := management.NewCluster{Title: r.PostFormValue("title")}
		for _, v := range r.PostForm["idea_ids"] {
			i, err := wayfare.ParseID(v)
			if err != nil {
				return wayfare.FieldError("idea_ids", "names no idea")
			}
			in.IdeaIDs = append(in.IdeaIDs, i)
		}
		_, err := s.svc.MakeCluster(r.Context(), id, in)
		return err
	})
}

func (s *Server) castVote(w http.ResponseWriter, r *http.Request) error {
	return s.sessionAct(w, r, "Dot cast.", func(id wayfare.ID) error {
		var in management.NewVote
		var err error
		if in.IdeaID, err = formID(r, "idea_id"); err != nil {
			return err
		}
		if in.ClusterID, err = formID(r, "cluster_id"); err != nil {
			return err
		}
		_, err = s.svc.CastVote(r.Context(), id, in)
		return err
	})
}

// pitchIdea turns the reader's idea into a pitch and opens it.
func (s *Server) pitchIdea(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	idea, err := pathID(r, "idea")
	if err != nil {
		return err
	}
	in := management.IdeaPitch{Title: strings.TrimSpace(r.PostFormValue("title")), StatusQuo: r.PostFormValue("status_quo"),
		BetterWay: r.PostFormValue("better_way"), Kind: leadership.Proposal}
	var wanted int
	if wanted, err = formInt(r, "tickets_wanted"); err == nil {
		in.TicketsWanted = &wanted
		var p *leadership.Pitch
		if p, err = s.svc.PitchIdea(withClaims(r, id).Context(), id, idea, in); err == nil {
			return s.back(w, r, "/pitches/"+p.ID.String(), "Your idea is a pitch now: sell the tickets.")
		}
	}
	return s.sessionRefused(w, r, err, func(v *sessionView) { v.Pitch, v.PitchIdea = in, idea })
}

func ptr[T any](v T) *T { return &v }
