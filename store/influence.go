package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/influence"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/ledger"
)

// DefaultInfluenceEvery is how often, at most, the influence figures are
// recomputed while the data keeps changing.
const DefaultInfluenceEvery = 30 * time.Second

// influenceCache keeps the last computed influence snapshot. A read
// answers from it at once; when the data has changed since and the
// snapshot is older than the interval, one recomputation starts in the
// background. Only the very first read waits for a computation.
type influenceCache struct {
	every   time.Duration
	snap    atomic.Pointer[influence.Snapshot]
	first   sync.Mutex // the first computation, which readers wait for
	mu      sync.Mutex // guards running, closed and the swap of snap
	running bool
	closed  bool
	wg      sync.WaitGroup
}

// close stops new recomputations and waits for the one running.
func (c *influenceCache) close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.wg.Wait()
}

// influenceSnapshot returns the figures, computing them on first use and
// refreshing stale ones in the background.
func (db *DB) influenceSnapshot(ctx context.Context) (*influence.Snapshot, error) {
	c := &db.influence
	if s := c.snap.Load(); s != nil {
		db.refreshInfluence(s)
		return s, nil
	}
	c.first.Lock()
	defer c.first.Unlock()
	if s := c.snap.Load(); s != nil {
		return s, nil
	}
	return db.RebuildInfluence(ctx)
}

// WarmInfluence computes the first snapshot in the background, so that
// the first reader need not wait for it (a reader that comes earlier
// waits for this computation rather than starting another).
func (db *DB) WarmInfluence() {
	c := &db.influence
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		if _, err := db.influenceSnapshot(context.Background()); err != nil {
			db.log.Warn("influence figures", "err", err)
		}
	}()
}

// refreshInfluence starts a recomputation when s is stale: the store has
// committed since and s is older than the interval.
func (db *DB) refreshInfluence(s *influence.Snapshot) {
	c := &db.influence
	if s.Version == db.Version() || db.now().Sub(s.ComputedAt) < c.every {
		return
	}
	c.mu.Lock()
	if c.running || c.closed {
		c.mu.Unlock()
		return
	}
	c.running = true
	c.wg.Add(1)
	c.mu.Unlock()
	go func() {
		defer c.wg.Done()
		start := time.Now()
		if _, err := db.RebuildInfluence(context.Background()); err != nil {
			db.log.Warn("influence figures", "err", err)
		} else {
			db.log.Debug("influence figures recomputed", "took", time.Since(start))
		}
		c.mu.Lock()
		c.running = false
		c.mu.Unlock()
	}()
}

// RebuildInfluence recomputes the influence figures now, keeps them for
// readers and returns them. Readers never wait for it once a first
// snapshot exists.
func (db *DB) RebuildInfluence(ctx context.Context) (*influence.Snapshot, error) {
	version := db.Version() // read first: the data read below is at least this recent
	org, err := db.influenceInput(ctx)
	if err != nil {
		return nil, err
	}
	s := influence.Compute(org, db.now())
	s.Version = version
	c := &db.influence
	c.mu.Lock()
	if cur := c.snap.Load(); cur == nil || cur.Version <= s.Version {
		c.snap.Store(s)
	}
	c.mu.Unlock()
	return s, nil
}

