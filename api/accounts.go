package api

import (
	"net/http"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/people"
)

func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	p, err := s.svc.Me(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) updatePerson(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "person")
	if err != nil {
		return err
	}
	var in people.PersonUpdate
	if err := decode(r, &in); err != nil {
		return err
	}
	p, err := s.svc.UpdatePerson(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

// setStatus answers …/deactivate and …/reactivate.
func (s *Server) setStatus(status people.Status) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id", "person")
		if err != nil {
			return err
		}
		if err := decodeOptional(r, &struct{}{}); err != nil {
			return err
		}
		p, err := s.svc.SetStatus(r.Context(), id, status)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, p)
		return nil
	}
}

func (s *Server) updateGroup(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "group")
	if err != nil {
		return err
	}
	var in people.GroupUpdate
	if err := decode(r, &in); err != nil {
		return err
	}
	g, err := s.svc.UpdateGroup(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, g)
	return nil
}

func (s *Server) removeMember(w http.ResponseWriter, r *http.Request) error {
	gid, err := pathID(r, "id", "group")
	if err != nil {
		return err
	}
	pid, err := pathID(r, "person_id", "membership")
	if err != nil {
		return err
	}
	if err := s.svc.RemoveMember(r.Context(), gid, pid); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listTokens(w http.ResponseWriter, r *http.Request) error {
	var f people.TokenFilter
	var err error
	if f.PersonID, err = queryID(r, "person_id"); err != nil {
		return err
	}
	items, err := s.svc.Tokens(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, List[*people.Token]{Items: items})
	return nil
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) error {
	var in people.NewToken
	if err := decode(r, &in); err != nil {
		return err
	}
	t, err := s.svc.CreateToken(r.Context(), 0, in)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, t)
	return nil
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "token")
	if err != nil {
		return err
	}
	if err := s.svc.RevokeToken(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// revokeTokens ends every API token of a person: one's own, or anyone's
// for admins (person_id).
func (s *Server) revokeTokens(w http.ResponseWriter, r *http.Request) error {
	id, err := queryID(r, "person_id")
	if err != nil {
		return err
	}
	if _, err := s.svc.RevokeTokens(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// personStatus reads the status filter of a list of people.
func personStatus(r *http.Request) (people.Status, error) {
	s := people.Status(r.URL.Query().Get("status"))
	if s != "" && !s.Valid() {
		return "", wayfare.FieldError("status", "must be %q or %q", people.Active, people.Deactivated)
	}
	return s, nil
}
