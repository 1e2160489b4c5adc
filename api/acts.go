package api

import (
	"net/http"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/ledger"
)

func (s *Server) listActs(w http.ResponseWriter, r *http.Request) error {
	pg, err := page(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := ledger.Filter{Page: pg.Peek(), Function: wayfare.Function(q.Get("function")), Verb: q.Get("verb")}
	if f.Function != "" && !f.Function.Valid() {
		return wayfare.FieldError("function", "must be one of leadership, management, follower, admin")
	}
	if f.Verb != "" {
		if _, ok := ledger.FunctionOf(f.Verb); !ok {
			return wayfare.FieldError("verb", "is not a known verb")
		}
	}
	if f.PersonID, err = queryID(r, "person_id"); err != nil {
		return err
	}
	if f.GroupID, err = queryID(r, "group_id"); err != nil {
		return err
	}
	items, err := s.svc.Acts(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list(items, pg, func(a *wayfare.Act) wayfare.ID { return a.ID }))
	return nil
}
