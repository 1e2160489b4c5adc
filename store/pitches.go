package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/ledger"
)

var _ leadership.Service = (*DB)(nil)

// Publish publishes a pitch; see leadership.Service.
func (db *DB) Publish(ctx context.Context, in leadership.NewPitch) (*leadership.Pitch, error) {
	if err := requireSignedIn(wayfare.ActorFrom(ctx)); err != nil {
		return nil, err
	}
	if err := in.Validate(db.now()); err != nil {
		return nil, err
	}
	var p *leadership.Pitch
	err := db.update(ctx, func(tx *Tx) error {
		var err error
		p, err = tx.publish(in)
		return err
	})
	return p, err
}

func (tx *Tx) publish(in leadership.NewPitch) (*leadership.Pitch, error) {
	return tx.publishFrom(in, nil)
}

// publishFrom publishes a pitch, linked to the session it grew from when
// sessionID is set.
func (tx *Tx) publishFrom(in leadership.NewPitch, sessionID *wayfare.ID) (*leadership.Pitch, error) {
	var ok bool
	if err := tx.row(`SELECT EXISTS (SELECT 1 FROM groups WHERE id = ?)`, in.GroupID).Scan(&ok); err != nil {
		return nil, err
	}
	if !ok {
		return nil, &wayfare.Error{Code: wayfare.ENOTFOUND, Field: "group_id", Message: "names no group"}
	}
	origin, err := tx.origin(tx.actor.PersonID, in.GroupID)
	if err != nil {
		return nil, err
	}
	status := leadership.Selling
	if in.Kind == leadership.Example {
		status = leadership.Showing
	}
	id, err := tx.insert(`INSERT INTO pitches (group_id, author_id, kind, title, status_quo, better_way, tickets_wanted,
		sales_close, status, origin_relation, origin_levels, session_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		in.GroupID, tx.actor.PersonID, string(in.Kind), in.Title, in.StatusQuo, in.BetterWay, in.TicketsWanted,
		nullMicros(in.SalesClose), string(status), string(origin.Relation), origin.Levels, nullID(sessionID), micros(tx.now))
	if err != nil {
		return nil, err
	}
	if _, err := tx.exec(`INSERT INTO pitch_counters (pitch_id, tickets_sold) VALUES (?, 0)`, id); err != nil {
		return nil, err
	}
	tx.fts = append(tx.fts, ftsRow{id: id, title: in.Title, statusQuo: in.StatusQuo, betterWay: in.BetterWay})
	if err := tx.insertEvidence("pitch_id", id, in.Evidence); err != nil {
		return nil, err
	}
	verb := ledger.PitchPublished
	if in.Kind == leadership.Example {
		verb = ledger.ExamplePosted
	}
	payload := map[string]any{"title": in.Title, "kind": in.Kind, "origin": origin, "evidence": len(in.Evidence)}
	if sessionID != nil {
		payload["session_id"] = sessionID
	}
	if err := tx.act(verb, "pitch", id, in.GroupID, payload); err != nil {
		return nil, err
	}
	if in.Evidence == nil {
		in.Evidence = []leadership.Evidence{}
	}
	return &leadership.Pitch{ID: id, GroupID: in.GroupID, AuthorID: tx.actor.PersonID, Kind: in.Kind, Title: in.Title,
		StatusQuo: in.StatusQuo, BetterWay: in.BetterWay, TicketsWanted: in.TicketsWanted, SalesClose: in.SalesClose,
		Evidence: in.Evidence, Status: status, Origin: origin, SessionID: sessionID, CreatedAt: tx.now}, nil
}

func (tx *Tx) insertEvidence(column string, owner wayfare.ID, items []leadership.Evidence) error {
	for i, e := range items {
		if _, err := tx.exec(`INSERT INTO evidence (`+column+`, position, kind, label, value, unit, url, source)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, owner, i, string(e.Kind), e.Label, e.Value, e.Unit, e.URL, e.Source); err != nil {
			return err
		}
	}
	return nil
}

// pitchCols are the columns scanPitch reads, the evidence last.
func (db *DB) pitchCols() string { return db.d.pitchCols }

const pitchColumns = `p.id, p.group_id, p.author_id, p.kind, p.title, p.status_quo, p.better_way, p.tickets_wanted,
	p.sales_close, p.status, p.origin_relation, p.origin_levels, p.decision_id, p.journey_id, p.merged_into,
	p.session_id, p.created_at, c.tickets_sold, `

