package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/ledger"
	"github.com/wayfare-org/wayfare/notifications"
	"github.com/wayfare-org/wayfare/notifications/webhook"
)

// queueWebhooks queues, for every enabled endpoint, the acts after from up
// to to of the kinds it takes; each act once per endpoint.
func (tx *Tx) queueWebhooks(from, to wayfare.ID) error {
	_, err := tx.exec(`INSERT INTO webhook_deliveries (webhook_id, act_id, due_at, created_at)
		SELECT w.id, a.id, ?, ? FROM acts a JOIN webhooks w ON w.enabled = 1 AND a.id > w.after_act
			AND (w.kinds = '' OR w.kinds LIKE '%,' || a.verb || ',%')
		WHERE a.id > ? AND a.id <= ?
		ON CONFLICT (webhook_id, act_id) DO NOTHING`, micros(tx.now), micros(tx.now), from, to)
	return err
}

// CreateWebhook registers an endpoint; see notifications.WebhookService.
func (db *DB) CreateWebhook(ctx context.Context, in notifications.NewWebhook) (*notifications.Webhook, error) {
	actor := wayfare.ActorFrom(ctx)
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	w := &notifications.Webhook{URL: in.URL, Format: webhook.Format(in.Format), Kinds: in.Kinds, Enabled: true,
		Secret: webhook.NewSecret()}
	if w.Kinds == nil {
		w.Kinds = []string{}
	}
	err := db.update(ctx, func(tx *Tx) error {
		var err error
		w.CreatedAt = tx.now
		w.ID, err = tx.insert(`INSERT INTO webhooks (url, format, kinds, secret, created_by, after_act, created_at)
			VALUES (?, ?, ?, ?, ?, (SELECT coalesce(max(id), 0) FROM acts), ?)`,
			w.URL, string(w.Format), joinKinds(w.Kinds), w.Secret, nullPerson(actor.PersonID), micros(tx.now))
		if err != nil {
			return err
		}
		return tx.act(ledger.WebhookAdded, "organization", 1, 0, map[string]any{"webhook_id": w.ID, "url": w.URL, "format": w.Format})
	})
	if err != nil {
		return nil, err
	}
	return w, nil
}

func nullPerson(id wayfare.ID) any {
	if id == 0 {
		return nil
	}
	return id
}

func joinKinds(kinds []string) string {
	if len(kinds) == 0 {
		return ""
	}
	return "," + strings.Join(kinds, ",") + ","
}

func splitKinds(s string) []string {
	out := []string{}
	for _, k := range strings.Split(strings.Trim(s, ","), ",") {
		if k != "" {
			out = append(out, k)
		}
	}
	return out
}

// Webhooks lists the endpoints, without their secrets.
func (db *DB) Webhooks(ctx context.Context) ([]*notifications.Webhook, error) {
	if err := requireAdmin(wayfare.ActorFrom(ctx)); err != nil {
		return nil, err
	}
	rows, err := db.readQuery(ctx, `SELECT id, url, format, kinds, enabled, disabled_why, created_at FROM webhooks ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*notifications.Webhook{}
	for rows.Next() {
		w := &notifications.Webhook{}
		var kinds string
		var created int64
		if err := rows.Scan(&w.ID, &w.URL, &w.Format, &kinds, &w.Enabled, &w.Disabled, &created); err != nil {
			return nil, err
		}
		w.Kinds, w.CreatedAt = splitKinds(kinds), fromMicros(created)
		out = append(out, w)
	}
	return out, rows.Err()
}

// DeleteWebhook removes an endpoint and its delivery log.
func (db *DB) DeleteWebhook(ctx context.Context, id wayfare.ID) error {
	if err := requireAdmin(wayfare.ActorFrom(ctx)); err != nil {
		return err
	}
	return db.update(ctx, func(tx *Tx) error {
		var url string
		if err := tx.row(`SELECT url FROM webhooks WHERE id = ?`, id).Scan(&url); errors.Is(err, sql.ErrNoRows) {
			return wayfare.NotFound("webhook")
		} else if err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM webhook_attempts WHERE webhook_id = ?`, `DELETE FROM webhook_deliveries WHERE webhook_id = ?`,
			`DELETE FROM webhooks WHERE id = ?`} {
			if _, err := tx.exec(q, id); err != nil {
				return err
			}
		}
		return tx.act(ledger.WebhookRemoved, "organization", 1, 0, map[string]any{"webhook_id": id, "url": url})
	})
}

