package notifications

import (
	"context"
	"strings"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/ledger"
	"github.com/wayfare-org/wayfare/notifications/webhook"
)

// Webhook is an endpoint that receives acts of the ledger.
type Webhook struct {
	ID     wayfare.ID     `json:"id"`
	URL    string         `json:"url"`
	Format webhook.Format `json:"format"`
	// Kinds are the verbs of the acts it receives; empty for every act.
	Kinds   []string `json:"kinds"`
	Enabled bool     `json:"enabled"`
	// Disabled says why the endpoint no longer receives acts.
	Disabled  string    `json:"disabled,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	// Secret signs the requests; it is in the answer that creates the
	// endpoint only.
	Secret string `json:"secret,omitempty"`
}

// NewWebhook registers an endpoint.
type NewWebhook struct {
	URL    string   `json:"url"`
	Format string   `json:"format"`
	Kinds  []string `json:"kinds,omitempty"`
	// AllowPrivate lets the URL name loopback and private addresses: the
	// server's --webhook-allow-private, never the client's choice.
	AllowPrivate bool `json:"-"`
}

// Validate checks every field; the format defaults to standard.
func (w *NewWebhook) Validate() error {
	var f wayfare.Fields
	w.URL = strings.TrimSpace(w.URL)
	if len(w.URL) > 2000 {
		f.Add(wayfare.FieldError("url", "must be at most 2,000 characters"))
	} else {
		f.Add(webhook.CheckURL(w.URL, w.AllowPrivate))
	}
	if format, err := webhook.ParseFormat(w.Format); err != nil {
		f.Add(err)
	} else {
		w.Format = string(format)
	}
	seen := map[string]bool{}
	var kinds []string
	for _, k := range w.Kinds {
		if _, ok := ledger.FunctionOf(k); !ok {
			f.Add(wayfare.FieldError("kinds", "%q is not a verb of the ledger", k))
			continue
		}
		if !seen[k] {
			seen[k] = true
			kinds = append(kinds, k)
		}
	}
	w.Kinds = kinds
	return f.Err()
}

// Attempt is one try at delivering an act to an endpoint.
type Attempt struct {
	ID        wayfare.ID `json:"-"`
	At        time.Time  `json:"at"`
	ActID     wayfare.ID `json:"act_id"`
	Status    int        `json:"status"`
	LatencyMS int64      `json:"latency_ms"`
	Error     string     `json:"error,omitempty"`
	Excerpt   string     `json:"response_excerpt"`
}

// WebhookService registers endpoints. Admins only (EFORBIDDEN otherwise).
type WebhookService interface {
	CreateWebhook(ctx context.Context, in NewWebhook) (*Webhook, error)
	Webhooks(ctx context.Context) ([]*Webhook, error)
	DeleteWebhook(ctx context.Context, id wayfare.ID) error
	// WebhookAttempts lists an endpoint's delivery log, newest first.
	WebhookAttempts(ctx context.Context, id wayfare.ID, p wayfare.Page) ([]*Attempt, error)
}
