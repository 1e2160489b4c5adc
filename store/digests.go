package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/notifications"
)

// DueDigests returns up to limit people whose digest is due at now.
func (db *DB) DueDigests(ctx context.Context, now time.Time, limit int) ([]wayfare.ID, error) {
	rows, err := db.readQuery(ctx, `SELECT f.person_id FROM preferences f JOIN people p ON p.id = f.person_id
		WHERE f.next_digest_at IS NOT NULL AND f.next_digest_at <= ? AND p.status = 'active'
		ORDER BY f.next_digest_at, f.person_id LIMIT ?`, micros(now), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []wayfare.ID
	for rows.Next() {
		var id wayfare.ID
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// TakeDigests queues the digests of people whose digest is due: each covers
// the unread notifications of kinds they mail that came after the last
// digest, and is not queued when there are none. Their next digest moves
// on either way. It returns how many digests were queued; now is the
// time they are due at.
func (db *DB) TakeDigests(ctx context.Context, people []wayfare.ID, now time.Time) (int, error) {
	queued := 0
	err := db.quietly(ctx, func(tx *Tx) error {
		queued = 0
		for _, id := range people {
			ok, err := tx.takeDigest(id, now)
			if err != nil {
				return err
			}
			if ok {
				queued++
			}
		}
		return nil
	})
	return queued, err
}

func (tx *Tx) takeDigest(personID wayfare.ID, now time.Time) (bool, error) {
	p := notifications.Defaults()
	var off string
	var through int64
	var next *int64
	if err := tx.row(`SELECT email, digest_hour, time_zone, kinds_off, digest_through, next_digest_at FROM preferences WHERE person_id = ?`,
		personID).Scan(&p.Email, &p.DigestHour, &p.TimeZone, &off, &through, &next); err != nil {
		return false, err
	}
	if next == nil || *next > micros(now) {
		return false, nil // taken by an earlier run
	}
	rows, err := tx.query(`SELECT id FROM notifications WHERE person_id = ? AND id > ? AND read_at IS NULL
		AND ? NOT LIKE '%,' || kind || ',%' ORDER BY id LIMIT 500`, personID, through, off)
	if err != nil {
		return false, err
	}
	var ids []wayfare.ID
	for rows.Next() {
		var id wayfare.ID
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return false, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, err
	}
	var newest int64
	if err := tx.row(`SELECT coalesce(max(id), 0) FROM notifications WHERE person_id = ?`, personID).Scan(&newest); err != nil {
		return false, err
	}
	if len(ids) > 0 {
		newest = int64(ids[len(ids)-1]) // more than fit in one digest wait for the next
	}
	nextAt := p.NextDigest(now)
	if _, err := tx.exec(`UPDATE preferences SET digest_through = ?, next_digest_at = ? WHERE person_id = ?`,
		max(newest, through), micros(nextAt), personID); err != nil {
		return false, err
	}
	if len(ids) == 0 {
		return false, nil
	}
	b, err := json.Marshal(ids)
	if err != nil {
		return false, err
	}
	_, err = tx.exec(`INSERT INTO mail_outbox (person_id, kind, first_id, last_id, period, payload, due_at, created_at)
		VALUES (?, 'digest', ?, ?, ?, ?, ?, ?)`, personID, ids[0], ids[len(ids)-1], string(p.Email), string(b), micros(now), micros(tx.now))
	return err == nil, err
}

// Waiting lists the pitches that wait for the person's decision: selling
// in a group they manage, with all the tickets they wanted.
func (db *DB) Waiting(ctx context.Context, personID wayfare.ID) ([]notifications.Notification, error) {
	rows, err := db.readQuery(ctx, `SELECT p.id, p.title, c.tickets_sold, p.tickets_wanted
		FROM pitches p JOIN pitch_counters c ON c.pitch_id = p.id
		WHERE p.group_id IN (`+managedGroups+`) AND p.status = 'selling' AND c.tickets_sold >= p.tickets_wanted
		ORDER BY p.id LIMIT 50`, personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []notifications.Notification
	for rows.Next() {
		var id wayfare.ID
		var title string
		var sold, wanted int
		if err := rows.Scan(&id, &title, &sold, &wanted); err != nil {
			return nil, err
		}
		out = append(out, notifications.Notification{Kind: notifications.DecisionWaiting, Subject: title,
			Text: fmt.Sprintf("%d tickets (%d wanted)", sold, wanted), URL: "/pitches/" + id.String()})
	}
	return out, rows.Err()
}
