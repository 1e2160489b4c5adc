package api

import (
	"net/http"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/management"
)

func (s *Server) openSession(w http.ResponseWriter, r *http.Request) error {
	var in management.NewSession
	if err := decode(r, &in); err != nil {
		return err
	}
	x, err := s.svc.OpenSession(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/sessions/"+x.ID.String())
	writeJSON(w, http.StatusCreated, x)
	return nil
}

func (s *Server) listSessions(w http.ResponseWriter, r *http.Request) error {
	pg, err := page(r)
	if err != nil {
		return err
	}
	f := management.SessionFilter{Page: pg.Peek()}
	if f.GroupID, err = queryID(r, "group_id"); err != nil {
		return err
	}
	items, err := s.svc.ListSessions(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list(items, pg, func(x *management.Session) wayfare.ID { return x.ID }))
	return nil
}

func (s *Server) getSession(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "session")
	if err != nil {
		return err
	}
	d, err := s.svc.Session(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) movePhase(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "session")
	if err != nil {
		return err
	}
	var in struct {
		Phase management.Phase `json:"phase"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	d, err := s.svc.MovePhase(r.Context(), id, in.Phase)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) postIdea(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "session")
	if err != nil {
		return err
	}
	var in management.NewIdea
	if err := decode(r, &in); err != nil {
		return err
	}
	i, err := s.svc.PostIdea(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, i)
	return nil
}

func (s *Server) makeCluster(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "session")
	if err != nil {
		return err
	}
	var in management.NewCluster
	if err := decode(r, &in); err != nil {
		return err
	}
	c, err := s.svc.MakeCluster(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (s *Server) castVote(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "session")
	if err != nil {
		return err
	}
	var in management.NewVote
	if err := decode(r, &in); err != nil {
		return err
	}
	d, err := s.svc.CastVote(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, d)
	return nil
}

func (s *Server) pitchIdea(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "session")
	if err != nil {
		return err
	}
	idea, err := pathID(r, "idea_id", "idea")
	if err != nil {
		return err
	}
	var in management.IdeaPitch
	if err := decode(r, &in); err != nil {
		return err
	}
	p, err := s.svc.PitchIdea(r.Context(), id, idea, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/pitches/"+p.ID.String())
	writeJSON(w, http.StatusCreated, p)
	return nil
}