// influenceInput reads what the figures are computed from, in one read
// transaction (one consistent state) and a few set-based queries: no
// query per person or per pitch.
func (db *DB) influenceInput(ctx context.Context) (influence.Org, error) {
	var o influence.Org
	tx, err := db.beginRead(ctx)
	if err != nil {
		return o, err
	}
	defer tx.Rollback()
	q := func(query string, scan func(*sql.Rows) error) error {
		rows, err := tx.QueryContext(ctx, query)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	index := map[wayfare.ID]int{} // person → position in o.People
	type pitchOf struct {
		AuthorID wayfare.ID
		Kind     leadership.Kind
	}
	pitches := map[wayfare.ID]pitchOf{}
	steps := []struct {
		query string
		scan  func(*sql.Rows) error
	}{
		{`SELECT id, level FROM people ORDER BY id`, func(r *sql.Rows) error {
			var p influence.Person
			err := r.Scan(&p.ID, &p.Level)
			index[p.ID] = len(o.People)
			o.People = append(o.People, p)
			return err
		}},
		{`SELECT person_id, group_id FROM memberships ORDER BY person_id, group_id`, func(r *sql.Rows) error {
			var person, group wayfare.ID
			if err := r.Scan(&person, &group); err != nil {
				return err
			}
			if i, ok := index[person]; ok {
				o.People[i].Groups = append(o.People[i].Groups, group)
			}
			return nil
		}},
		{`SELECT id, coalesce(parent_id, 0) FROM groups`, func(r *sql.Rows) error {
			var g influence.Group
			err := r.Scan(&g.ID, &g.ParentID)
			o.Groups = append(o.Groups, g)
			return err
		}},
		{`SELECT p.id, p.author_id, p.kind, p.status, p.origin_relation, p.created_at,
				coalesce(c.tickets_sold, 0) >= p.tickets_wanted
			FROM pitches p LEFT JOIN pitch_counters c ON c.pitch_id = p.id`, func(r *sql.Rows) error {
			var p influence.Pitch
			var at int64
			err := r.Scan(&p.ID, &p.AuthorID, &p.Kind, &p.Status, &p.Origin, &at, &p.Ready)
			p.PublishedAt = fromMicros(at)
			pitches[p.ID] = pitchOf{p.AuthorID, p.Kind}
			o.Pitches = append(o.Pitches, p)
			return err
		}},
		// One row per ticket, read in the table's order and joined to its
		// pitch here: quicker than having SQLite join and group them.
		{`SELECT pitch_id, person_id FROM tickets`, func(r *sql.Rows) error {
			var pitch wayfare.ID
			var f influence.Follow
			if err := r.Scan(&pitch, &f.FollowerID); err != nil {
				return err
			}
			p, ok := pitches[pitch]
			if !ok {
				return nil
			}
			f.AuthorID, f.Example, f.Tickets = p.AuthorID, p.Kind == leadership.Example, 1
			o.Follows = append(o.Follows, f)
			return nil
		}},
		{`SELECT pitch_id, decider_id, outcome, created_at FROM decisions ORDER BY id`, func(r *sql.Rows) error {
			var d influence.Decision
			var at int64
			err := r.Scan(&d.PitchID, &d.DeciderID, &d.Outcome, &at)
			d.At = fromMicros(at)
			o.Decisions = append(o.Decisions, d)
			return err
		}},
		{`SELECT id, pitch_id, status, riders, open_doubts FROM journeys ORDER BY id`, func(r *sql.Rows) error {
			var j influence.Journey
			err := r.Scan(&j.ID, &j.PitchID, &j.Status, &j.Riders, &j.OpenDoubts)
			o.Journeys = append(o.Journeys, j)
			return err
		}},
		{`SELECT id, facilitator_id, phase FROM facilitation_sessions ORDER BY id`, func(r *sql.Rows) error {
			var x influence.Session
			err := r.Scan(&x.ID, &x.FacilitatorID, &x.Phase)
			o.Sessions = append(o.Sessions, x)
			return err
		}},
		{`SELECT person_id, function, count(*) FROM acts
			WHERE function IN ('leadership', 'management') GROUP BY function, person_id`, func(r *sql.Rows) error {
			var a influence.ActCount
			err := r.Scan(&a.PersonID, &a.Function, &a.Count)
			o.Acts = append(o.Acts, a)
			return err
		}},
	}
	for _, s := range steps {
		if err := q(s.query, s.scan); err != nil {
			return o, err
		}
	}
	if err := journeyPeople(ctx, tx, &o); err != nil {
		return o, err
	}
	o.DoubtThreshold, err = doubtThreshold(txReader{ctx, tx, db.d})
	return o, err
}

// journeyPeople adds to each journey who adopted it (the decider of the
// first decision that names it) and its named drivers.
func journeyPeople(ctx context.Context, tx *sql.Tx, o *influence.Org) error {
	byJourney := make(map[wayfare.ID]int, len(o.Journeys))
	for i, j := range o.Journeys {
		byJourney[j.ID] = i
	}
	rows, err := tx.QueryContext(ctx, `SELECT d.journey_id, d.decider_id FROM decisions d
		WHERE d.journey_id IS NOT NULL ORDER BY d.id DESC`)
	if err != nil {
		return err
	}
	for rows.Next() { // the first decision per journey comes last and wins
		var j, p wayfare.ID
		if err := rows.Scan(&j, &p); err != nil {
			rows.Close()
			return err
		}
		if i, ok := byJourney[j]; ok {
			o.Journeys[i].AdoptedBy = p
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = tx.QueryContext(ctx, `SELECT journey_id, person_id FROM journey_drivers ORDER BY journey_id, person_id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var j, p wayfare.ID
		if err := rows.Scan(&j, &p); err != nil {
			return err
		}
		if i, ok := byJourney[j]; ok {
			o.Journeys[i].Drivers = append(o.Journeys[i].Drivers, p)
		}
	}
	return rows.Err()
}

// txReader asks rower questions inside a read transaction.
type txReader struct {
	ctx context.Context
	tx  *sql.Tx
	d   *dialect
}

func (r txReader) row(q string, args ...any) *sql.Row {
	return r.tx.QueryRowContext(r.ctx, r.d.sql(q), r.d.args(args)...)
}

// InfluenceOrg returns the organization's figures to anyone signed in.
func (db *DB) InfluenceOrg(ctx context.Context) (*influence.OrgFigures, error) {
	if err := influence.MaySeeOrg(wayfare.ActorFrom(ctx)); err != nil {
		return nil, err
	}
	s, err := db.influenceSnapshot(ctx)
	if err != nil {
		return nil, err
	}
	org := s.Org
	return &org, nil
}

// InfluencePerson returns a person's figures to those influence.MaySeePerson
// allows. Someone added since the figures were computed has none yet.
func (db *DB) InfluencePerson(ctx context.Context, id wayfare.ID) (*influence.PersonFigures, error) {
	a := wayfare.ActorFrom(ctx)
	if err := influence.MaySeeOrg(a); err != nil {
		return nil, err
	}
	s, err := db.influenceSnapshot(ctx)
	if err != nil {
		return nil, err
	}
	f, ok := s.People[id]
	if !ok {
		var level int
		err := db.readRow(ctx, `SELECT level FROM people WHERE id = ?`, id).Scan(&level)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, wayfare.NotFound("person")
		} else if err != nil {
			return nil, err
		}
		f = &influence.PersonFigures{PersonID: id, Level: level, ComputedAt: s.ComputedAt}
	}
	policy, err := db.InfluencePolicy(ctx)
	if err != nil {
		return nil, err
	}
	if err := influence.MaySeePerson(a, id, policy); err != nil {
		return nil, err
	}
	out := *f
	return &out, nil
}

// InfluenceTop returns the n people of highest influence rank with their
// names, to those who may see everyone's figures.
func (db *DB) InfluenceTop(ctx context.Context, n int) ([]influence.Ranked, error) {
	a := wayfare.ActorFrom(ctx)
	if err := influence.MaySeeOrg(a); err != nil {
		return nil, err
	}
	policy, err := db.InfluencePolicy(ctx)
	if err != nil {
		return nil, err
	}
	if !influence.MaySeeEveryone(a, policy) {
		return nil, wayfare.Forbidden(influence.RulePrivacy, "the figures of others are shown to admins only")
	}
	s, err := db.influenceSnapshot(ctx)
	if err != nil {
		return nil, err
	}
	ids := s.Ranked[:min(n, len(s.Ranked))]
	names, err := db.Names(ctx, "person", ids)
	if err != nil {
		return nil, err
	}
	out := make([]influence.Ranked, len(ids))
	for i, id := range ids {
		f := *s.People[id]
		out[i] = influence.Ranked{Position: i + 1, Name: names[id], PersonFigures: &f}
	}
	return out, nil
}

// influenceVisibleKey is the setting that shows person figures to
// everyone; followsPrivateKey the one that keeps follower acts' people
// from all but admins.
const (
	influenceVisibleKey = "influence_people_visible"
	followsPrivateKey   = "follower_acts_private"
)

// InfluencePolicy reads who may see whose figures and follows: the
// organization's settings, read on every call so that a change applies
// at once.
func (db *DB) InfluencePolicy(ctx context.Context) (influence.Policy, error) {
	var p influence.Policy
	err := db.each(ctx, func(r *sql.Rows) error {
		var k, v string
		if err := r.Scan(&k, &v); err != nil {
			return err
		}
		on, _ := strconv.ParseBool(v)
		switch k {
		case influenceVisibleKey:
			p.PeopleVisible = on
		case followsPrivateKey:
			p.FollowsPrivate = on
		}
		return nil
	}, `SELECT key, value FROM settings WHERE key IN (?, ?)`, influenceVisibleKey, followsPrivateKey)
	return p, err
}

// SetInfluencePolicy changes who may see whose figures and follows.
// Admins only.
func (db *DB) SetInfluencePolicy(ctx context.Context, p influence.Policy) error {
	if err := requireAdmin(wayfare.ActorFrom(ctx)); err != nil {
		return err
	}
	return db.update(ctx, func(tx *Tx) error {
		for k, on := range map[string]bool{influenceVisibleKey: p.PeopleVisible, followsPrivateKey: p.FollowsPrivate} {
			if _, err := tx.exec(`INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
				k, strconv.FormatBool(on)); err != nil {
				return err
			}
		}
		// Who sees what changes: pages kept by the roles version are
		// read again, in this process and every other.
		tx.rolesChanged = true
		return tx.act(ledger.SettingsChanged, "organization", 1, 0, map[string]any{
			"people_visible": p.PeopleVisible, "follows_private": p.FollowsPrivate})
	})
}
