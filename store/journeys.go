package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/ledger"
	"github.com/wayfare-org/wayfare/management"
	"github.com/wayfare-org/wayfare/people"
)

var _ management.JourneyService = (*DB)(nil)

type journeyState struct {
	id      wayfare.ID
	groupID wayfare.ID
	pitchID wayfare.ID
	status  management.JourneyStatus
}

func (tx *Tx) journeyState(id wayfare.ID) (*journeyState, error) {
	j := &journeyState{id: id}
	err := tx.row(`SELECT group_id, pitch_id, status FROM journeys WHERE id = ?`, id).Scan(&j.groupID, &j.pitchID, &j.status)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wayfare.NotFound("journey")
	}
	return j, err
}

// drive loads a journey and checks that the actor may run it (rule 3).
func (tx *Tx) drive(id wayfare.ID) (*journeyState, error) {
	j, err := tx.journeyState(id)
	if err != nil {
		return nil, err
	}
	s, err := tx.standing(j.groupID, id)
	if err != nil {
		return nil, err
	}
	return j, management.CanDrive(s)
}

// driveGoing is drive for a journey that has not ended.
func (tx *Tx) driveGoing(id wayfare.ID) (*journeyState, error) {
	j, err := tx.drive(id)
	if err != nil {
		return nil, err
	}
	return j, j.status.Going()
}

// journeyWrite runs fn for a signed-in actor in a write transaction.
func (db *DB) journeyWrite(ctx context.Context, fn func(tx *Tx) error) error {
	if err := requireSignedIn(wayfare.ActorFrom(ctx)); err != nil {
		return err
	}
	return db.update(ctx, fn)
}

// NameDriver delegates the running of a journey; see management.JourneyService.
func (db *DB) NameDriver(ctx context.Context, journeyID, personID wayfare.ID) error {
	return db.journeyWrite(ctx, func(tx *Tx) error {
		j, err := tx.journeyState(journeyID)
		if err != nil {
			return err
		}
		s, err := tx.standing(j.groupID, 0)
		if err != nil {
			return err
		}
		if err := management.CanDecide(s); err != nil {
			return err
		}
		var status people.Status
		err = tx.row(`SELECT status FROM people WHERE id = ?`, personID).Scan(&status)
		if errors.Is(err, sql.ErrNoRows) {
			return wayfare.NotFound("person")
		} else if err != nil {
			return err
		}
		if status != people.Active {
			return wayfare.Conflict("deactivated", "this person has left the organization and cannot drive")
		}
		res, err := tx.exec(`INSERT INTO journey_drivers (journey_id, person_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, journeyID, personID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // named already: nothing new to record
		}
		return tx.act(ledger.DriverNamed, "journey", journeyID, j.groupID, map[string]any{"driver_id": personID})
	})
}

// AddStop adds a stop to the route; see management.JourneyService.
func (db *DB) AddStop(ctx context.Context, journeyID wayfare.ID, in management.NewStop) (*management.Stop, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var s *management.Stop
	err := db.journeyWrite(ctx, func(tx *Tx) error {
		j, err := tx.driveGoing(journeyID)
		if err != nil {
			return err
		}
		id, err := tx.insert(`INSERT INTO stops (journey_id, title, due_on) VALUES (?, ?, ?)`, journeyID, in.Title, in.DueOn)
		if err != nil {
			return err
		}
		s = &management.Stop{ID: id, Title: in.Title, DueOn: in.DueOn}
		return tx.act(ledger.StopAdded, "journey", journeyID, j.groupID, map[string]any{"stop_id": id, "title": in.Title})
	})
	return s, err
}

// SetStopDone marks a stop done or not; see management.JourneyService.
func (db *DB) SetStopDone(ctx context.Context, journeyID, stopID wayfare.ID, done bool) (*management.Stop, error) {
	var s management.Stop
	err := db.journeyWrite(ctx, func(tx *Tx) error {
		j, err := tx.driveGoing(journeyID)
		if err != nil {
			return err
		}
		var doneAt sql.NullInt64
		err = tx.row(`SELECT id, title, due_on, done_at FROM stops WHERE id = ? AND journey_id = ?`, stopID, journeyID).Scan(
			&s.ID, &s.Title, &s.DueOn, &doneAt)
		if errors.Is(err, sql.ErrNoRows) {
			return wayfare.NotFound("stop")
		} else if err != nil {
			return err
		}
		if doneAt.Valid == done { // already so: idempotent
			s.Done, s.DoneAt = done, timePtr(doneAt)
			return nil
		}
		verb, at := ledger.StopReopened, any(nil)
		s.Done, s.DoneAt = done, nil
		if done {
			verb, at = ledger.StopDone, micros(tx.now)
			now := tx.now
			s.DoneAt = &now
		}
		if _, err := tx.exec(`UPDATE stops SET done_at = ? WHERE id = ?`, at, stopID); err != nil {
			return err
		}
		return tx.act(verb, "journey", journeyID, j.groupID, map[string]any{"stop_id": stopID})
	})
	return &s, err
}

// Depart moves a boarding journey under way; refunds stop here.
func (db *DB) Depart(ctx context.Context, journeyID wayfare.ID) (*management.Journey, error) {
	err := db.journeyWrite(ctx, func(tx *Tx) error {
		j, err := tx.drive(journeyID)
		if err != nil {
			return err
		}
		if err := management.Move(j.status, management.Underway); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE journeys SET status = 'underway', departed_at = ? WHERE id = ?`, micros(tx.now), journeyID); err != nil {
			return err
		}
		tx.touch(j.pitchID) // its tickets can no longer be bought or refunded
		return tx.act(ledger.JourneyDeparted, "journey", journeyID, j.groupID, nil)
	})
	if err != nil {
		return nil, err
	}
	return db.Journey(ctx, journeyID)
}

