package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/management"
)

// roundAct runs a round action from the pitch page's forms and goes back
// to the pitch; a refusal is shown on the pitch page.
func (s *Server) roundAct(w http.ResponseWriter, r *http.Request, done string, act func(pitch wayfare.ID) error) error {
	return s.formAct(w, r, "pitch", "/pitches/", done, act, func(r *http.Request) (view, error) { return s.pitchView(r) })
}

func (s *Server) openRound(w http.ResponseWriter, r *http.Request) error {
	return s.roundAct(w, r, "Round opened: members of the group can answer now.", func(pitch wayfare.ID) error {
		in := management.NewRound{Method: management.RoundMethod(r.PostFormValue("method"))}
		day := strings.TrimSpace(r.PostFormValue("closes_on"))
		t, err := time.Parse(time.DateOnly, day)
		if err != nil {
			return wayfare.FieldError("closes_on", "must be a date")
		}
		in.ClosesAt = t.Add(24*time.Hour - time.Second)
		_, err = s.svc.OpenRound(r.Context(), pitch, in)
		return err
	})
}

// roundOf reads the round named in the path, which must be a round of
// the pitch the path names.
func (s *Server) roundOf(r *http.Request, pitch wayfare.ID) (wayfare.ID, error) {
	id, err := pathID(r, "round")
	if err != nil {
		return 0, err
	}
	x, err := s.svc.Round(r.Context(), id)
	if err != nil {
		return 0, err
	}
	if x.PitchID != pitch {
		return 0, wayfare.NotFound("round")
	}
	return id, nil
}

func (s *Server) respond(w http.ResponseWriter, r *http.Request) error {
	return s.roundAct(w, r, "Your answer is in; answering again replaces it.", func(pitch wayfare.ID) error {
		id, err := s.roundOf(r, pitch)
		if err != nil {
			return err
		}
		in := management.NewResponse{Advice: r.PostFormValue("advice"), Objection: r.PostFormValue("objection"),
			Choice: management.Choice(r.PostFormValue("choice"))}
		switch r.PostFormValue("answer") {
		case "consent":
			yes := true
			in.Consent, in.Objection = &yes, ""
		case "object":
			if strings.TrimSpace(in.Objection) == "" {
				return wayfare.FieldError("objection", "is required when you object: say what stands in the way")
			}
		}
		_, _, err = s.svc.Respond(r.Context(), id, in)
		return err
	})
}

func (s *Server) closeRound(w http.ResponseWriter, r *http.Request) error {
	return s.roundAct(w, r, "Round closed and the decision recorded.", func(pitch wayfare.ID) error {
		id, err := s.roundOf(r, pitch)
		if err != nil {
			return err
		}
		_, _, err = s.svc.CloseRound(r.Context(), id, management.Closing{Rationale: r.PostFormValue("rationale"),
			Outcome: management.Outcome(r.PostFormValue("outcome"))})
		return err
	})
}
