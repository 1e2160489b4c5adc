package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/wayfare-org/wayfare"
)

// Several nodes on one PostgreSQL database keep their caches by the same
// versions as one process does (Version, PitchVersion, ListsVersion,
// PersonVersion, InboxVersion, the authority version, the sessions kept
// in memory). A write tells the others what it changed with NOTIFY, in
// its own transaction, so that the message leaves at commit and only if
// it commits; each node LISTENs on a connection of its own and moves the
// same versions its writer would have. A message names ids, never acts or
// other content, and stays under PostgreSQL's 8,000 bytes: past that, it
// says "everything", and every version moves. A node whose listening
// connection drops moves every version when it listens again and reads
// the acts after the newest it has published, so that nothing that
// happened meanwhile is answered from a stale copy.

// fanoutChannel is the channel the nodes talk on.
const fanoutChannel = "wayfare_changes"

// maxPayload keeps a message well under PostgreSQL's limit.
const maxPayload = 7000

// change is what one commit changed, as far as the caches of a node care.
type change struct {
	Node      string  `json:"n"`
	Quiet     bool    `json:"q,omitempty"`
	Act       int64   `json:"a,omitempty"` // the newest act the commit wrote
	Authority int64   `json:"v,omitempty"` // the authority version it moved to
	Lists     bool    `json:"l,omitempty"`
	Sessions  bool    `json:"s,omitempty"`
	Pitches   []int64 `json:"p,omitempty"`
	People    []int64 `json:"u,omitempty"`
	Inbox     []int64 `json:"i,omitempty"`
	AllInbox  bool    `json:"ai,omitempty"` // too many inboxes to name: every inbox version moves
	All       bool    `json:"all,omitempty"`
}

// changeOf describes what a request that is about to commit changed.
func (db *DB) changeOf(tx *Tx, authority int64) (change, bool) {
	c := change{Node: db.node, Authority: authority, Sessions: tx.sessionsChanged}
	c.Quiet = tx.onlyQuiet()
	if n := len(tx.acts); n > 0 {
		c.Act = int64(tx.acts[n-1].ID)
		c.Lists = !tx.narrow
		if me := tx.actor.PersonID; me != 0 {
			c.People = []int64{int64(me)}
		}
	}
	for _, id := range tx.touched {
		c.Pitches = append(c.Pitches, int64(id))
	}
	for _, id := range tx.inbox {
		c.Inbox = append(c.Inbox, int64(id))
	}
	tell := !c.Quiet || c.Act != 0 || c.Authority != 0 || c.Sessions || len(c.Pitches) > 0 || len(c.Inbox) > 0
	return c, tell
}

// encode returns the message; one too long for NOTIFY says every inbox
// moved instead of naming them (a notice to a large group), and then, if
// still too long, that everything moved.
func (c change) encode() string {
	b, _ := json.Marshal(c)
	if len(b) > maxPayload && len(c.Inbox) > 0 {
		c.Inbox, c.AllInbox = nil, true
		b, _ = json.Marshal(c)
	}
	if len(b) > maxPayload {
		c.Pitches, c.People, c.Inbox, c.All = nil, nil, nil, true
		b, _ = json.Marshal(c)
	}
	return string(b)
}

// tell sends the change to the other nodes in the transaction about to
// commit.
func (db *DB) tell(ctx context.Context, tx *Tx, authority int64) error {
	c, ok := db.changeOf(tx, authority)
	if !ok {
		return nil
	}
	_, err := tx.tx.ExecContext(ctx, `SELECT pg_notify($1, $2)`, fanoutChannel, c.encode())
	return err
}

// applyRemote moves the versions a change of another node moved there.
func (db *DB) applyRemote(payload string) {
	var c change
	if err := json.Unmarshal([]byte(payload), &c); err != nil {
		db.log.Warn("a change message that does not read", "err", err)
		db.forgetAll()
		return
	}
	if c.Node == db.node {
		return // this node moved its versions at commit
	}
	db.stats.Remote.Add(1)
	db.changed() // before any version moves: see replica.go
	if c.All {
		db.forgetAll()
		return
	}
	if !c.Quiet {
		db.version.Add(1)
	}
	if c.Authority != 0 {
		db.authorityMoved(c.Authority, true)
	}
	for _, id := range c.Pitches {
		db.pitchVersions[uint64(id)%uint64(len(db.pitchVersions))].Add(1)
	}
	if c.Lists {
		db.listsVersion.Add(1)
	}
	for _, id := range c.People {
		db.personVersions[uint64(id)%uint64(len(db.personVersions))].Add(1)
	}
	for _, id := range c.Inbox {
		db.inboxVersions[uint64(id)%uint64(len(db.inboxVersions))].Add(1)
	}
	if c.AllInbox {
		for i := range db.inboxVersions {
			db.inboxVersions[i].Add(1)
		}
	}
	if len(c.Inbox) > 0 || c.AllInbox {
		db.inboxMoved()
	}
	if c.Sessions {
		db.sessions.Clear()
		db.credentialsChanged()
	}
	if c.Act != 0 && wayfare.ID(c.Act) > db.hub.Last() {
		db.wakeTail()
	}
}

// forgetAll moves every version, reads the authority version again and
// catches the ledger up: what this node kept is read afresh.
func (db *DB) forgetAll() {
	db.changed()
	db.dropKept()
	for i := range db.inboxVersions {
		db.inboxVersions[i].Add(1)
	}
	db.inboxMoved()
	var v int64
	if err := db.read.QueryRow(authorityQuery).Scan(&v); err == nil {
		db.authorityMoved(v, true)
	}
	db.rolesVersion.Add(1)
	db.credentialsChanged()
	db.wakeTail()
}

// listen connects, LISTENs and hands each message to applyRemote until
// the store closes, connecting again when the connection drops. ready is
// closed once it listens the first time (or gives up trying).
func (db *DB) listen(ready chan<- struct{}) {
	defer db.done.Done()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-db.closing
		cancel()
	}()
	first := true
	signalReady := func() {
		if first {
			first = false
			close(ready)
		}
	}
	defer signalReady()
	for wait := 100 * time.Millisecond; ; {
		conn, err := pgx.ConnectConfig(ctx, db.pg.Config().ConnConfig.Copy())
		if err == nil {
			_, err = conn.Exec(ctx, `LISTEN `+fanoutChannel)
		}
		if err != nil {
			if conn != nil {
				conn.Close(context.Background())
			}
			if ctx.Err() != nil {
				return
			}
			db.log.Warn("listening for other nodes' changes", "err", err, "again in", wait)
			signalReady() // serve meanwhile: the authority watcher and the tailer poll
			select {
			case <-time.After(wait):
			case <-ctx.Done():
				return
			}
			wait = min(2*wait, 5*time.Second)
			continue
		}
		wait = 100 * time.Millisecond
		if !first {
			db.stats.Reconnects.Add(1)
		}
		// Whatever changed while nobody listened is unknown: forget it all.
		db.forgetAll()
		signalReady()
		for {
			n, err := conn.WaitForNotification(ctx)
			if err != nil {
				break
			}
			db.applyRemote(n.Payload)
		}
		conn.Close(context.Background())
		if ctx.Err() != nil {
			return
		}
		db.log.Warn("the connection listening for other nodes' changes dropped; listening again")
	}
}

// wakeTail asks the tailer to read the ledger now.
func (db *DB) wakeTail() {
	select {
	case db.tailWake <- struct{}{}:
	default:
	}
}
