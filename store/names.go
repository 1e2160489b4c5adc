package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/wayfare-org/wayfare"
)

// nameColumns says where the display name of each kind of subject lives.
var nameColumns = map[string]string{
	"person":      "SELECT id, name FROM people WHERE",
	"person-left": "SELECT id, name FROM people WHERE status = 'deactivated' AND",
	"group":       "SELECT id, name FROM groups WHERE",
	"pitch":       "SELECT id, title FROM pitches WHERE",
	"journey":     "SELECT id, title FROM journeys WHERE",
	"session":     "SELECT id, prompt FROM facilitation_sessions WHERE",
}

// organizationName names the one subject of kind "organization": its
// settings.
const organizationName = "the organization's settings"

// Names returns the display names of things of one kind (every kind an
// act may be about: "person", "group", "pitch", "journey", "session"
// or "organization") by id, in one query: what pages need to show
// acts and people by name. Unknown ids are left out. The kind
// "person-left" names only the people among ids who have left (are
// deactivated), for pages to mark them.
func (db *DB) Names(ctx context.Context, kind string, ids []wayfare.ID) (map[wayfare.ID]string, error) {
	if kind == "organization" {
		out := map[wayfare.ID]string{}
		for _, id := range ids {
			if id == 1 {
				out[id] = organizationName
			}
		}
		return out, nil
	}
	q, ok := nameColumns[kind]
	if !ok {
		return nil, fmt.Errorf("store: no names for %q", kind)
	}
	out := make(map[wayfare.ID]string, len(ids))
	const chunk = 500
	for len(ids) > 0 {
		n := min(len(ids), chunk)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		err := db.each(ctx, func(r *sql.Rows) error {
			var id wayfare.ID
			var name string
			if err := r.Scan(&id, &name); err != nil {
				return err
			}
			out[id] = name
			return nil
		}, q+` id IN (?`+strings.Repeat(",?", n-1)+`)`, args...)
		if err != nil {
			return nil, err
		}
		ids = ids[n:]
	}
	return out, nil
}
