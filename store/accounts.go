package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/ledger"
	"github.com/wayfare-org/wayfare/people"
)

var _ people.AccountService = (*DB)(nil)

// Me returns the signed-in person with groups and roles.
func (db *DB) Me(ctx context.Context) (*people.Person, error) {
	a := wayfare.ActorFrom(ctx)
	if a.PersonID == 0 {
		return nil, &wayfare.Error{Code: wayfare.EUNAUTHORIZED, Message: "sign in to see who you are"}
	}
	return db.Person(ctx, a.PersonID)
}

// UpdatePerson changes a person's fields; see people.AccountService.
func (db *DB) UpdatePerson(ctx context.Context, id wayfare.ID, u people.PersonUpdate) (*people.Person, error) {
	if err := requireAdmin(wayfare.ActorFrom(ctx)); err != nil {
		return nil, err
	}
	if err := u.Validate(); err != nil {
		return nil, err
	}
	err := db.update(ctx, func(tx *Tx) error { return tx.updatePerson(id, u) })
	if err != nil {
		return nil, err
	}
	return db.Person(ctx, id)
}

// personForUpdate reads a person inside the transaction (ENOTFOUND).
func (tx *Tx) personForUpdate(id wayfare.ID) (*people.Person, error) {
	p, err := scanPerson(tx.row(`SELECT `+personCols+` FROM people p WHERE p.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wayfare.NotFound("person")
	}
	return p, err
}

// activeAdmins counts the active admins.
func (tx *Tx) activeAdmins() (int, error) {
	var n int
	err := tx.row(`SELECT count(*) FROM people WHERE admin <> 0 AND status = 'active'`).Scan(&n)
	return n, err
}

func (tx *Tx) updatePerson(id wayfare.ID, u people.PersonUpdate) error {
	changed, err := tx.changePerson(id, u)
	if err != nil || len(changed) == 0 {
		return err
	}
	return tx.act(ledger.PersonUpdated, "person", id, 0, map[string]any{"changed": changed})
}

// changePerson writes the fields of an update that differ and returns
// their names; the caller records the act.
func (tx *Tx) changePerson(id wayfare.ID, u people.PersonUpdate) ([]string, error) {
	p, err := tx.personForUpdate(id)
	if err != nil {
		return nil, err
	}
	var changed []string
	if u.Name != nil && *u.Name != p.Name {
		p.Name, changed = *u.Name, append(changed, "name")
	}
	if u.Title != nil && *u.Title != p.Title {
		p.Title, changed = *u.Title, append(changed, "title")
	}
	if u.Email != nil && *u.Email != p.Email {
		var taken bool
		if err := tx.row(`SELECT EXISTS (SELECT 1 FROM people WHERE email = ? AND id <> ?)`, *u.Email, id).Scan(&taken); err != nil {
			return nil, err
		}
		if taken {
			return nil, &wayfare.Error{Code: wayfare.ECONFLICT, Field: "email", Message: "is taken by another person"}
		}
		p.Email, changed = *u.Email, append(changed, "email")
	}
	if u.Admin != nil && *u.Admin != p.Admin {
		n, err := tx.activeAdmins()
		if err != nil {
			return nil, err
		}
		if err := people.CanChangeAdmin(p, n, !*u.Admin); err != nil {
			return nil, err
		}
		p.Admin, changed = *u.Admin, append(changed, "admin")
	}
	manager := p.ManagerID
	if u.ManagerID.Set && !sameID(u.ManagerID.ID, p.ManagerID) {
		if err := tx.checkManager(id, u.ManagerID.ID); err != nil {
			return nil, err
		}
		manager, changed = u.ManagerID.ID, append(changed, "manager")
	}
	if len(changed) == 0 {
		return nil, nil
	}
	if _, err := tx.exec(`UPDATE people SET name = ?, title = ?, email = ?, admin = ?, manager_id = ? WHERE id = ?`,
		p.Name, p.Title, p.Email, p.Admin, nullID(manager), id); err != nil {
		return nil, err
	}
	if err := tx.relevel(); err != nil {
		return nil, err
	}
	tx.rolesChanged = true
	return changed, nil
}

func sameID(a, b *wayfare.ID) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// checkManager checks that a person may report to manager: someone who
// exists and is not the person or anyone who reports to them.
func (tx *Tx) checkManager(id wayfare.ID, manager *wayfare.ID) error {
	if manager == nil {
		return nil
	}
	if *manager == id {
		return wayfare.FieldError("manager_id", "is the person: no one is their own manager")
	}
	var exists, below bool
	err := tx.row(`WITH RECURSIVE up(id, depth) AS (
			SELECT CAST(? AS BIGINT), 0
			UNION ALL SELECT p.manager_id, up.depth + 1 FROM people p JOIN up ON p.id = up.id
			WHERE p.manager_id IS NOT NULL AND up.depth < 10000)
		SELECT EXISTS (SELECT 1 FROM people WHERE id = ?), EXISTS (SELECT 1 FROM up WHERE id = ?)`,
		*manager, *manager, id).Scan(&exists, &below)
	switch {
	case err != nil:
		return err
	case !exists:
		return wayfare.FieldError("manager_id", "names no person")
	case below:
		return &wayfare.Error{Code: wayfare.ECONFLICT, Field: "manager_id", Rule: "no-circle",
			Message: "reports to this person already: the reporting line would come back to them"}
	}
	return nil
}

// relevel derives every level from the reporting lines, from the top.
func (tx *Tx) relevel() error {
	_, err := tx.exec(`WITH RECURSIVE chain(id, lvl) AS (
			SELECT id, 0 FROM people WHERE manager_id IS NULL
			UNION ALL SELECT p.id, c.lvl + 1 FROM people p JOIN chain c ON p.manager_id = c.id)
		UPDATE people SET level = chain.lvl FROM chain WHERE chain.id = people.id AND people.level <> chain.lvl`)
	return err
}

// SetStatus deactivates or reactivates a person; see
// people.AccountService.
func (db *DB) SetStatus(ctx context.Context, id wayfare.ID, s people.Status) (*people.Person, error) {
	if err := requireAdmin(wayfare.ActorFrom(ctx)); err != nil {
		return nil, err
	}
	if !s.Valid() {
		return nil, wayfare.FieldError("status", "must be %q or %q", people.Active, people.Deactivated)
	}
	if err := db.update(ctx, func(tx *Tx) error { return tx.setStatus(id, s) }); err != nil {
		return nil, err
	}
	return db.Person(ctx, id)
}

// setStatus changes a person's status. Deactivation moves their session
// epoch (their browser sessions end), deletes their tokens and moves the
// authority version, so that every server refuses them at once.
func (tx *Tx) setStatus(id wayfare.ID, s people.Status) error {
	p, err := tx.personForUpdate(id)
	if err != nil {
		return err
	}
	if p.Status == s {
		return nil // already so: nothing to record
	}
	if s == people.Deactivated {
		n, err := tx.activeAdmins()
		if err != nil {
			return err
		}
		if err := people.CanChangeAdmin(p, n, true); err != nil {
			return err
		}
	}
	return tx.changeStatus(id, s)
}

// changeStatus writes a new status and its act; the caller has checked
// that the organization keeps an active admin.
func (tx *Tx) changeStatus(id wayfare.ID, s people.Status) error {
	tx.rolesChanged = true
	if s == people.Active {
		if _, err := tx.exec(`UPDATE people SET status = 'active', deactivated_at = NULL WHERE id = ?`, id); err != nil {
			return err
		}
		return tx.act(ledger.PersonReactive, "person", id, 0, nil)
	}
	if _, err := tx.exec(`UPDATE people SET status = 'deactivated', deactivated_at = ?, session_epoch = session_epoch + 1
		WHERE id = ?`, micros(tx.now), id); err != nil {
		return err
	}
	res, err := tx.exec(`DELETE FROM api_tokens WHERE person_id = ?`, id)
	if err != nil {
		return err
	}
	ended, _ := res.RowsAffected()
	return tx.act(ledger.PersonDeactive, "person", id, 0, map[string]any{"tokens_ended": ended})
}

// EndSessions signs a person out everywhere; see people.AccountService.
func (db *DB) EndSessions(ctx context.Context, id wayfare.ID) error {
	a := wayfare.ActorFrom(ctx)
	if err := requireSignedIn(a); err != nil {
		return err
	}
	if a.PersonID != id {
		if err := requireAdmin(a); err != nil {
			return err
		}
	}
	return db.update(ctx, func(tx *Tx) error {
		res, err := tx.exec(`UPDATE people SET session_epoch = session_epoch + 1 WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return wayfare.NotFound("person")
		}
		tx.rolesChanged = true // who is signed in is read again everywhere
		return tx.act(ledger.SessionsEnded, "person", id, 0, nil)
	})
}

