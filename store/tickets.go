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
)

// BuyTicket buys the actor's ticket; see leadership.Service.
func (db *DB) BuyTicket(ctx context.Context, pitchID wayfare.ID) (*leadership.Ticket, bool, error) {
	if err := requireSignedIn(wayfare.ActorFrom(ctx)); err != nil {
		return nil, false, err
	}
	var t *leadership.Ticket
	var created bool
	err := db.update(ctx, func(tx *Tx) error {
		var err error
		t, created, err = tx.buyTicket(pitchID)
		return err
	})
	return t, created, err
}

func (tx *Tx) buyTicket(pitchID wayfare.ID) (*leadership.Ticket, bool, error) {
	me := tx.actor.PersonID
	var kind, status string
	var group wayfare.ID
	var wanted int
	var salesClose, journeyID, bought sql.NullInt64
	var jstatus sql.NullString
	err := tx.row(`SELECT p.kind, p.status, p.group_id, p.tickets_wanted, p.sales_close, p.journey_id, j.status, t.bought_at
		FROM pitches p LEFT JOIN journeys j ON j.id = p.journey_id
		LEFT JOIN tickets t ON t.pitch_id = p.id AND t.person_id = ? WHERE p.id = ?`, me, pitchID).Scan(
		&kind, &status, &group, &wanted, &salesClose, &journeyID, &jstatus, &bought)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, wayfare.NotFound("pitch")
	} else if err != nil {
		return nil, false, err
	}
	if bought.Valid { // rule 5: buying twice is idempotent
		return &leadership.Ticket{PitchID: pitchID, PersonID: me, BoughtAt: fromMicros(bought.Int64)}, false, nil
	}
	sales := leadership.Sales{Status: leadership.Status(status), SalesClose: timePtr(salesClose),
		Departed: jstatus.Valid && management.JourneyStatus(jstatus.String).Departed()}
	if err := sales.CanBuy(tx.now); err != nil {
		return nil, false, err
	}
	if _, err := tx.exec(`INSERT INTO tickets (pitch_id, person_id, bought_at) VALUES (?, ?, ?)`, pitchID, me, micros(tx.now)); err != nil {
		return nil, false, err
	}
	var sold int
	if err := tx.row(`UPDATE pitch_counters SET tickets_sold = tickets_sold + 1 WHERE pitch_id = ? RETURNING tickets_sold`, pitchID).Scan(&sold); err != nil {
		return nil, false, err
	}
	tx.touch(pitchID)
	tx.narrow = !journeyID.Valid
	if journeyID.Valid {
		if err := tx.board(wayfare.ID(journeyID.Int64), me); err != nil {
			return nil, false, err
		}
	}
	// The count after this ticket tells the notifications which ticket
	// it was (the first, the one that completes the wanted).
	if err := tx.act(ledger.TicketBought, "pitch", pitchID, group, soldPayload{Sold: sold, Wanted: wanted}); err != nil {
		return nil, false, err
	}
	return &leadership.Ticket{PitchID: pitchID, PersonID: me, BoughtAt: tx.now}, true, nil
}

type soldPayload struct {
	Sold   int `json:"tickets_sold"`
	Wanted int `json:"tickets_wanted"`
}

// board makes a ticket holder a rider of a boarding journey.
func (tx *Tx) board(journeyID, personID wayfare.ID) error {
	res, err := tx.exec(`INSERT INTO journey_riders (journey_id, person_id, joined_at) VALUES (?, ?, ?)
		ON CONFLICT (journey_id, person_id) DO UPDATE SET left_at = NULL, joined_at = excluded.joined_at
		WHERE journey_riders.left_at IS NOT NULL`, journeyID, personID, micros(tx.now))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		_, err = tx.exec(`UPDATE journeys SET riders = riders + 1 WHERE id = ?`, journeyID)
	}
	return err
}

// RefundTicket refunds the actor's ticket; see leadership.Service.
func (db *DB) RefundTicket(ctx context.Context, pitchID wayfare.ID) error {
	if err := requireSignedIn(wayfare.ActorFrom(ctx)); err != nil {
		return err
	}
	return db.update(ctx, func(tx *Tx) error { return tx.refund(pitchID) })
}

func (tx *Tx) refund(pitchID wayfare.ID) error {
	me := tx.actor.PersonID
	s, err := tx.pitchState(pitchID)
	if err != nil {
		return err
	}
	var held bool
	if err := tx.row(`SELECT EXISTS (SELECT 1 FROM tickets WHERE pitch_id = ? AND person_id = ?)`, pitchID, me).Scan(&held); err != nil {
		return err
	}
	if !held {
		return &wayfare.Error{Code: wayfare.ENOTFOUND, Message: "you hold no ticket for this pitch"}
	}
	sales := leadership.Sales{Status: s.status, Departed: s.journeyStatus != "" && management.JourneyStatus(s.journeyStatus).Departed()}
	if err := sales.CanRefund(); err != nil {
		return err
	}
	if _, err := tx.exec(`DELETE FROM tickets WHERE pitch_id = ? AND person_id = ?`, pitchID, me); err != nil {
		return err
	}
	if _, err := tx.exec(`UPDATE pitch_counters SET tickets_sold = tickets_sold - 1 WHERE pitch_id = ?`, pitchID); err != nil {
		return err
	}
	tx.touch(pitchID)
	tx.narrow = s.journeyID == nil
	if s.journeyID != nil {
		if err := tx.alight(*s.journeyID, me, "left"); err != nil {
			return err
		}
	}
	return tx.act(ledger.TicketRefunded, "pitch", pitchID, s.groupID, nil)
}

