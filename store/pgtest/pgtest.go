// Package pgtest gives tests a PostgreSQL database of their own, made from
// a template migrated once.
//
// The server is, in order: the one WAYFARE_TEST_POSTGRES names (a URL of a
// role that may create databases); the local one on /var/run/postgresql,
// as the current user (the Debian cluster that .ci/run starts); or a
// throwaway cluster made with initdb in a temporary folder (as the
// postgres user when running as root), stopped by Main. With none, a test
// that asks for one is skipped, or fails when WAYFARE_REQUIRE_POSTGRES=1:
// CI sets it, so that a skipped PostgreSQL suite never passes as green.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/wayfare-org/wayfare/store"
)

var (
	serverOnce sync.Once
	serverURL  string
	serverErr  error
	cluster    string // the throwaway cluster's folder, if one was made

	templateMu    sync.Mutex
	templateNames = map[string]bool{}
)

// Main runs the tests and stops the throwaway cluster, if one was made:
// call it from TestMain in a package that uses Database.
func Main(m *testing.M) {
	code := m.Run()
	stopCluster()
	os.Exit(code)
}

// MainBoth runs the package's tests twice, on SQLite and then on
// PostgreSQL: tests open their store with Config, which gives the backend
// of the run. The PostgreSQL run is left out, with a line that says so,
// when there is no server, unless WAYFARE_REQUIRE_POSTGRES=1.
func MainBoth(m *testing.M) {
	code := m.Run()
	serverOnce.Do(func() { serverURL, serverErr = findServer() })
	switch {
	case serverErr != nil && Required():
		fmt.Fprintf(os.Stderr, "PostgreSQL is required (WAYFARE_REQUIRE_POSTGRES=1) but none could be reached or made: %v\n", serverErr)
		code = 1
	case serverErr != nil:
		fmt.Fprintf(os.Stderr, "the tests ran on SQLite only: no PostgreSQL server (%v)\n", serverErr)
	default:
		backend = "postgres"
		fmt.Fprintln(os.Stderr, "== the same tests on PostgreSQL")
		if c := m.Run(); c != 0 {
			code = c
		}
	}
	stopCluster()
	os.Exit(code)
}

// backend is the backend of the run MainBoth is in.
var backend = "sqlite"

// Backend names the backend the tests run on: "sqlite" or "postgres".
func Backend() string { return backend }

// Config returns the configuration of a fresh store on the run's backend:
// the SQLite file at path, or a new PostgreSQL database.
func Config(t testing.TB, path string) store.Config {
	t.Helper()
	if backend == "postgres" {
		return store.Config{Database: Database(t)}
	}
	return store.Config{Path: path}
}

func stopCluster() {
	if cluster != "" {
		_ = asPostgres(pgBin("pg_ctl"), "-D", filepath.Join(cluster, "data"), "-m", "immediate", "stop").Run()
		os.RemoveAll(cluster)
		cluster = ""
	}
}

// Required says that PostgreSQL suites must run (WAYFARE_REQUIRE_POSTGRES=1).
func Required() bool { return os.Getenv("WAYFARE_REQUIRE_POSTGRES") == "1" }

// Server returns the URL of a PostgreSQL server on which the tests may
// create databases, or skips (or fails) the test when there is none.
func Server(t testing.TB) string {
	t.Helper()
	serverOnce.Do(func() { serverURL, serverErr = findServer() })
	if serverErr != nil {
		if Required() {
			t.Fatalf("PostgreSQL is required (WAYFARE_REQUIRE_POSTGRES=1) but none could be reached or made: %v", serverErr)
		}
		t.Skipf("no PostgreSQL server (set WAYFARE_TEST_POSTGRES, start the local cluster, or install initdb): %v", serverErr)
	}
	return serverURL
}

// Database returns the URL of a new, migrated database, dropped when the
// test ends (close what uses it in a cleanup registered later).
func Database(t testing.TB) string {
	t.Helper()
	base := Server(t)
	tmpl, err := template(base)
	if err != nil {
		t.Fatalf("the migrated template: %v", err)
	}
	name := "wayfare_test_" + random()
	if err := admin(base, `CREATE DATABASE `+name+` TEMPLATE `+tmpl); err != nil {
		t.Fatalf("a test database: %v", err)
	}
	t.Cleanup(func() {
		if err := admin(base, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
			t.Logf("dropping %s: %v", name, err)
		}
	})
	return WithDatabase(base, name)
}

