package store

import (
	"context"
	"database/sql"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/people"
)

// GroupCounts returns what the group directory counts of every group, in
// three set-based reads: its active people and its managers (those who
// left among them), the pitches selling to it and its live journeys.
// Groups with nothing to count are left out.
func (db *DB) GroupCounts(ctx context.Context) (map[wayfare.ID]people.GroupCounts, error) {
	out := map[wayfare.ID]people.GroupCounts{}
	err := db.each(ctx, func(r *sql.Rows) error {
		var id wayfare.ID
		var c people.GroupCounts
		if err := r.Scan(&id, &c.Members, &c.Managers, &c.ManagersActive); err != nil {
			return err
		}
		out[id] = c
		return nil
	}, `SELECT m.group_id,
		sum(CASE WHEN p.status = 'active' THEN 1 ELSE 0 END),
		sum(CASE WHEN m.role = 'manager' THEN 1 ELSE 0 END),
		sum(CASE WHEN m.role = 'manager' AND p.status = 'active' THEN 1 ELSE 0 END)
		FROM memberships m JOIN people p ON p.id = m.person_id GROUP BY m.group_id`)
	if err != nil {
		return nil, err
	}
	count := func(q string, set func(*people.GroupCounts, int)) error {
		return db.each(ctx, func(r *sql.Rows) error {
			var id wayfare.ID
			var n int
			if err := r.Scan(&id, &n); err != nil {
				return err
			}
			c := out[id]
			set(&c, n)
			out[id] = c
			return nil
		}, q)
	}
	if err := count(`SELECT group_id, count(*) FROM pitches WHERE status = 'selling' GROUP BY group_id`,
		func(c *people.GroupCounts, n int) { c.Selling = n }); err != nil {
		return nil, err
	}
	if err := count(`SELECT group_id, count(*) FROM journeys WHERE status IN ('boarding', 'underway') GROUP BY group_id`,
		func(c *people.GroupCounts, n int) { c.Journeys = n }); err != nil {
		return nil, err
	}
	return out, nil
}