// End makes a journey arrive or abandons it, with a review.
func (db *DB) End(ctx context.Context, journeyID wayfare.ID, to management.JourneyStatus, in management.Ending) (*management.Journey, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	err := db.journeyWrite(ctx, func(tx *Tx) error {
		j, err := tx.drive(journeyID)
		if err != nil {
			return err
		}
		if err := management.Move(j.status, to); err != nil {
			return err
		}
		tx.touch(j.pitchID)
		return tx.endJourney(journeyID, j.groupID, to, in.Review)
	})
	if err != nil {
		return nil, err
	}
	return db.Journey(ctx, journeyID)
}

func (tx *Tx) endJourney(id, groupID wayfare.ID, to management.JourneyStatus, review string) error {
	if _, err := tx.exec(`UPDATE journeys SET status = ?, review = ?, ended_at = ? WHERE id = ?`,
		string(to), review, micros(tx.now), id); err != nil {
		return err
	}
	verb := ledger.JourneyArrived
	if to == management.Abandoned {
		verb = ledger.JourneyAbandon
	}
	return tx.act(verb, "journey", id, groupID, nil)
}

// Checkin posts a driver's progress report.
func (db *DB) Checkin(ctx context.Context, journeyID wayfare.ID, in management.NewCheckin) (*management.Checkin, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var c *management.Checkin
	err := db.journeyWrite(ctx, func(tx *Tx) error {
		j, err := tx.driveGoing(journeyID)
		if err != nil {
			return err
		}
		id, err := tx.insert(`INSERT INTO checkins (journey_id, author_id, progress, confidence, note, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, journeyID, tx.actor.PersonID, *in.Progress, string(in.Confidence), in.Note, micros(tx.now))
		if err != nil {
			return err
		}
		c = &management.Checkin{ID: id, AuthorID: tx.actor.PersonID, Progress: *in.Progress, Confidence: in.Confidence,
			Note: in.Note, CreatedAt: tx.now}
		return tx.act(ledger.CheckinPosted, "journey", journeyID, j.groupID, map[string]any{
			"checkin_id": id, "progress": *in.Progress, "confidence": in.Confidence})
	})
	return c, err
}

// rider loads a journey not yet over and checks that the actor rides it.
func (tx *Tx) rider(journeyID wayfare.ID) (*journeyState, error) {
	j, err := tx.journeyState(journeyID)
	if err != nil {
		return nil, err
	}
	var rides bool
	if err := tx.row(`SELECT EXISTS (SELECT 1 FROM journey_riders WHERE journey_id = ? AND person_id = ? AND left_at IS NULL)`,
		journeyID, tx.actor.PersonID).Scan(&rides); err != nil {
		return nil, err
	}
	if !rides {
		return nil, wayfare.Forbidden("riders-only", "only a rider of this journey may do this")
	}
	return j, j.status.Going()
}

// RaiseDoubt records a rider's doubt; a rider has one open doubt at most,
// and raising it again returns the open one.
func (db *DB) RaiseDoubt(ctx context.Context, journeyID wayfare.ID, in management.NewDoubt) (*management.Doubt, bool, error) {
	if err := in.Validate(); err != nil {
		return nil, false, err
	}
	d := &management.Doubt{PersonID: wayfare.ActorFrom(ctx).PersonID}
	created := false
	err := db.journeyWrite(ctx, func(tx *Tx) error {
		created = false // a batch may run this again
		j, err := tx.rider(journeyID)
		if err != nil {
			return err
		}
		var raised int64
		err = tx.row(`SELECT id, note, raised_at FROM doubts WHERE journey_id = ? AND person_id = ? AND resolved_at IS NULL`,
			journeyID, d.PersonID).Scan(&d.ID, &d.Note, &raised)
		if err == nil {
			d.RaisedAt = fromMicros(raised)
			return nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if d.ID, err = tx.insert(`INSERT INTO doubts (journey_id, person_id, note, raised_at) VALUES (?, ?, ?, ?)`,
			journeyID, d.PersonID, in.Note, micros(tx.now)); err != nil {
			return err
		}
		d.Note, d.RaisedAt, created = in.Note, tx.now, true
		before, err := tx.needsLeadership(journeyID)
		if err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE journeys SET open_doubts = open_doubts + 1 WHERE id = ?`, journeyID); err != nil {
			return err
		}
		needs, err := tx.needsLeadership(journeyID)
		if err != nil {
			return err
		}
		return tx.act(ledger.DoubtRaised, "journey", journeyID, j.groupID, map[string]any{"doubt_id": d.ID, "needs_leadership": needs,
			"crossed": needs && !before})
	})
	if err != nil {
		return nil, false, err
	}
	return d, created, nil
}

