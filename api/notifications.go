package api

import (
	"net/http"
	"strconv"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/notifications"
)

func (s *Server) listNotifications(w http.ResponseWriter, r *http.Request) error {
	pg, err := page(r)
	if err != nil {
		return err
	}
	f := notifications.Filter{Page: pg.Peek()}
	if v := r.URL.Query().Get("unread"); v != "" {
		if f.Unread, err = strconv.ParseBool(v); err != nil {
			return wayfare.FieldError("unread", "must be true or false")
		}
	}
	items, err := s.svc.Notifications(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list(items, pg, func(n *notifications.Notification) wayfare.ID { return n.ID }))
	return nil
}

func (s *Server) markRead(w http.ResponseWriter, r *http.Request) error {
	var in notifications.Read
	if err := decode(r, &in); err != nil {
		return err
	}
	n, err := s.svc.MarkRead(r.Context(), in)
	if err != nil {
		return err
	}
	unread, err := s.svc.Unread(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]int{"marked": n, "unread": unread})
	return nil
}

func (s *Server) getPreferences(w http.ResponseWriter, r *http.Request) error {
	p, err := s.svc.Preferences(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) setPreferences(w http.ResponseWriter, r *http.Request) error {
	var in notifications.Preferences
	if err := decode(r, &in); err != nil {
		return err
	}
	p, err := s.svc.SetPreferences(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}
