package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/notifications"
)

// Lease takes or renews the named job's lease for holder: true while
// holder holds it. Several processes on one database run each job once.
func (db *DB) Lease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	held := false
	err := db.quietly(ctx, func(tx *Tx) error {
		var who string
		err := tx.row(`INSERT INTO leases (name, holder, until) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
			WHERE leases.holder = excluded.holder OR leases.until < ?
			RETURNING holder`, name, holder, micros(tx.now.Add(ttl)), micros(tx.now)).Scan(&who)
		if errors.Is(err, sql.ErrNoRows) {
			held = false
			return nil
		}
		held = err == nil && who == holder
		return err
	})
	return held, err
}

// Release gives a lease up, so that another process may take it at once.
func (db *DB) Release(ctx context.Context, name, holder string) error {
	return db.quietly(ctx, func(tx *Tx) error {
		_, err := tx.exec(`DELETE FROM leases WHERE name = ? AND holder = ?`, name, holder)
		return err
	})
}

// DueMail returns up to limit mails due at now, oldest first.
func (db *DB) DueMail(ctx context.Context, now time.Time, limit int) ([]*notifications.Mail, error) {
	rows, err := db.readQuery(ctx, `SELECT o.id, o.person_id, o.kind, p.name, p.email, p.status = 'active', o.attempts, o.notification_id, o.period, o.payload
		FROM mail_outbox o JOIN people p ON p.id = o.person_id
		WHERE o.state = 'pending' AND o.due_at <= ? ORDER BY o.due_at, o.id LIMIT ?`, micros(now), limit)
	if err != nil {
		return nil, err
	}
	var out []*notifications.Mail
	var payloads []string
	for rows.Next() {
		m := &notifications.Mail{}
		var nid sql.NullInt64
		var payload string
		if err := rows.Scan(&m.ID, &m.PersonID, &m.Kind, &m.Name, &m.Email, &m.Active, &m.Attempts, &nid, &m.Period, &payload); err != nil {
			rows.Close()
			return nil, err
		}
		if nid.Valid {
			m.Notice = &notifications.Notification{ID: wayfare.ID(nid.Int64)}
		}
		out = append(out, m)
		payloads = append(payloads, strings.TrimSpace(payload))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i, m := range out {
		if m.Kind == "account" {
			var a notifications.AccountMail
			if err := json.Unmarshal([]byte(payloads[i]), &a); err == nil {
				m.Account = &a
			}
			continue
		}
		if err := db.fillMail(ctx, m, payloads[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// fillMail reads the notifications a mail tells.
func (db *DB) fillMail(ctx context.Context, m *notifications.Mail, payload string) error {
	var ids []wayfare.ID
	if m.Notice != nil {
		ids = []wayfare.ID{m.Notice.ID}
	} else if payload != "" {
		if err := json.Unmarshal([]byte(payload), &ids); err != nil {
			return err
		}
	}
	for _, id := range ids {
		n := &notifications.Notification{ID: id, PersonID: m.PersonID}
		var created int64
		var read sql.NullInt64
		err := db.readRow(ctx, `SELECT kind, act_id, subject, body, url, thread, topic, created_at, read_at FROM notifications WHERE id = ?`, id).Scan(
			&n.Kind, &n.ActID, &n.Subject, &n.Text, &n.URL, &n.Thread, &n.Topic, &created, &read)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		} else if err != nil {
			return err
		}
		n.CreatedAt, n.ReadAt = fromMicros(created), timePtr(read)
		if m.Notice != nil {
			m.Notice = n
		} else {
			m.Items = append(m.Items, n)
		}
	}
	return nil
}

// MailDone records what became of mails, and the last answer of the mail
// server for the admins' settings page.
func (db *DB) MailDone(ctx context.Context, done []notifications.Sent) error {
	if len(done) == 0 {
		return nil
	}
	return db.quietly(ctx, func(tx *Tx) error {
		var last *notifications.Sent
		for i := range done {
			s := &done[i]
			var err error
			switch {
			case s.Dropped:
				_, err = tx.exec(`UPDATE mail_outbox SET state = 'dropped', answer = ? WHERE id = ? AND state = 'pending'`, s.Answer, s.ID)
			case s.OK:
				_, err = tx.exec(`UPDATE mail_outbox SET state = 'sent', answer = ?, attempts = attempts + 1, sent_at = ?,
					payload = CASE WHEN kind = 'account' THEN '' ELSE payload END WHERE id = ? AND state = 'pending'`,
					s.Answer, micros(tx.now), s.ID)
			case !s.Retry.IsZero():
				_, err = tx.exec(`UPDATE mail_outbox SET answer = ?, attempts = attempts + 1, due_at = ? WHERE id = ? AND state = 'pending'`,
					s.Answer, micros(s.Retry), s.ID)
			default:
				_, err = tx.exec(`UPDATE mail_outbox SET state = 'failed', answer = ?, attempts = attempts + 1,
					payload = CASE WHEN kind = 'account' THEN '' ELSE payload END WHERE id = ? AND state = 'pending'`,
					s.Answer, s.ID)
			}
			if err != nil {
				return err
			}
			if !s.Dropped {
				last = s
			}
		}
		if last == nil {
			return nil
		}
		return tx.setMailStatus(MailStatus{At: tx.now, Answer: last.Answer, OK: last.OK})
	})
}

// MailStatus is the last answer of the mail server.
type MailStatus struct {
	At     time.Time `json:"at"`
	Answer string    `json:"answer"`
	OK     bool      `json:"ok"`
	// Pending and Failed count the mails waiting and given up.
	Pending int `json:"-"`
	Failed  int `json:"-"`
}

func (tx *Tx) setMailStatus(s MailStatus) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	_, err = tx.exec(`INSERT INTO settings (key, value) VALUES ('mail.last', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, string(b))
	return err
}

// RecordMailTest keeps the answer of a test message as the last answer.
func (db *DB) RecordMailTest(ctx context.Context, answer string, ok bool) error {
	return db.quietly(ctx, func(tx *Tx) error {
		return tx.setMailStatus(MailStatus{At: tx.now, Answer: answer, OK: ok})
	})
}

// LastMail returns the last answer of the mail server (zero if none yet)
// and how many mails wait or failed.
func (db *DB) LastMail(ctx context.Context) (MailStatus, error) {
	var s MailStatus
	var raw string
	err := db.readRow(ctx, `SELECT value FROM settings WHERE key = 'mail.last'`).Scan(&raw)
	if err == nil {
		err = json.Unmarshal([]byte(raw), &s)
	} else if errors.Is(err, sql.ErrNoRows) {
		err = nil
	}
	if err != nil {
		return s, err
	}
	err = db.readRow(ctx, `SELECT count(CASE WHEN state = 'pending' THEN 1 END), count(CASE WHEN state = 'failed' THEN 1 END)
		FROM mail_outbox WHERE state IN ('pending', 'failed')`).Scan(&s.Pending, &s.Failed)
	return s, err
}

// FailedMail lists the mails given up, newest first, for the admins.
func (db *DB) FailedMail(ctx context.Context, limit int) ([]FailedMail, error) {
	rows, err := db.readQuery(ctx, `SELECT o.id, p.name, p.email, o.kind, o.attempts, o.answer, o.created_at
		FROM mail_outbox o JOIN people p ON p.id = o.person_id WHERE o.state = 'failed' ORDER BY o.id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []FailedMail
	for rows.Next() {
		var f FailedMail
		var at int64
		if err := rows.Scan(&f.ID, &f.Name, &f.Email, &f.Kind, &f.Attempts, &f.Answer, &at); err != nil {
			return nil, err
		}
		f.At = fromMicros(at)
		out = append(out, f)
	}
	return out, rows.Err()
}

// FailedMail is a mail the outbox gave up on.
type FailedMail struct {
	ID                        wayfare.ID
	Name, Email, Kind, Answer string
	Attempts                  int
	At                        time.Time
}

// quietly runs fn as the system in a write transaction that changes
// nothing a cache keyed by the store's version shows.
func (db *DB) quietly(ctx context.Context, fn func(*Tx) error) error {
	return db.update(wayfare.WithActor(ctx, wayfare.Actor{System: true}), func(tx *Tx) error {
		tx.quiet = true
		return fn(tx)
	})
}