func (tx *Tx) needsLeadership(journeyID wayfare.ID) (bool, error) {
	var status management.JourneyStatus
	var riders, doubts int
	if err := tx.row(`SELECT status, riders, open_doubts FROM journeys WHERE id = ?`, journeyID).Scan(&status, &riders, &doubts); err != nil {
		return false, err
	}
	threshold, err := doubtThreshold(tx)
	return management.NeedsLeadership(status, doubts, riders, threshold), err
}

// doubtThreshold reads the share of riders, in percent, whose open doubts
// flag a journey; the default when the setting is absent or unreadable.
func doubtThreshold(q rower) (int, error) {
	var v string
	err := q.row(`SELECT value FROM settings WHERE key = 'doubt_threshold_percent'`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return management.DoubtThreshold, nil
	} else if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return management.DoubtThreshold, nil
	}
	return n, nil
}

// Reconfirm resolves the rider's open doubt: "I am still coming". Without
// an open doubt it changes nothing.
func (db *DB) Reconfirm(ctx context.Context, journeyID wayfare.ID) error {
	return db.journeyWrite(ctx, func(tx *Tx) error {
		j, err := tx.rider(journeyID)
		if err != nil {
			return err
		}
		had, err := tx.resolveDoubt(journeyID, tx.actor.PersonID, "reconfirmed")
		if err != nil || !had {
			return err
		}
		return tx.act(ledger.RiderReconfirm, "journey", journeyID, j.groupID, nil)
	})
}

// Leave takes the rider off the journey; an open doubt is resolved as left.
func (db *DB) Leave(ctx context.Context, journeyID wayfare.ID) error {
	return db.journeyWrite(ctx, func(tx *Tx) error {
		j, err := tx.rider(journeyID)
		if err != nil {
			return err
		}
		if err := tx.alight(journeyID, tx.actor.PersonID, "left"); err != nil {
			return err
		}
		return tx.act(ledger.RiderLeft, "journey", journeyID, j.groupID, nil)
	})
}