const pitchFrom = ` FROM pitches p JOIN pitch_counters c ON c.pitch_id = p.id`

func scanPitch(s interface{ Scan(...any) error }) (*leadership.Pitch, error) {
	var p leadership.Pitch
	var salesClose, decision, journey, merged, session sql.NullInt64
	var created int64
	var evidence []byte
	err := s.Scan(&p.ID, &p.GroupID, &p.AuthorID, &p.Kind, &p.Title, &p.StatusQuo, &p.BetterWay, &p.TicketsWanted,
		&salesClose, &p.Status, &p.Origin.Relation, &p.Origin.Levels, &decision, &journey, &merged, &session, &created,
		&p.TicketsSold, &evidence)
	if err != nil {
		return nil, err
	}
	p.SalesClose = timePtr(salesClose)
	p.DecisionID, p.JourneyID, p.MergedInto, p.SessionID = idPtr(decision), idPtr(journey), idPtr(merged), idPtr(session)
	p.CreatedAt = fromMicros(created)
	p.ReadyForDecision = leadership.Ready(p.Kind, p.Status, p.TicketsSold, p.TicketsWanted)
	if err := json.Unmarshal(evidence, &p.Evidence); err != nil {
		return nil, fmt.Errorf("store: evidence of pitch %s: %w", p.ID, err)
	}
	return &p, nil
}

type readStmts struct {
	pitch *sql.Stmt
}

func (db *DB) prepare(ctx context.Context) error {
	var err error
	db.stmts.pitch, err = db.read.PrepareContext(ctx, db.d.sql(`SELECT `+db.pitchCols()+pitchFrom+` WHERE p.id = ?`))
	return err
}