// WebhookAttempts lists an endpoint's delivery log, newest first.
func (db *DB) WebhookAttempts(ctx context.Context, id wayfare.ID, p wayfare.Page) ([]*notifications.Attempt, error) {
	if err := requireAdmin(wayfare.ActorFrom(ctx)); err != nil {
		return nil, err
	}
	var exists bool
	if err := db.readRow(ctx, `SELECT EXISTS (SELECT 1 FROM webhooks WHERE id = ?)`, id).Scan(&exists); err != nil {
		return nil, err
	}
	if !exists {
		return nil, wayfare.NotFound("webhook")
	}
	p = p.Normalize()
	rows, err := db.readQuery(ctx, `SELECT t.id, t.at, d.act_id, t.status, t.latency_ms, t.error, t.excerpt
		FROM webhook_attempts t JOIN webhook_deliveries d ON d.id = t.delivery_id
		WHERE t.webhook_id = ? AND (? = 0 OR t.id < ?) ORDER BY t.id DESC LIMIT ?`, id, p.Cursor, p.Cursor, p.Limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*notifications.Attempt{}
	for rows.Next() {
		a := &notifications.Attempt{}
		var at int64
		if err := rows.Scan(&a.ID, &at, &a.ActID, &a.Status, &a.LatencyMS, &a.Error, &a.Excerpt); err != nil {
			return nil, err
		}
		a.At = fromMicros(at)
		out = append(out, a)
	}
	return out, rows.Err()
}

// DueWebhooks returns up to limit deliveries due at now, oldest first.
func (db *DB) DueWebhooks(ctx context.Context, now time.Time, limit int) ([]*notifications.HookDelivery, error) {
	rows, err := db.readQuery(ctx, `SELECT d.id, w.id, w.url, w.format, w.secret, d.attempts,
			a.id, a.at, a.person_id, a.function, a.verb, a.subject_kind, a.subject_id, a.group_id, a.payload
		FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id JOIN acts a ON a.id = d.act_id
		WHERE d.state = 'pending' AND d.due_at <= ? AND w.enabled = 1 ORDER BY d.due_at, d.id LIMIT ?`, micros(now), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*notifications.HookDelivery
	for rows.Next() {
		d := &notifications.HookDelivery{Act: &wayfare.Act{}}
		a := d.Act
		var at int64
		var group sql.NullInt64
		var payload sql.NullString
		if err := rows.Scan(&d.ID, &d.WebhookID, &d.URL, &d.Format, &d.Secret, &d.Attempts,
			&a.ID, &at, &a.PersonID, &a.Function, &a.Verb, &a.SubjectKind, &a.SubjectID, &group, &payload); err != nil {
			return nil, err
		}
		a.At, a.GroupID = fromMicros(at), wayfare.ID(group.Int64)
		if payload.Valid {
			a.Payload = []byte(payload.String)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// WebhookDone records attempts: a delivery sent, retried later or given
// up; an endpoint given up is disabled, in an act that tells the admins.
func (db *DB) WebhookDone(ctx context.Context, results []notifications.HookResult) error {
	if len(results) == 0 {
		return nil
	}
	return db.quietly(ctx, func(tx *Tx) error {
		disabled := map[wayfare.ID]bool{}
		for _, r := range results {
			d, o := r.Delivery, r.Outcome
			if _, err := tx.exec(`INSERT INTO webhook_attempts (delivery_id, webhook_id, at, status, latency_ms, error, excerpt)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, d.ID, d.WebhookID, micros(r.At), o.Status, o.Latency.Milliseconds(), o.Err, o.Excerpt); err != nil {
				return err
			}
			state, due := "sent", micros(r.At)
			if !o.OK {
				state = "failed"
				if !r.Retry.IsZero() {
					state, due = "pending", micros(r.Retry)
				}
			}
			if _, err := tx.exec(`UPDATE webhook_deliveries SET state = ?, due_at = ?, attempts = attempts + 1 WHERE id = ?`,
				state, due, d.ID); err != nil {
				return err
			}
			if r.Disable != "" && !disabled[d.WebhookID] {
				disabled[d.WebhookID] = true
				if err := tx.disableWebhook(d.WebhookID, d.URL, r.Disable); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func (tx *Tx) disableWebhook(id wayfare.ID, url, why string) error {
	res, err := tx.exec(`UPDATE webhooks SET enabled = 0, disabled_why = ? WHERE id = ? AND enabled = 1`, why, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	if _, err := tx.exec(`UPDATE webhook_deliveries SET state = 'failed' WHERE webhook_id = ? AND state = 'pending'`, id); err != nil {
		return err
	}
	tx.quiet = false
	return tx.actBy(0, ledger.WebhookDisabled, "organization", 1, 0, map[string]any{"webhook_id": id, "url": url, "reason": why})
}