const journeyCols = `id, pitch_id, group_id, title, destination, status, riders, open_doubts, review,
	created_at, departed_at, ended_at`

func scanJourney(s interface{ Scan(...any) error }, threshold int) (*management.JourneySummary, error) {
	var j management.JourneySummary
	var created int64
	var departed, ended sql.NullInt64
	if err := s.Scan(&j.ID, &j.PitchID, &j.GroupID, &j.Title, &j.Destination, &j.Status, &j.RiderCount, &j.OpenDoubts,
		&j.Review, &created, &departed, &ended); err != nil {
		return nil, err
	}
	j.CreatedAt, j.DepartedAt, j.EndedAt = fromMicros(created), timePtr(departed), timePtr(ended)
	j.NeedsLeadership = management.NeedsLeadership(j.Status, j.OpenDoubts, j.RiderCount, threshold)
	return &j, nil
}

// Journeys lists journeys, newest first; see management.JourneyService.
func (db *DB) Journeys(ctx context.Context, f management.JourneyFilter) ([]*management.JourneySummary, error) {
	f.Page = f.Page.Normalize()
	threshold, err := doubtThreshold(reader{ctx, db})
	if err != nil {
		return nil, err
	}
	q := `SELECT ` + journeyCols + ` FROM journeys WHERE 1 = 1`
	var args []any
	if f.Cursor != 0 {
		q, args = q+` AND id < ?`, append(args, f.Cursor)
	}
	if f.GroupID != 0 {
		q, args = q+` AND group_id = ?`, append(args, f.GroupID)
	}
	if f.Status != "" {
		q, args = q+` AND status = ?`, append(args, string(f.Status))
	}
	if f.RiderID != 0 {
		q, args = q+` AND id IN (SELECT journey_id FROM journey_riders WHERE person_id = ? AND left_at IS NULL)`, append(args, f.RiderID)
	}
	if f.DriverID != 0 {
		q, args = q+` AND id IN (SELECT journey_id FROM journey_drivers WHERE person_id = ?)`, append(args, f.DriverID)
	}
	if f.NeedsLeadership {
		// management.NeedsLeadership as a condition, so that the database can filter.
		q, args = q+` AND status IN ('boarding', 'underway') AND open_doubts > 0 AND riders > 0 AND open_doubts * 100 >= ? * riders`,
			append(args, threshold)
	}
	q, args = q+` ORDER BY id DESC LIMIT ?`, append(args, f.Limit)
	out := []*management.JourneySummary{}
	err = db.each(ctx, func(r *sql.Rows) error {
		j, err := scanJourney(r, threshold)
		if err == nil {
			out = append(out, j)
		}
		return err
	}, q, args...)
	return out, err
}

// Journey returns a journey with everything on it; see management.JourneyService.
func (db *DB) Journey(ctx context.Context, id wayfare.ID) (*management.Journey, error) {
	threshold, err := doubtThreshold(reader{ctx, db})
	if err != nil {
		return nil, err
	}
	s, err := scanJourney(db.readRow(ctx, `SELECT `+journeyCols+` FROM journeys WHERE id = ?`, id), threshold)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wayfare.NotFound("journey")
	} else if err != nil {
		return nil, err
	}
	j := &management.Journey{JourneySummary: *s}
	if j.Drivers, err = db.ids(ctx, `SELECT person_id FROM journey_drivers WHERE journey_id = ? ORDER BY person_id`, id); err != nil {
		return nil, err
	}
	if j.Riders, err = db.ids(ctx, `SELECT person_id FROM journey_riders WHERE journey_id = ? AND left_at IS NULL ORDER BY person_id`, id); err != nil {
		return nil, err
	}
	if err := db.journeyParts(ctx, j); err != nil {
		return nil, err
	}
	return j, nil
}

