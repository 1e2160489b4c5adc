package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/api"
	"github.com/wayfare-org/wayfare/notifications"
)

// inboxPage is how many notifications /notifications shows.
const inboxPage = 100

type notificationsView struct {
	base
	New, Earlier []*notifications.Notification
}

// notificationsPage lists the reader's inbox: unread first, each part
// newest first.
func (s *Server) notificationsPage(w http.ResponseWriter, r *http.Request) error {
	items, err := s.svc.Notifications(r.Context(), notifications.Filter{Page: wayfare.Page{Limit: inboxPage}})
	if err != nil {
		return err
	}
	v := &notificationsView{base: base{Title: "Notifications"}}
	for _, n := range items {
		if n.ReadAt == nil {
			v.New = append(v.New, n)
		} else {
			v.Earlier = append(v.Earlier, n)
		}
	}
	s.render(w, r, http.StatusOK, "notifications", v)
	return nil
}

// openNotification marks a notification read and follows its link.
func (s *Server) openNotification(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	n, err := s.svc.Notification(r.Context(), id)
	if err != nil {
		return err
	}
	if n.ReadAt == nil {
		if _, err := s.svc.MarkRead(r.Context(), notifications.Read{IDs: []wayfare.ID{id}}); err != nil {
			return err
		}
	}
	http.Redirect(w, r, localPath(n.URL), http.StatusSeeOther)
	return nil
}

// localPath keeps a link on this site.
func localPath(u string) string {
	if !strings.HasPrefix(u, "/") || strings.HasPrefix(u, "//") || strings.HasPrefix(u, "/\\") {
		return "/notifications"
	}
	return u
}

// markRead marks one notification (id) or all of them (all) read.
func (s *Server) markRead(w http.ResponseWriter, r *http.Request) error {
	in := notifications.Read{All: r.PostFormValue("all") != ""}
	for _, v := range r.PostForm["id"] {
		id, err := wayfare.ParseID(v)
		if err != nil {
			return wayfare.FieldError("id", "is not a notification")
		}
		in.IDs = append(in.IDs, id)
	}
	n, err := s.svc.MarkRead(r.Context(), in)
	if err != nil {
		return err
	}
	msg := "Marked read."
	if in.All {
		msg = "All " + strconv.Itoa(n) + " marked read."
	}
	return s.back(w, r, "/notifications", msg)
}

type preferencesView struct {
	base
	Prefs *notifications.Preferences
	Kinds []notifications.Kind
	Zones []string
	Hours []int
}

// commonZones are offered first in the time-zone list; any IANA zone is
// accepted.
var commonZones = []string{"UTC", "Europe/London", "Europe/Paris", "Europe/Berlin", "Europe/Madrid", "Europe/Warsaw",
	"America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Sao_Paulo",
	"Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney", "Africa/Lagos", "Africa/Nairobi"}

func (s *Server) preferencesPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.svc.Preferences(r.Context())
	if err != nil {
		return err
	}
	return s.renderPreferences(w, r, http.StatusOK, p, nil)
}

func (s *Server) renderPreferences(w http.ResponseWriter, r *http.Request, status int, p *notifications.Preferences, problem *wayfare.Error) error {
	v := &preferencesView{base: base{Title: "Notification settings", Problem: problem}, Prefs: p, Kinds: notifications.Kinds()}
	v.Zones = commonZones
	found := false
	for _, z := range commonZones {
		found = found || z == p.TimeZone
	}
	if !found {
		v.Zones = append([]string{p.TimeZone}, commonZones...)
	}
	for h := range 24 {
		v.Hours = append(v.Hours, h)
	}
	s.render(w, r, status, "preferences", v)
	return nil
}

func (s *Server) savePreferences(w http.ResponseWriter, r *http.Request) error {
	p := notifications.Preferences{Email: notifications.Frequency(r.PostFormValue("email")),
		TimeZone: strings.TrimSpace(r.PostFormValue("time_zone")), Kinds: map[notifications.Kind]bool{}}
	hour, err := strconv.Atoi(r.PostFormValue("digest_hour"))
	if err != nil {
		hour = -1
	}
	p.DigestHour = hour
	mailed := map[string]bool{}
	for _, k := range r.PostForm["kind"] {
		mailed[k] = true
	}
	for _, k := range notifications.Kinds() {
		p.Kinds[k] = mailed[string(k)]
	}
	saved, err := s.svc.SetPreferences(r.Context(), p)
	if e, ok := refused(err); ok {
		return s.renderPreferences(w, r, http.StatusBadRequest, &p, e)
	} else if err != nil {
		return err
	}
	msg := "Saved: e-mail " + string(saved.Email) + "."
	if saved.Email.Digest() {
		msg = "Saved: a " + string(saved.Email) + " digest at " + strconv.Itoa(saved.DigestHour) + ":00, " + saved.TimeZone + "."
	}
	return s.back(w, r, "/account/notifications", msg)
}

type unsubscribeView struct {
	base
	Token string
	Done  bool
}

// unsubscribePage asks to confirm, without signing in: a GET never
// unsubscribes, so that mail scanners following links change nothing.
func (s *Server) unsubscribePage(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.unsubscriber(r); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "unsubscribe", &unsubscribeView{base: base{Title: "Unsubscribe"}, Token: r.PathValue("token")})
	return nil
}

// unsubscribe turns notification e-mail off: the RFC 8058 one-click POST
// of mail clients, and the page's button.
func (s *Server) unsubscribe(w http.ResponseWriter, r *http.Request) error {
	id, err := s.unsubscriber(r)
	if err != nil {
		return err
	}
	if err := s.svc.Unsubscribe(r.Context(), id); err != nil {
		return err
	}
	if r.PostFormValue("List-Unsubscribe") == "One-Click" {
		w.WriteHeader(http.StatusOK)
		w.Write([]byte("Unsubscribed.\n"))
		return nil
	}
	s.render(w, r, http.StatusOK, "unsubscribe", &unsubscribeView{base: base{Title: "Unsubscribed"}, Done: true})
	return nil
}

func (s *Server) unsubscriber(r *http.Request) (wayfare.ID, error) {
	key, err := s.svc.LinkKey(r.Context())
	if err != nil {
		return 0, err
	}
	id, ok := notifications.ParseUnsubscribe(key, r.PathValue("token"))
	if !ok {
		return 0, wayfare.NotFound("unsubscribe link (it may have been copied incompletely)")
	}
	return id, nil
}

// inbox tells a page's stream of changes to the reader's unread count.
func (s *Server) inbox(r *http.Request) *api.Inbox {
	id := s.me(r).ID
	return &api.Inbox{Changed: s.svc.InboxChanged, Version: func() uint64 { return s.svc.InboxVersion(id) },
		Unread: s.svc.Unread}
}
