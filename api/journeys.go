package api

import (
	"net/http"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/management"
)

func (s *Server) listJourneys(w http.ResponseWriter, r *http.Request) error {
	pg, err := page(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := management.JourneyFilter{Page: pg.Peek(), Status: management.JourneyStatus(q.Get("status"))}
	if f.Status != "" && !f.Status.Valid() {
		return wayfare.FieldError("status", "must be one of boarding, underway, arrived, abandoned")
	}
	switch q.Get("needs_leadership") {
	case "", "false":
	case "true":
		f.NeedsLeadership = true
	default:
		return wayfare.FieldError("needs_leadership", "must be true or false")
	}
	if f.GroupID, err = queryID(r, "group_id"); err != nil {
		return err
	}
	items, err := s.svc.Journeys(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list(items, pg, func(j *management.JourneySummary) wayfare.ID { return j.ID }))
	return nil
}

func (s *Server) getJourney(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "journey")
	if err != nil {
		return err
	}
	j, err := s.svc.Journey(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, j)
	return nil
}

func (s *Server) nameDriver(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "journey")
	if err != nil {
		return err
	}
	pid, err := pathID(r, "person_id", "person")
	if err != nil {
		return err
	}
	if err := s.svc.NameDriver(r.Context(), id, pid); err != nil {
		return err
	}
	return s.journeyAnswer(w, r, id, http.StatusOK)
}

func (s *Server) journeyAnswer(w http.ResponseWriter, r *http.Request, id wayfare.ID, status int) error {
	j, err := s.svc.Journey(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, status, j)
	return nil
}

func (s *Server) addStop(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "journey")
	if err != nil {
		return err
	}
	var in management.NewStop
	if err := decode(r, &in); err != nil {
		return err
	}
	st, err := s.svc.AddStop(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, st)
	return nil
}

func (s *Server) setStop(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "journey")
	if err != nil {
		return err
	}
	sid, err := pathID(r, "stop_id", "stop")
	if err != nil {
		return err
	}
	var in struct {
		Done *bool `json:"done"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.Done == nil {
		return wayfare.FieldError("done", "is required")
	}
	st, err := s.svc.SetStopDone(r.Context(), id, sid, *in.Done)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

func (s *Server) depart(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "journey")
	if err != nil {
		return err
	}
	j, err := s.svc.Depart(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, j)
	return nil
}

func (s *Server) arrive(w http.ResponseWriter, r *http.Request) error {
	return s.end(w, r, management.Arrived)
}

func (s *Server) abandon(w http.ResponseWriter, r *http.Request) error {
	return s.end(w, r, management.Abandoned)
}

func (s *Server) end(w http.ResponseWriter, r *http.Request, to management.JourneyStatus) error {
	id, err := pathID(r, "id", "journey")
	if err != nil {
		return err
	}
	var in management.Ending
	if err := decode(r, &in); err != nil {
		return err
	}
	j, err := s.svc.End(r.Context(), id, to, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, j)
	return nil
}

func (s *Server) checkin(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "journey")
	if err != nil {
		return err
	}
	var in management.NewCheckin
	if err := decode(r, &in); err != nil {
		return err
	}
	c, err := s.svc.Checkin(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (s *Server) raiseDoubt(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "journey")
	if err != nil {
		return err
	}
	var in management.NewDoubt
	if err := decodeOptional(r, &in); err != nil {
		return err
	}
	d, created, err := s.svc.RaiseDoubt(r.Context(), id, in)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, d)
	return nil
}

func (s *Server) reconfirm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "journey")
	if err != nil {
		return err
	}
	if err := s.svc.Reconfirm(r.Context(), id); err != nil {
		return err
	}
	return s.journeyAnswer(w, r, id, http.StatusOK)
}

func (s *Server) leave(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "journey")
	if err != nil {
		return err
	}
	if err := s.svc.Leave(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) repitch(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "journey")
	if err != nil {
		return err
	}
	var in leadership.NewRepitch
	if err := decode(r, &in); err != nil {
		return err
	}
	rp, err := s.svc.Repitch(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, rp)
	return nil
}
