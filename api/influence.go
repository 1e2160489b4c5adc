package api

import "net/http"

// influenceOrg answers the organization's influence figures: aggregates,
// for anyone signed in.
func (s *Server) influenceOrg(w http.ResponseWriter, r *http.Request) error {
	f, err := s.svc.InfluenceOrg(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}

// influencePerson answers one person's influence figures, to those the
// privacy rules allow.
func (s *Server) influencePerson(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "person")
	if err != nil {
		return err
	}
	f, err := s.svc.InfluencePerson(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}
