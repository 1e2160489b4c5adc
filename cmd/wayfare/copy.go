package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/wayfare-org/wayfare/store"
)

// copyOrganization is `wayfare copy --from DIR --to URL`: it moves the
// organization of a data directory into an empty PostgreSQL database,
// every table and id, then compares both sides table by table.
func (e *env) copyOrganization(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("wayfare copy", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	from := fs.String("from", e.getenv("WAYFARE_DATA"), "the data `directory` to copy (env WAYFARE_DATA)")
	to := fs.String("to", e.getenv("WAYFARE_DATABASE"), "the PostgreSQL `URL` to copy to, an empty database (env WAYFARE_DATABASE)")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if strings.TrimSpace(*from) == "" || strings.TrimSpace(*to) == "" {
		return errors.New("usage: wayfare copy --from DIR --to postgres://…")
	}
	if err := e.requireDatabase(*from); err != nil {
		return err
	}
	// No server may write while the copy reads: what it wrote after would
	// be left behind.
	lock, err := lockData(*from)
	var busy *inUseError
	if errors.As(err, &busy) {
		return fmt.Errorf("cannot copy %s while a Wayfare server uses it (process %s holds %s): stop it first",
			busy.data, busy.pid, busy.lock)
	} else if err != nil {
		return err
	}
	defer lock.release()
	src, err := store.Open(ctx, store.Config{Path: filepath.Join(*from, dbFile), Logger: e.log})
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := store.Open(ctx, store.Config{Database: strings.TrimSpace(*to), Logger: e.log})
	if err != nil {
		return fmt.Errorf("the database of --to: %w", err)
	}
	defer dst.Close()
	sums, err := src.CopyTo(ctx, dst)
	if err != nil {
		return err
	}
	var rows int64
	for _, s := range sums {
		fmt.Fprintf(e.stdout, "%-24s %10d rows  %s\n", s.Table, s.Rows, s.Checksum[:16])
		rows += s.Rows
	}
	fmt.Fprintf(e.stdout, "Copied %d tables, %d rows, from %s to %s: the counts and checksums of every table match.\n",
		len(sums), rows, *from, redactedURL(*to))
	fmt.Fprintf(e.stdout, "Serve it with: wayfare serve --database URL\n")
	return nil
}

// exportAll writes the whole organization as one JSON file (docs/EXPORT.md).
func (e *env) exportAll(ctx context.Context, data, out string) error {
	if out == "" {
		return errors.New("--out is required with --all: the file holds password hashes and sessions, and is written for its owner only")
	}
	if err := requireFolder(out); err != nil {
		return err
	}
	db, err := e.open(ctx, data)
	if err != nil {
		return err
	}
	defer db.Close()
	tmp, err := os.CreateTemp(filepath.Dir(out), ".wayfare-export-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	sums, err := db.ExportAll(ctx, tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return err
	}
	var rows int64
	for _, s := range sums {
		rows += s.Rows
	}
	fmt.Fprintf(e.stderr, "exported %d tables, %d rows, to %s\n", len(sums), rows, out)
	return nil
}
