package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/ledger"
	"github.com/wayfare-org/wayfare/management"
)

var _ management.SessionService = (*DB)(nil)

// memberOf selects whether a person (the second parameter) belongs to a
// group (the first) or to a group below it.
const memberOf = `WITH RECURSIVE des(id, depth) AS (
		SELECT CAST(? AS BIGINT), 0
		UNION ALL
		SELECT g.id, des.depth + 1 FROM groups g JOIN des ON g.parent_id = des.id WHERE des.depth < 64)
	SELECT EXISTS (SELECT 1 FROM memberships m JOIN des ON des.id = m.group_id WHERE m.person_id = ?)`

// isMember reports whether the person belongs to the group or one below it.
func isMember(q rower, personID, groupID wayfare.ID) (bool, error) {
	if personID == 0 {
		return false, nil
	}
	var ok bool
	err := q.row(memberOf, groupID, personID).Scan(&ok)
	return ok, err
}

// sessionState is what a write needs to know about a session.
type sessionState struct {
	id             wayfare.ID
	groupID        wayfare.ID
	facilitatorID  wayfare.ID
	anonymous      bool
	votesPerPerson int
	phase          management.Phase
}

func (tx *Tx) sessionState(id wayfare.ID) (*sessionState, error) {
	s := &sessionState{id: id}
	err := tx.row(`SELECT group_id, facilitator_id, anonymous, votes_per_person, phase FROM facilitation_sessions WHERE id = ?`,
		id).Scan(&s.groupID, &s.facilitatorID, &s.anonymous, &s.votesPerPerson, &s.phase)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wayfare.NotFound("session")
	}
	return s, err
}

// sessionStanding gathers the actor's standing towards a session: manager
// of its group, its facilitator, a member of its group.
func (tx *Tx) sessionStanding(s *sessionState) (management.Standing, error) {
	st, err := tx.standing(s.groupID, 0)
	if err != nil || tx.actor.PersonID == 0 {
		return st, err
	}
	st.Facilitator = s.facilitatorID == tx.actor.PersonID
	st.Member, err = isMember(tx, tx.actor.PersonID, s.groupID)
	return st, err
}

// facilitate loads a session and checks that the actor may run it.
func (tx *Tx) facilitate(id wayfare.ID) (*sessionState, error) {
	s, err := tx.sessionState(id)
	if err != nil {
		return nil, err
	}
	st, err := tx.sessionStanding(s)
	if err != nil {
		return nil, err
	}
	return s, management.CanFacilitate(st)
}

// contribute loads a session and checks that the actor, a member, may
// act in the phase the act needs.
func (tx *Tx) contribute(id wayfare.ID, phase management.Phase, act string) (*sessionState, error) {
	s, err := tx.sessionState(id)
	if err != nil {
		return nil, err
	}
	st, err := tx.sessionStanding(s)
	if err != nil {
		return nil, err
	}
	if err := management.CanContribute(st, act); err != nil {
		return nil, err
	}
	return s, management.InPhase(s.phase, phase, act)
}

// OpenSession opens a session; see management.SessionService.
func (db *DB) OpenSession(ctx context.Context, in management.NewSession) (*management.Session, error) {
	if err := requireSignedIn(wayfare.ActorFrom(ctx)); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var s *management.Session
	err := db.update(ctx, func(tx *Tx) error {
		var ok bool
		if err := tx.row(`SELECT EXISTS (SELECT 1 FROM groups WHERE id = ?)`, in.GroupID).Scan(&ok); err != nil {
			return err
		}
		if !ok {
			return &wayfare.Error{Code: wayfare.ENOTFOUND, Field: "group_id", Message: "names no group"}
		}
		st, err := tx.standing(in.GroupID, 0)
		if err != nil {
			return err
		}
		if err := management.CanDecide(st); err != nil {
			return wayfare.Forbidden(management.RuleOnlyFacilitator, "only a manager of the group (or of a group above it) may open a session")
		}
		facilitator := tx.actor.PersonID
		if in.FacilitatorID != nil {
			if err := tx.row(`SELECT EXISTS (SELECT 1 FROM people WHERE id = ?)`, *in.FacilitatorID).Scan(&ok); err != nil {
				return err
			}
			if !ok {
				return wayfare.FieldError("facilitator_id", "names no person")
			}
			facilitator = *in.FacilitatorID
		}
		if facilitator == 0 {
			return wayfare.FieldError("facilitator_id", "is required when the command line opens a session")
		}
		id, err := tx.insert(`INSERT INTO facilitation_sessions (group_id, facilitator_id, prompt, anonymous, votes_per_person,
			phase, created_at) VALUES (?, ?, ?, ?, ?, 'ideas', ?)`, in.GroupID, facilitator, in.Prompt, in.Anonymous,
			in.VotesPerPerson, micros(tx.now))
		if err != nil {
			return err
		}
		s = &management.Session{ID: id, GroupID: in.GroupID, FacilitatorID: facilitator, Prompt: in.Prompt,
			Anonymous: in.Anonymous, VotesPerPerson: in.VotesPerPerson, Phase: management.Ideas, CreatedAt: tx.now}
		return tx.act(ledger.SessionOpened, "session", id, in.GroupID, map[string]any{"facilitator_id": facilitator,
			"anonymous": in.Anonymous, "votes_per_person": in.VotesPerPerson})
	})
	return s, err
}

