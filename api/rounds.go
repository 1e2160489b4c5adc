package api

import (
	"net/http"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/management"
)

func (s *Server) openRound(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "pitch")
	if err != nil {
		return err
	}
	// closes_at is read as text so that a bad time names its field.
	var body struct {
		Method   management.RoundMethod `json:"method"`
		ClosesAt string                 `json:"closes_at"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	in := management.NewRound{Method: body.Method}
	if body.ClosesAt != "" {
		if in.ClosesAt, err = time.Parse(time.RFC3339, body.ClosesAt); err != nil {
			return wayfare.FieldError("closes_at", "must be an RFC 3339 time, such as 2026-03-31T17:00:00Z")
		}
	}
	x, err := s.svc.OpenRound(r.Context(), id, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/rounds/"+x.ID.String())
	writeJSON(w, http.StatusCreated, x)
	return nil
}

func (s *Server) listRounds(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "pitch")
	if err != nil {
		return err
	}
	if _, err := s.svc.Pitch(r.Context(), id); err != nil {
		return err
	}
	items, err := s.svc.Rounds(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, List[*management.Round]{Items: items})
	return nil
}

func (s *Server) getRound(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "round")
	if err != nil {
		return err
	}
	x, err := s.svc.Round(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, x)
	return nil
}

func (s *Server) respond(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "round")
	if err != nil {
		return err
	}
	var in management.NewResponse
	if err := decode(r, &in); err != nil {
		return err
	}
	x, created, err := s.svc.Respond(r.Context(), id, in)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, x)
	return nil
}

// closed is the answer to closing a round: the round and its decision.
type closed struct {
	Round    *management.Round    `json:"round"`
	Decision *management.Decision `json:"decision"`
}

func (s *Server) closeRound(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "round")
	if err != nil {
		return err
	}
	var in management.Closing
	if err := decode(r, &in); err != nil {
		return err
	}
	x, d, err := s.svc.CloseRound(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, closed{Round: x, Decision: d})
	return nil
}
