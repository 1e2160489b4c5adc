package store

import (
	"context"
	"database/sql"
	"errors"
	"maps"
	"slices"
	"strings"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/ledger"
	"github.com/wayfare-org/wayfare/people"
)

var _ people.SignOnService = (*DB)(nil)

// ViaSignOn is what the acts of a sign-in carry as "via" in their
// payload.
const ViaSignOn = "single sign-on"

// SignOn applies what a single sign-on provider asserts of a person as
// they sign in; see people.SignOnService.
//
// The changes it makes are the system's, acting for the provider: the
// pages call it as the system once they have verified the provider's ID
// token, as the command line calls the store for wayfare import. So its
// acts name no person and have the function admin, as every act that
// configures the organization does; each carries "via": "single sign-on"
// in its payload, which tells it from the command line's.
func (db *DB) SignOn(ctx context.Context, in people.SignOn) (people.SignOnResult, error) {
	var res people.SignOnResult
	if !wayfare.ActorFrom(ctx).System {
		return res, wayfare.Forbidden("system-signs-on", "only the server applies what a provider asserts at sign-in")
	}
	if err := in.Validate(); err != nil {
		return res, err
	}
	err := db.update(ctx, func(tx *Tx) error {
		tx.via = ViaSignOn
		var err error
		res, err = tx.signOn(in)
		return err
	})
	return res, err
}

func (tx *Tx) signOn(in people.SignOn) (people.SignOnResult, error) {
	res := people.SignOnResult{}
	p, err := scanPerson(tx.row(`SELECT `+personCols+` FROM people p WHERE p.email = ?`, in.Email))
	switch {
	case errors.Is(err, sql.ErrNoRows) && in.Create:
		if p, err = tx.createPerson(people.NewPerson{Name: in.Name, Email: in.Email}, ""); err != nil {
			return res, err
		}
		res.Created = true
	case errors.Is(err, sql.ErrNoRows):
		return res, wayfare.NotFound("person")
	case err != nil:
		return res, err
	}
	if p.Status != people.Active {
		return res, wayfare.Forbidden("deactivated", "%s has been deactivated: ask an admin to reactivate them", p.Name)
	}
	res.Person = p
	if in.Admin != nil {
		if res.AdminKept, err = tx.signOnAdmin(p, *in.Admin); err != nil {
			return res, err
		}
	}
	if in.Groups != nil {
		if err := tx.signOnGroups(p.ID, in.Groups, &res); err != nil {
			return res, err
		}
	}
	return res, nil
}

// signOnAdmin sets the admin flag as the claim says, and reports whether
// the last active admin kept a flag the claim would have taken.
func (tx *Tx) signOnAdmin(p *people.Person, admin bool) (kept bool, err error) {
	if p.Admin == admin {
		return false, nil
	}
	if !admin {
		n, err := tx.activeAdmins()
		if err != nil {
			return false, err
		}
		if people.CanChangeAdmin(p, n, true) != nil {
			return true, nil
		}
	}
	if _, err := tx.exec(`UPDATE people SET admin = ? WHERE id = ?`, admin, p.ID); err != nil {
		return false, err
	}
	p.Admin = admin
	tx.rolesChanged = true
	return false, tx.act(ledger.PersonUpdated, "person", p.ID, 0, map[string]any{"changed": []string{"admin"}})
}

// signOnGroups makes the person a member of the groups the claim names,
// and takes away the memberships the claim made before and no longer
// names. A membership someone else set is left as it is.
func (tx *Tx) signOnGroups(personID wayfare.ID, paths [][]string, res *people.SignOnResult) error {
	groups, err := tx.groupPaths()
	if err != nil {
		return err
	}
	named := map[wayfare.ID]bool{}
	for _, path := range paths {
		if id, ok := groupAt(groups, path); ok {
			named[id] = true
		} else {
			res.UnknownGroups = append(res.UnknownGroups, strings.Join(path, "/"))
		}
	}
	fromProvider := map[wayfare.ID]bool{} // every membership the person has
	rows, err := tx.query(`SELECT group_id, from_provider FROM memberships WHERE person_id = ? ORDER BY group_id`, personID)
	if err := scanEach(rows, err, func(rows *sql.Rows) error {
		var g wayfare.ID
		var mine bool
		if err := rows.Scan(&g, &mine); err != nil {
			return err
		}
		fromProvider[g] = mine
		return nil
	}); err != nil {
		return err
	}
	for _, g := range slices.Sorted(maps.Keys(fromProvider)) {
		if fromProvider[g] && !named[g] {
			if err := tx.leaveByClaim(g, personID); err != nil {
				return err
			}
			res.Left = append(res.Left, g)
		}
	}
	for _, g := range slices.Sorted(maps.Keys(named)) {
		if _, ok := fromProvider[g]; !ok {
			if err := tx.joinByClaim(g, personID); err != nil {
				return err
			}
			res.Joined = append(res.Joined, g)
		}
	}
	return nil
}

// groupAt finds the group at a path of names from the top.
func groupAt(groups map[groupKey]wayfare.ID, path []string) (wayfare.ID, bool) {
	var at wayfare.ID
	for _, name := range path {
		id, ok := groups[groupKey{at, name}]
		if !ok {
			return 0, false
		}
		at = id
	}
	return at, at != 0
}

func (tx *Tx) joinByClaim(groupID, personID wayfare.ID) error {
	if _, err := tx.exec(`INSERT INTO memberships (group_id, person_id, role, from_provider) VALUES (?, ?, 'member', 1)`,
		groupID, personID); err != nil {
		return err
	}
	tx.rolesChanged = true
	return tx.act(ledger.RoleSet, "person", personID, groupID, map[string]any{"role": people.Member})
}

func (tx *Tx) leaveByClaim(groupID, personID wayfare.ID) error {
	if _, err := tx.exec(`DELETE FROM memberships WHERE group_id = ? AND person_id = ? AND from_provider <> 0`,
		groupID, personID); err != nil {
		return err
	}
	tx.rolesChanged = true
	return tx.act(ledger.MemberRemoved, "person", personID, groupID, map[string]any{"role": people.Member})
}

// withVia adds the door a system change came through to an act's payload.
func withVia(payload any, via string) any {
	switch p := payload.(type) {
	case nil:
		return map[string]any{"via": via}
	case map[string]any:
		p["via"] = via
	}
	return payload
}
