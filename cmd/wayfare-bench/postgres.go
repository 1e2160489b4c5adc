package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"
)

// On PostgreSQL the bench seeds as on SQLite (the seeding is not
// measured), copies the seeded data set once into a template database
// with `wayfare copy`, and gives each round a fresh database made from the
// template, so that every round measures the same data, as on SQLite.
// The database server's processes are not the bench's children: their
// CPU is in the "other" column, which on PostgreSQL is the database's.

const (
	seedDatabase = "wayfare_bench_seed"
	runDatabase  = "wayfare_bench_run"
)

// pgURL is the bench's PostgreSQL URL with another database.
func (b *bench) pgURL(db string) string {
	u, err := url.Parse(b.postgres)
	if err != nil {
		return b.postgres
	}
	u.Path = "/" + db
	return u.String()
}

// pgAdmin runs statements on the server's own database.
func (b *bench) pgAdmin(ctx context.Context, stmts ...string) error {
	return b.pgExec(ctx, b.postgres, stmts...)
}

// pgExec runs statements on the database at u.
func (b *bench) pgExec(ctx context.Context, u string, stmts ...string) error {
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		return fmt.Errorf("--postgres: %w", err)
	}
	defer conn.Close(ctx)
	for _, s := range stmts {
		if _, err := conn.Exec(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return nil
}

// freshDatabase makes the round's database from the template, copying
// the seeded data set into the template first if it is not there yet
// (or was seeded again since: the template remembers the seed's time).
func (b *bench) freshDatabase() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	fi, err := os.Stat(filepath.Join(b.seedDir(), "wayfare.db"))
	if err != nil {
		return err
	}
	mark := fmt.Sprintf("seed %d", fi.ModTime().UnixNano())
	conn, err := pgx.Connect(ctx, b.postgres)
	if err != nil {
		return fmt.Errorf("--postgres: %w", err)
	}
	var comment *string
	err = conn.QueryRow(ctx, `SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1`, seedDatabase).Scan(&comment)
	conn.Close(ctx)
	if err == pgx.ErrNoRows || err == nil && (comment == nil || *comment != mark) {
		start := time.Now()
		if err := b.pgAdmin(ctx, `DROP DATABASE IF EXISTS `+seedDatabase+` WITH (FORCE)`,
			`CREATE DATABASE `+seedDatabase+` TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'`); err != nil {
			return err
		}
		if out, err := runTool(ctx, b.bin, "copy", "--from", b.seedDir(), "--to", b.pgURL(seedDatabase)); err != nil {
			return fmt.Errorf("copying the data set to PostgreSQL: %w: %s", err, out)
		}
		if err := b.pgExec(ctx, b.pgURL(seedDatabase), `VACUUM ANALYZE`); err != nil {
			return err
		}
		if err := b.pgAdmin(ctx, `COMMENT ON DATABASE `+seedDatabase+` IS '`+mark+`'`); err != nil {
			return err
		}
		b.logf("copied the data set to PostgreSQL in %s", time.Since(start).Round(time.Millisecond))
	} else if err != nil {
		return err
	}
	return b.pgAdmin(ctx, `DROP DATABASE IF EXISTS `+runDatabase+` WITH (FORCE)`,
		`CREATE DATABASE `+runDatabase+` TEMPLATE `+seedDatabase)
}