// Empty returns the URL of a new database with nothing in it, dropped
// when the test ends.
func Empty(t testing.TB) string {
	t.Helper()
	base := Server(t)
	name := "wayfare_test_" + random()
	if err := admin(base, `CREATE DATABASE `+name+` TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'`); err != nil {
		t.Fatalf("a test database: %v", err)
	}
	t.Cleanup(func() { _ = admin(base, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`) })
	return WithDatabase(base, name)
}

// WithDatabase returns the server URL u pointing at database name.
func WithDatabase(u, name string) string {
	p, err := url.Parse(u)
	if err != nil {
		panic(err)
	}
	p.Path = "/" + name
	return p.String()
}

// template returns the name of a database migrated to this program's
// schema, made once per schema and kept on the server for the next runs.
// Several test processes may ask at once: an advisory lock lets one make
// it.
func template(base string) (string, error) {
	templateMu.Lock()
	defer templateMu.Unlock()
	name := "wayfare_template_" + store.SchemaDigest()[:16]
	if templateNames[name] {
		return name, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(7766554433)`); err != nil {
		return "", err
	}
	defer conn.Exec(context.Background(), `SELECT pg_advisory_unlock(7766554433)`)
	var ready bool
	err = conn.QueryRow(ctx, `SELECT datistemplate FROM pg_database WHERE datname = $1`, name).Scan(&ready)
	if errors.Is(err, pgx.ErrNoRows) || err == nil && !ready {
		// Not made, or made halfway by a process that stopped.
		if _, err := conn.Exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
			return "", err
		}
		if _, err := conn.Exec(ctx, `CREATE DATABASE `+name+` TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'`); err != nil {
			return "", err
		}
		db, err := store.Open(ctx, store.Config{Database: WithDatabase(base, name)})
		if err != nil {
			return "", err
		}
		if err := db.Close(); err != nil {
			return "", err
		}
		if _, err := conn.Exec(ctx, `ALTER DATABASE `+name+` IS_TEMPLATE true`); err != nil {
			return "", err
		}
	} else if err != nil {
		return "", err
	}
	templateNames[name] = true
	return name, nil
}

func admin(base, stmt string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, stmt)
	return err
}

func random() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func findServer() (string, error) {
	var tried []string
	if u := os.Getenv("WAYFARE_TEST_POSTGRES"); u != "" {
		if err := ping(u); err != nil {
			return "", fmt.Errorf("WAYFARE_TEST_POSTGRES: %w", err)
		}
		return u, nil
	}
	if _, err := os.Stat("/var/run/postgresql"); err == nil {
		u := "postgres:///postgres?host=/var/run/postgresql"
		if me, err := user.Current(); err == nil {
			u = "postgres://" + url.User(me.Username).String() + "@/postgres?host=/var/run/postgresql"
		}
		err := ping(u)
		if err == nil {
			return u, nil
		}
		tried = append(tried, "the local server: "+err.Error())
	}
	u, err := makeCluster()
	if err == nil {
		return u, nil
	}
	tried = append(tried, "a throwaway cluster: "+err.Error())
	return "", errors.New(strings.Join(tried, "; "))
}

func ping(u string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var may bool
	if err := conn.QueryRow(ctx, `SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user`).Scan(&may); err != nil {
		return err
	}
	if !may {
		return errors.New("the role may not create databases")
	}
	return nil
}

