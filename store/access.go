package store

import (
	"context"
	"database/sql"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/management"
	"github.com/wayfare-org/wayfare/people"
)

// requireSignedIn refuses the anonymous actor.
func requireSignedIn(a wayfare.Actor) error {
	if a.Anonymous() {
		return &wayfare.Error{Code: wayfare.EUNAUTHORIZED, Message: "sign in to act"}
	}
	return nil
}

// requireAdmin lets through admins and the command line.
func requireAdmin(a wayfare.Actor) error {
	if err := requireSignedIn(a); err != nil {
		return err
	}
	if a.Admin || a.System {
		return nil
	}
	return wayfare.Forbidden("admin-configures", "only an admin may configure the organization")
}

// ancestorsCTE lists a group and its ancestors with their distance.
const ancestorsCTE = `WITH RECURSIVE anc(id, depth) AS (
	SELECT CAST(? AS BIGINT), 0
	UNION ALL
	SELECT g.parent_id, anc.depth + 1 FROM groups g JOIN anc ON g.id = anc.id WHERE g.parent_id IS NOT NULL AND anc.depth < 64)`

// managedGroups selects the groups a person (the one parameter) manages:
// those where the person is a manager, and every group below them.
const managedGroups = `WITH RECURSIVE managed(id, depth) AS (
		SELECT group_id, 0 FROM memberships WHERE person_id = ? AND role = 'manager'
		UNION
		SELECT g.id, managed.depth + 1 FROM groups g JOIN managed ON g.parent_id = managed.id WHERE managed.depth < 64)
	SELECT id FROM managed`

// rower runs a query that returns one row: a write transaction or the
// read pool, so that reads and writes ask the same questions.
type rower interface {
	row(q string, args ...any) *sql.Row
}

// reader asks its questions on the read pool.
type reader struct {
	ctx context.Context
	db  *DB
}

func (r reader) row(q string, args ...any) *sql.Row { return r.db.readRow(r.ctx, q, args...) }

// isManager reports whether the person manages the group or an ancestor.
func isManager(q rower, personID, groupID wayfare.ID) (bool, error) {
	if personID == 0 {
		return false, nil
	}
	var ok bool
	err := q.row(ancestorsCTE+` SELECT EXISTS (SELECT 1 FROM memberships m JOIN anc ON anc.id = m.group_id
		WHERE m.person_id = ? AND m.role = 'manager')`, groupID, personID).Scan(&ok)
	return ok, err
}

// isDriver reports whether the person is a named driver of the journey.
func isDriver(q rower, personID, journeyID wayfare.ID) (bool, error) {
	var ok bool
	err := q.row(`SELECT EXISTS (SELECT 1 FROM journey_drivers WHERE journey_id = ? AND person_id = ?)`,
		journeyID, personID).Scan(&ok)
	return ok, err
}

// standingOf gathers what rule 3 needs to know about an actor's standing
// towards a group and, when journeyID is set, a journey.
// manages answers whether a person manages a group (isManager, or its
// remembered answers for pages).
func standingOf(q rower, manages func(personID, groupID wayfare.ID) (bool, error), a wayfare.Actor, groupID, journeyID wayfare.ID) (management.Standing, error) {
	s := management.Standing{Actor: a}
	if a.PersonID == 0 {
		return s, nil
	}
	var err error
	if s.Manager, err = manages(a.PersonID, groupID); err != nil {
		return s, err
	}
	if journeyID != 0 && !s.Manager {
		s.Driver, err = isDriver(q, a.PersonID, journeyID)
	}
	return s, err
}

type managerKey struct{ person, group wayfare.ID }

type managerAnswer struct {
	version uint64
	ok      bool
}

