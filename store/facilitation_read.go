package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/management"
)

const sessionCols = `id, group_id, facilitator_id, prompt, anonymous, votes_per_person, phase, ideas, created_at`

func scanSession(s interface{ Scan(...any) error }) (*management.Session, error) {
	var x management.Session
	var created int64
	if err := s.Scan(&x.ID, &x.GroupID, &x.FacilitatorID, &x.Prompt, &x.Anonymous, &x.VotesPerPerson, &x.Phase,
		&x.IdeaCount, &created); err != nil {
		return nil, err
	}
	x.CreatedAt = fromMicros(created)
	return &x, nil
}

// ListSessions lists sessions, newest first; see management.SessionService.
func (db *DB) ListSessions(ctx context.Context, f management.SessionFilter) ([]*management.Session, error) {
	f.Page = f.Page.Normalize()
	q := `SELECT ` + sessionCols + ` FROM facilitation_sessions WHERE 1 = 1`
	var args []any
	if f.Cursor != 0 {
		q, args = q+` AND id < ?`, append(args, f.Cursor)
	}
	if f.GroupID != 0 {
		q, args = q+` AND group_id = ?`, append(args, f.GroupID)
	}
	q, args = q+` ORDER BY id DESC LIMIT ?`, append(args, f.Limit)
	out := []*management.Session{}
	err := db.each(ctx, func(r *sql.Rows) error {
		s, err := scanSession(r)
		if err == nil {
			out = append(out, s)
		}
		return err
	}, q, args...)
	return out, err
}

// Session returns a session as the actor sees it; see
// management.SessionService. In an anonymous session no idea carries its
// author, whoever reads; the reader's own ideas are marked mine.
func (db *DB) Session(ctx context.Context, id wayfare.ID) (*management.SessionDetail, error) {
	if err := requireSignedIn(wayfare.ActorFrom(ctx)); err != nil {
		return nil, err
	}
	s, err := scanSession(db.readRow(ctx, `SELECT `+sessionCols+` FROM facilitation_sessions WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wayfare.NotFound("session")
	} else if err != nil {
		return nil, err
	}
	me, claims := wayfare.ActorFrom(ctx).PersonID, management.ClaimsFrom(ctx)
	d := &management.SessionDetail{Session: *s, Ideas: []management.Idea{}, Clusters: []management.Cluster{}}
	err = db.each(ctx, func(r *sql.Rows) error {
		var i management.Idea
		var author, cluster, pitch sql.NullInt64
		var claim sql.NullString
		var at int64
		if err := r.Scan(&i.ID, &author, &claim, &i.Text, &cluster, &pitch, &at, &i.Votes); err != nil {
			return err
		}
		written := management.Authorship{AuthorID: wayfare.ID(author.Int64), ClaimHash: claim.String}
		i.ClusterID, i.PitchID, i.CreatedAt = idPtr(cluster), idPtr(pitch), fromMicros(at)
		i.Mine = written.WrittenBy(me, claims)
		if !s.Anonymous && author.Valid {
			i.AuthorID = idPtr(author)
		}
		d.Ideas = append(d.Ideas, i)
		return nil
	}, `SELECT i.id, i.author_id, i.claim_hash, i.text, i.cluster_id, i.pitch_id, i.created_at,
		(SELECT count(*) FROM votes v WHERE v.idea_id = i.id) FROM ideas i WHERE i.session_id = ? ORDER BY i.id`, id)
	if err != nil {
		return nil, err
	}
	at := map[wayfare.ID]int{}
	err = db.each(ctx, func(r *sql.Rows) error {
		var c management.Cluster
		if err := r.Scan(&c.ID, &c.Title, &c.Votes); err != nil {
			return err
		}
		c.IdeaIDs = []wayfare.ID{}
		at[c.ID] = len(d.Clusters)
		d.Clusters = append(d.Clusters, c)
		return nil
	}, `SELECT c.id, c.title, (SELECT count(*) FROM votes v WHERE v.cluster_id = c.id) FROM clusters c
		WHERE c.session_id = ? ORDER BY c.id`, id)
	if err != nil {
		return nil, err
	}
	for _, i := range d.Ideas {
		if i.ClusterID != nil {
			c := &d.Clusters[at[*i.ClusterID]]
			c.IdeaIDs = append(c.IdeaIDs, i.ID)
		}
	}
	d.Results = management.Rank(s.Phase, d.Ideas, d.Clusters)
	var cast int
	if err := db.readRow(ctx, `SELECT count(*) FROM votes WHERE session_id = ? AND person_id = ?`, id, me).Scan(&cast); err != nil {
		return nil, err
	}
	d.VotesLeft = max(0, s.VotesPerPerson-cast)
	return d, nil
}
