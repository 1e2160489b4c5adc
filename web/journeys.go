package web

import (
	"context"
	"net/http"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/management"
	"github.com/wayfare-org/wayfare/people"
)

type journeyView struct {
	base
	Journey  *management.Journey
	Pitch    *leadership.Pitch
	Group    *people.Group
	Names    map[wayfare.ID]string
	MayDrive bool
	MayName  bool
	Rides    bool
	MyDoubt  *management.Doubt
	Left     map[wayfare.ID]bool // the people named who have left
	Progress int                 // the latest check-in's progress
	// Typed keeps what a refused form sent, to show it again.
	Typed func(field string) string
}

func (s *Server) journey(w http.ResponseWriter, r *http.Request) error {
	v, err := s.journeyView(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "journey", v)
	return nil
}

func (s *Server) journeyView(r *http.Request) (*journeyView, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	j, err := s.svc.Journey(ctx, id)
	if err != nil {
		return nil, err
	}
	v := &journeyView{base: base{Title: j.Title}, Journey: j, Names: map[wayfare.ID]string{},
		Typed: func(field string) string { return typed(r, field) }}
	if v.Pitch, err = s.svc.Pitch(ctx, j.PitchID); err != nil {
		return nil, err
	}
	if v.Group, err = s.svc.Group(ctx, j.GroupID); err != nil {
		return nil, err
	}
	standing, err := s.svc.Standing(ctx, j.GroupID, id)
	if err != nil {
		return nil, err
	}
	// Rule 3: driver controls only for management and named drivers.
	v.MayDrive = management.CanDrive(standing) == nil
	v.MayName = management.CanDecide(standing) == nil
	me := wayfare.ActorFrom(ctx).PersonID
	ids := append(append([]wayfare.ID{v.Pitch.AuthorID}, j.Drivers...), j.Riders...)
	for _, d := range j.Doubts {
		ids = append(ids, d.PersonID)
		if d.PersonID == me && d.ResolvedAt == nil {
			v.MyDoubt = &d
		}
	}
	for _, c := range j.Checkins {
		ids = append(ids, c.AuthorID)
	}
	for _, rp := range j.Repitches {
		ids = append(ids, rp.AuthorID)
	}
	for _, rid := range j.Riders {
		if rid == me {
			v.Rides = true
		}
	}
	if len(j.Checkins) > 0 {
		v.Progress = j.Checkins[0].Progress
	}
	if v.Left, err = s.leftOf(ctx, ids); err != nil {
		return nil, err
	}
	return v, s.names(r, v.Names, ids)
}

// names fills in the names of people by id, in one query.
func (s *Server) names(r *http.Request, into map[wayfare.ID]string, ids []wayfare.ID) error {
	found, err := s.svc.Names(r.Context(), "person", ids)
	if err != nil {
		return err
	}
	for _, id := range ids {
		into[id] = "someone"
		if n, ok := found[id]; ok {
			into[id] = n
		}
	}
	return nil
}

// leftOf returns which of the people a page names have left the
// organization, for the page to mark them.
func (s *Server) leftOf(ctx context.Context, ids []wayfare.ID) (map[wayfare.ID]bool, error) {
	left, err := s.svc.Names(ctx, "person-left", ids)
	if err != nil || len(left) == 0 {
		return nil, err
	}
	out := make(map[wayfare.ID]bool, len(left))
	for id := range left {
		out[id] = true
	}
	return out, nil
}

// journeyAct runs a journey action from a form and goes back to the
// journey with a message; a refusal is shown on the journey page.
func (s *Server) journeyAct(w http.ResponseWriter, r *http.Request, done string, act func(id wayfare.ID) error) error {
	return s.formAct(w, r, "journey", "/journeys/", done, act, func(r *http.Request) (view, error) { return s.journeyView(r) })
}

// formAct runs a form's action on what the path's id names and goes back
// to its page (prefix and id) with a message; a refusal is shown on that
// page, read afresh, with the reason and the status it calls for.
func (s *Server) formAct(w http.ResponseWriter, r *http.Request, page, prefix, done string, act func(id wayfare.ID) error,
	reread func(*http.Request) (view, error)) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := act(id); err != nil {
		e, ok := refused(err)
		if !ok {
			return err
		}
		v, verr := reread(r)
		if verr != nil {
			return verr
		}
		v.layout().Problem = e
		s.render(w, r, statusOf(e), page, v)
		return nil
	}
	return s.back(w, r, prefix+id.String(), done)
}