func (db *DB) ids(ctx context.Context, q string, args ...any) ([]wayfare.ID, error) {
	rows, err := db.readQuery(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []wayfare.ID{}
	for rows.Next() {
		var id wayfare.ID
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// journeyParts loads the stops, check-ins, doubts and re-pitches.
func (db *DB) journeyParts(ctx context.Context, j *management.Journey) error {
	j.Stops, j.Checkins, j.Doubts, j.Repitches = []management.Stop{}, []management.Checkin{}, []management.Doubt{}, []leadership.Repitch{}
	err := db.each(ctx, func(r *sql.Rows) error {
		var s management.Stop
		var done sql.NullInt64
		if err := r.Scan(&s.ID, &s.Title, &s.DueOn, &done); err != nil {
			return err
		}
		s.Done, s.DoneAt = done.Valid, timePtr(done)
		j.Stops = append(j.Stops, s)
		return nil
	}, `SELECT id, title, due_on, done_at FROM stops WHERE journey_id = ? ORDER BY due_on, id`, j.ID)
	if err != nil {
		return err
	}
	err = db.each(ctx, func(r *sql.Rows) error {
		var c management.Checkin
		var at int64
		if err := r.Scan(&c.ID, &c.AuthorID, &c.Progress, &c.Confidence, &c.Note, &at); err != nil {
			return err
		}
		c.CreatedAt = fromMicros(at)
		j.Checkins = append(j.Checkins, c)
		return nil
	}, `SELECT id, author_id, progress, confidence, note, created_at FROM checkins WHERE journey_id = ? ORDER BY id DESC`, j.ID)
	if err != nil {
		return err
	}
	err = db.each(ctx, func(r *sql.Rows) error {
		var d management.Doubt
		var raised int64
		var resolved sql.NullInt64
		if err := r.Scan(&d.ID, &d.PersonID, &d.Note, &raised, &resolved, &d.Resolution); err != nil {
			return err
		}
		d.RaisedAt, d.ResolvedAt = fromMicros(raised), timePtr(resolved)
		j.Doubts = append(j.Doubts, d)
		return nil
	}, `SELECT id, person_id, note, raised_at, resolved_at, resolution FROM doubts WHERE journey_id = ? ORDER BY id DESC`, j.ID)
	if err != nil {
		return err
	}
	byID := map[wayfare.ID]int{}
	err = db.each(ctx, func(r *sql.Rows) error {
		var rp leadership.Repitch
		var at int64
		if err := r.Scan(&rp.ID, &rp.AuthorID, &rp.Message, &at); err != nil {
			return err
		}
		rp.JourneyID, rp.CreatedAt, rp.Evidence = j.ID, fromMicros(at), []leadership.Evidence{}
		byID[rp.ID] = len(j.Repitches)
		j.Repitches = append(j.Repitches, rp)
		return nil
	}, `SELECT id, author_id, message, created_at FROM repitches WHERE journey_id = ? ORDER BY id DESC`, j.ID)
	if err != nil || len(j.Repitches) == 0 {
		return err
	}
	return db.each(ctx, func(r *sql.Rows) error {
		var owner wayfare.ID
		var e leadership.Evidence
		var v sql.NullFloat64
		if err := r.Scan(&owner, &e.Kind, &e.Label, &v, &e.Unit, &e.URL, &e.Source); err != nil {
			return err
		}
		if v.Valid {
			e.Value = &v.Float64
		}
		i := byID[owner]
		j.Repitches[i].Evidence = append(j.Repitches[i].Evidence, e)
		return nil
	}, `SELECT e.repitch_id, e.kind, e.label, e.value, e.unit, e.url, e.source FROM evidence e
		JOIN repitches r ON r.id = e.repitch_id WHERE r.journey_id = ? ORDER BY e.repitch_id, e.position`, j.ID)
}

func (db *DB) each(ctx context.Context, fn func(*sql.Rows) error, q string, args ...any) error {
	rows, err := db.readQuery(ctx, q, args...)
	return scanEach(rows, err, fn)
}

// scanEach calls fn for each of the rows a query returned (or returns the
// query's error), then closes them.
func scanEach(rows *sql.Rows, err error, fn func(*sql.Rows) error) error {
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