// UpdateGroup renames or moves a group; see people.AccountService.
func (db *DB) UpdateGroup(ctx context.Context, id wayfare.ID, u people.GroupUpdate) (*people.Group, error) {
	if err := requireAdmin(wayfare.ActorFrom(ctx)); err != nil {
		return nil, err
	}
	if err := u.Validate(); err != nil {
		return nil, err
	}
	if err := db.update(ctx, func(tx *Tx) error { return tx.updateGroup(id, u) }); err != nil {
		return nil, err
	}
	return db.Group(ctx, id)
}

func (tx *Tx) updateGroup(id wayfare.ID, u people.GroupUpdate) error {
	g, err := scanGroup(tx.row(`SELECT id, name, parent_id, created_at FROM groups WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return wayfare.NotFound("group")
	} else if err != nil {
		return err
	}
	payload := map[string]any{}
	if u.Name != nil && *u.Name != g.Name {
		payload["name"], payload["old_name"] = *u.Name, g.Name
		g.Name = *u.Name
	}
	if u.ParentID.Set && !sameID(u.ParentID.ID, g.ParentID) {
		if err := tx.checkParent(id, u.ParentID.ID); err != nil {
			return err
		}
		payload["parent_id"] = u.ParentID.ID
		g.ParentID = u.ParentID.ID
	}
	if len(payload) == 0 {
		return nil
	}
	if _, err := tx.exec(`UPDATE groups SET name = ?, parent_id = ? WHERE id = ?`, g.Name, nullID(g.ParentID), id); err != nil {
		return err
	}
	tx.rolesChanged = true // who manages what follows the tree
	return tx.act(ledger.GroupUpdated, "group", id, id, payload)
}

// checkParent checks that a group may move under parent: a group that
// exists and is neither the group nor one of its descendants.
func (tx *Tx) checkParent(id wayfare.ID, parent *wayfare.ID) error {
	if parent == nil {
		return nil
	}
	var exists, below bool
	err := tx.row(ancestorsCTE+` SELECT EXISTS (SELECT 1 FROM groups WHERE id = ?), EXISTS (SELECT 1 FROM anc WHERE id = ?)`,
		*parent, *parent, id).Scan(&exists, &below)
	switch {
	case err != nil:
		return err
	case !exists:
		return wayfare.FieldError("parent_id", "names no group")
	case below:
		return &wayfare.Error{Code: wayfare.ECONFLICT, Field: "parent_id", Rule: "no-circle",
			Message: "is this group or one of its sub-groups: groups cannot nest in a circle"}
	}
	return nil
}

// RemoveMember takes a person out of a group; see people.AccountService.
func (db *DB) RemoveMember(ctx context.Context, groupID, personID wayfare.ID) error {
	if err := requireSignedIn(wayfare.ActorFrom(ctx)); err != nil {
		return err
	}
	return db.update(ctx, func(tx *Tx) error {
		if err := tx.mayConfigureGroup(groupID); err != nil {
			return err
		}
		return tx.removeMember(groupID, personID)
	})
}

// removeMember takes a person out of a group and records it (ENOTFOUND
// when they are not in it); the caller has checked who may.
func (tx *Tx) removeMember(groupID, personID wayfare.ID) error {
	var role people.Role
	err := tx.row(`SELECT role FROM memberships WHERE group_id = ? AND person_id = ?`, groupID, personID).Scan(&role)
	if errors.Is(err, sql.ErrNoRows) {
		return wayfare.NotFound("membership")
	} else if err != nil {
		return err
	}
	if _, err := tx.exec(`DELETE FROM memberships WHERE group_id = ? AND person_id = ?`, groupID, personID); err != nil {
		return err
	}
	tx.rolesChanged = true
	return tx.act(ledger.MemberRemoved, "person", personID, groupID, map[string]any{"role": role})
}

// mayConfigureGroup lets admins, the command line and the group's
// management (a manager of it or of a group above it) change its members.
func (tx *Tx) mayConfigureGroup(groupID wayfare.ID) error {
	var ok bool
	if err := tx.row(`SELECT EXISTS (SELECT 1 FROM groups WHERE id = ?)`, groupID).Scan(&ok); err != nil {
		return err
	}
	if !ok {
		return wayfare.NotFound("group")
	}
	if tx.actor.Admin || tx.actor.System {
		return nil
	}
	mgr, err := isManager(tx, tx.actor.PersonID, groupID)
	if err != nil {
		return err
	}
	if !mgr {
		return wayfare.Forbidden("admin-configures", "only an admin or a manager of this group may change its members")
	}
	return nil
}
