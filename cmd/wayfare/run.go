package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/wayfare-org/wayfare/store"
)

// Version is set at build time with -ldflags "-X main.Version=…".
var Version = "dev"

const usage = `wayfare — bottom-up leadership, with management kept apart

Usage:
  wayfare demo    [--addr A] [--data DIR] [--people N] [--seed S] [server flags]
  wayfare init    --data DIR --admin-email E --admin-name N
  wayfare serve   --data DIR [--addr A] [server flags]
  wayfare token create --data DIR --email E [--name N] [--expires 90d]
  wayfare token list   --data DIR [--email E]
  wayfare token revoke --data DIR --id ID
  wayfare scim token create --data DIR [--name N] [--expires 365d] [--email ADMIN]
  wayfare scim token list   --data DIR   (revoke with wayfare token revoke)
  wayfare person deactivate|reactivate --data DIR --email E
  wayfare password --data DIR --email E   (asks for the password)
  wayfare migrate --data DIR
  wayfare backup  --data DIR --out FILE
  wayfare restore --from FILE --data DIR [--force]
  wayfare import  --data DIR [--dry-run] people.csv
  wayfare export  --data DIR [--out FILE]
  wayfare export  --all --data DIR --out FILE   (everything, as JSON: docs/EXPORT.md)
  wayfare copy    --from DIR --to postgres://…  (moves an organization to PostgreSQL)
  wayfare analytics rebuild --data DIR
  wayfare analytics share on|off --data DIR
  wayfare analytics private-follows on|off --data DIR
  wayfare report  --data DIR [--top N]
  wayfare mail test --to E --smtp-url URL --mail-from A [--data DIR]
  wayfare digest --send --data DIR --smtp-url URL --mail-from A --base-url URL
  wayfare version

Every --data DIR may be --database URL instead: the organization is then kept
in PostgreSQL (postgres://user:password@host/db), which several wayfare serve
processes may share; backup and restore are then pg_dump's and pg_restore's.

Server flags (serve and demo):
  --trusted-proxies CIDRs  reverse proxies whose X-Forwarded-For names the client
  --metrics-addr A         serve /metrics only on this address of its own
  --metrics-token T        require Authorization: Bearer T for /metrics
  (with neither metrics flag, /metrics is not served)
  --base-url URL           the URL people reach this server at
  --oidc-issuer URL        sign in with this OpenID provider (https); needs
                           --oidc-client-id, --oidc-client-secret and --base-url
  --oidc-client-id ID      this server's client id at the provider
  --oidc-client-secret S   and its secret
  --oidc-name NAME         the button says "Sign in with NAME" (default: the issuer's host)
  --oidc-create-people     add someone the organization lacks at their first sign-in
  --oidc-groups-claim C    the claim that lists group paths: members of those that exist
  --oidc-admin-claim C     the claim that makes people admins: C (true) or C=value
  --password-sign-in=false single sign-on only (needs --oidc-issuer)
  --smtp-url URL           send mail: smtp://[user:pass@]host:port uses STARTTLS when
                           offered (required with credentials); smtps:// implicit TLS
  --mail-from A            the address mail comes from (needs --base-url for links)
  --mail-delay D           how long an immediate mail waits to be read first (5m)
  --webhook-allow-private  let webhooks reach loopback and private addresses
  --replica URL            with --database: a streaming replica that takes reads once
                           it has caught up with what this node has heard of

Flags may also come from the environment: WAYFARE_DATA, WAYFARE_DATABASE, WAYFARE_ADDR,
WAYFARE_TRUSTED_PROXIES, WAYFARE_METRICS_ADDR, WAYFARE_METRICS_TOKEN,
WAYFARE_BASE_URL, WAYFARE_OIDC_ISSUER, WAYFARE_OIDC_CLIENT_ID,
WAYFARE_OIDC_CLIENT_SECRET, WAYFARE_OIDC_NAME, WAYFARE_OIDC_CREATE_PEOPLE,
WAYFARE_OIDC_GROUPS_CLAIM, WAYFARE_OIDC_ADMIN_CLAIM, WAYFARE_PASSWORD_SIGN_IN,
WAYFARE_SMTP_URL, WAYFARE_MAIL_FROM, WAYFARE_MAIL_DELAY, WAYFARE_WEBHOOK_ALLOW_PRIVATE, WAYFARE_REPLICA;
WAYFARE_SECURE_COOKIES=1 behind TLS.
`

