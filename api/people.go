package api

import (
	"net/http"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/people"
)

var errNoRoute = &wayfare.Error{Code: wayfare.ENOTFOUND, Message: "no such route"}

func (s *Server) createPerson(w http.ResponseWriter, r *http.Request) error {
	var in people.NewPerson
	if err := decode(r, &in); err != nil {
		return err
	}
	p, err := s.svc.CreatePerson(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, p)
	return nil
}

func (s *Server) listPeople(w http.ResponseWriter, r *http.Request) error {
	pg, err := page(r)
	if err != nil {
		return err
	}
	f := people.PersonFilter{Page: pg.Peek(), Query: r.URL.Query().Get("q")}
	if f.GroupID, err = queryID(r, "group_id"); err != nil {
		return err
	}
	if f.Status, err = personStatus(r); err != nil {
		return err
	}
	items, err := s.svc.People(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list(items, pg, func(p *people.Person) wayfare.ID { return p.ID }))
	return nil
}

func (s *Server) getPerson(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "person")
	if err != nil {
		return err
	}
	p, err := s.svc.Person(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) createGroup(w http.ResponseWriter, r *http.Request) error {
	var in people.NewGroup
	if err := decode(r, &in); err != nil {
		return err
	}
	g, err := s.svc.CreateGroup(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, g)
	return nil
}

func (s *Server) listGroups(w http.ResponseWriter, r *http.Request) error {
	pg, err := page(r)
	if err != nil {
		return err
	}
	f := people.GroupFilter{Page: pg.Peek()}
	if f.ParentID, err = queryID(r, "parent_id"); err != nil {
		return err
	}
	items, err := s.svc.Groups(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list(items, pg, func(g *people.Group) wayfare.ID { return g.ID }))
	return nil
}

func (s *Server) getGroup(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "group")
	if err != nil {
		return err
	}
	g, err := s.svc.Group(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, g)
	return nil
}

func (s *Server) setRole(w http.ResponseWriter, r *http.Request) error {
	gid, err := pathID(r, "id", "group")
	if err != nil {
		return err
	}
	pid, err := pathID(r, "person_id", "person")
	if err != nil {
		return err
	}
	var in struct {
		Role people.Role `json:"role"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	m, err := s.svc.SetRole(r.Context(), gid, pid, in.Role)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}
