// Package store keeps Wayfare's state in SQL: SQLite embedded by default,
// PostgreSQL when an organization runs several nodes. Public methods are
// the domain's services, each written once for both (dialect.go holds what
// the two spell differently); each write runs in one transaction that also
// appends its acts to the ledger (rule 4). On SQLite, writes go through one
// writer that commits waiting requests together (group commit) and answers
// each only after its commit; on PostgreSQL each write is a serializable
// transaction of its own, run again when it collides with another
// (postgres.go). Reads use a pool of their own.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/ledger"

	"github.com/jackc/pgx/v5/pgxpool"
	_ "modernc.org/sqlite" // the pure-Go SQLite driver
)

// Config opens a store.
type Config struct {
	// Path is the SQLite database file; ":memory:" is not supported (the
	// writer and readers share the file).
	Path string
	// Database, when set, is a PostgreSQL connection URL
	// (postgres://user:password@host/db?sslmode=…) and Path is not used.
	Database string
	// Replica, with Database, is the URL of a streaming replica of it
	// that takes reads off the primary while it has caught up (replica.go).
	Replica string
	// Logger receives operational messages; nil discards them.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now. Tests pin it.
	Now func() time.Time
	// Readers is the size of the read pool; 0 picks one from the CPUs.
	Readers int
	// InfluenceEvery is how often, at most, the influence figures are
	// recomputed while the data changes; 0 means DefaultInfluenceEvery.
	InfluenceEvery time.Duration
	// Synchronous is the SQLite synchronous mode: "NORMAL" (default,
	// survives a process crash) or "FULL" (also survives power loss).
	Synchronous string
	// AuthorityEvery is how often the store looks for changes of
	// authority made by other processes; 0 means DefaultAuthorityEvery.
	AuthorityEvery time.Duration
}

// DB is an open store.
type DB struct {
	d      *dialect
	pg     *pgxpool.Pool // PostgreSQL only: the pool read and write share
	read   *sql.DB
	write  *sql.DB
	ckpt   *sql.DB
	log    *slog.Logger
	now    func() time.Time
	hub    *ledger.Hub
	path   string
	writes chan *writeReq
	wstmts *stmtCache // the writer's prepared statements

	version atomic.Int64 // bumped after each commit; caches key on it
	// pitchVersions move when a commit changes how a pitch reads; a pitch
	// shares its stripe with others, which only costs a cache miss.
	pitchVersions [1 << 14]atomic.Uint64
	// rolesVersion moves when a commit changes who is who or who manages
	// what; the answers of isManager for pages are kept until it does.
	rolesVersion atomic.Uint64
	// listsVersion moves after every commit of acts but those that only
	// bought or refunded tickets (which move their pitches' versions).
	listsVersion atomic.Uint64
	// personVersions move when a commit carries acts of the person: their
	// tickets, journeys and what they see as theirs.
	personVersions [1 << 12]atomic.Uint64
	// inboxVersions move when a person's notifications change; inboxCh is
	// closed at the next change of anyone's (see InboxChanged).
	inboxVersions [1 << 12]atomic.Uint64
	inboxCh       atomic.Pointer[chan struct{}]
	managers      sync.Map // managerKey → managerAnswer
	managersLen   atomic.Int64
	stmts         readStmts
	rstmts        readCache // the read pool's prepared statements

	closeOnce  sync.Once
	closing    chan struct{}
	writerDone chan struct{} // closed when the writer has stopped
	done       sync.WaitGroup

	walLong atomic.Bool // the WAL needs a restart; the writer does it

	influence influenceCache // the influence figures, recomputed in the background

	tokens    sync.Map // token hash (string) → *tokenEntry
	tokensLen atomic.Int64
	uses      tokenUses // tokens' last uses, not yet written
	sessions  sync.Map  // session token → session
	// authSeen is the newest authority version this process knows of;
	// authCh is closed at the next change (see authority.go).
	authSeen atomic.Int64
	authMu   sync.Mutex // held while authority moves (authorityMoved)
	authCh   atomic.Pointer[chan struct{}]
	stats    Stats

	// PostgreSQL only: the tailer publishes the committed acts (see
	// postgres.go); published is closed and replaced after each batch.
	node      string   // this node's name in the change messages (fanout.go)
	replica   *replica // a streaming replica for reads, if one was given
	fence     fence    // the authority queries of Fence
	tailWake  chan struct{}
	pubMu     sync.Mutex
	published chan struct{}
}

