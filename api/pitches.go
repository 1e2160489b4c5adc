package api

import (
	"fmt"
	"net/http"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/management"
)

func (s *Server) publish(w http.ResponseWriter, r *http.Request) error {
	var in leadership.NewPitch
	if err := decode(r, &in); err != nil {
		return err
	}
	p, err := s.svc.Publish(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/pitches/"+p.ID.String())
	writeJSON(w, http.StatusCreated, p)
	return nil
}

func (s *Server) getPitch(w http.ResponseWriter, r *http.Request) error {
	// A pitch reads the same for everyone: its answer is cached until a
	// commit changes that pitch.
	id, err := pathID(r, "id", "pitch")
	if err != nil {
		return err
	}
	key := r.PathValue("id")
	version := s.svc.PitchVersion(id)
	if b, ok := s.pitches.get(key, version); ok {
		writeRaw(w, http.StatusOK, b)
		return nil
	}
	p, err := s.svc.Pitch(r.Context(), id)
	if err != nil {
		return err
	}
	b, err := marshal(p)
	if err != nil {
		return err
	}
	s.pitches.put(key, version, b)
	writeRaw(w, http.StatusOK, b)
	return nil
}

func (s *Server) listPitches(w http.ResponseWriter, r *http.Request) error {
	f, pg, err := pitchFilter(r)
	if err != nil {
		return err
	}
	// Lists are the same for every reader: answers are cached until the
	// next commit, by the filter as read, so that the order of parameters,
	// their spelling (limit=050) or parameters the list ignores share one
	// entry.
	key := pitchListKey(f)
	version := s.svc.Version()
	if b, ok := s.lists.get(key, version); ok {
		writeRaw(w, http.StatusOK, b)
		return nil
	}
	items, err := s.svc.Pitches(r.Context(), f)
	if err != nil {
		return err
	}
	b, err := marshal(list(items, pg, func(p *leadership.Pitch) wayfare.ID { return p.ID }))
	if err != nil {
		return err
	}
	s.lists.put(key, version, b)
	writeRaw(w, http.StatusOK, b)
	return nil
}

// pitchFilter reads the pitch list's filter and page from the query; the
// filter asks for one more item than the page, to learn whether another
// page follows.
func pitchFilter(r *http.Request) (leadership.PitchFilter, wayfare.Page, error) {
	pg, err := page(r)
	if err != nil {
		return leadership.PitchFilter{}, pg, err
	}
	q := r.URL.Query()
	f := leadership.PitchFilter{Page: pg.Peek(), Query: q.Get("q"), Status: leadership.Status(q.Get("status")), Kind: leadership.Kind(q.Get("kind"))}
	if f.Status != "" && !f.Status.Valid() {
		return f, pg, wayfare.FieldError("status", "must be one of selling, adopted, declined, deferred, merged, withdrawn, showing")
	}
	if f.Kind != "" && f.Kind != leadership.Proposal && f.Kind != leadership.Example {
		return f, pg, wayfare.FieldError("kind", "must be proposal or example")
	}
	if f.GroupID, err = queryID(r, "group_id"); err != nil {
		return f, pg, err
	}
	f.AuthorID, err = queryID(r, "author_id")
	return f, pg, err
}

// pitchListKey is the cache key of a pitch list: the normalised filter.
func pitchListKey(f leadership.PitchFilter) string {
	return fmt.Sprintf("l%d c%d s%s k%s g%d a%d q%s", f.Limit, f.Cursor, f.Status, f.Kind, f.GroupID, f.AuthorID, f.Query)
}

func (s *Server) withdraw(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "pitch")
	if err != nil {
		return err
	}
	p, err := s.svc.Withdraw(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) buyTicket(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "pitch")
	if err != nil {
		return err
	}
	t, created, err := s.svc.BuyTicket(r.Context(), id)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, t)
	return nil
}

func (s *Server) refundTicket(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "pitch")
	if err != nil {
		return err
	}
	if err := s.svc.RefundTicket(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) decide(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "pitch")
	if err != nil {
		return err
	}
	var in management.NewDecision
	if err := decode(r, &in); err != nil {
		return err
	}
	d, err := s.svc.Decide(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, d)
	return nil
}

func (s *Server) listDecisions(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "pitch")
	if err != nil {
		return err
	}
	if _, err := s.svc.Pitch(r.Context(), id); err != nil {
		return err
	}
	items, err := s.svc.Decisions(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, List[*management.Decision]{Items: items})
	return nil
}
