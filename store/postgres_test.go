package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/management"
	"github.com/wayfare-org/wayfare/people"
	"github.com/wayfare-org/wayfare/store"
	"github.com/wayfare-org/wayfare/store/pgtest"
)

// column is what the schema comparison sees of a column.
type column struct {
	kind    string // integer, text, blob, real
	notNull bool
}

// TestDialectsHaveTheSameSchema migrates both databases and compares
// their tables, columns (name, kind, nullability) and named indexes. The
// full-text index is each dialect's own and is left out.
func TestDialectsHaveTheSameSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "wayfare.db")
	lite, err := store.Open(ctx, store.Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	lite.Close()
	ldb, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer ldb.Close()
	pdb, err := sql.Open("pgx", pgtest.Database(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pdb.Close()

	own := func(table string) bool {
		return strings.HasPrefix(table, "pitches_fts") || strings.HasPrefix(table, "sqlite_")
	}
	liteCols := map[string]map[string]column{}
	err = each(ldb, `SELECT m.name, c.name, c.type, c."notnull", c.pk FROM sqlite_master m, pragma_table_info(m.name) c
		WHERE m.type = 'table'`, func(r *sql.Rows) error {
		var table, name, typ string
		var notNull, pk int
		if err := r.Scan(&table, &name, &typ, &notNull, &pk); err != nil {
			return err
		}
		if own(table) {
			return nil
		}
		kind := map[string]string{"INTEGER": "integer", "TEXT": "text", "BLOB": "blob", "REAL": "real"}[typ]
		if kind == "" {
			t.Errorf("sqlite %s.%s: a column of type %q", table, name, typ)
		}
		if liteCols[table] == nil {
			liteCols[table] = map[string]column{}
		}
		liteCols[table][name] = column{kind, notNull == 1 || pk > 0}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	pgCols := map[string]map[string]column{}
	err = each(pdb, `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
		WHERE table_schema = 'public'`, func(r *sql.Rows) error {
		var table, name, typ, nullable string
		if err := r.Scan(&table, &name, &typ, &nullable); err != nil {
			return err
		}
		if own(table) {
			return nil
		}
		kind := map[string]string{"bigint": "integer", "integer": "integer", "text": "text", "bytea": "blob", "double precision": "real"}[typ]
		if kind == "" {
			t.Errorf("postgres %s.%s: a column of type %q", table, name, typ)
		}
		if pgCols[table] == nil {
			pgCols[table] = map[string]column{}
		}
		pgCols[table][name] = column{kind, nullable == "NO"}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(liteCols) < 30 {
		t.Fatalf("only %d tables in SQLite: %v", len(liteCols), keys(liteCols))
	}
	if !slices.Equal(keys(liteCols), keys(pgCols)) {
		t.Fatalf("the tables differ:\nsqlite   %v\npostgres %v", keys(liteCols), keys(pgCols))
	}
	for table, cols := range liteCols {
		for name, c := range cols {
			if p, ok := pgCols[table][name]; !ok {
				t.Errorf("%s.%s is not in PostgreSQL", table, name)
			} else if p != c {
				t.Errorf("%s.%s: sqlite %+v, postgres %+v", table, name, c, p)
			}
		}
		for name := range pgCols[table] {
			if _, ok := cols[name]; !ok {
				t.Errorf("%s.%s is not in SQLite", table, name)
			}
		}
	}

	var liteIdx, pgIdx []string
	err = each(ldb, `SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'`, func(r *sql.Rows) error {
		var n string
		liteIdx = append(liteIdx, n)
		return r.Scan(&liteIdx[len(liteIdx)-1])
	})
	if err != nil {
		t.Fatal(err)
	}
	err = each(pdb, `SELECT indexname FROM pg_indexes WHERE schemaname = 'public'
		AND indexname NOT LIKE '%\_pkey' AND indexname NOT LIKE '%\_key' AND indexname NOT LIKE 'pitches\_fts%'`, func(r *sql.Rows) error {
		var n string
		pgIdx = append(pgIdx, n)
		return r.Scan(&pgIdx[len(pgIdx)-1])
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(liteIdx)
	sort.Strings(pgIdx)
	if !slices.Equal(liteIdx, pgIdx) {
		t.Errorf("the indexes differ:\nsqlite   %v\npostgres %v", liteIdx, pgIdx)
	}
}

func each(db *sql.DB, q string, fn func(*sql.Rows) error) error {
	rows, err := db.Query(q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestLedgerIsAppendOnly: the database itself refuses to change or
// remove an act, on both dialects (and to empty the table on PostgreSQL).
func TestLedgerIsAppendOnly(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "wayfare.db")
	dbs := map[string]func() (*sql.DB, []string){
		"sqlite": func() (*sql.DB, []string) {
			return openRaw(t, func() error { return seedOneAct(t, store.Config{Path: path}) }, "sqlite", "file:"+path), nil
		},
		"postgres": func() (*sql.DB, []string) {
			u := pgtest.Database(t)
			return openRaw(t, func() error { return seedOneAct(t, store.Config{Database: u}) }, "pgx", u), []string{`TRUNCATE acts CASCADE`}
		},
	}
	for name, open := range dbs {
		t.Run(name, func(t *testing.T) {
			db, extra := open()
			for _, stmt := range append([]string{`UPDATE acts SET verb = 'pitch.withdrawn'`, `DELETE FROM acts`}, extra...) {
				_, err := db.ExecContext(ctx, stmt)
				if err == nil || !strings.Contains(err.Error(), "append-only") {
					t.Errorf("%s: %v, want the ledger to refuse", stmt, err)
				}
			}
			var n int
			if err := db.QueryRowContext(ctx, `SELECT count(*) FROM acts`).Scan(&n); err != nil || n == 0 {
				t.Errorf("acts after the attempts: %d, %v", n, err)
			}
		})
	}
}

func openRaw(t *testing.T, seed func() error, driver, dsn string) *sql.DB {
	t.Helper()
	if err := seed(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func seedOneAct(t *testing.T, cfg store.Config) error {
	db, err := store.Open(context.Background(), cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.CreateGroup(sys(), people.NewGroup{Name: "Everyone"})
	return err
}

func sys() context.Context {
	return wayfare.WithActor(context.Background(), wayfare.Actor{System: true})
}

// TestPostgresActsInCommitOrder: two stores on one database (two nodes)
// write concurrently; a reader that resumes after the newest act it has
// seen, as an event stream does, sees every act exactly once, and a third
// store's hub offers every act once, in order.
func TestPostgresActsInCommitOrder(t *testing.T) {
	u := pgtest.Database(t)
	open := func() *store.DB { return openNode(t, u) }
	a, b, c := open(), open(), open()
	g, err := a.CreateGroup(sys(), people.NewGroup{Name: "Everyone"})
	if err != nil {
		t.Fatal(err)
	}
	const writers, each = 8, 40
	var ids []wayfare.ID
	for i := range writers {
		p, err := a.CreatePerson(sys(), people.NewPerson{Name: fmt.Sprint("Person ", i), Email: fmt.Sprintf("p%d@example.test", i)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	sub := c.Hub().Subscribe(writers*each*4 + 100)
	defer sub.Close()
	start := c.Hub().Last()

	// The resuming reader: what is after the newest act seen, again and
	// again, on a connection of its own.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	seen := map[wayfare.ID]int{}
	readerDone := make(chan error, 1)
	stop := make(chan struct{})
	go func() {
		last := start
		read := func() error {
			rows, err := conn.Query(ctx, `SELECT id FROM acts WHERE id > $1 ORDER BY id`, int64(last))
			if err != nil {
				return err
			}
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					return err
				}
				seen[wayfare.ID(id)]++
				last = wayfare.ID(id)
			}
			return rows.Err()
		}
		for {
			select {
			case <-stop:
				readerDone <- read()
				return
			default:
			}
			if err := read(); err != nil {
				readerDone <- err
				return
			}
		}
	}()

	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i, who := range ids {
		node := a
		if i%2 == 1 {
			node = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range each {
				_, err := node.Publish(wayfare.WithActor(context.Background(), wayfare.Actor{PersonID: who}), leadership.NewPitch{
					GroupID: g.ID, Kind: leadership.Proposal, Title: fmt.Sprintf("Pitch %d of %d", j, who),
					StatusQuo: "As it is.", BetterWay: "As it could be.", TicketsWanted: 3})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	close(stop)
	if err := <-readerDone; err != nil {
		t.Fatal(err)
	}

	var all []wayfare.ID
	rows, err := conn.Query(context.Background(), `SELECT id FROM acts WHERE id > $1 ORDER BY id`, int64(start))
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		all = append(all, wayfare.ID(id))
	}
	if len(all) < writers*each {
		t.Fatalf("%d acts, want at least %d", len(all), writers*each)
	}
	for _, id := range all {
		if seen[id] != 1 {
			t.Errorf("the resuming reader saw act %s %d times", id, seen[id])
		}
	}
	if len(seen) != len(all) {
		t.Errorf("the reader saw %d acts, the ledger has %d", len(seen), len(all))
	}

	// The third node's hub offers all of them once, in order.
	deadline := time.After(5 * time.Second)
	var got []wayfare.ID
	for len(got) < len(all) {
		select {
		case act := <-sub.C:
			got = append(got, act.ID)
		case <-deadline:
			t.Fatalf("the hub of a third node offered %d acts of %d", len(got), len(all))
		}
	}
	if !slices.Equal(got, all) {
		t.Errorf("the hub offered the acts out of order or not once each")
	}
	if sub.Dropped() != 0 {
		t.Errorf("%d dropped", sub.Dropped())
	}
}

// TestPostgresNodesFollowEachOthersChanges: what one node changes moves
// the other's versions within moments — a pitch's, the lists', a
// person's inbox, the authority — and a session one ends is over on the
// other; a node whose listening connection is cut listens again and
// forgets what it kept.
func TestPostgresNodesFollowEachOthersChanges(t *testing.T) {
	u := pgtest.Database(t)
	open := func() *store.DB { return openNode(t, u) }
	a, b := open(), open()
	soon := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(2 * time.Second); !ok(); {
			if time.Now().After(deadline) {
				t.Fatalf("%s did not reach the other node within 2 s", what)
			}
			time.Sleep(time.Millisecond)
		}
	}
	g, err := a.CreateGroup(sys(), people.NewGroup{Name: "Everyone"})
	if err != nil {
		t.Fatal(err)
	}
	var ids []wayfare.ID
	for i := range 3 {
		p, err := a.CreatePerson(sys(), people.NewPerson{Name: fmt.Sprint("P", i), Email: fmt.Sprintf("p%d@example.test", i)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	as := func(id wayfare.ID) context.Context {
		return wayfare.WithActor(context.Background(), wayfare.Actor{PersonID: id})
	}
	p, err := a.Publish(as(ids[0]), leadership.NewPitch{GroupID: g.ID, Kind: leadership.Proposal, Title: "Demos",
		StatusQuo: "Rarely.", BetterWay: "Weekly.", TicketsWanted: 1})
	if err != nil {
		t.Fatal(err)
	}

	pitch, lists, roles := b.PitchVersion(p.ID), b.ListsVersion(), b.RolesVersion()
	if _, _, err := a.BuyTicket(as(ids[1]), p.ID); err != nil {
		t.Fatal(err)
	}
	soon("a purchase", func() bool { return b.PitchVersion(p.ID) != pitch })
	if got, _ := b.Pitch(context.Background(), p.ID); got.TicketsSold != 1 {
		t.Errorf("the other node reads %d tickets sold", got.TicketsSold)
	}
	if _, err := a.SetRole(sys(), g.ID, ids[2], people.Manager); err != nil {
		t.Fatal(err)
	}
	if err := b.Fence(context.Background()); err != nil || b.RolesVersion() == roles {
		t.Errorf("a role given on one node: the other's next request does not know of it (%v)", err)
	}
	if ok, err := b.Manages(context.Background(), ids[2], g.ID); !ok || err != nil {
		t.Errorf("the other node does not know the new manager: %v %v", ok, err)
	}
	if _, err := a.Decide(as(ids[2]), p.ID, management.NewDecision{Outcome: management.Adopt, Method: management.Directive, Rationale: "Yes."}); err != nil {
		t.Fatal(err)
	}
	soon("a decision", func() bool { return b.ListsVersion() != lists })

	// A session ended on one node is over on the other, which had it in memory.
	if err := a.Sessions().Commit("token-1", []byte("data"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := b.Sessions().Find("token-1"); !found {
		t.Fatal("the other node does not find the session")
	}
	if err := a.Sessions().Delete("token-1"); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := b.Sessions().Find("token-1"); found {
		t.Error("a session ended on one node is still found on the other by its next request")
	}

	// Cut the other node's listening connection: it listens again, and
	// every version it keeps moves.
	before := b.WriterStats().Reconnects.Load()
	pitch = b.PitchVersion(p.ID)
	conn, err := pgx.Connect(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND query LIKE 'LISTEN %' AND pid <> pg_backend_pid()`); err != nil {
		t.Fatal(err)
	}
	soon("listening again", func() bool { return b.WriterStats().Reconnects.Load() > before })
	if b.PitchVersion(p.ID) == pitch {
		t.Error("a node that listens again keeps what it had kept")
	}
	lists = b.ListsVersion()
	if _, err := a.Publish(as(ids[1]), leadership.NewPitch{GroupID: g.ID, Kind: leadership.Proposal, Title: "Pairing",
		StatusQuo: "Alone.", BetterWay: "In pairs.", TicketsWanted: 1}); err != nil {
		t.Fatal(err)
	}
	soon("a pitch after listening again", func() bool { return b.ListsVersion() != lists })
}

// TestPostgresReplicaTakesReadsOnceCaughtUp runs a store on a real
// primary and streaming replica: what a person writes they read back at
// once, and the replica answers reads once it has replayed the writes.
func TestPostgresReplicaTakesReadsOnceCaughtUp(t *testing.T) {
	primary, replica := pgtest.Replicated(t)
	ctx := context.Background()
	if _, err := store.Open(ctx, store.Config{Database: primary, Replica: primary}); err == nil || !strings.Contains(err.Error(), "not a standby") {
		t.Fatalf("a primary given as the replica: %v", err)
	}
	db, err := store.Open(ctx, store.Config{Database: primary, Replica: replica})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	g, err := db.CreateGroup(sys(), people.NewGroup{Name: "Everyone"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := db.CreatePerson(sys(), people.NewPerson{Name: "Author", Email: "author@example.test"})
	if err != nil {
		t.Fatal(err)
	}
	me := wayfare.WithActor(ctx, wayfare.Actor{PersonID: p.ID})
	list := func() []*leadership.Pitch {
		t.Helper()
		got, err := db.Pitches(me, leadership.PitchFilter{GroupID: g.ID})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	for i := range 20 {
		if _, err := db.Publish(me, leadership.NewPitch{GroupID: g.ID, Kind: leadership.Proposal, Title: fmt.Sprint("Pitch ", i),
			StatusQuo: "As it is.", BetterWay: "Better.", TicketsWanted: 1}); err != nil {
			t.Fatal(err)
		}
		// Read back at once: never behind the person's own write.
		if n := len(list()); n != i+1 {
			t.Fatalf("after pitch %d the list holds %d", i+1, n)
		}
	}
	for deadline := time.Now().Add(5 * time.Second); db.ReplicaReads() == 0; {
		if time.Now().After(deadline) {
			t.Fatal("the replica answered no read within 5 s of the last write")
		}
		if n := len(list()); n != 20 {
			t.Fatalf("the list holds %d, want 20", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// openNode opens a store on the database at u, as one more node would.
func openNode(t *testing.T, u string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), store.Config{Database: u})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
