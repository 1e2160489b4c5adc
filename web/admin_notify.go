package web

import (
	"net/http"
	"strings"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/notifications"
	"github.com/wayfare-org/wayfare/store"
)

// mailView is the mail panel of the settings page.
type mailView struct {
	Configured bool
	Last       store.MailStatus
	Failed     []store.FailedMail
}

// hooksView is the webhooks panel of the settings page.
type hooksView struct {
	Hooks   []*hookView
	Created *notifications.Webhook // just registered: its secret, shown this once
	URL     string
	Format  string
	Kinds   string
}

type hookView struct {
	*notifications.Webhook
	Attempts []*notifications.Attempt
}

func (s *Server) notifySettings(r *http.Request, v *adminSettingsView) error {
	var err error
	v.Mail.Configured = s.cfg.Mail
	if v.Mail.Last, err = s.svc.LastMail(r.Context()); err != nil {
		return err
	}
	if v.Mail.Failed, err = s.svc.FailedMail(r.Context(), 20); err != nil {
		return err
	}
	hooks, err := s.svc.Webhooks(r.Context())
	if err != nil {
		return err
	}
	v.Hooks.Hooks = nil
	for _, h := range hooks {
		hv := &hookView{Webhook: h}
		if hv.Attempts, err = s.svc.WebhookAttempts(r.Context(), h.ID, wayfare.Page{Limit: 10}); err != nil {
			return err
		}
		v.Hooks.Hooks = append(v.Hooks.Hooks, hv)
	}
	if v.Hooks.Format == "" {
		v.Hooks.Format = "standard"
	}
	return nil
}

// adminCreateWebhook registers an endpoint and shows its secret once.
func (s *Server) adminCreateWebhook(w http.ResponseWriter, r *http.Request) error {
	v := &adminSettingsView{SCIM: scimView{Expires: "365d"}}
	v.Hooks.URL, v.Hooks.Format, v.Hooks.Kinds = r.PostFormValue("url"), r.PostFormValue("format"), r.PostFormValue("kinds")
	in := notifications.NewWebhook{URL: v.Hooks.URL, Format: v.Hooks.Format, AllowPrivate: s.cfg.WebhooksAllowPrivate}
	for _, k := range strings.FieldsFunc(v.Hooks.Kinds, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' }) {
		in.Kinds = append(in.Kinds, k)
	}
	hook, err := s.svc.CreateWebhook(r.Context(), in)
	if e, ok := refused(err); ok {
		v.Problem = e
		return s.renderSettings(w, r, http.StatusBadRequest, v)
	} else if err != nil {
		return err
	}
	v.Hooks = hooksView{Created: hook, Format: "standard"}
	w.Header().Set("Cache-Control", "no-store")
	return s.renderSettings(w, r, http.StatusCreated, v)
}

func (s *Server) adminDeleteWebhook(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.svc.DeleteWebhook(r.Context(), id); err != nil {
		return err
	}
	return s.back(w, r, "/admin/settings#webhooks", "The webhook is removed.")
}

// adminInvite mails a person a link to set their password.
func (s *Server) adminInvite(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if !s.cfg.Mail {
		return wayfare.Conflict("no-mail", "no mail server is configured: set a password for them instead")
	}
	if err := s.svc.Invite(r.Context(), id); err != nil {
		return err
	}
	return s.back(w, r, "/admin/people/"+id.String(), "The invitation is on its way: the link works once, for an hour.")
}