// MovePhase moves a session forward; see management.SessionService.
func (db *DB) MovePhase(ctx context.Context, sessionID wayfare.ID, to management.Phase) (*management.SessionDetail, error) {
	if err := requireSignedIn(wayfare.ActorFrom(ctx)); err != nil {
		return nil, err
	}
	if !to.Valid() {
		return nil, wayfare.FieldError("phase", "must be one of ideas, clusters, votes, results, closed")
	}
	err := db.update(ctx, func(tx *Tx) error {
		s, err := tx.facilitate(sessionID)
		if err != nil {
			return err
		}
		if err := management.MovePhase(s.phase, to); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE facilitation_sessions SET phase = ? WHERE id = ?`, string(to), sessionID); err != nil {
			return err
		}
		return tx.act(ledger.SessionMoved, "session", sessionID, s.groupID, map[string]any{"from": s.phase, "to": to})
	})
	if err != nil {
		return nil, err
	}
	return db.Session(ctx, sessionID)
}

// PostIdea posts an idea; see management.SessionService. In an anonymous
// session nothing stored names its author: the idea keeps the hash of a
// claim token given to the author in the answer, and its act names
// nobody.
func (db *DB) PostIdea(ctx context.Context, sessionID wayfare.ID, in management.NewIdea) (*management.Idea, error) {
	if err := requireSignedIn(wayfare.ActorFrom(ctx)); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var idea *management.Idea
	err := db.update(ctx, func(tx *Tx) error {
		s, err := tx.contribute(sessionID, management.Ideas, "post ideas")
		if err != nil {
			return err
		}
		me := tx.actor.PersonID
		idea = &management.Idea{Text: in.Text, Mine: true, CreatedAt: tx.now}
		var author, claim any
		if s.anonymous {
			idea.ClaimToken = management.NewClaim()
			claim = management.ClaimHash(me, idea.ClaimToken)
		} else {
			author, idea.AuthorID = me, &me
		}
		if idea.ID, err = tx.insert(`INSERT INTO ideas (session_id, author_id, claim_hash, text, created_at) VALUES (?, ?, ?, ?, ?)`,
			sessionID, author, claim, in.Text, micros(tx.now)); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE facilitation_sessions SET ideas = ideas + 1 WHERE id = ?`, sessionID); err != nil {
			return err
		}
		by := me
		if s.anonymous {
			by = 0
		}
		return tx.actBy(by, ledger.IdeaPosted, "session", sessionID, s.groupID, map[string]any{"idea_id": idea.ID})
	})
	return idea, err
}

// MakeCluster groups ideas; see management.SessionService.
func (db *DB) MakeCluster(ctx context.Context, sessionID wayfare.ID, in management.NewCluster) (*management.Cluster, error) {
	if err := requireSignedIn(wayfare.ActorFrom(ctx)); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var c *management.Cluster
	err := db.update(ctx, func(tx *Tx) error {
		s, err := tx.facilitate(sessionID)
		if err != nil {
			return err
		}
		if err := management.InPhase(s.phase, management.Clusters, "clusters are made"); err != nil {
			return err
		}
		id, err := tx.insert(`INSERT INTO clusters (session_id, title, created_at) VALUES (?, ?, ?)`, sessionID, in.Title, micros(tx.now))
		if err != nil {
			return err
		}
		for _, idea := range in.IdeaIDs {
			var cluster sql.NullInt64
			err := tx.row(`SELECT cluster_id FROM ideas WHERE id = ? AND session_id = ?`, idea, sessionID).Scan(&cluster)
			if errors.Is(err, sql.ErrNoRows) {
				return wayfare.FieldError("idea_ids", "names idea %s, which is not in this session", idea)
			} else if err != nil {
				return err
			}
			if cluster.Valid {
				return &wayfare.Error{Code: wayfare.ECONFLICT, Field: "idea_ids", Rule: management.RuleOneCluster,
					Message: "names idea " + idea.String() + ", which is in a cluster already"}
			}
			if _, err := tx.exec(`UPDATE ideas SET cluster_id = ? WHERE id = ?`, id, idea); err != nil {
				return err
			}
		}
		c = &management.Cluster{ID: id, Title: in.Title, IdeaIDs: in.IdeaIDs}
		return tx.act(ledger.ClusterMade, "session", sessionID, s.groupID, map[string]any{"cluster_id": id, "ideas": len(in.IdeaIDs)})
	})
	return c, err
}

