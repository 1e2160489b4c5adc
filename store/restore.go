package store

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// Counts are how many of the main things a database holds, and the
// newest migration applied to it.
type Counts struct {
	People, Groups, Pitches, Tickets, Acts int
	Schema                                 int
}

// String lists the counts.
func (c Counts) String() string {
	return fmt.Sprintf("people %d, groups %d, pitches %d, tickets %d, acts %d",
		c.People, c.Groups, c.Pitches, c.Tickets, c.Acts)
}

// Restore replaces the database at path with the backup at from, which
// Backup wrote. It copies the backup into a temporary file beside path,
// checks that copy (its integrity, and that it is a Wayfare database no
// newer than this program), syncs it, removes the old database's -wal and
// -shm files and renames the copy over path: the database is the old one
// or the new one, never half of each. The caller makes sure that no
// process has the database open.
func Restore(ctx context.Context, from, path string) (Counts, error) {
	tmp, err := copyBeside(from, path)
	if err != nil {
		return Counts{}, err
	}
	defer func() { // nothing is left once renamed
		os.Remove(tmp)
		removeSideFiles(tmp)
	}()
	c, err := checkBackup(ctx, tmp)
	if err != nil {
		return Counts{}, fmt.Errorf("%s: %w", from, err)
	}
	if err := syncFile(tmp); err != nil {
		return Counts{}, err
	}
	if err := removeSideFiles(path); err != nil {
		return Counts{}, err
	}
	if err := os.Rename(tmp, path); err != nil {
		return Counts{}, err
	}
	syncDir(filepath.Dir(path))
	return c, nil
}

// copyBeside copies the file from into a new temporary file in the
// folder of path, readable by its owner only, and returns its name.
func copyBeside(from, path string) (string, error) {
	src, err := os.Open(from)
	if err != nil {
		return "", err
	}
	defer src.Close()
	dst, err := os.CreateTemp(filepath.Dir(path), ".restore-*.db")
	if err != nil {
		return "", err
	}
	_, err = io.Copy(dst, src)
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(dst.Name())
		return "", err
	}
	return dst.Name(), nil
}

// checkBackup checks a copy of a backup and counts what it holds.
func checkBackup(ctx context.Context, path string) (Counts, error) {
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return Counts{}, err
	}
	defer db.Close()
	if err := checkIntegrity(ctx, db); err != nil {
		return Counts{}, err
	}
	var c Counts
	if err := db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&c.Schema); err != nil || c.Schema == 0 {
		return Counts{}, fmt.Errorf("is not a Wayfare database: it records no migrations")
	}
	latest, err := LatestSchema()
	if err != nil {
		return Counts{}, err
	}
	if c.Schema > latest {
		return Counts{}, fmt.Errorf("was written by a newer Wayfare (schema %d; this one knows up to %d): restore it with that version", c.Schema, latest)
	}
	err = db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM people), (SELECT count(*) FROM groups),
		(SELECT count(*) FROM pitches), (SELECT count(*) FROM tickets), (SELECT count(*) FROM acts)`).
		Scan(&c.People, &c.Groups, &c.Pitches, &c.Tickets, &c.Acts)
	if err != nil {
		return Counts{}, fmt.Errorf("is not a Wayfare database: %w", err)
	}
	return c, nil
}

// checkIntegrity runs SQLite's integrity check.
func checkIntegrity(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, `PRAGMA integrity_check(5)`)
	if err != nil {
		return fmt.Errorf("is not a SQLite database, or is damaged beyond reading: %w", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		problems = append(problems, s)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("is damaged: %w", err)
	}
	if len(problems) != 1 || problems[0] != "ok" {
		return fmt.Errorf("is damaged: %s", strings.Join(problems, "; "))
	}
	return nil
}

// removeSideFiles removes the files SQLite keeps beside a database: its
// write-ahead log, shared memory and rollback journal.
func removeSideFiles(path string) error {
	for _, name := range []string{path + "-wal", path + "-shm", path + "-journal"} {
		if err := os.Remove(name); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return nil
}

// syncFile writes a file's data through to the disk.
func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// syncDir writes a folder's entries through to the disk, where the
// system allows a folder to be synced.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
