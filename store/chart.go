package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/ledger"
	"github.com/wayfare-org/wayfare/people"
)

// errDryRun rolls an import back once its result is known.
var errDryRun = errors.New("store: a dry run")

// ImportChart brings an organization chart in, in one transaction: people
// are matched by e-mail address (created, or their name, title, manager
// and admin flag brought up to date), groups by their path (created where
// missing), and roles set as the chart gives them; memberships the chart
// does not name are kept. Every change is an act. A chart whose managers
// name nobody, or whose reporting lines would go round in a circle once
// merged with the organization's, is refused whole (a *people.ChartError).
// With dryRun nothing is written and the result says what would change.
// Admins only.
func (db *DB) ImportChart(ctx context.Context, c *people.Chart, dryRun bool) (people.ChartResult, error) {
	var res people.ChartResult
	if err := requireAdmin(wayfare.ActorFrom(ctx)); err != nil {
		return res, err
	}
	err := db.update(ctx, func(tx *Tx) error {
		var err error
		res, err = tx.importChart(c)
		if err == nil && dryRun {
			return errDryRun
		}
		return err
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	return res, err
}

type chartPerson struct {
	id           wayfare.ID
	name, title  string
	manager      wayfare.ID
	admin        bool
	email        string
	managerEmail string
}

func (tx *Tx) importChart(c *people.Chart) (people.ChartResult, error) {
	var res people.ChartResult
	// The organization as it is: people by e-mail address.
	byEmail := map[string]*chartPerson{}
	byID := map[wayfare.ID]*chartPerson{}
	rows, err := tx.query(`SELECT id, email, name, title, COALESCE(manager_id, 0), admin FROM people`)
	if err := scanEach(rows, err, func(rows *sql.Rows) error {
		p := &chartPerson{}
		if err := rows.Scan(&p.id, &p.email, &p.name, &p.title, &p.manager, &p.admin); err != nil {
			return err
		}
		byEmail[p.email], byID[p.id] = p, p
		return nil
	}); err != nil {
		return res, err
	}
	for _, p := range byID {
		if m, ok := byID[p.manager]; ok {
			p.managerEmail = m.email
		}
	}
	// The reporting lines once the chart is in: every manager must be
	// someone, and no line may come back to where it started.
	manager := map[string]string{}
	for email, p := range byEmail {
		manager[email] = p.managerEmail
	}
	// A column the chart leaves out changes nothing of the people already
	// in the organization: their values stand in for it.
	merged := make([]people.ChartRow, len(c.Rows))
	for i, r := range c.Rows {
		if p, ok := byEmail[r.Person.Email]; ok {
			if !c.Has("title") {
				r.Person.Title = p.title
			}
			if !c.Has("manager_email") {
				r.ManagerEmail = p.managerEmail
			}
			if !c.Has("admin") {
				r.Person.Admin = p.admin
			}
		}
		merged[i] = r
		manager[r.Person.Email] = r.ManagerEmail
	}
	c = &people.Chart{Rows: merged, Columns: c.Columns}
	problems := &people.ChartError{}
	emails := make([]string, 0, len(c.Rows))
	for _, r := range c.Rows {
		emails = append(emails, r.Person.Email)
	}
	on := people.OnCircles(emails, func(e string) string { return manager[e] })
	for _, r := range c.Rows {
		if m := r.ManagerEmail; m != "" {
			if _, ok := manager[m]; !ok {
				problems.Problems = append(problems.Problems, people.ChartProblem{Line: r.Line, Column: "manager_email",
					Message: m + " is neither in the chart nor in the organization"})
				continue
			}
		}
		if on[r.Person.Email] {
			problems.Problems = append(problems.Problems, people.ChartProblem{Line: r.Line, Column: "manager_email",
				Message: "the reporting line of " + r.Person.Email + " would come back to them"})
		}
	}
	if len(problems.Problems) > 0 {
		return res, problems
	}
	// People: new ones first, without their managers, then every manager.
	for _, r := range c.Rows {
		p, ok := byEmail[r.Person.Email]
		if !ok {
			in := r.Person
			in.ManagerID = nil
			created, err := tx.createPerson(in, "")
			if err != nil {
				return res, fmt.Errorf("line %d: %w", r.Line, err)
			}
			p = &chartPerson{id: created.ID, email: in.Email, name: in.Name, title: in.Title, admin: in.Admin}
			byEmail[p.email], byID[p.id] = p, p
			res.PeopleCreated++
			continue
		}
		var changed []string
		if p.name != r.Person.Name {
			changed = append(changed, "name")
		}
		if p.title != r.Person.Title {
			changed = append(changed, "title")
		}
		if p.admin != r.Person.Admin {
			changed = append(changed, "admin")
		}
		if p.managerEmail != r.ManagerEmail {
			changed = append(changed, "manager")
		}
		if len(changed) == 0 {
			res.PeopleUnchanged++
			continue
		}
		if _, err := tx.exec(`UPDATE people SET name = ?, title = ?, admin = ? WHERE id = ?`,
			r.Person.Name, r.Person.Title, r.Person.Admin, p.id); err != nil {
			return res, err
		}
		p.name, p.title, p.admin = r.Person.Name, r.Person.Title, r.Person.Admin
		tx.rolesChanged = true
		if err := tx.act(ledger.PersonUpdated, "person", p.id, 0, map[string]any{"changed": changed}); err != nil {
			return res, err
		}
		res.PeopleUpdated++
	}
	for _, r := range c.Rows {
		var mgr any
		if r.ManagerEmail != "" {
			mgr = byEmail[r.ManagerEmail].id
		}
		if _, err := tx.exec(`UPDATE people SET manager_id = ? WHERE id = ? AND manager_id IS DISTINCT FROM ?`,
			mgr, byEmail[r.Person.Email].id, mgr); err != nil {
			return res, err
		}
	}
	// Levels follow the reporting lines, from the top.
	if err := tx.relevel(); err != nil {
		return res, err
	}
	if c.Has("active") {
		if err := tx.chartStatuses(c, byEmail, &res); err != nil {
			return res, err
		}
	}
	// Groups by path, then roles.
	groups, err := tx.groupPaths()
	if err != nil {
		return res, err
	}
	roles := map[[2]wayfare.ID]people.Role{}
	mrows, err := tx.query(`SELECT group_id, person_id, role, from_provider FROM memberships`)
	if err := scanEach(mrows, err, func(rows *sql.Rows) error {
		var g, p wayfare.ID
		var role people.Role
		var fromProvider bool
		if err := rows.Scan(&g, &p, &role, &fromProvider); err != nil {
			return err
		}
		if fromProvider {
			role = "" // the chart sets it again, and the membership is no longer the provider's
		}
		roles[[2]wayfare.ID{g, p}] = role
		return nil
	}); err != nil {
		return res, err
	}
	for _, r := range c.Rows {
		person := byEmail[r.Person.Email].id
		for _, cg := range r.Groups {
			var parent wayfare.ID
			for i, name := range cg.Path {
				key := groupKey{parent, name}
				id, ok := groups[key]
				if !ok {
					in := people.NewGroup{Name: name}
					if parent != 0 {
						in.ParentID = &parent
					}
					g, err := tx.createGroup(in)
					if err != nil {
						return res, fmt.Errorf("line %d: group %s: %w", r.Line, strings.Join(cg.Path[:i+1], "/"), err)
					}
					id = g.ID
					groups[key] = id
					res.GroupsCreated++
				}
				parent = id
			}
			if roles[[2]wayfare.ID{parent, person}] == cg.Role {
				continue
			}
			if _, err := tx.setRole(parent, person, cg.Role); err != nil {
				return res, fmt.Errorf("line %d: %w", r.Line, err)
			}
			roles[[2]wayfare.ID{parent, person}] = cg.Role
			res.RolesSet++
		}
	}
	n, err := tx.activeAdmins()
	if err != nil {
		return res, err
	}
	if n == 0 {
		return res, &people.ChartError{Problems: []people.ChartProblem{{Line: 1, Column: "admin",
			Message: "the chart would leave the organization without an active admin"}}}
	}
	return res, nil
}

// chartStatuses deactivates and reactivates people as the chart's active
// column says.
func (tx *Tx) chartStatuses(c *people.Chart, byEmail map[string]*chartPerson, res *people.ChartResult) error {
	statuses := map[wayfare.ID]people.Status{}
	rows, err := tx.query(`SELECT id, status FROM people`)
	if err := scanEach(rows, err, func(rows *sql.Rows) error {
		var id wayfare.ID
		var s people.Status
		if err := rows.Scan(&id, &s); err != nil {
			return err
		}
		statuses[id] = s
		return nil
	}); err != nil {
		return err
	}
	for _, r := range c.Rows {
		id := byEmail[r.Person.Email].id
		if r.Status == "" || statuses[id] == r.Status {
			continue
		}
		if err := tx.changeStatus(id, r.Status); err != nil {
			return fmt.Errorf("line %d: %w", r.Line, err)
		}
		if r.Status == people.Deactivated {
			res.PeopleDeactivated++
		} else {
			res.PeopleReactivated++
		}
	}
	return nil
}

// groupKey finds a group by its parent and name.
type groupKey struct {
	parent wayfare.ID
	name   string
}

// groupPaths returns every group by its parent and name; of two groups
// with the same name under one parent, the older.
func (tx *Tx) groupPaths() (map[groupKey]wayfare.ID, error) {
	rows, err := tx.query(`SELECT id, name, COALESCE(parent_id, 0) FROM groups ORDER BY id DESC`)
	out := map[groupKey]wayfare.ID{}
	return out, scanEach(rows, err, func(rows *sql.Rows) error {
		var id, parent wayfare.ID
		var name string
		if err := rows.Scan(&id, &name, &parent); err != nil {
			return err
		}
		out[groupKey{parent, name}] = id
		return nil
	})
}

// ExportChart returns the organization as a chart: every person with
// their manager and roles, in the order of their ids. Admins only.
func (db *DB) ExportChart(ctx context.Context) (*people.Chart, error) {
	if err := requireAdmin(wayfare.ActorFrom(ctx)); err != nil {
		return nil, err
	}
	type group struct {
		name   string
		parent wayfare.ID
	}
	// One read transaction: the three reads see the same organization.
	rtx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer rtx.Rollback()
	each := func(fn func(*sql.Rows) error, q string) error {
		rows, err := rtx.QueryContext(ctx, q)
		return scanEach(rows, err, fn)
	}
	groups := map[wayfare.ID]group{}
	err = each(func(rows *sql.Rows) error {
		var id, parent wayfare.ID
		var g group
		if err := rows.Scan(&id, &g.name, &parent); err != nil {
			return err
		}
		g.parent = parent
		groups[id] = g
		return nil
	}, `SELECT id, name, COALESCE(parent_id, 0) FROM groups`)
	if err != nil {
		return nil, err
	}
	path := func(id wayfare.ID) ([]string, error) {
		var out []string
		for seen := 0; id != 0; seen++ {
			g, ok := groups[id]
			if !ok || seen > len(groups) {
				return nil, fmt.Errorf("store: group %s has a broken line of parents", id)
			}
			out = append(out, g.name)
			id = g.parent
		}
		slices.Reverse(out)
		return out, nil
	}
	memberOf := map[wayfare.ID][]people.ChartGroup{}
	err = each(func(rows *sql.Rows) error {
		var g, p wayfare.ID
		var role people.Role
		if err := rows.Scan(&g, &p, &role); err != nil {
			return err
		}
		ps, err := path(g)
		if err != nil {
			return err
		}
		memberOf[p] = append(memberOf[p], people.ChartGroup{Path: ps, Role: role})
		return nil
	}, `SELECT group_id, person_id, role FROM memberships ORDER BY person_id, group_id`)
	if err != nil {
		return nil, err
	}
	c := &people.Chart{}
	emails := map[wayfare.ID]string{}
	var managers []wayfare.ID
	err = each(func(rows *sql.Rows) error {
		var r people.ChartRow
		var id, mgr wayfare.ID
		if err := rows.Scan(&id, &r.Person.Email, &r.Person.Name, &r.Person.Title, &mgr, &r.Person.Admin, &r.Status); err != nil {
			return err
		}
		emails[id] = r.Person.Email
		r.Groups = memberOf[id]
		c.Rows = append(c.Rows, r)
		managers = append(managers, mgr)
		return nil
	}, `SELECT id, email, name, title, COALESCE(manager_id, 0), admin, status FROM people ORDER BY id`)
	if err != nil {
		return nil, err
	}
	for i, m := range managers {
		c.Rows[i].ManagerEmail = emails[m]
		// By path, so that two organizations with the same chart export it
		// the same, whatever order their groups were made in.
		slices.SortFunc(c.Rows[i].Groups, func(a, b people.ChartGroup) int {
			return strings.Compare(strings.Join(a.Path, "/"), strings.Join(b.Path, "/"))
		})
	}
	return c, nil
}