// CastVote casts one dot; see management.SessionService. The count of the
// person's dots is read in the write transaction, so that the limit holds
// however many dots arrive at once.
func (db *DB) CastVote(ctx context.Context, sessionID wayfare.ID, in management.NewVote) (*management.SessionDetail, error) {
	if err := requireSignedIn(wayfare.ActorFrom(ctx)); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	err := db.update(ctx, func(tx *Tx) error {
		s, err := tx.contribute(sessionID, management.Votes, "vote")
		if err != nil {
			return err
		}
		field, table, target := "idea_id", "ideas", in.IdeaID
		if in.ClusterID != nil {
			field, table, target = "cluster_id", "clusters", in.ClusterID
		}
		var ok bool
		if err := tx.row(`SELECT EXISTS (SELECT 1 FROM `+table+` WHERE id = ? AND session_id = ?)`, *target, sessionID).Scan(&ok); err != nil {
			return err
		}
		if !ok {
			return wayfare.FieldError(field, "names nothing in this session")
		}
		var cast int
		if err := tx.row(`SELECT count(*) FROM votes WHERE session_id = ? AND person_id = ?`, sessionID, tx.actor.PersonID).Scan(&cast); err != nil {
			return err
		}
		if err := management.CanVote(cast, s.votesPerPerson); err != nil {
			return err
		}
		if _, err := tx.exec(`INSERT INTO votes (session_id, person_id, idea_id, cluster_id, cast_at) VALUES (?, ?, ?, ?, ?)`,
			sessionID, tx.actor.PersonID, nullID(in.IdeaID), nullID(in.ClusterID), micros(tx.now)); err != nil {
			return err
		}
		return tx.act(ledger.VoteCast, "session", sessionID, s.groupID, map[string]any{field: *target})
	})
	if err != nil {
		return nil, err
	}
	return db.Session(ctx, sessionID)
}

// PitchIdea turns an idea into a pitch; see management.SessionService.
// The pitch is published at once, to the session's group: Wayfare keeps
// no drafts.
func (db *DB) PitchIdea(ctx context.Context, sessionID, ideaID wayfare.ID, in management.IdeaPitch) (*leadership.Pitch, error) {
	if err := requireSignedIn(wayfare.ActorFrom(ctx)); err != nil {
		return nil, err
	}
	var p *leadership.Pitch
	err := db.update(ctx, func(tx *Tx) error {
		var groupID wayfare.ID
		var ideaText string
		var author, pitch sql.NullInt64
		var claim sql.NullString
		err := tx.row(`SELECT s.group_id, i.author_id, i.claim_hash, i.text, i.pitch_id FROM ideas i
			JOIN facilitation_sessions s ON s.id = i.session_id
			WHERE i.id = ? AND i.session_id = ?`, ideaID, sessionID).Scan(&groupID, &author, &claim, &ideaText, &pitch)
		if errors.Is(err, sql.ErrNoRows) {
			return wayfare.NotFound("idea")
		} else if err != nil {
			return err
		}
		written := management.Authorship{AuthorID: wayfare.ID(author.Int64), ClaimHash: claim.String}
		tokens := append(management.ClaimsFrom(ctx), in.ClaimToken)
		if err := management.CanPitchIdea(written, tx.actor.PersonID, tokens, pitch.Valid); err != nil {
			return err
		}
		np := in.Pitch(groupID, ideaText)
		if err := np.Validate(tx.now); err != nil {
			return err
		}
		if p, err = tx.publishFrom(np, &sessionID); err != nil {
			return err
		}
		_, err = tx.exec(`UPDATE ideas SET pitch_id = ? WHERE id = ?`, p.ID, ideaID)
		return err
	})
	return p, err
}
