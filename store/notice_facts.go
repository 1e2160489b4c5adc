package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/notifications"
)

// Facts answers the notification rules' questions from the read pool.
func (db *DB) Facts() notifications.Facts { return noticeFacts{db} }

type noticeFacts struct{ db *DB }

func (f noticeFacts) ids(ctx context.Context, q string, args ...any) ([]wayfare.ID, error) {
	rows, err := f.db.readQuery(ctx, q, args...)
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

func notFound(err error, kind string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return wayfare.NotFound(kind)
	}
	return err
}

func (f noticeFacts) Name(ctx context.Context, id wayfare.ID) (string, error) {
	var name string
	err := f.db.readRow(ctx, `SELECT name FROM people WHERE id = ?`, id).Scan(&name)
	return name, notFound(err, "person")
}

func (f noticeFacts) Pitch(ctx context.Context, id wayfare.ID) (notifications.PitchFacts, error) {
	var p notifications.PitchFacts
	var status string
	err := f.db.readRow(ctx, `SELECT title, author_id, group_id, tickets_wanted, status FROM pitches WHERE id = ?`, id).Scan(
		&p.Title, &p.AuthorID, &p.GroupID, &p.TicketsWanted, &status)
	p.Selling = status == "selling"
	return p, notFound(err, "pitch")
}

func (f noticeFacts) Journey(ctx context.Context, id wayfare.ID) (notifications.JourneyFacts, error) {
	var j notifications.JourneyFacts
	err := f.db.readRow(ctx, `SELECT p.title, p.id, p.author_id, j.group_id FROM journeys j JOIN pitches p ON p.id = j.pitch_id
		WHERE j.id = ?`, id).Scan(&j.Title, &j.PitchID, &j.AuthorID, &j.GroupID)
	return j, notFound(err, "journey")
}

func (f noticeFacts) Decision(ctx context.Context, id wayfare.ID) (notifications.DecisionFacts, error) {
	var d notifications.DecisionFacts
	err := f.db.readRow(ctx, `SELECT outcome, method, rationale FROM decisions WHERE id = ?`, id).Scan(&d.Outcome, &d.Method, &d.Rationale)
	return d, notFound(err, "decision")
}

func (f noticeFacts) SessionPrompt(ctx context.Context, id wayfare.ID) (string, error) {
	var prompt string
	err := f.db.readRow(ctx, `SELECT prompt FROM facilitation_sessions WHERE id = ?`, id).Scan(&prompt)
	return prompt, notFound(err, "session")
}

// Managers walks up from the group to the first group that has active
// managers.
func (f noticeFacts) Managers(ctx context.Context, groupID wayfare.ID) ([]wayfare.ID, error) {
	for depth := 0; groupID != 0 && depth < 64; depth++ {
		ids, err := f.ids(ctx, `SELECT m.person_id FROM memberships m JOIN people p ON p.id = m.person_id
			WHERE m.group_id = ? AND m.role = 'manager' AND p.status = 'active' ORDER BY m.person_id`, groupID)
		if err != nil || len(ids) > 0 {
			return ids, err
		}
		var parent sql.NullInt64
		if err := f.db.readRow(ctx, `SELECT parent_id FROM groups WHERE id = ?`, groupID).Scan(&parent); err != nil {
			return nil, notFound(err, "group")
		}
		groupID = wayfare.ID(parent.Int64)
	}
	return nil, nil
}

func (f noticeFacts) Members(ctx context.Context, groupID wayfare.ID) ([]wayfare.ID, error) {
	return f.ids(ctx, `SELECT m.person_id FROM memberships m JOIN people p ON p.id = m.person_id
		WHERE m.group_id = ? AND p.status = 'active' ORDER BY m.person_id`, groupID)
}

func (f noticeFacts) TicketHolders(ctx context.Context, pitchID wayfare.ID) ([]wayfare.ID, error) {
	return f.ids(ctx, `SELECT t.person_id FROM tickets t JOIN people p ON p.id = t.person_id
		WHERE t.pitch_id = ? AND p.status = 'active' ORDER BY t.person_id`, pitchID)
}

func (f noticeFacts) Riders(ctx context.Context, journeyID wayfare.ID) ([]wayfare.ID, error) {
	return f.ids(ctx, `SELECT r.person_id FROM journey_riders r JOIN people p ON p.id = r.person_id
		WHERE r.journey_id = ? AND r.left_at IS NULL AND p.status = 'active' ORDER BY r.person_id`, journeyID)
}

func (f noticeFacts) Drivers(ctx context.Context, journeyID wayfare.ID) ([]wayfare.ID, error) {
	return f.ids(ctx, `SELECT d.person_id FROM journey_drivers d JOIN people p ON p.id = d.person_id
		WHERE d.journey_id = ? AND p.status = 'active' ORDER BY d.person_id`, journeyID)
}

func (f noticeFacts) Doubters(ctx context.Context, journeyID wayfare.ID) ([]wayfare.ID, error) {
	return f.ids(ctx, `SELECT DISTINCT d.person_id FROM doubts d JOIN people p ON p.id = d.person_id
		WHERE d.journey_id = ? AND d.resolved_at IS NULL AND p.status = 'active' ORDER BY d.person_id`, journeyID)
}

func (f noticeFacts) Electorate(ctx context.Context, roundID wayfare.ID) ([]wayfare.ID, error) {
	return f.ids(ctx, `SELECT e.person_id FROM round_electorate e JOIN people p ON p.id = e.person_id
		WHERE e.round_id = ? AND p.status = 'active' ORDER BY e.person_id`, roundID)
}

func (f noticeFacts) FollowsPrivate(ctx context.Context) (bool, error) {
	p, err := f.db.InfluencePolicy(ctx)
	return p.FollowsPrivate, err
}

func (f noticeFacts) Admins(ctx context.Context) ([]wayfare.ID, error) {
	return f.ids(ctx, `SELECT id FROM people WHERE admin = 1 AND status = 'active' ORDER BY id`)
}
