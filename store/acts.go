package store

import (
	"context"
	"database/sql"
	"strings"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/influence"
	"github.com/wayfare-org/wayfare/ledger"
)

var _ ledger.Service = (*DB)(nil)

// Acts lists the ledger, newest first; see ledger.Service. When the
// organization keeps follows private, a follower act comes without its
// person for readers who may not learn it (influence.Redact), and a list
// of another person's acts leaves their follower acts out.
func (db *DB) Acts(ctx context.Context, f ledger.Filter) ([]*wayfare.Act, error) {
	f.Page = f.Page.Normalize()
	actor := wayfare.ActorFrom(ctx)
	policy, err := db.InfluencePolicy(ctx)
	if err != nil {
		return nil, err
	}
	var where []string
	var args []any
	if f.PersonID != 0 && !influence.MaySeeFollower(actor, policy, f.PersonID) {
		where, args = append(where, "function <> ?"), append(args, string(wayfare.Follower))
	}
	if f.Cursor != 0 {
		where, args = append(where, "id < ?"), append(args, f.Cursor)
	}
	if f.After != 0 {
		where, args = append(where, "id > ?"), append(args, f.After)
	}
	if f.Function != "" {
		where, args = append(where, "function = ?"), append(args, string(f.Function))
	}
	if f.Verb != "" {
		where, args = append(where, "verb = ?"), append(args, f.Verb)
	}
	if f.PersonID != 0 {
		where, args = append(where, "person_id = ?"), append(args, f.PersonID)
	}
	if f.GroupID != 0 {
		where, args = append(where, "group_id = ?"), append(args, f.GroupID)
	}
	q := `SELECT id, at, person_id, function, verb, subject_kind, subject_id, group_id, payload FROM acts`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY id DESC LIMIT ?"
	args = append(args, f.Limit)
	out := []*wayfare.Act{}
	err = db.each(ctx, func(r *sql.Rows) error {
		var a wayfare.Act
		var at int64
		var group sql.NullInt64
		var payload sql.NullString
		if err := r.Scan(&a.ID, &at, &a.PersonID, &a.Function, &a.Verb, &a.SubjectKind, &a.SubjectID, &group, &payload); err != nil {
			return err
		}
		a.At, a.GroupID = fromMicros(at), wayfare.ID(group.Int64)
		if payload.Valid {
			a.Payload = []byte(payload.String)
		}
		out = append(out, influence.Redact(actor, policy, &a))
		return nil
	}, q, args...)
	return out, err
}
