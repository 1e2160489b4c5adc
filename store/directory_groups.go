package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/ledger"
	"github.com/wayfare-org/wayfare/people"
)

// The directory's groups: made of the same steps as the other doors'
// (createGroup, updateGroup, setRole, removeMember).

const directoryGroupCols = `g.id, g.name, g.parent_id, g.created_at, COALESCE(g.external_id, '')`

func scanDirectoryGroup(s interface{ Scan(...any) error }) (*people.DirectoryGroup, error) {
	var d people.DirectoryGroup
	g, err := scanGroup(s, &d.ExternalID)
	if err != nil {
		return nil, err
	}
	d.Group = *g
	return &d, nil
}

// DirectoryGroups lists groups as the directory sees them; see
// people.DirectoryService.
func (db *DB) DirectoryGroups(ctx context.Context, f people.DirectoryGroupFilter) ([]*people.DirectoryGroup, int, error) {
	if err := requireAdmin(wayfare.ActorFrom(ctx)); err != nil {
		return nil, 0, err
	}
	where, args := directoryGroupWhere(f)
	var total int
	if err := db.readRow(ctx, `SELECT count(*) FROM groups g WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	out := []*people.DirectoryGroup{}
	limit := min(f.Limit, wayfare.MaxLimit)
	if limit <= 0 || f.Offset >= total {
		return out, total, nil
	}
	rows, err := db.readQuery(ctx, `SELECT `+directoryGroupCols+` FROM groups g WHERE `+where+` ORDER BY g.id LIMIT ? OFFSET ?`,
		append(args, limit, max(f.Offset, 0))...)
	err = scanEach(rows, err, func(rows *sql.Rows) error {
		g, err := scanDirectoryGroup(rows)
		if err == nil {
			out = append(out, g)
		}
		return err
	})
	if err != nil || !f.Members {
		return out, total, err
	}
	return out, total, db.directoryMembers(ctx, out)
}

func directoryGroupWhere(f people.DirectoryGroupFilter) (string, []any) {
	where, args := []string{"g.deprovisioned_at IS NULL"}, []any{}
	if f.ID != 0 {
		where, args = append(where, "g.id = ?"), append(args, f.ID)
	}
	if f.Name != "" {
		where, args = append(where, "lower(g.name) = lower(?)"), append(args, f.Name)
	}
	if f.ExternalID != "" {
		where, args = append(where, "g.external_id = ?"), append(args, f.ExternalID)
	}
	if f.MemberID != 0 {
		where, args = append(where, "g.id IN (SELECT group_id FROM memberships WHERE person_id = ?)"), append(args, f.MemberID)
	}
	return strings.Join(where, " AND "), args
}

// directoryMembers reads the members of the groups, but the people the
// directory removed, in one query.
func (db *DB) directoryMembers(ctx context.Context, groups []*people.DirectoryGroup) error {
	if len(groups) == 0 {
		return nil
	}
	byID := map[wayfare.ID]*people.DirectoryGroup{}
	args := make([]any, 0, len(groups))
	for _, g := range groups {
		g.Managers, g.Members = []people.Membership{}, []people.Membership{}
		byID[g.ID] = g
		args = append(args, g.ID)
	}
	rows, err := db.readQuery(ctx, `SELECT m.group_id, m.person_id, p.name, m.role, p.level, p.status FROM memberships m
		JOIN people p ON p.id = m.person_id
		WHERE m.group_id IN (?`+strings.Repeat(`, ?`, len(args)-1)+`) AND p.deprovisioned_at IS NULL
		ORDER BY m.group_id, m.person_id`, args...)
	return scanEach(rows, err, func(rows *sql.Rows) error {
		var m people.Membership
		if err := rows.Scan(&m.GroupID, &m.PersonID, &m.Name, &m.Role, &m.Level, &m.Status); err != nil {
			return err
		}
		g := byID[m.GroupID]
		if m.Role == people.Manager {
			g.Managers = append(g.Managers, m)
		}
		g.Members = append(g.Members, m)
		return nil
	})
}

// DirectoryGroup returns one group with its members as the directory
// sees them; see people.DirectoryService.
func (db *DB) DirectoryGroup(ctx context.Context, id wayfare.ID) (*people.DirectoryGroup, error) {
	gs, _, err := db.DirectoryGroups(ctx, people.DirectoryGroupFilter{ID: id, Members: true, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(gs) == 0 {
		return nil, wayfare.NotFound("group")
	}
	return gs[0], nil
}

// ProvisionGroup creates a group for the directory, or brings back one it
// removed by that name; see people.DirectoryService.
func (db *DB) ProvisionGroup(ctx context.Context, in people.DirectoryGroupInput) (*people.DirectoryGroup, error) {
	if err := requireAdmin(wayfare.ActorFrom(ctx)); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var id wayfare.ID
	err := db.update(ctx, func(tx *Tx) error {
		var err error
		id, err = tx.provisionGroup(in)
		return err
	})
	if err != nil {
		return nil, err
	}
	return db.DirectoryGroup(ctx, id)
}

func (tx *Tx) provisionGroup(in people.DirectoryGroupInput) (wayfare.ID, error) {
	if err := tx.directoryNameFree(in.Name, 0); err != nil {
		return 0, err
	}
	var id wayfare.ID
	err := tx.row(`SELECT id FROM groups WHERE lower(name) = lower(?) AND deprovisioned_at IS NOT NULL ORDER BY id DESC LIMIT 1`,
		in.Name).Scan(&id)
	switch {
	case err == nil:
		// The directory removed this group and now creates it again: it
		// comes back where it was, with its records.
		if _, err := tx.exec(`UPDATE groups SET deprovisioned_at = NULL WHERE id = ?`, id); err != nil {
			return 0, err
		}
		if err := tx.act(ledger.GroupUpdated, "group", id, id, map[string]any{"provisioned": true}); err != nil {
			return 0, err
		}
		if err := tx.setGroupExternalID(id, in.ExternalID); err != nil {
			return 0, err
		}
	case errors.Is(err, sql.ErrNoRows):
		// The group.created act covers the directory's id for it.
		g, err := tx.createGroup(people.NewGroup{Name: in.Name})
		if err != nil {
			return 0, err
		}
		id = g.ID
		if _, err := tx.exec(`UPDATE groups SET external_id = ? WHERE id = ?`, nullString(in.ExternalID), id); err != nil {
			return 0, err
		}
	default:
		return 0, err
	}
	return id, tx.changeMembers(id, people.MemberChange{Op: people.AddMembers, People: in.Members})
}

// directoryNameFree refuses a name that a group the directory sees
// (other than except) has already, in any case: the directory names
// groups by their names alone.
func (tx *Tx) directoryNameFree(name string, except wayfare.ID) error {
	var taken bool
	if err := tx.row(`SELECT EXISTS (SELECT 1 FROM groups WHERE lower(name) = lower(?) AND id <> ? AND deprovisioned_at IS NULL)`,
		name, except).Scan(&taken); err != nil {
		return err
	}
	if taken {
		return &wayfare.Error{Code: wayfare.ECONFLICT, Field: "name", Message: "is the name of another group"}
	}
	return nil
}

// setGroupExternalID writes the directory's id for a group when it
// differs, and records it.
func (tx *Tx) setGroupExternalID(id wayfare.ID, ext string) error {
	var was string
	if err := tx.row(`SELECT COALESCE(external_id, '') FROM groups WHERE id = ?`, id).Scan(&was); err != nil || was == ext {
		return err
	}
	if _, err := tx.exec(`UPDATE groups SET external_id = ? WHERE id = ?`, nullString(ext), id); err != nil {
		return err
	}
	return tx.act(ledger.GroupUpdated, "group", id, id, map[string]any{"external_id": ext})
}

// ChangeDirectoryGroup renames a group or changes its members; see
// people.DirectoryService.
func (db *DB) ChangeDirectoryGroup(ctx context.Context, id wayfare.ID, c people.DirectoryGroupChange) error {
	if err := requireAdmin(wayfare.ActorFrom(ctx)); err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return err
	}
	return db.update(ctx, func(tx *Tx) error {
		if err := tx.directoryGroupSeen(id); err != nil {
			return err
		}
		if c.Name != nil {
			if err := tx.directoryNameFree(*c.Name, id); err != nil {
				return err
			}
			if err := tx.updateGroup(id, people.GroupUpdate{Name: c.Name}); err != nil {
				return err
			}
		}
		if c.ExternalID != nil {
			if err := tx.setGroupExternalID(id, *c.ExternalID); err != nil {
				return err
			}
		}
		for _, m := range c.Members {
			if err := tx.changeMembers(id, m); err != nil {
				return err
			}
		}
		return nil
	})
}

// directoryGroupSeen refuses a group the directory does not see
// (ENOTFOUND).
func (tx *Tx) directoryGroupSeen(id wayfare.ID) error {
	var seen bool
	if err := tx.row(`SELECT EXISTS (SELECT 1 FROM groups WHERE id = ? AND deprovisioned_at IS NULL)`, id).Scan(&seen); err != nil {
		return err
	}
	if !seen {
		return wayfare.NotFound("group")
	}
	return nil
}

// changeMembers applies one change of a group's members, in the order of
// the people's ids, each added or removed person with their own act.
func (tx *Tx) changeMembers(groupID wayfare.ID, c people.MemberChange) error {
	current, err := tx.memberIDs(groupID)
	if err != nil {
		return err
	}
	var add, remove []wayfare.ID
	switch {
	case c.Op == people.AddMembers:
		add = c.People
	case c.Op == people.RemoveMembers && c.People == nil:
		remove = current
	case c.Op == people.RemoveMembers:
		remove = c.People
	case c.Op == people.SetMembers:
		add = c.People
		for _, id := range current {
			if !slices.Contains(c.People, id) {
				remove = append(remove, id)
			}
		}
	}
	in := map[wayfare.ID]bool{}
	for _, id := range current {
		in[id] = true
	}
	for _, id := range sortedUnique(remove) {
		if in[id] {
			if err := tx.removeMember(groupID, id); err != nil {
				return err
			}
		}
	}
	for _, id := range sortedUnique(add) {
		if in[id] {
			continue // a member already, in whatever role
		}
		if err := tx.directoryPersonSeen(id); err != nil {
			return wayfare.FieldError("members", "names no person: %s", id)
		}
		if _, err := tx.setRole(groupID, id, people.Member); err != nil {
			return err
		}
	}
	return nil
}

func (tx *Tx) memberIDs(groupID wayfare.ID) ([]wayfare.ID, error) {
	rows, err := tx.query(`SELECT person_id FROM memberships WHERE group_id = ? ORDER BY person_id`, groupID)
	var out []wayfare.ID
	err = scanEach(rows, err, func(rows *sql.Rows) error {
		var id wayfare.ID
		err := rows.Scan(&id)
		out = append(out, id)
		return err
	})
	return out, err
}

func sortedUnique(ids []wayfare.ID) []wayfare.ID {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// DeprovisionGroup empties a group and hides it from the directory; see
// people.DirectoryService.
func (db *DB) DeprovisionGroup(ctx context.Context, id wayfare.ID) error {
	if err := requireAdmin(wayfare.ActorFrom(ctx)); err != nil {
		return err
	}
	return db.update(ctx, func(tx *Tx) error {
		if err := tx.directoryGroupSeen(id); err != nil {
			return err
		}
		if err := tx.changeMembers(id, people.MemberChange{Op: people.RemoveMembers}); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE groups SET deprovisioned_at = ? WHERE id = ?`, micros(tx.now), id); err != nil {
			return err
		}
		return tx.act(ledger.GroupUpdated, "group", id, id, map[string]any{"deprovisioned": true})
	})
}
