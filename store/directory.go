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

// The directory's people. Its writes are made of the same steps as the
// other doors' (createPerson, changePerson, setStatus), so that the same
// rules hold: e-mail addresses stay unique, reporting lines never circle,
// the organization keeps an active admin, and a change of who is who
// moves the authority version.

var _ people.DirectoryService = (*DB)(nil)

// directoryCols are a person's columns and what the directory keeps.
const directoryCols = personCols + `, COALESCE(p.external_id, ''), p.given_name, p.family_name`

func scanDirectoryPerson(s interface{ Scan(...any) error }) (*people.DirectoryPerson, error) {
	var d people.DirectoryPerson
	p, err := scanPerson(s, &d.ExternalID, &d.GivenName, &d.FamilyName)
	if err != nil {
		return nil, err
	}
	d.Person = *p
	return &d, nil
}

// DirectoryPeople lists people as the directory sees them; see
// people.DirectoryService.
func (db *DB) DirectoryPeople(ctx context.Context, f people.DirectoryPersonFilter) ([]*people.DirectoryPerson, int, error) {
	if err := requireAdmin(wayfare.ActorFrom(ctx)); err != nil {
		return nil, 0, err
	}
	where, args := directoryPersonWhere(f)
	var total int
	if err := db.readRow(ctx, `SELECT count(*) FROM people p WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	out := []*people.DirectoryPerson{}
	limit := min(f.Limit, wayfare.MaxLimit)
	if limit <= 0 || f.Offset >= total {
		return out, total, nil
	}
	rows, err := db.readQuery(ctx, `SELECT `+directoryCols+` FROM people p WHERE `+where+` ORDER BY p.id LIMIT ? OFFSET ?`,
		append(args, limit, max(f.Offset, 0))...)
	err = scanEach(rows, err, func(rows *sql.Rows) error {
		d, err := scanDirectoryPerson(rows)
		if err == nil {
			out = append(out, d)
		}
		return err
	})
	return out, total, err
}

func directoryPersonWhere(f people.DirectoryPersonFilter) (string, []any) {
	where, args := []string{"p.deprovisioned_at IS NULL"}, []any{}
	if f.ID != 0 {
		where, args = append(where, "p.id = ?"), append(args, f.ID)
	}
	if f.Email != "" {
		where, args = append(where, "p.email = ?"), append(args, strings.ToLower(strings.TrimSpace(f.Email)))
	}
	if f.ExternalID != "" {
		where, args = append(where, "p.external_id = ?"), append(args, f.ExternalID)
	}
	if f.Status != "" {
		where, args = append(where, "p.status = ?"), append(args, string(f.Status))
	}
	return strings.Join(where, " AND "), args
}

// DirectoryPerson returns one person as the directory sees them; see
// people.DirectoryService.
func (db *DB) DirectoryPerson(ctx context.Context, id wayfare.ID) (*people.DirectoryPerson, error) {
	if err := requireAdmin(wayfare.ActorFrom(ctx)); err != nil {
		return nil, err
	}
	d, err := scanDirectoryPerson(db.readRow(ctx, `SELECT `+directoryCols+` FROM people p
		WHERE p.id = ? AND p.deprovisioned_at IS NULL`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wayfare.NotFound("person")
	}
	return d, err
}

// ProvisionPerson creates a person for the directory, or brings back one
// it removed; see people.DirectoryService.
func (db *DB) ProvisionPerson(ctx context.Context, in people.DirectoryPersonInput) (*people.DirectoryPerson, error) {
	if err := requireAdmin(wayfare.ActorFrom(ctx)); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var id wayfare.ID
	err := db.update(ctx, func(tx *Tx) error {
		var err error
		id, err = tx.provisionPerson(in)
		return err
	})
	if err != nil {
		return nil, err
	}
	return db.DirectoryPerson(ctx, id)
}

func (tx *Tx) provisionPerson(in people.DirectoryPersonInput) (wayfare.ID, error) {
	var id wayfare.ID
	var removed sql.NullInt64
	err := tx.row(`SELECT id, deprovisioned_at FROM people WHERE email = ?`, in.Email).Scan(&id, &removed)
	if err == nil && removed.Valid {
		// The directory removed this person and now creates them again:
		// they come back with their records, active unless it says not.
		if _, err := tx.exec(`UPDATE people SET deprovisioned_at = NULL WHERE id = ?`, id); err != nil {
			return 0, err
		}
		if in.Active == nil {
			in.Active = new(true)
		}
		return id, tx.updateDirectoryPerson(id, in, "provisioned")
	} else if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	// Someone the directory sees already has the address: createPerson
	// refuses it, as it does for every door.
	p, err := tx.createPerson(people.NewPerson{Name: in.Name, Email: in.Email, Title: in.Title, ManagerID: in.ManagerID.ID}, "")
	if err != nil {
		return 0, err
	}
	if _, err := tx.changeDirectoryFields(p.ID, in); err != nil {
		return 0, err
	}
	if in.Active != nil && !*in.Active {
		return p.ID, tx.setStatus(p.ID, people.Deactivated)
	}
	return p.ID, nil
}

// UpdateDirectoryPerson replaces what the directory keeps of a person;
// see people.DirectoryService.
func (db *DB) UpdateDirectoryPerson(ctx context.Context, id wayfare.ID, in people.DirectoryPersonInput) (*people.DirectoryPerson, error) {
	if err := requireAdmin(wayfare.ActorFrom(ctx)); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	err := db.update(ctx, func(tx *Tx) error {
		if err := tx.directoryPersonSeen(id); err != nil {
			return err
		}
		return tx.updateDirectoryPerson(id, in)
	})
	if err != nil {
		return nil, err
	}
	return db.DirectoryPerson(ctx, id)
}

// directoryPersonSeen refuses a person the directory does not see
// (ENOTFOUND).
func (tx *Tx) directoryPersonSeen(id wayfare.ID) error {
	var seen bool
	if err := tx.row(`SELECT EXISTS (SELECT 1 FROM people WHERE id = ? AND deprovisioned_at IS NULL)`, id).Scan(&seen); err != nil {
		return err
	}
	if !seen {
		return wayfare.NotFound("person")
	}
	return nil
}

// updateDirectoryPerson writes what the directory says of a person: one
// person.updated act names every field that changed (and what else the
// caller says changed), and a change of status has its own act.
func (tx *Tx) updateDirectoryPerson(id wayfare.ID, in people.DirectoryPersonInput, changed ...string) error {
	fields, err := tx.changePerson(id, people.PersonUpdate{Name: &in.Name, Email: &in.Email, Title: &in.Title, ManagerID: in.ManagerID})
	if err != nil {
		return err
	}
	kept, err := tx.changeDirectoryFields(id, in)
	if err != nil {
		return err
	}
	if changed = append(append(changed, fields...), kept...); len(changed) > 0 {
		if err := tx.act(ledger.PersonUpdated, "person", id, 0, map[string]any{"changed": changed}); err != nil {
			return err
		}
	}
	if in.Active == nil {
		return nil
	}
	status := people.Deactivated
	if *in.Active {
		status = people.Active
	}
	return tx.setStatus(id, status)
}

// changeDirectoryFields writes the directory's own fields of a person
// that differ and returns their names.
func (tx *Tx) changeDirectoryFields(id wayfare.ID, in people.DirectoryPersonInput) ([]string, error) {
	var ext, given, family string
	if err := tx.row(`SELECT COALESCE(external_id, ''), given_name, family_name FROM people WHERE id = ?`, id).
		Scan(&ext, &given, &family); err != nil {
		return nil, err
	}
	var changed []string
	for _, f := range []struct {
		name     string
		was, now string
	}{{"external_id", ext, in.ExternalID}, {"given_name", given, in.GivenName}, {"family_name", family, in.FamilyName}} {
		if f.was != f.now {
			changed = append(changed, f.name)
		}
	}
	if len(changed) == 0 {
		return nil, nil
	}
	_, err := tx.exec(`UPDATE people SET external_id = ?, given_name = ?, family_name = ? WHERE id = ?`,
		nullString(in.ExternalID), in.GivenName, in.FamilyName, id)
	return changed, err
}

// DeprovisionPerson deactivates a person and hides them from the
// directory; see people.DirectoryService.
func (db *DB) DeprovisionPerson(ctx context.Context, id wayfare.ID) error {
	if err := requireAdmin(wayfare.ActorFrom(ctx)); err != nil {
		return err
	}
	return db.update(ctx, func(tx *Tx) error {
		if err := tx.directoryPersonSeen(id); err != nil {
			return err
		}
		if err := tx.setStatus(id, people.Deactivated); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE people SET deprovisioned_at = ? WHERE id = ?`, micros(tx.now), id); err != nil {
			return err
		}
		return tx.act(ledger.PersonUpdated, "person", id, 0, map[string]any{"changed": []string{"deprovisioned"}})
	})
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