// isManagerRead is isManager for pages, answered from memory until the
// roles change.
func (db *DB) isManagerRead(ctx context.Context, personID, groupID wayfare.ID) (bool, error) {
	key, v := managerKey{personID, groupID}, db.rolesVersion.Load()
	if a, ok := db.managers.Load(key); ok && a.(managerAnswer).version == v {
		return a.(managerAnswer).ok, nil
	}
	ok, err := isManager(reader{ctx, db}, personID, groupID)
	if err != nil {
		return false, err
	}
	if db.managersLen.Add(1) > 200000 { // bound the memory: start afresh
		db.managers.Clear()
		db.managersLen.Store(0)
	}
	db.managers.Store(key, managerAnswer{version: v, ok: ok})
	return ok, nil
}

// Manages reports whether a person manages a group (or one above it),
// answered from memory until the roles change: pages ask it of others
// than the reader, such as a round's opener (management.CanCloseRound).
func (db *DB) Manages(ctx context.Context, personID, groupID wayfare.ID) (bool, error) {
	return db.isManagerRead(ctx, personID, groupID)
}

// Standing returns the actor's standing towards a group and, when
// journeyID is set, a journey: what pages need to know to offer the
// controls that rule 3 allows (management.CanDecide, CanDrive).
func (db *DB) Standing(ctx context.Context, groupID, journeyID wayfare.ID) (management.Standing, error) {
	manages := func(p, g wayfare.ID) (bool, error) { return db.isManagerRead(ctx, p, g) }
	return standingOf(reader{ctx, db}, manages, wayfare.ActorFrom(ctx), groupID, journeyID)
}

// origin applies rule 8 for an author pitching to a group. One statement
// reads the author's level, whether the author is in the group or one
// below it, and the level of the most senior manager of the group or of
// its nearest ancestor that has managers.
func (tx *Tx) origin(authorID, groupID wayfare.ID) (people.Origin, error) {
	var level int
	var member bool
	var managerLevel sql.NullInt64
	err := tx.row(`WITH RECURSIVE
		anc(id, depth) AS (
			SELECT CAST(? AS BIGINT), 0
			UNION ALL
			SELECT g.parent_id, anc.depth + 1 FROM groups g JOIN anc ON g.id = anc.id WHERE g.parent_id IS NOT NULL AND anc.depth < 64),
		des(id, depth) AS (
			SELECT CAST(? AS BIGINT), 0
			UNION ALL
			SELECT g.id, des.depth + 1 FROM groups g JOIN des ON g.parent_id = des.id WHERE des.depth < 64)
		SELECT
			(SELECT level FROM people WHERE id = ?),
			EXISTS (SELECT 1 FROM memberships m JOIN des ON des.id = m.group_id WHERE m.person_id = ?),
			(SELECT min(p.level) FROM memberships m JOIN anc ON anc.id = m.group_id JOIN people p ON p.id = m.person_id
				WHERE m.role = 'manager' GROUP BY anc.depth ORDER BY anc.depth LIMIT 1)`,
		groupID, groupID, authorID, authorID).Scan(&level, &member, &managerLevel)
	if err != nil {
		return people.Origin{}, err
	}
	return people.OriginOf(level, member, int(managerLevel.Int64), managerLevel.Valid), nil
}

// standing is standingOf for the transaction's actor, read inside the
// transaction so that the decision it allows is made on the same state.
func (tx *Tx) standing(groupID, journeyID wayfare.ID) (management.Standing, error) {
	manages := func(p, g wayfare.ID) (bool, error) { return isManager(tx, p, g) }
	return standingOf(tx, manages, tx.actor, groupID, journeyID)
}

// SessionStanding returns the actor's standing towards a session's group:
// manager (of it or above), the session's facilitator, member (of it or
// below). Pages ask it to offer the controls rules 3 and the membership
// rule allow (management.CanFacilitate, CanContribute).
func (db *DB) SessionStanding(ctx context.Context, groupID, facilitatorID wayfare.ID) (management.Standing, error) {
	s, err := db.Standing(ctx, groupID, 0)
	if err != nil || s.Actor.PersonID == 0 {
		return s, err
	}
	s.Facilitator = facilitatorID == s.Actor.PersonID
	s.Member, err = isMember(reader{ctx, db}, s.Actor.PersonID, groupID)
	return s, err
}