// pgBin finds one of PostgreSQL's programs: on the PATH, or in the newest
// of Debian's /usr/lib/postgresql/*/bin.
func pgBin(name string) string {
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Strings(dirs)
	for i := len(dirs) - 1; i >= 0; i-- {
		if p := filepath.Join(dirs[i], name); fileExists(p) {
			return p
		}
	}
	return name
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// asPostgres runs a program as the postgres user when this process is
// root (PostgreSQL refuses to run as root).
func asPostgres(name string, args ...string) *exec.Cmd {
	if os.Geteuid() == 0 {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", name}, args...)...)
	}
	return exec.Command(name, args...)
}

// makeCluster makes and starts a cluster of its own in a temporary folder,
// listening on a socket in that folder only.
func makeCluster() (string, error) {
	initdb := pgBin("initdb")
	if !fileExists(initdb) {
		return "", errors.New("initdb is not installed")
	}
	dir, err := os.MkdirTemp("", "wayfare-pg-")
	if err != nil {
		return "", err
	}
	owner := "postgres"
	if os.Geteuid() == 0 {
		if err := exec.Command("chown", "postgres:postgres", dir).Run(); err != nil {
			return "", fmt.Errorf("chown: %w", err)
		}
	} else if me, err := user.Current(); err == nil {
		owner = me.Username
	}
	data := filepath.Join(dir, "data")
	if out, err := asPostgres(initdb, "-D", data, "-U", owner, "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C").CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("initdb: %v: %s", err, out)
	}
	opts := "-c listen_addresses='' -k " + dir + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
	if out, err := asPostgres(pgBin("pg_ctl"), "-D", data, "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "start").CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("pg_ctl start: %v: %s", err, out)
	}
	cluster = dir
	u := "postgres://" + url.User(owner).String() + "@/postgres?host=" + url.QueryEscape(dir)
	return u, ping(u)
}

// Replicated makes a primary and a streaming replica of it, each a
// throwaway cluster in a temporary folder (initdb, then pg_basebackup),
// with one database, and returns the URLs of that database on both. The
// replica applies each commit 300 ms late (recovery_min_apply_delay), as
// a busy one would, so that reading from it too early shows. They
// stop when the test ends. Without PostgreSQL's programs the test is
// skipped, or fails when WAYFARE_REQUIRE_POSTGRES=1.
func Replicated(t testing.TB) (primary, replica string) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		if Required() {
			t.Fatalf(format, args...)
		}
		t.Skipf(format, args...)
	}
	if !fileExists(pgBin("initdb")) || !fileExists(pgBin("pg_basebackup")) {
		fail("a replicated pair needs initdb and pg_basebackup")
	}
	dir, err := os.MkdirTemp("", "wayfare-pg-pair-")
	if err != nil {
		t.Fatal(err)
	}
	owner := "postgres"
	if os.Geteuid() == 0 {
		if err := exec.Command("chown", "postgres:postgres", dir).Run(); err != nil {
			fail("chown: %v", err)
		}
	} else if me, err := user.Current(); err == nil {
		owner = me.Username
	}
	var started []string
	t.Cleanup(func() {
		for _, data := range started {
			_ = asPostgres(pgBin("pg_ctl"), "-D", data, "-m", "immediate", "stop").Run()
		}
		os.RemoveAll(dir)
	})
	run := func(name string, args ...string) {
		t.Helper()
		if out, err := asPostgres(pgBin(name), args...).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v: %s", name, err, out)
		}
	}
	start := func(data, port, extra string) {
		t.Helper()
		opts := "-c listen_addresses='' -k " + dir + " -p " + port + " -c fsync=off -c wal_level=replica -c max_wal_senders=4 -c hot_standby=on" + extra
		run("pg_ctl", "-D", data, "-o", opts, "-l", data+".log", "-w", "start")
		started = append(started, data)
	}
	run("initdb", "-D", filepath.Join(dir, "primary"), "-U", owner, "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C")
	start(filepath.Join(dir, "primary"), "5433", "")
	at := func(port, db string) string {
		return "postgres://" + url.User(owner).String() + "@/" + db + "?host=" + url.QueryEscape(dir) + "&port=" + port
	}
	if err := admin(at("5433", "postgres"), `CREATE DATABASE wayfare`); err != nil {
		t.Fatal(err)
	}
	run("pg_basebackup", "-h", dir, "-p", "5433", "-U", owner, "-D", filepath.Join(dir, "replica"), "-R", "-X", "stream", "--checkpoint=fast")
	start(filepath.Join(dir, "replica"), "5434", " -c recovery_min_apply_delay=300ms")
	if err := ping(at("5434", "wayfare")); err != nil && !strings.Contains(err.Error(), "create databases") {
		t.Fatalf("the replica: %v", err)
	}
	return at("5433", "wayfare"), at("5434", "wayfare")
}
