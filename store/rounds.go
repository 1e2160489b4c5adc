package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/ledger"
	"github.com/wayfare-org/wayfare/management"
)

var _ management.RoundService = (*DB)(nil)

// OpenRound opens a decision round; see management.RoundService.
func (db *DB) OpenRound(ctx context.Context, pitchID wayfare.ID, in management.NewRound) (*management.Round, error) {
	if err := requireSignedIn(wayfare.ActorFrom(ctx)); err != nil {
		return nil, err
	}
	if err := in.Validate(db.now()); err != nil {
		return nil, err
	}
	var id wayfare.ID
	err := db.update(ctx, func(tx *Tx) error {
		p, err := tx.pitchState(pitchID)
		if err != nil {
			return err
		}
		st, err := tx.standing(p.groupID, 0)
		if err != nil {
			return err
		}
		var open bool
		if err := tx.row(`SELECT EXISTS (SELECT 1 FROM rounds WHERE pitch_id = ? AND closed_at IS NULL)`, pitchID).Scan(&open); err != nil {
			return err
		}
		if err := management.CanOpenRound(st, p.kind, p.status, open); err != nil {
			return err
		}
		id, err = tx.insert(`INSERT INTO rounds (pitch_id, group_id, opener_id, method, closes_at, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			pitchID, p.groupID, tx.actor.PersonID, string(in.Method), micros(in.ClosesAt), micros(tx.now))
		if err != nil {
			return err
		}
		if err := tx.fixElectorate(id, p.groupID); err != nil {
			return err
		}
		tx.touch(pitchID) // the pitch's page shows its rounds
		return tx.act(ledger.RoundOpened, "pitch", pitchID, p.groupID, map[string]any{"round_id": id, "method": in.Method,
			"closes_at": in.ClosesAt.UTC()})
	})
	if err != nil {
		return nil, err
	}
	return db.Round(ctx, id)
}

// fixElectorate records who may answer the round: the members of its
// group and of the groups below it, as of the round's opening.
func (tx *Tx) fixElectorate(roundID, groupID wayfare.ID) error {
	_, err := tx.exec(`INSERT INTO round_electorate (round_id, person_id)
		WITH RECURSIVE des(id, depth) AS (
			SELECT CAST(? AS BIGINT), 0
			UNION ALL
			SELECT g.id, des.depth + 1 FROM groups g JOIN des ON g.parent_id = des.id WHERE des.depth < 64)
		SELECT DISTINCT CAST(? AS BIGINT), m.person_id FROM memberships m JOIN des ON des.id = m.group_id
		JOIN people p ON p.id = m.person_id WHERE p.status = 'active'`, groupID, roundID)
	return err
}

// isElector reports whether the person is in the round's electorate.
func isElector(q rower, roundID, personID wayfare.ID) (bool, error) {
	var ok bool
	err := q.row(`SELECT EXISTS (SELECT 1 FROM round_electorate WHERE round_id = ? AND person_id = ?)`,
		roundID, personID).Scan(&ok)
	return ok, err
}

// Elector reports whether the person may answer the round: whether they
// were a member of its group, or of one below it, when it opened. Pages
// ask it to offer the answer form (management.CanAnswer).
func (db *DB) Elector(ctx context.Context, roundID, personID wayfare.ID) (bool, error) {
	return isElector(reader{ctx, db}, roundID, personID)
}

// roundIn loads a round in a write transaction.
func (tx *Tx) roundIn(id wayfare.ID) (*management.Round, error) {
	r, err := scanRound(tx.row(`SELECT `+roundCols+` FROM rounds WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wayfare.NotFound("round")
	}
	return r, err
}

// Respond records a member's answer; see management.RoundService.
func (db *DB) Respond(ctx context.Context, roundID wayfare.ID, in management.NewResponse) (*management.Round, bool, error) {
	if err := requireSignedIn(wayfare.ActorFrom(ctx)); err != nil {
		return nil, false, err
	}
	var created bool
	err := db.update(ctx, func(tx *Tx) error {
		r, err := tx.roundIn(roundID)
		if err != nil {
			return err
		}
		if err := in.Validate(r.Method); err != nil {
			return err
		}
		elector, err := isElector(tx, roundID, tx.actor.PersonID)
		if err != nil {
			return err
		}
		if err := management.CanAnswer(management.Standing{Actor: tx.actor}, elector); err != nil {
			return err
		}
		if err := r.Accepting(tx.now); err != nil {
			return err
		}
		if err := tx.row(`SELECT NOT EXISTS (SELECT 1 FROM round_responses WHERE round_id = ? AND person_id = ?)`,
			roundID, tx.actor.PersonID).Scan(&created); err != nil {
			return err
		}
		consent := in.Consent != nil && *in.Consent
		if _, err := tx.exec(`INSERT INTO round_responses (round_id, person_id, advice, consent, objection, choice, at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (round_id, person_id) DO UPDATE SET advice = excluded.advice,
			consent = excluded.consent, objection = excluded.objection, choice = excluded.choice, at = excluded.at`,
			roundID, tx.actor.PersonID, in.Advice, consent, in.Objection, string(in.Choice), micros(tx.now)); err != nil {
			return err
		}
		tx.touch(r.PitchID) // the pitch's page shows its rounds' answers
		return tx.act(ledger.ResponseGiven, "pitch", r.PitchID, r.GroupID, map[string]any{"round_id": roundID,
			"objection": in.Objection != "", "choice": in.Choice, "replaces": !created})
	})
	if err != nil {
		return nil, false, err
	}
	r, err := db.Round(ctx, roundID)
	return r, created, err
}

// CloseRound closes a round and records its decision; see
// management.RoundService. The decision goes through the same path as a
// decision made directly, so adopt creates the journey.
func (db *DB) CloseRound(ctx context.Context, roundID wayfare.ID, in management.Closing) (*management.Round, *management.Decision, error) {
	if err := requireSignedIn(wayfare.ActorFrom(ctx)); err != nil {
		return nil, nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, nil, err
	}
	var d *management.Decision
	err := db.update(ctx, func(tx *Tx) error {
		r, err := tx.roundIn(roundID)
		if err != nil {
			return err
		}
		st, err := tx.standing(r.GroupID, 0)
		if err != nil {
			return err
		}
		openerManages, err := isManager(tx, r.OpenerID, r.GroupID)
		if err != nil {
			return err
		}
		if err := management.CanCloseRound(st, r.OpenerID, openerManages); err != nil {
			return err
		}
		if !r.Open {
			return wayfare.Conflict(management.RuleRoundClosed, "the round is closed already")
		}
		responses, err := tx.responses(roundID)
		if err != nil {
			return err
		}
		outcome, err := management.RoundOutcome(r.Method, management.Count(responses), in.Outcome)
		if err != nil {
			return err
		}
		p, err := tx.pitchState(r.PitchID)
		if err != nil {
			return err
		}
		nd := management.NewDecision{Outcome: outcome, Method: r.Method.DecisionMethod(), Rationale: in.Rationale, Supersedes: p.decisionID}
		if d, err = tx.decide(r.PitchID, nd, &roundID); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE rounds SET closed_at = ?, decision_id = ? WHERE id = ?`, micros(tx.now), d.ID, roundID); err != nil {
			return err
		}
		tx.touch(r.PitchID)
		return tx.act(ledger.RoundClosed, "pitch", r.PitchID, r.GroupID, map[string]any{"round_id": roundID,
			"decision_id": d.ID, "outcome": outcome, "responses": len(responses)})
	})
	if err != nil {
		return nil, nil, err
	}
	r, err := db.Round(ctx, roundID)
	return r, d, err
}

const roundCols = `id, pitch_id, group_id, opener_id, method, closes_at, decision_id, created_at, closed_at`

func scanRound(s interface{ Scan(...any) error }) (*management.Round, error) {
	var r management.Round
	var closes, created int64
	var decision, closed sql.NullInt64
	if err := s.Scan(&r.ID, &r.PitchID, &r.GroupID, &r.OpenerID, &r.Method, &closes, &decision, &created, &closed); err != nil {
		return nil, err
	}
	r.ClosesAt, r.CreatedAt, r.ClosedAt, r.DecisionID = fromMicros(closes), fromMicros(created), timePtr(closed), idPtr(decision)
	r.Open = !closed.Valid
	r.Responses = []management.Response{}
	return &r, nil
}

const responseCols = `person_id, advice, consent, objection, choice, at FROM round_responses WHERE round_id = ? ORDER BY at, person_id`

func scanResponse(r interface{ Scan(...any) error }) (management.Response, error) {
	var x management.Response
	var at int64
	err := r.Scan(&x.PersonID, &x.Advice, &x.Consent, &x.Objection, &x.Choice, &at)
	x.At = fromMicros(at)
	return x, err
}

// responses reads a round's standing answers in a write transaction.
func (tx *Tx) responses(roundID wayfare.ID) ([]management.Response, error) {
	rows, err := tx.query(`SELECT `+responseCols, roundID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []management.Response
	for rows.Next() {
		x, err := scanResponse(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// Round returns a round with its answers; see management.RoundService.
func (db *DB) Round(ctx context.Context, id wayfare.ID) (*management.Round, error) {
	r, err := scanRound(db.readRow(ctx, `SELECT `+roundCols+` FROM rounds WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wayfare.NotFound("round")
	} else if err != nil {
		return nil, err
	}
	return r, db.roundResponses(ctx, r)
}

func (db *DB) roundResponses(ctx context.Context, r *management.Round) error {
	err := db.each(ctx, func(rows *sql.Rows) error {
		x, err := scanResponse(rows)
		if err == nil {
			r.Responses = append(r.Responses, x)
		}
		return err
	}, `SELECT `+responseCols, r.ID)
	r.Tally = management.Count(r.Responses)
	return err
}

// Rounds lists a pitch's rounds, newest first; see management.RoundService.
func (db *DB) Rounds(ctx context.Context, pitchID wayfare.ID) ([]*management.Round, error) {
	var out []*management.Round
	err := db.each(ctx, func(rows *sql.Rows) error {
		r, err := scanRound(rows)
		if err == nil {
			out = append(out, r)
		}
		return err
	}, `SELECT `+roundCols+` FROM rounds WHERE pitch_id = ? ORDER BY id DESC`, pitchID)
	if err != nil {
		return nil, err
	}
	for _, r := range out {
		if err := db.roundResponses(ctx, r); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// RoundsAwaiting lists the open rounds that wait for the person's answer —
// rounds whose electorate, fixed when they opened, holds the person, that
// still take answers and that the person has not answered — the soonest
// to close first. Without their answers.
func (db *DB) RoundsAwaiting(ctx context.Context, personID wayfare.ID, limit int) ([]*management.Round, error) {
	var out []*management.Round
	err := db.each(ctx, func(rows *sql.Rows) error {
		r, err := scanRound(rows)
		if err == nil {
			r.Responses = []management.Response{}
			out = append(out, r)
		}
		return err
	}, `SELECT `+roundCols+` FROM rounds r JOIN round_electorate e ON e.round_id = r.id AND e.person_id = ?
		WHERE r.closed_at IS NULL AND r.closes_at > ?
		AND NOT EXISTS (SELECT 1 FROM round_responses x WHERE x.round_id = r.id AND x.person_id = ?)
		ORDER BY r.closes_at, r.id LIMIT ?`, personID, micros(db.now()), personID, limit)
	return out, err
}

// closeOpenRound closes the pitch's open round, if there is one, when
// something other than its own close ends it: a decision made directly
// (which the round is then linked to) or the pitch's withdrawal. It
// returns the round closed, or nil.
func (tx *Tx) closeOpenRound(pitchID wayfare.ID, decisionID *wayfare.ID) (*wayfare.ID, error) {
	var id wayfare.ID
	err := tx.row(`SELECT id FROM rounds WHERE pitch_id = ? AND closed_at IS NULL`, pitchID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if _, err := tx.exec(`UPDATE rounds SET closed_at = ?, decision_id = ? WHERE id = ?`, micros(tx.now), nullID(decisionID), id); err != nil {
		return nil, err
	}
	tx.touch(pitchID)
	return &id, nil
}