func (s *Server) nameDriver(w http.ResponseWriter, r *http.Request) error {
	return s.journeyAct(w, r, "Driver named.", func(id wayfare.ID) error {
		who, err := s.pickedPerson(r, "driver")
		if err != nil {
			return err
		}
		if who == 0 {
			return wayfare.FieldError("driver", "is required: choose a person from the list")
		}
		return s.svc.NameDriver(r.Context(), id, who)
	})
}

func (s *Server) addStop(w http.ResponseWriter, r *http.Request) error {
	return s.journeyAct(w, r, "Stop added to the route.", func(id wayfare.ID) error {
		_, err := s.svc.AddStop(r.Context(), id, management.NewStop{Title: r.PostFormValue("title"), DueOn: r.PostFormValue("due_on")})
		return err
	})
}

func (s *Server) setStop(w http.ResponseWriter, r *http.Request) error {
	return s.journeyAct(w, r, "Route updated.", func(id wayfare.ID) error {
		stop, err := pathID(r, "stop")
		if err != nil {
			return err
		}
		_, err = s.svc.SetStopDone(r.Context(), id, stop, r.PostFormValue("done") == "true")
		return err
	})
}

func (s *Server) depart(w http.ResponseWriter, r *http.Request) error {
	return s.journeyAct(w, r, "Departed: the journey is under way, and tickets no longer refund.", func(id wayfare.ID) error {
		_, err := s.svc.Depart(r.Context(), id)
		return err
	})
}

// end ends a journey, arrived or abandoned, once the driver has said
// which and confirmed it: an ending cannot be undone.
func (s *Server) end(w http.ResponseWriter, r *http.Request) error {
	to := management.JourneyStatus(r.PostFormValue("to"))
	return s.journeyAct(w, r, "The journey is "+string(to)+".", func(id wayfare.ID) error {
		var errs wayfare.Fields
		if to != management.Arrived && to != management.Abandoned {
			errs.Add(wayfare.FieldError("to", "is required: choose arrived or abandoned"))
		}
		end := management.Ending{Review: r.PostFormValue("review")}
		errs.Add(end.Validate())
		if r.PostFormValue("confirm") != "yes" {
			errs.Add(wayfare.FieldError("confirm", "is required: an ending cannot be undone"))
		}
		if err := errs.Err(); err != nil {
			return err
		}
		_, err := s.svc.End(r.Context(), id, to, end)
		return err
	})
}

func (s *Server) checkin(w http.ResponseWriter, r *http.Request) error {
	return s.journeyAct(w, r, "Check-in posted.", func(id wayfare.ID) error {
		in := management.NewCheckin{Confidence: management.Confidence(r.PostFormValue("confidence")), Note: r.PostFormValue("note")}
		if p, err := formInt(r, "progress"); err == nil {
			in.Progress = &p
		}
		_, err := s.svc.Checkin(r.Context(), id, in)
		return err
	})
}

func (s *Server) doubt(w http.ResponseWriter, r *http.Request) error {
	return s.journeyAct(w, r, "Doubt raised: the drivers and everyone else can see it.", func(id wayfare.ID) error {
		_, _, err := s.svc.RaiseDoubt(r.Context(), id, management.NewDoubt{Note: r.PostFormValue("note")})
		return err
	})
}

func (s *Server) reconfirm(w http.ResponseWriter, r *http.Request) error {
	return s.journeyAct(w, r, "Reconfirmed: you are still coming.", func(id wayfare.ID) error {
		return s.svc.Reconfirm(r.Context(), id)
	})
}

func (s *Server) leave(w http.ResponseWriter, r *http.Request) error {
	return s.journeyAct(w, r, "You left the journey.", func(id wayfare.ID) error {
		return s.svc.Leave(r.Context(), id)
	})
}

func (s *Server) repitch(w http.ResponseWriter, r *http.Request) error {
	return s.journeyAct(w, r, "Re-pitch posted: riders can reconfirm.", func(id wayfare.ID) error {
		_, err := s.svc.Repitch(r.Context(), id, leadership.NewRepitch{Message: r.PostFormValue("message")})
		return err
	})
}
