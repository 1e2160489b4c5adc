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

func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request) error {
	items, err := s.svc.Webhooks(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, List[*notifications.Webhook]{Items: items})
	return nil
}

func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request) error {
	var in notifications.NewWebhook
	if err := decode(r, &in); err != nil {
		return err
	}
	in.AllowPrivate = s.WebhooksAllowPrivate
	hook, err := s.svc.CreateWebhook(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store") // the secret is in this answer only
	writeJSON(w, http.StatusCreated, hook)
	return nil
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "webhook")
	if err != nil {
		return err
	}
	if err := s.svc.DeleteWebhook(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) webhookDeliveries(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "webhook")
	if err != nil {
		return err
	}
	pg, err := page(r)
	if err != nil {
		return err
	}
	items, err := s.svc.WebhookAttempts(r.Context(), id, pg.Peek())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list(items, pg, func(a *notifications.Attempt) wayfare.ID { return a.ID }))
	return nil
}

// requestReset sends a link to set a new password; the answer is the same
// whether or not the address is known.
func (s *Server) requestReset(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Email string `json:"email"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := s.svc.RequestLink(r.Context(), in.Email, notifications.LinkReset); err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"status": "If an account uses this address, a link to set a new password is on its way."})
	return nil
}

func (s *Server) invite(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "person")
	if err != nil {
		return err
	}
	if err := decodeOptional(r, &struct{}{}); err != nil {
		return err
	}
	if err := s.svc.Invite(r.Context(), id); err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"status": "The invitation is on its way."})
	return nil
}