// env is what every verb is given.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	log    *slog.Logger
	// database is the --database flag of the verb: a PostgreSQL URL that
	// replaces the data directory's SQLite file.
	database *string
	// replica is the serving verbs' --replica flag.
	replica *string
}

// run is the whole program: main only wires the process to it, so that
// tests can run it on port :0 in-process.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := &env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr,
		log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("a command is required")
	}
	verb, rest := args[0], args[1:]
	switch verb {
	case "serve":
		return e.serve(ctx, rest)
	case "demo":
		return e.demo(ctx, rest)
	case "init":
		return e.init(ctx, rest)
	case "token":
		return e.token(ctx, rest)
	case "scim":
		return e.scim(ctx, rest)
	case "person":
		return e.person(ctx, rest)
	case "password":
		return e.password(ctx, rest)
	case "migrate":
		return e.migrate(ctx, rest)
	case "backup":
		return e.backup(ctx, rest)
	case "restore":
		return e.restore(ctx, rest)
	case "import":
		return e.importChart(ctx, rest)
	case "copy":
		return e.copyOrganization(ctx, rest)
	case "export":
		return e.exportChart(ctx, rest)
	case "analytics":
		return e.analytics(ctx, rest)
	case "report":
		return e.report(ctx, rest)
	case "mail":
		return e.mailCmd(ctx, rest)
	case "digest":
		return e.digest(ctx, rest)
	case "version", "--version":
		fmt.Fprintln(stdout, "wayfare", Version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", verb)
}

// flags returns a FlagSet for a verb with the data flag bound to
// WAYFARE_DATA and the database flag to WAYFARE_DATABASE.
func (e *env) flags(name string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("wayfare "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	data := fs.String("data", e.getenv("WAYFARE_DATA"), "data `directory` (env WAYFARE_DATA)")
	e.database = fs.String("database", e.getenv("WAYFARE_DATABASE"),
		"a PostgreSQL `URL` (postgres://…) to keep the organization in, instead of --data (env WAYFARE_DATABASE)")
	return fs, data
}

// onPostgres says the verb was given a PostgreSQL database.
func (e *env) onPostgres() bool { return e.database != nil && strings.TrimSpace(*e.database) != "" }

func (e *env) addrFlag(fs *flag.FlagSet, def string) *string {
	if v := e.getenv("WAYFARE_ADDR"); v != "" {
		def = v
	}
	return fs.String("addr", def, "listen `address` (env WAYFARE_ADDR)")
}

// open opens the store: the PostgreSQL database of --database, or the
// data directory's SQLite file.
func (e *env) open(ctx context.Context, data string) (*store.DB, error) {
	return e.openWith(ctx, data, nil)
}

// openWith is open with a clock of its own (nil: the real one).
func (e *env) openWith(ctx context.Context, data string, now func() time.Time) (*store.DB, error) {
	replica := ""
	if e.replica != nil {
		replica = strings.TrimSpace(*e.replica)
	}
	if replica != "" && !e.onPostgres() {
		return nil, errors.New("--replica is a replica of the --database primary: give --database too")
	}
	if e.onPostgres() {
		db, err := store.Open(ctx, store.Config{Database: strings.TrimSpace(*e.database), Replica: replica, Logger: e.log, Now: now})
		if err != nil {
			return nil, fmt.Errorf("the database of --database: %w", err)
		}
		return db, nil
	}
	if err := e.requireData(data); err != nil {
		return nil, err
	}
	return store.Open(ctx, store.Config{Path: filepath.Join(data, dbFile), Logger: e.log, Now: now})
}

func (e *env) parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return nil
}