// Pitch returns one pitch; see leadership.Service.
func (db *DB) Pitch(ctx context.Context, id wayfare.ID) (*leadership.Pitch, error) {
	p, err := scanPitch(db.stmts.pitch.QueryRowContext(ctx, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wayfare.NotFound("pitch")
	}
	return p, err
}

// Pitches lists pitches, newest first; see leadership.Service.
func (db *DB) Pitches(ctx context.Context, f leadership.PitchFilter) ([]*leadership.Pitch, error) {
	f.Page = f.Page.Normalize()
	var where []string
	var args []any
	if f.Cursor != 0 {
		where, args = append(where, "p.id < ?"), append(args, f.Cursor)
	}
	if f.GroupID != 0 {
		where, args = append(where, "p.group_id = ?"), append(args, f.GroupID)
	}
	if f.AuthorID != 0 {
		where, args = append(where, "p.author_id = ?"), append(args, f.AuthorID)
	}
	if f.Status != "" {
		where, args = append(where, "p.status = ?"), append(args, string(f.Status))
	}
	if f.Kind != "" {
		where, args = append(where, "p.kind = ?"), append(args, string(f.Kind))
	}
	if f.MemberOf != 0 {
		where, args = append(where, "p.group_id IN (SELECT group_id FROM memberships WHERE person_id = ?)"), append(args, f.MemberOf)
	}
	from, order := pitchFrom, "p.id"
	if f.HeldBy != 0 {
		// From the person's tickets, newest pitch first, by the index on
		// (person_id, pitch_id): a page costs a page, however many tickets.
		from = ` FROM tickets t JOIN pitches p ON p.id = t.pitch_id JOIN pitch_counters c ON c.pitch_id = p.id`
		order = "t.pitch_id"
		where, args = append(where, "t.person_id = ?"), append(args, f.HeldBy)
	}
	if f.AwaitingDecisionBy != 0 {
		w, a, err := db.awaiting(ctx, f.AwaitingDecisionBy)
		if err != nil {
			return nil, err
		}
		where, args = append(where, w), append(args, a...)
	}
	if q := db.ftsQuery(f.Query); q != "" {
		where, args = append(where, db.d.ftsMatch), append(args, q)
	}
	if n := min(len(f.Except), leadership.MaxExcept); n > 0 {
		where = append(where, "p.id NOT IN (?"+strings.Repeat(",?", n-1)+")")
		for _, id := range f.Except[:n] {
			args = append(args, id)
		}
	}
	q := `SELECT ` + db.pitchCols() + from
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY " + order + " DESC LIMIT ?"
	args = append(args, f.Limit)
	rows, err := db.readQuery(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*leadership.Pitch{}
	for rows.Next() {
		p, err := scanPitch(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// awaiting is the condition for undecided proposals to the groups a
// person manages. Few groups: their ids, so that the database reads those
// groups' pitches by index. Many (high up the tree): the selling
// proposals newest first, checked against the groups, which finds a page
// quickly because most of them match.
func (db *DB) awaiting(ctx context.Context, personID wayfare.ID) (string, []any, error) {
	const few = 16
	var groups []any
	err := db.each(ctx, func(r *sql.Rows) error {
		var id wayfare.ID
		if err := r.Scan(&id); err != nil {
			return err
		}
		groups = append(groups, id)
		return nil
	}, managedGroups+` LIMIT ?`, personID, few+1)
	if err != nil {
		return "", nil, err
	}
	switch {
	case len(groups) == 0:
		return "0 = 1", nil, nil
	case len(groups) <= few:
		// Keeping SQLite's planner off the status index keeps it on the
		// group index.
		return `p.kind = 'proposal' AND ` + db.d.unindexed + `p.status = 'selling' AND p.group_id IN (?` + strings.Repeat(",?", len(groups)-1) + `)`, groups, nil
	}
	return `p.kind = 'proposal' AND p.status = 'selling' AND p.group_id IN (` + managedGroups + `)`, []any{personID}, nil
}

// ftsQuery turns what a person typed into a full-text query of the
// store's dialect: every word must appear, the last one as a prefix.
func (db *DB) ftsQuery(s string) string {
	words := strings.FieldsFunc(s, func(r rune) bool {
		return !(r == '\'' || r == '-' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r > 127)
	})
	if len(words) > 16 {
		words = words[:16]
	}
	if len(words) == 0 {
		return ""
	}
	return db.d.ftsQuery(words)
}

// Withdraw withdraws a pitch; see leadership.Service.
func (db *DB) Withdraw(ctx context.Context, id wayfare.ID) (*leadership.Pitch, error) {
	if err := requireSignedIn(wayfare.ActorFrom(ctx)); err != nil {
		return nil, err
	}
	err := db.update(ctx, func(tx *Tx) error {
		var author, group wayfare.ID
		var status leadership.Status
		err := tx.row(`SELECT author_id, group_id, status FROM pitches WHERE id = ?`, id).Scan(&author, &group, &status)
		if errors.Is(err, sql.ErrNoRows) {
			return wayfare.NotFound("pitch")
		} else if err != nil {
			return err
		}
		if err := leadership.CanWithdraw(tx.actor.PersonID, author, status); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE pitches SET status = 'withdrawn' WHERE id = ?`, id); err != nil {
			return err
		}
		tx.touch(id)
		closed, err := tx.closeOpenRound(id, nil) // nothing is left to decide
		if err != nil {
			return err
		}
		var payload map[string]any
		if closed != nil {
			payload = map[string]any{"round_closed": *closed}
		}
		return tx.act(ledger.PitchWithdrawn, "pitch", id, group, payload)
	})
	if err != nil {
		return nil, err
	}
	return db.Pitch(ctx, id)
}

// pitchState is what a write needs to know about a pitch.
type pitchState struct {
	id            wayfare.ID
	kind          leadership.Kind
	status        leadership.Status
	groupID       wayfare.ID
	title         string
	betterWay     string
	salesClose    *time.Time
	decisionID    *wayfare.ID
	journeyID     *wayfare.ID
	journeyStatus string
	ticketsSold   int
}

func (tx *Tx) pitchState(id wayfare.ID) (*pitchState, error) {
	s := &pitchState{id: id}
	var salesClose, decision, journey sql.NullInt64
	var jstatus sql.NullString
	err := tx.row(`SELECT p.kind, p.status, p.group_id, p.title, p.better_way, p.sales_close, p.decision_id, p.journey_id,
		j.status, c.tickets_sold FROM pitches p JOIN pitch_counters c ON c.pitch_id = p.id
		LEFT JOIN journeys j ON j.id = p.journey_id WHERE p.id = ?`, id).Scan(&s.kind, &s.status, &s.groupID, &s.title,
		&s.betterWay, &salesClose, &decision, &journey, &jstatus, &s.ticketsSold)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wayfare.NotFound("pitch")
	} else if err != nil {
		return nil, err
	}
	s.salesClose, s.decisionID, s.journeyID, s.journeyStatus = timePtr(salesClose), idPtr(decision), idPtr(journey), jstatus.String
	return s, nil
}
