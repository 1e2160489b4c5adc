package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/ledger"
	"github.com/wayfare-org/wayfare/people"
)

var _ people.Service = (*DB)(nil)

// CreatePerson adds a person; see people.Service.
func (db *DB) CreatePerson(ctx context.Context, in people.NewPerson) (*people.Person, error) {
	if err := requireAdmin(wayfare.ActorFrom(ctx)); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var p *people.Person
	err := db.update(ctx, func(tx *Tx) error {
		var err error
		p, err = tx.createPerson(in, "")
		return err
	})
	return p, err
}

func (tx *Tx) createPerson(in people.NewPerson, passwordHash string) (*people.Person, error) {
	tx.rolesChanged = true
	level := 0
	if in.ManagerID != nil {
		var ml int
		err := tx.row(`SELECT level FROM people WHERE id = ?`, *in.ManagerID).Scan(&ml)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, wayfare.FieldError("manager_id", "names no person")
		} else if err != nil {
			return nil, err
		}
		level = people.LevelUnder(ml, true)
	}
	var taken bool
	if err := tx.row(`SELECT EXISTS (SELECT 1 FROM people WHERE email = ?)`, in.Email).Scan(&taken); err != nil {
		return nil, err
	}
	if taken {
		return nil, &wayfare.Error{Code: wayfare.ECONFLICT, Field: "email", Message: "is taken by another person"}
	}
	id, err := tx.insert(`INSERT INTO people (name, email, title, manager_id, level, admin, password_hash, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, in.Name, in.Email, in.Title, nullID(in.ManagerID), level, in.Admin, passwordHash, micros(tx.now))
	if err != nil {
		return nil, err
	}
	p := &people.Person{ID: id, Name: in.Name, Email: in.Email, Title: in.Title, ManagerID: in.ManagerID,
		Level: level, Admin: in.Admin, Status: people.Active, CreatedAt: tx.now}
	return p, tx.act(ledger.PersonCreated, "person", id, 0, map[string]any{"name": in.Name})
}

const personCols = `p.id, p.name, p.email, p.title, p.manager_id, p.level, p.admin, p.status, p.created_at`

// scanPerson scans personCols and then any more columns into more.
func scanPerson(s interface{ Scan(...any) error }, more ...any) (*people.Person, error) {
	var p people.Person
	var mgr sql.NullInt64
	var created int64
	if err := s.Scan(append([]any{&p.ID, &p.Name, &p.Email, &p.Title, &mgr, &p.Level, &p.Admin, &p.Status, &created}, more...)...); err != nil {
		return nil, err
	}
	p.ManagerID = idPtr(mgr)
	p.CreatedAt = fromMicros(created)
	return &p, nil
}

// redact hides e-mail addresses from all but admins and the person.
func redact(a wayfare.Actor, p *people.Person) {
	if !a.Admin && !a.System && a.PersonID != p.ID {
		p.Email = ""
	}
}

// Person returns one person; see people.Service.
func (db *DB) Person(ctx context.Context, id wayfare.ID) (*people.Person, error) {
	p, err := scanPerson(db.readRow(ctx, `SELECT `+personCols+` FROM people p WHERE p.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wayfare.NotFound("person")
	} else if err != nil {
		return nil, err
	}
	rows, err := db.readQuery(ctx, `SELECT m.group_id, g.name, m.role FROM memberships m
		JOIN groups g ON g.id = m.group_id WHERE m.person_id = ? ORDER BY m.group_id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	p.Groups = []people.Membership{}
	for rows.Next() {
		m := people.Membership{PersonID: id, Level: p.Level}
		if err := rows.Scan(&m.GroupID, &m.GroupName, &m.Role); err != nil {
			return nil, err
		}
		p.Groups = append(p.Groups, m)
	}
	redact(wayfare.ActorFrom(ctx), p)
	return p, rows.Err()
}

// PersonBrief returns a person without their groups, in one query
// (ENOTFOUND). E-mail addresses are hidden as in Person.
func (db *DB) PersonBrief(ctx context.Context, id wayfare.ID) (*people.Person, error) {
	p, err := scanPerson(db.readRow(ctx, `SELECT `+personCols+` FROM people p WHERE p.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wayfare.NotFound("person")
	} else if err != nil {
		return nil, err
	}
	redact(wayfare.ActorFrom(ctx), p)
	return p, nil
}

// PersonByEmail returns the person with that e-mail address (ENOTFOUND).
// The command line and sign-in use it.
func (db *DB) PersonByEmail(ctx context.Context, email string) (*people.Person, error) {
	p, err := scanPerson(db.readRow(ctx, `SELECT `+personCols+` FROM people p WHERE p.email = ?`,
		strings.ToLower(strings.TrimSpace(email))))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wayfare.NotFound("person")
	}
	return p, err
}

// People lists people; see people.Service.
func (db *DB) People(ctx context.Context, f people.PersonFilter) ([]*people.Person, error) {
	f.Page = f.Page.Normalize()
	q := `SELECT ` + personCols + ` FROM people p WHERE p.id > ?`
	args := []any{f.Cursor}
	if f.GroupID != 0 {
		q += ` AND p.id IN (SELECT person_id FROM memberships WHERE group_id = ?)`
		args = append(args, f.GroupID)
	}
	if f.Status != "" {
		q += ` AND p.status = ?`
		args = append(args, string(f.Status))
	}
	if f.Query != "" {
		q += ` AND (p.name ` + db.d.like + ` ? ESCAPE '\' OR p.title ` + db.d.like + ` ? ESCAPE '\')`
		like := "%" + likeEscape(f.Query) + "%"
		args = append(args, like, like)
	}
	q += ` ORDER BY p.id LIMIT ?`
	args = append(args, f.Limit)
	rows, err := db.readQuery(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	a := wayfare.ActorFrom(ctx)
	out := []*people.Person{}
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, err
		}
		redact(a, p)
		out = append(out, p)
	}
	return out, rows.Err()
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// CreateGroup adds a group; see people.Service.
func (db *DB) CreateGroup(ctx context.Context, in people.NewGroup) (*people.Group, error) {
	if err := requireAdmin(wayfare.ActorFrom(ctx)); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var g *people.Group
	err := db.update(ctx, func(tx *Tx) error {
		var err error
		g, err = tx.createGroup(in)
		return err
	})
	return g, err
}

