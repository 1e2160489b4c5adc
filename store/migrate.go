package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations
var migrations embed.FS

// migrate applies, in order and each in its own transaction, the numbered
// migrations of the dialect not yet recorded in schema_migrations. On
// PostgreSQL it holds an advisory lock meanwhile, so that several nodes
// starting at once migrate once: the others wait, then find nothing to do.
func migrate(ctx context.Context, db *sql.DB, d *dialect) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()
	if d.numbered {
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrateLock); err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrateLock)
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	names, err := migrationNames(d)
	if err != nil {
		return err
	}
	for _, name := range names {
		base := name[strings.LastIndex(name, "/")+1:]
		version, err := migrationVersion(base)
		if err != nil {
			return err
		}
		var n int
		if err := conn.QueryRowContext(ctx, d.sql(`SELECT count(*) FROM schema_migrations WHERE version = ?`), version).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate %s: %w", base, err)
		}
		if _, err := tx.ExecContext(ctx, d.sql(`INSERT INTO schema_migrations (version, name) VALUES (?, ?)`), version, base); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// migrateLock is the advisory lock that migrations hold on PostgreSQL.
const migrateLock = 0x77617966_6d696772 // "wayf" "migr"

// migrationNames returns the dialect's embedded migrations' paths, in order.
func migrationNames(d *dialect) ([]string, error) {
	names, err := fs.Glob(migrations, "migrations/"+d.name+"/*.sql")
	sort.Strings(names)
	return names, err
}

// migrationVersion reads a migration's number from its file name.
func migrationVersion(base string) (int, error) {
	version, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
	if err != nil {
		return 0, fmt.Errorf("migrate: bad migration name %q", base)
	}
	return version, nil
}

// LatestSchema returns the number of the newest migration this program
// carries.
func LatestSchema() (int, error) {
	names, err := migrationNames(sqliteDialect)
	if err != nil || len(names) == 0 {
		return 0, err
	}
	last := names[len(names)-1]
	return migrationVersion(last[strings.LastIndex(last, "/")+1:])
}

// SchemaDigest returns a digest of the PostgreSQL migrations this program
// carries: a database migrated by one program with the same digest has
// the same schema (tests keep migrated templates by it).
func SchemaDigest() string {
	names, _ := migrationNames(postgresDialect)
	h := sha256.New()
	for _, name := range names {
		body, _ := migrations.ReadFile(name)
		fmt.Fprintf(h, "%s %d\n", name, len(body))
		h.Write(body)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// SchemaVersion returns the newest migration applied.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.readRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}
