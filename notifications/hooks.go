package notifications

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/notifications/webhook"
)

// HookDelivery is an act due at an endpoint.
type HookDelivery struct {
	ID        wayfare.ID
	WebhookID wayfare.ID
	URL       string
	Format    webhook.Format
	Secret    string
	Attempts  int // made so far
	Act       *wayfare.Act
}

// HookResult is what one attempt at a delivery came to.
type HookResult struct {
	Delivery *HookDelivery
	At       time.Time
	Outcome  webhook.Outcome
	// Retry is when to try again; the zero time ends the delivery: sent,
	// or given up (then the endpoint is disabled with Disable's reason).
	Retry   time.Time
	Disable string
}

// HookStore is what webhook delivery needs of the database.
type HookStore interface {
	DueWebhooks(ctx context.Context, now time.Time, limit int) ([]*HookDelivery, error)
	// WebhookDone records attempts; an endpoint given up is disabled and
	// the act that says so tells the admins.
	WebhookDone(ctx context.Context, results []HookResult) error
	Names(ctx context.Context, kind string, ids []wayfare.ID) (map[wayfare.ID]string, error)
}

// Hooks delivers the webhook requests that are due, several at once.
type Hooks struct {
	Store   HookStore
	Facts   Facts
	Client  *webhook.Client
	BaseURL string // absolute links in the messages; none when empty
	// Parallel bounds the deliveries in flight; 8 when zero.
	Parallel int
}

// RunDue delivers what is due at now, a batch at a time.
func (h *Hooks) RunDue(ctx context.Context, now time.Time) error {
	for range 20 {
		due, err := h.Store.DueWebhooks(ctx, now, 100)
		if err != nil || len(due) == 0 {
			return err
		}
		results := h.deliver(ctx, due, now)
		if err := h.Store.WebhookDone(ctx, results); err != nil {
			return err
		}
		if len(due) < 100 {
			return nil
		}
	}
	return nil
}

func (h *Hooks) deliver(ctx context.Context, due []*HookDelivery, now time.Time) []HookResult {
	results := make([]HookResult, len(due))
	limit := make(chan struct{}, max(h.Parallel, 8))
	var wg sync.WaitGroup
	for i, d := range due {
		wg.Add(1)
		limit <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-limit }()
			results[i] = h.attempt(ctx, d, now)
		}()
	}
	wg.Wait()
	return results
}

// attempt sends one delivery and decides what comes next.
func (h *Hooks) attempt(ctx context.Context, d *HookDelivery, now time.Time) HookResult {
	r := HookResult{Delivery: d, At: now}
	ev, err := h.event(ctx, d)
	var body []byte
	var header map[string][]string
	if err == nil {
		var ctype string
		body, ctype, err = webhook.Build(d.Format, ev)
		if err == nil {
			header, err = webhook.Headers(d.Secret, ev, body, time.Now())
			if err == nil {
				header["Content-Type"] = []string{ctype}
			}
		}
	}
	if err != nil {
		r.Outcome = webhook.Outcome{Err: err.Error()}
		r.Disable = "its messages cannot be built: " + err.Error()
		return r
	}
	r.Outcome = h.Client.Deliver(ctx, d.URL, body, header)
	switch {
	case r.Outcome.OK:
	case r.Outcome.Gone:
		r.Disable = "the endpoint answered 410 Gone"
	default:
		wait, more := webhook.Backoff(d.Attempts + 1)
		if !more {
			r.Disable = "every attempt failed for three days; the last: " + describeOutcome(r.Outcome)
			break
		}
		r.Retry = now.Add(max(wait, r.Outcome.RetryAfter))
	}
	return r
}

func describeOutcome(o webhook.Outcome) string {
	if o.Err != "" {
		return o.Err
	}
	return fmt.Sprintf("status %d", o.Status)
}

// event describes an act for webhooks: the act itself (without its person
// when the organization keeps follows private and it is a follower's) and
// a line for people.
func (h *Hooks) event(ctx context.Context, d *HookDelivery) (webhook.Event, error) {
	a := *d.Act
	private, err := h.Facts.FollowsPrivate(ctx)
	if err != nil {
		return webhook.Event{}, err
	}
	if private && a.Function == wayfare.Follower {
		a.PersonID = 0
	}
	data, err := json.Marshal(&a)
	if err != nil {
		return webhook.Event{}, err
	}
	who, what := "Someone", a.SubjectKind+" "+a.SubjectID.String()
	if a.PersonID != 0 {
		if n, err := h.Store.Names(ctx, "person", []wayfare.ID{a.PersonID}); err == nil && n[a.PersonID] != "" {
			who = n[a.PersonID]
		}
	} else if a.Function == wayfare.Admin {
		who = "Wayfare"
	}
	if n, err := h.Store.Names(ctx, a.SubjectKind, []wayfare.ID{a.SubjectID}); err == nil && n[a.SubjectID] != "" {
		what = "“" + n[a.SubjectID] + "”"
	}
	ev := webhook.Event{ID: fmt.Sprintf("msg_%d_%d", d.WebhookID, a.ID), Type: a.Verb, Timestamp: a.At, Data: data,
		Title: who + " · " + verbWords(a.Verb) + " · " + what, Function: string(a.Function),
		Text: fmt.Sprintf("%s (%s) on %s.", verbWords(a.Verb), a.Function, what)}
	if h.BaseURL != "" {
		ev.URL = h.BaseURL + subjectPath(a.SubjectKind, a.SubjectID)
	}
	return ev, nil
}

func verbWords(v string) string {
	w := strings.NewReplacer(".", " ", "_", " ").Replace(v)
	return strings.ToUpper(w[:1]) + w[1:]
}

func subjectPath(kind string, id wayfare.ID) string {
	switch kind {
	case "pitch":
		return "/pitches/" + id.String()
	case "journey":
		return "/journeys/" + id.String()
	case "session":
		return "/sessions/" + id.String()
	case "person":
		return "/people/" + id.String()
	case "group":
		return "/groups/" + id.String()
	}
	return "/acts"
}
