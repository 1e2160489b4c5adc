package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/notifications"
)

// The consumer of the ledger that writes notifications keeps its position
// under this name.
const notifyJob = "notify"

// NoticePosition returns the newest act the notifications were derived
// from, and up to limit acts after it, oldest first.
func (db *DB) NoticePosition(ctx context.Context, limit int) (wayfare.ID, []*wayfare.Act, error) {
	var pos wayfare.ID
	if err := db.readRow(ctx, `SELECT position FROM job_positions WHERE name = ?`, notifyJob).Scan(&pos); err != nil {
		return 0, nil, err
	}
	rows, err := db.readQuery(ctx, `SELECT `+actColumns+` FROM acts WHERE id > ? ORDER BY id LIMIT ?`, pos, limit)
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	var acts []*wayfare.Act
	for rows.Next() {
		a, err := scanAct(rows)
		if err != nil {
			return 0, nil, err
		}
		acts = append(acts, a)
	}
	return pos, acts, rows.Err()
}

// RecordNotices writes the notices derived from the acts after from up to
// to, queues what the delivery asks for, and moves the position, all in one
// transaction. It returns ErrPositionMoved, writing nothing, if the
// position is no longer from.
func (db *DB) RecordNotices(ctx context.Context, from, to wayfare.ID, notices []notifications.Notice, d notifications.Delivery) (int, error) {
	written := 0
	err := db.quietly(ctx, func(tx *Tx) error {
		written = 0
		res, err := tx.exec(`UPDATE job_positions SET position = ? WHERE name = ? AND position = ?`, to, notifyJob, from)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return notifications.ErrPositionMoved
		}
		for _, n := range notices {
			c, err := tx.writeNotice(n, d.MailAt)
			if err != nil {
				return err
			}
			written += c
		}
		if d.Webhooks {
			return tx.queueWebhooks(from, to)
		}
		return nil
	})
	return written, err
}

// writeNotice writes one notice to each recipient's inbox, once, and
// queues the immediate mail of those who want it. A notice may concern
// thousands of people (a session opening to a large group): it is written
// a batch of recipients per statement, in batches of a few sizes only, so
// that the statements stay few and each database keeps them prepared.
func (tx *Tx) writeNotice(n notifications.Notice, mailAt time.Time) (int, error) {
	at := n.At
	if at.IsZero() {
		at = tx.now
	}
	written := 0
	for rest := n.Recipients; len(rest) > 0; {
		k := batchSize(len(rest))
		part := rest[:k]
		rest = rest[k:]
		args := make([]any, 0, 10*k)
		for _, p := range part {
			args = append(args, p, string(n.Kind), n.ActID, n.Key, n.Subject, n.Text, n.URL, n.Thread, n.Topic, micros(at))
		}
		rows, err := tx.query(`INSERT INTO notifications (person_id, kind, act_id, dedupe, subject, body, url, thread, topic, created_at)
			VALUES `+repeatList("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", k)+`
			ON CONFLICT (person_id, kind, dedupe) DO NOTHING RETURNING id, person_id`, args...)
		var ids []any // those not told already
		err = scanEach(rows, err, func(r *sql.Rows) error {
			var id, person wayfare.ID
			if err := r.Scan(&id, &person); err != nil {
				return err
			}
			ids = append(ids, id)
			tx.inbox = append(tx.inbox, person)
			return nil
		})
		if err != nil {
			return written, err
		}
		written += len(ids)
		if mailAt.IsZero() {
			continue
		}
		for len(ids) > 0 {
			m := batchSize(len(ids))
			margs := append([]any{micros(mailAt), micros(tx.now)}, ids[:m]...)
			margs = append(margs, string(n.Kind))
			if _, err := tx.exec(`INSERT INTO mail_outbox (person_id, kind, notification_id, due_at, created_at)
				SELECT n.person_id, 'notice', n.id, ?, ? FROM notifications n
				WHERE n.id IN (`+repeatList("?", m)+`)
				AND NOT EXISTS (SELECT 1 FROM preferences f WHERE f.person_id = n.person_id
					AND (f.email <> 'immediate' OR f.kinds_off LIKE '%,' || ? || ',%'))
				AND EXISTS (SELECT 1 FROM people p WHERE p.id = n.person_id AND p.status = 'active')`, margs...); err != nil {
				return written, err
			}
			ids = ids[m:]
		}
	}
	return written, nil
}

// batchSize is the largest of a few batch sizes that n fills.
func batchSize(n int) int {
	for _, k := range []int{256, 64, 16, 4} {
		if n >= k {
			return k
		}
	}
	return 1
}

// repeatList is item n times, separated by commas.
func repeatList(item string, n int) string {
	return item + strings.Repeat(", "+item, n-1)
}

// RecordDue writes the notices of rounds whose time has passed; each is
// written once.
func (db *DB) RecordDue(ctx context.Context, notices []notifications.Notice, mailAt time.Time) (int, error) {
	written := 0
	err := db.quietly(ctx, func(tx *Tx) error {
		written = 0
		for _, n := range notices {
			c, err := tx.writeNotice(n, mailAt)
			if err != nil {
				return err
			}
			written += c
		}
		return nil
	})
	return written, err
}