// alight removes a rider from a journey and resolves the rider's open doubt.
func (tx *Tx) alight(journeyID, personID wayfare.ID, resolution string) error {
	res, err := tx.exec(`UPDATE journey_riders SET left_at = ? WHERE journey_id = ? AND person_id = ? AND left_at IS NULL`,
		micros(tx.now), journeyID, personID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	if _, err := tx.exec(`UPDATE journeys SET riders = riders - 1 WHERE id = ?`, journeyID); err != nil {
		return err
	}
	_, err = tx.resolveDoubt(journeyID, personID, resolution)
	return err
}

// resolveDoubt resolves a rider's open doubt; it reports whether there was one.
func (tx *Tx) resolveDoubt(journeyID, personID wayfare.ID, resolution string) (bool, error) {
	res, err := tx.exec(`UPDATE doubts SET resolved_at = ?, resolution = ? WHERE journey_id = ? AND person_id = ? AND resolved_at IS NULL`,
		micros(tx.now), resolution, journeyID, personID)
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	_, err = tx.exec(`UPDATE journeys SET open_doubts = open_doubts - 1 WHERE id = ?`, journeyID)
	return true, err
}

// Repitch re-sells a journey; see leadership.Service.
func (db *DB) Repitch(ctx context.Context, journeyID wayfare.ID, in leadership.NewRepitch) (*leadership.Repitch, error) {
	if err := requireSignedIn(wayfare.ActorFrom(ctx)); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var r *leadership.Repitch
	err := db.update(ctx, func(tx *Tx) error {
		j, err := tx.journeyState(journeyID)
		if err != nil {
			return err
		}
		if err := j.status.Going(); err != nil {
			return err
		}
		id, err := tx.insert(`INSERT INTO repitches (journey_id, author_id, message, created_at) VALUES (?, ?, ?, ?)`,
			journeyID, tx.actor.PersonID, in.Message, micros(tx.now))
		if err != nil {
			return err
		}
		if err := tx.insertEvidence("repitch_id", id, in.Evidence); err != nil {
			return err
		}
		if in.Evidence == nil {
			in.Evidence = []leadership.Evidence{}
		}
		r = &leadership.Repitch{ID: id, JourneyID: journeyID, AuthorID: tx.actor.PersonID, Message: in.Message,
			Evidence: in.Evidence, CreatedAt: tx.now}
		return tx.act(ledger.RepitchPosted, "journey", journeyID, j.groupID, map[string]any{"repitch_id": id})
	})
	return r, err
}

// Holders returns the people who hold a ticket for the pitch, in the order
// of their ids: pages that keep a pitch rendered tell each reader from it
// whether they hold one.
func (db *DB) Holders(ctx context.Context, pitchID wayfare.ID) ([]wayfare.ID, error) {
	return db.ids(ctx, `SELECT person_id FROM tickets WHERE pitch_id = ? ORDER BY person_id`, pitchID)
}

// TicketsSold returns the tickets sold of each of the pitches (a pitch that
// does not exist is left out): pages that keep lists of pitches rendered
// read the counts again after the pitches' versions, so that a kept list
// is never older than the versions it is kept by.
func (db *DB) TicketsSold(ctx context.Context, ids []wayfare.ID) (map[wayfare.ID]int, error) {
	out := make(map[wayfare.ID]int, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	list := make([]byte, 0, 8*len(ids))
	list = append(list, '[')
	for i, id := range ids {
		if i > 0 {
			list = append(list, ',')
		}
		list = strconv.AppendInt(list, int64(id), 10)
	}
	list = append(list, ']')
	rows, err := db.readQuery(ctx, `SELECT pitch_id, tickets_sold FROM pitch_counters
		WHERE pitch_id IN (`+db.d.idsIn+`)`, string(list))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id wayfare.ID
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

// Sales returns what rule 5 needs to know to say whether a ticket can be
// bought or refunded now (leadership.Sales), for pages that offer it.
func (db *DB) Sales(ctx context.Context, pitchID wayfare.ID) (leadership.Sales, error) {
	var s leadership.Sales
	var salesClose sql.NullInt64
	var jstatus sql.NullString
	err := db.readRow(ctx, `SELECT p.status, p.sales_close, j.status FROM pitches p
		LEFT JOIN journeys j ON j.id = p.journey_id WHERE p.id = ?`, pitchID).Scan(&s.Status, &salesClose, &jstatus)
	if errors.Is(err, sql.ErrNoRows) {
		return s, wayfare.NotFound("pitch")
	}
	s.SalesClose = timePtr(salesClose)
	s.Departed = jstatus.Valid && management.JourneyStatus(jstatus.String).Departed()
	return s, err
}