func (tx *Tx) createGroup(in people.NewGroup) (*people.Group, error) {
	tx.rolesChanged = true
	if in.ParentID != nil {
		var ok bool
		if err := tx.row(`SELECT EXISTS (SELECT 1 FROM groups WHERE id = ?)`, *in.ParentID).Scan(&ok); err != nil {
			return nil, err
		}
		if !ok {
			return nil, wayfare.FieldError("parent_id", "names no group")
		}
	}
	id, err := tx.insert(`INSERT INTO groups (name, parent_id, created_at) VALUES (?, ?, ?)`, in.Name, nullID(in.ParentID), micros(tx.now))
	if err != nil {
		return nil, err
	}
	g := &people.Group{ID: id, Name: in.Name, ParentID: in.ParentID, CreatedAt: tx.now, Managers: []people.Membership{}, Members: []people.Membership{}}
	return g, tx.act(ledger.GroupCreated, "group", id, id, map[string]any{"name": in.Name})
}

// scanGroup scans a group's id, name, parent_id and created_at, and then
// any more columns into more.
func scanGroup(s interface{ Scan(...any) error }, more ...any) (*people.Group, error) {
	var g people.Group
	var parent sql.NullInt64
	var created int64
	if err := s.Scan(append([]any{&g.ID, &g.Name, &parent, &created}, more...)...); err != nil {
		return nil, err
	}
	g.ParentID = idPtr(parent)
	g.CreatedAt = fromMicros(created)
	return &g, nil
}

// Group returns one group; see people.Service.
func (db *DB) Group(ctx context.Context, id wayfare.ID) (*people.Group, error) {
	g, err := scanGroup(db.readRow(ctx, `SELECT id, name, parent_id, created_at FROM groups WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wayfare.NotFound("group")
	} else if err != nil {
		return nil, err
	}
	rows, err := db.readQuery(ctx, `SELECT m.person_id, p.name, m.role, p.level, p.status FROM memberships m
		JOIN people p ON p.id = m.person_id WHERE m.group_id = ? ORDER BY p.level, p.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	g.Managers, g.Members = []people.Membership{}, []people.Membership{}
	for rows.Next() {
		m := people.Membership{GroupID: id}
		if err := rows.Scan(&m.PersonID, &m.Name, &m.Role, &m.Level, &m.Status); err != nil {
			return nil, err
		}
		if m.Role == people.Manager {
			g.Managers = append(g.Managers, m)
		}
		g.Members = append(g.Members, m)
	}
	return g, rows.Err()
}

// Groups lists groups; see people.Service.
func (db *DB) Groups(ctx context.Context, f people.GroupFilter) ([]*people.Group, error) {
	f.Page = f.Page.Normalize()
	q := `SELECT id, name, parent_id, created_at FROM groups WHERE id > ?`
	args := []any{f.Cursor}
	if f.ParentID != 0 {
		q += ` AND parent_id = ?`
		args = append(args, f.ParentID)
	}
	q += ` ORDER BY id LIMIT ?`
	args = append(args, f.Limit)
	rows, err := db.readQuery(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*people.Group{}
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// SetRole gives a person a role in a group; see people.Service.
func (db *DB) SetRole(ctx context.Context, groupID, personID wayfare.ID, role people.Role) (*people.Membership, error) {
	a := wayfare.ActorFrom(ctx)
	if err := requireSignedIn(a); err != nil {
		return nil, err
	}
	if !role.Valid() {
		return nil, wayfare.FieldError("role", "must be %q or %q", people.Member, people.Manager)
	}
	var m *people.Membership
	err := db.update(ctx, func(tx *Tx) error {
		var err error
		if m, err = tx.setRole(groupID, personID, role); err == nil && m.Status != people.Active {
			// The org chart and provisioning may keep a leaver's
			// memberships; nobody gives a leaver a role.
			return wayfare.Conflict("deactivated", "%s has left the organization and cannot be given a role", m.Name)
		}
		return err
	})
	return m, err
}

func (tx *Tx) setRole(groupID, personID wayfare.ID, role people.Role) (*people.Membership, error) {
	if err := tx.mayConfigureGroup(groupID); err != nil {
		return nil, err
	}
	m := &people.Membership{GroupID: groupID, PersonID: personID, Role: role}
	err := tx.row(`SELECT name, level, status FROM people WHERE id = ?`, personID).Scan(&m.Name, &m.Level, &m.Status)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wayfare.NotFound("person")
	} else if err != nil {
		return nil, err
	}
	if _, err := tx.exec(`INSERT INTO memberships (group_id, person_id, role) VALUES (?, ?, ?)
		ON CONFLICT (group_id, person_id) DO UPDATE SET role = excluded.role, from_provider = 0`, groupID, personID, string(role)); err != nil {
		return nil, err
	}
	tx.rolesChanged = true
	return m, tx.act(ledger.RoleSet, "person", personID, groupID, map[string]any{"role": role})
}