// DueRounds lists the open rounds whose closing time has passed and whose
// opener was not told yet.
func (db *DB) DueRounds(ctx context.Context, now time.Time) ([]notifications.Due, error) {
	rows, err := db.readQuery(ctx, `SELECT r.id, r.pitch_id, r.opener_id, p.title,
			(SELECT max(a.id) FROM acts a WHERE a.subject_kind = 'pitch' AND a.subject_id = r.pitch_id
				AND a.verb = 'round.opened' AND a.at = r.created_at)
		FROM rounds r JOIN pitches p ON p.id = r.pitch_id
		WHERE r.closed_at IS NULL AND r.closes_at <= ?
		AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.person_id = r.opener_id AND n.kind = 'round.due'
			AND n.dedupe = 'due:' || r.id)
		ORDER BY r.id LIMIT 500`, micros(now))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []notifications.Due
	for rows.Next() {
		var d notifications.Due
		var act sql.NullInt64
		if err := rows.Scan(&d.RoundID, &d.PitchID, &d.Opener, &d.Title, &act); err != nil {
			return nil, err
		}
		if act.Valid {
			d.ActID = wayfare.ID(act.Int64)
			out = append(out, d)
		}
	}
	return out, rows.Err()
}

// Notifications lists the signed-in person's inbox; see notifications.Service.
func (db *DB) Notifications(ctx context.Context, f notifications.Filter) ([]*notifications.Notification, error) {
	me := wayfare.ActorFrom(ctx)
	if err := requireSignedIn(me); err != nil {
		return nil, err
	}
	p := f.Page.Normalize()
	q := `SELECT id, kind, act_id, subject, body, url, thread, topic, created_at, read_at FROM notifications
		WHERE person_id = ? AND (? = 0 OR id < ?)`
	if f.Unread {
		q += ` AND read_at IS NULL`
	}
	rows, err := db.readQuery(ctx, q+` ORDER BY id DESC LIMIT ?`, me.PersonID, p.Cursor, p.Cursor, p.Limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*notifications.Notification
	for rows.Next() {
		n := &notifications.Notification{PersonID: me.PersonID}
		var created int64
		var read sql.NullInt64
		if err := rows.Scan(&n.ID, &n.Kind, &n.ActID, &n.Subject, &n.Text, &n.URL, &n.Thread, &n.Topic, &created, &read); err != nil {
			return nil, err
		}
		n.CreatedAt, n.ReadAt = fromMicros(created), timePtr(read)
		out = append(out, n)
	}
	return out, rows.Err()
}

// Notification returns one notification of the signed-in person.
func (db *DB) Notification(ctx context.Context, id wayfare.ID) (*notifications.Notification, error) {
	me := wayfare.ActorFrom(ctx)
	if err := requireSignedIn(me); err != nil {
		return nil, err
	}
	n := &notifications.Notification{ID: id, PersonID: me.PersonID}
	var created int64
	var read sql.NullInt64
	err := db.readRow(ctx, `SELECT kind, act_id, subject, body, url, thread, topic, created_at, read_at FROM notifications
		WHERE id = ? AND person_id = ?`, id, me.PersonID).Scan(&n.Kind, &n.ActID, &n.Subject, &n.Text, &n.URL, &n.Thread, &n.Topic, &created, &read)
	if err != nil {
		return nil, notFound(err, "notification")
	}
	n.CreatedAt, n.ReadAt = fromMicros(created), timePtr(read)
	return n, nil
}

// Unread counts the signed-in person's unread notifications.
func (db *DB) Unread(ctx context.Context) (int, error) {
	me := wayfare.ActorFrom(ctx)
	if err := requireSignedIn(me); err != nil {
		return 0, err
	}
	var n int
	err := db.readRow(ctx, `SELECT count(*) FROM notifications WHERE person_id = ? AND read_at IS NULL`, me.PersonID).Scan(&n)
	return n, err
}

// MarkRead marks the signed-in person's notifications read.
func (db *DB) MarkRead(ctx context.Context, r notifications.Read) (int, error) {
	me := wayfare.ActorFrom(ctx)
	if err := requireSignedIn(me); err != nil {
		return 0, err
	}
	if err := r.Validate(); err != nil {
		return 0, err
	}
	marked := 0
	err := db.update(ctx, func(tx *Tx) error {
		tx.quiet = true
		q := `UPDATE notifications SET read_at = ? WHERE person_id = ? AND read_at IS NULL`
		args := []any{micros(tx.now), me.PersonID}
		if !r.All {
			q += ` AND id IN (?` + strings.Repeat(", ?", len(r.IDs)-1) + `)`
			for _, id := range r.IDs {
				args = append(args, id)
			}
		}
		res, err := tx.exec(q, args...)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		marked = int(n)
		if marked > 0 {
			tx.inbox = append(tx.inbox, me.PersonID)
		}
		return nil
	})
	return marked, err
}

const actColumns = `id, at, person_id, function, verb, subject_kind, subject_id, group_id, payload`

func scanAct(r *sql.Rows) (*wayfare.Act, error) {
	var a wayfare.Act
	var at int64
	var group sql.NullInt64
	var payload sql.NullString
	if err := r.Scan(&a.ID, &at, &a.PersonID, &a.Function, &a.Verb, &a.SubjectKind, &a.SubjectID, &group, &payload); err != nil {
		return nil, err
	}
	a.At, a.GroupID = fromMicros(at), wayfare.ID(group.Int64)
	if payload.Valid {
		a.Payload = []byte(payload.String)
	}
	return &a, nil
}