// Stats counts the writer's work, for /metrics.
type Stats struct {
	Batches  atomic.Int64
	Requests atomic.Int64
	Failures atomic.Int64
	Restarts atomic.Int64 // WAL restarts the writer made (PostgreSQL: writes run again after a collision)
	// PostgreSQL only: changes told by other nodes, and how often the
	// connection that listens for them was made again.
	Remote     atomic.Int64
	Reconnects atomic.Int64
}

// Open opens (creating if needed) and migrates the database: the
// PostgreSQL database at cfg.Database if set, else the SQLite file at
// cfg.Path.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	if cfg.Database != "" {
		return openPostgres(ctx, cfg)
	}
	if cfg.Replica != "" {
		return nil, errors.New("store: a replica is one of a PostgreSQL primary: give Database too")
	}
	if cfg.Path == "" || cfg.Path == ":memory:" {
		return nil, errors.New("store: a database file path is required")
	}
	if err := os.MkdirAll(filepath.Dir(cfg.Path), 0o750); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	db, err := newDB(cfg, sqliteDialect)
	if err != nil {
		return nil, err
	}
	sync := cfg.Synchronous
	if sync == "" {
		sync = "NORMAL"
	}
	if sync != "NORMAL" && sync != "FULL" {
		return nil, fmt.Errorf("store: synchronous must be NORMAL or FULL, not %q", sync)
	}
	// busy_timeout comes first so that every later pragma waits politely.
	base := "file:" + (&url.URL{Path: cfg.Path}).EscapedPath() + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(" + sync + ")"
	if db.write, err = sql.Open("sqlite", base+"&_txlock=immediate&_pragma=wal_autocheckpoint(0)"+
		"&_pragma=journal_size_limit("+strconv.Itoa(journalLimit)+")"); err != nil {
		return nil, err
	}
	db.write.SetMaxOpenConns(1)
	db.write.SetMaxIdleConns(1)
	db.write.SetConnMaxLifetime(0)
	if err := migrate(ctx, db.write, db.d); err != nil {
		db.write.Close()
		return nil, err
	}
	if db.read, err = sql.Open("sqlite", base+"&_pragma=query_only(1)"); err != nil {
		return nil, err
	}
	n := cfg.Readers
	if n <= 0 {
		n = max(4, 2*runtime.GOMAXPROCS(0))
	}
	db.read.SetMaxOpenConns(n)
	db.read.SetMaxIdleConns(n)
	db.read.SetConnMaxLifetime(0)
	if db.ckpt, err = sql.Open("sqlite", base); err != nil {
		return nil, err
	}
	db.ckpt.SetMaxOpenConns(1)
	if err := db.start(ctx, cfg); err != nil {
		db.Close()
		return nil, err
	}
	db.done.Add(2)
	go db.writer()
	go db.checkpointer()
	return db, nil
}

// newDB returns a store not yet connected to its database.
func newDB(cfg Config, d *dialect) (*DB, error) {
	db := &DB{
		d:          d,
		log:        cfg.Logger,
		now:        cfg.Now,
		hub:        ledger.NewHub(),
		path:       cfg.Path,
		writes:     make(chan *writeReq, 4096),
		wstmts:     newStmtCache(),
		closing:    make(chan struct{}),
		writerDone: make(chan struct{}),
	}
	if db.log == nil {
		db.log = slog.New(slog.DiscardHandler)
	}
	if db.now == nil {
		db.now = time.Now
	}
	db.influence.every = cfg.InfluenceEvery
	if db.influence.every <= 0 {
		db.influence.every = DefaultInfluenceEvery
	}
	return db, nil
}

