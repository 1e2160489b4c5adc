package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/ledger"
	"github.com/wayfare-org/wayfare/management"
)

var _ management.Service = (*DB)(nil)

// Decide records a decision; see management.Service.
func (db *DB) Decide(ctx context.Context, pitchID wayfare.ID, in management.NewDecision) (*management.Decision, error) {
	if err := requireSignedIn(wayfare.ActorFrom(ctx)); err != nil {
		return nil, err
	}
	if err := in.Validate(db.now()); err != nil {
		return nil, err
	}
	var d *management.Decision
	err := db.update(ctx, func(tx *Tx) error {
		var err error
		d, err = tx.decide(pitchID, in, nil)
		return err
	})
	return d, err
}

// decide records a decision; roundID names the round whose answers it
// weighed, when a round's close records it.
func (tx *Tx) decide(pitchID wayfare.ID, in management.NewDecision, roundID *wayfare.ID) (*management.Decision, error) {
	p, err := tx.pitchState(pitchID)
	if err != nil {
		return nil, err
	}
	standing, err := tx.standing(p.groupID, 0)
	if err != nil {
		return nil, err
	}
	if err := management.CanDecide(standing); err != nil {
		return nil, err
	}
	decided := management.Decided{Example: p.kind == leadership.Example, Current: p.decisionID,
		Closed: p.status == leadership.Withdrawn || p.status == leadership.Merged}
	if err := management.CanRecord(decided, in); err != nil {
		return nil, err
	}
	d := &management.Decision{PitchID: pitchID, DeciderID: tx.actor.PersonID, Outcome: in.Outcome, Method: in.Method,
		Rationale: in.Rationale, RevisitOn: in.RevisitOn, MergeInto: in.MergeInto, Supersedes: in.Supersedes, RoundID: roundID,
		CreatedAt: tx.now}
	status := leadership.Status(map[management.Outcome]string{management.Adopt: "adopted", management.Decline: "declined",
		management.Defer: "deferred", management.Merge: "merged"}[in.Outcome])
	journeyLive := p.journeyID != nil && !management.JourneyStatus(p.journeyStatus).Over()
	switch {
	case in.Outcome == management.Adopt && journeyLive:
		d.JourneyID = p.journeyID // adopted again: the journey goes on
	case in.Outcome == management.Adopt:
		if d.JourneyID, err = tx.createJourney(p, in.Destination); err != nil {
			return nil, err
		}
	case journeyLive:
		review := fmt.Sprintf("Ended by a later decision: %s. %s", in.Outcome, in.Rationale)
		if err := tx.endJourney(*p.journeyID, p.groupID, management.Abandoned, review); err != nil {
			return nil, err
		}
	}
	if in.Outcome == management.Merge {
		if err := tx.merge(p, *in.MergeInto); err != nil {
			return nil, err
		}
	}
	d.ID, err = tx.insert(`INSERT INTO decisions (pitch_id, decider_id, outcome, method, rationale, revisit_on, merge_into,
		supersedes, journey_id, round_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, pitchID, d.DeciderID,
		string(d.Outcome), string(d.Method), d.Rationale, d.RevisitOn, nullID(d.MergeInto), nullID(d.Supersedes),
		nullID(d.JourneyID), nullID(roundID), micros(tx.now))
	if err != nil {
		return nil, err
	}
	if _, err := tx.exec(`UPDATE pitches SET status = ?, decision_id = ?, journey_id = coalesce(?, journey_id), merged_into = ?
		WHERE id = ?`, string(status), d.ID, nullID(d.JourneyID), nullID(d.MergeInto), pitchID); err != nil {
		return nil, err
	}
	tx.touch(pitchID)
	payload := map[string]any{"decision_id": d.ID, "outcome": d.Outcome, "method": d.Method, "supersedes": d.Supersedes,
		"journey_id": d.JourneyID}
	if roundID != nil {
		payload["round_id"] = roundID
	} else {
		// Decided without waiting for the round open on the pitch: the
		// decision ends it, so that no later close can overturn it.
		closed, err := tx.closeOpenRound(pitchID, &d.ID)
		if err != nil {
			return nil, err
		}
		if closed != nil {
			payload["round_closed"] = *closed
		}
	}
	return d, tx.act(ledger.DecisionMade, "pitch", pitchID, p.groupID, payload)
}

// createJourney turns an adopted pitch into a journey whose riders are the
// ticket holders. The decider does not become a driver by deciding, nor
// the author by pitching (rule 2).
func (tx *Tx) createJourney(p *pitchState, destination string) (*wayfare.ID, error) {
	if destination == "" {
		destination = p.betterWay
	}
	id, err := tx.insert(`INSERT INTO journeys (pitch_id, group_id, title, destination, status, riders, created_at)
		VALUES (?, ?, ?, ?, 'boarding', 0, ?)`, p.id, p.groupID, p.title, destination, micros(tx.now))
	if err != nil {
		return nil, err
	}
	res, err := tx.exec(`INSERT INTO journey_riders (journey_id, person_id, joined_at)
		SELECT ?, person_id, ? FROM tickets WHERE pitch_id = ?`, id, micros(tx.now), p.id)
	if err != nil {
		return nil, err
	}
	n, _ := res.RowsAffected()
	if _, err := tx.exec(`UPDATE journeys SET riders = ? WHERE id = ?`, n, id); err != nil {
		return nil, err
	}
	return &id, nil
}

// merge moves a pitch's tickets to another pitch: a holder of both keeps one.
func (tx *Tx) merge(from *pitchState, into wayfare.ID) error {
	if into == from.id {
		return wayfare.FieldError("merge_into", "must name another pitch")
	}
	to, err := tx.pitchState(into)
	if err != nil {
		if wayfare.ErrorCode(err) == wayfare.ENOTFOUND {
			return wayfare.FieldError("merge_into", "names no pitch")
		}
		return err
	}
	standing, err := tx.standing(to.groupID, 0)
	if err != nil {
		return err
	}
	if err := management.CanMergeInto(standing); err != nil {
		return err
	}
	departed := to.journeyStatus != "" && management.JourneyStatus(to.journeyStatus).Departed()
	if err := management.MergeTarget(to.kind, to.status, departed); err != nil {
		return err
	}
	res, err := tx.exec(`INSERT INTO tickets (pitch_id, person_id, bought_at) SELECT ?, person_id, bought_at FROM tickets
		WHERE pitch_id = ? ON CONFLICT (pitch_id, person_id) DO NOTHING`, into, from.id)
	if err != nil {
		return err
	}
	moved, _ := res.RowsAffected()
	if to.journeyID != nil {
		rows, err := tx.query(`SELECT person_id FROM tickets WHERE pitch_id = ?`, from.id)
		if err != nil {
			return err
		}
		var holders []wayfare.ID
		for rows.Next() {
			var id wayfare.ID
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			holders = append(holders, id)
		}
		rows.Close()
		for _, h := range holders {
			if err := tx.board(*to.journeyID, h); err != nil {
				return err
			}
		}
	}
	if _, err := tx.exec(`DELETE FROM tickets WHERE pitch_id = ?`, from.id); err != nil {
		return err
	}
	if _, err := tx.exec(`UPDATE pitch_counters SET tickets_sold = 0 WHERE pitch_id = ?`, from.id); err != nil {
		return err
	}
	_, err = tx.exec(`UPDATE pitch_counters SET tickets_sold = tickets_sold + ? WHERE pitch_id = ?`, moved, into)
	tx.touch(from.id, into)
	return err
}

// Decisions lists a pitch's decisions, newest first; see management.Service.
func (db *DB) Decisions(ctx context.Context, pitchID wayfare.ID) ([]*management.Decision, error) {
	rows, err := db.readQuery(ctx, `SELECT id, pitch_id, decider_id, outcome, method, rationale, revisit_on,
		merge_into, supersedes, journey_id, round_id, created_at FROM decisions WHERE pitch_id = ? ORDER BY id DESC`, pitchID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*management.Decision{}
	for rows.Next() {
		var d management.Decision
		var merge, sup, journey, round sql.NullInt64
		var created int64
		if err := rows.Scan(&d.ID, &d.PitchID, &d.DeciderID, &d.Outcome, &d.Method, &d.Rationale, &d.RevisitOn,
			&merge, &sup, &journey, &round, &created); err != nil {
			return nil, err
		}
		d.MergeInto, d.Supersedes, d.JourneyID, d.CreatedAt = idPtr(merge), idPtr(sup), idPtr(journey), fromMicros(created)
		d.RoundID = idPtr(round)
		out = append(out, &d)
	}
	return out, rows.Err()
}