// start reads where the ledger and the authority version stand and starts
// the work both dialects do in the background.
func (db *DB) start(ctx context.Context, cfg Config) error {
	if err := db.prepare(ctx); err != nil {
		return err
	}
	var last wayfare.ID
	if err := db.read.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM acts`).Scan(&last); err != nil {
		return err
	}
	db.hub.Begin(last)
	var authority int64
	if err := db.read.QueryRowContext(ctx, authorityQuery).Scan(&authority); err != nil {
		return err
	}
	db.authSeen.Store(authority)
	db.authCh.Store(newSignal())
	db.inboxCh.Store(newSignal())
	every := cfg.AuthorityEvery
	if every <= 0 {
		every = DefaultAuthorityEvery
	}
	db.done.Add(1)
	go db.watchAuthority(every)
	return nil
}

// Close stops the writer after the requests already queued, checkpoints
// and closes the database.
func (db *DB) Close() error {
	select {
	case <-db.closing:
	default:
		if err := db.flushTokenUses(context.Background()); err != nil {
			db.log.Warn("token uses", "err", err)
		}
	}
	db.closeOnce.Do(func() { close(db.closing) })
	db.done.Wait()
	db.influence.close()
	var errs []error
	if db.ckpt != nil {
		_, err := db.ckpt.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
		errs = append(errs, err, db.ckpt.Close())
	}
	if db.read != nil {
		errs = append(errs, db.read.Close())
	}
	if db.write != nil && db.write != db.read {
		errs = append(errs, db.write.Close())
	}
	if db.replica != nil {
		errs = append(errs, db.replica.db.Close())
		db.replica.pool.Close()
	}
	if db.pg != nil {
		db.pg.Close()
	}
	return errors.Join(errs...)
}

// Hub returns the hub that fans committed acts out.
func (db *DB) Hub() *ledger.Hub { return db.hub }

// Version returns a number that changes after every commit: a cache of
// encoded answers stays valid while it stays the same.
func (db *DB) Version() int64 { return db.version.Load() }

// PitchVersion returns a number that changes after every commit that
// changes how the pitch reads: its tickets sold, status or decision.
func (db *DB) PitchVersion(id wayfare.ID) uint64 {
	return db.pitchVersions[uint64(id)%uint64(len(db.pitchVersions))].Load()
}

// RolesVersion returns a number that changes after every commit that
// changes a person, a group or a role.
func (db *DB) RolesVersion() uint64 { return db.rolesVersion.Load() }

// ListsVersion returns a number that changes after every commit of acts
// that may change a list of pitches or journeys: all of them but ticket
// purchases and refunds on pitches not yet adopted, which change only
// their own pitches' versions and their buyers'.
func (db *DB) ListsVersion() uint64 { return db.listsVersion.Load() }

// PersonVersion returns a number that changes after every commit of the
// person's own acts.
func (db *DB) PersonVersion(id wayfare.ID) uint64 {
	return db.personVersions[uint64(id)%uint64(len(db.personVersions))].Load()
}

// InboxVersion returns a number that moves whenever the person's
// notifications change (and sometimes when another's do).
func (db *DB) InboxVersion(id wayfare.ID) uint64 {
	return db.inboxVersions[uint64(id)%uint64(len(db.inboxVersions))].Load()
}

// InboxChanged returns a channel closed at the next change of anyone's
// notifications: a watcher then compares the InboxVersion it cares about.
func (db *DB) InboxChanged() <-chan struct{} { return *db.inboxCh.Load() }

func (db *DB) inboxMoved() {
	old := db.inboxCh.Swap(newSignal())
	close(*old)
}

// WriterStats returns the writer's counters.
func (db *DB) WriterStats() *Stats { return &db.stats }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.read.PingContext(ctx) }

// walFrames is how long the WAL may grow before the writer pauses to
// restart it; journalLimit is the size the WAL file is cut back to.
const (
	walFrames    = 4000
	journalLimit = 64 << 20
)

// checkpointer keeps the WAL short off the writer's path: it copies WAL
// pages into the database often (passive checkpoints never block). A
// passive checkpoint cannot rewind the WAL while the writer keeps it busy,
// so when the WAL grows past walFrames it asks the writer to restart it
// between two batches.
func (db *DB) checkpointer() {
	defer db.done.Done()
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-db.closing:
			return
		case <-t.C:
		}
		if db.walLong.Load() {
			continue // the writer restarts the WAL; a checkpoint here would only hold it up
		}
		var busy, logFrames, done int
		err := db.ckpt.QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &logFrames, &done)
		if err != nil {
			db.log.Warn("checkpoint", "err", err)
			continue
		}
		db.walLong.Store(logFrames > walFrames)
	}
}
