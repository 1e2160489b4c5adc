package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/people"
	"github.com/wayfare-org/wayfare/store"
)

// The files of a data directory: the database, and the file a server
// holds locked while it serves the directory.
const (
	dbFile   = "wayfare.db"
	lockFile = "wayfare.lock"
)

// requireData checks that a data directory was named, unless the verb
// keeps the organization in PostgreSQL.
func (e *env) requireData(data string) error {
	if !e.onPostgres() && strings.TrimSpace(data) == "" {
		return errors.New("--data (or WAYFARE_DATA) is required, or --database (WAYFARE_DATABASE) for PostgreSQL")
	}
	return nil
}

// place names where the organization is kept, for messages: the data
// directory, or the PostgreSQL database without its password.
func (e *env) place(data string) string {
	if e.onPostgres() {
		return "the PostgreSQL database " + redactedURL(*e.database)
	}
	return data
}

// placeFlag is the flag that names the same place again, for the next
// command a message suggests; a PostgreSQL URL is left for the reader to
// give (it may hold a password).
func (e *env) placeFlag(data string) string {
	if e.onPostgres() {
		return "--database URL"
	}
	return "--data " + data
}

// redactedURL is a database URL without its password.
func redactedURL(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil {
		return "(a URL that does not parse)"
	}
	return u.Redacted()
}

// sqliteOnly refuses a verb that works on a data directory's file when
// it was given a PostgreSQL database, and says what to use instead.
func (e *env) sqliteOnly(verb, instead string) error {
	if e.onPostgres() {
		return fmt.Errorf("wayfare %s works on a data directory's SQLite file; on PostgreSQL %s", verb, instead)
	}
	return nil
}

// noOrganization is the answer to serving a directory that holds none.
func noOrganization(data string) error {
	return fmt.Errorf("%s holds no organization: create one first with "+
		"wayfare init --data %s --admin-email E --admin-name N (or restore a backup with wayfare restore)", data, data)
}

// requireDatabase refuses a data directory without a database, before
// anything is created in it. A PostgreSQL database is checked once open
// (requirePeople).
func (e *env) requireDatabase(data string) error {
	if e.onPostgres() {
		return nil
	}
	_, err := os.Stat(filepath.Join(data, dbFile))
	if errors.Is(err, os.ErrNotExist) {
		return noOrganization(data)
	}
	return err
}

// requirePeople refuses a database that holds no organization.
func (e *env) requirePeople(ctx context.Context, db *store.DB, data string) error {
	existing, err := db.People(system(ctx), people.PersonFilter{Page: wayfare.Page{Limit: 1}})
	if err != nil {
		return err
	}
	if len(existing) == 0 {
		if e.onPostgres() {
			return errors.New("the database of --database holds no organization: create one first with " +
				"wayfare init --database URL --admin-email E --admin-name N (or move one there with wayfare copy)")
		}
		return noOrganization(data)
	}
	return nil
}

// holdUnlessShared locks the data directory; a PostgreSQL database is
// shared by design (several nodes), so nothing is locked for it.
func (e *env) holdUnlessShared(data string) (*dataLock, error) {
	if e.onPostgres() {
		return &dataLock{}, nil
	}
	return hold(data)
}

// checkWritable makes sure the data directory and the database's files
// may be written, by trying: permission bits alone would not tell, since
// a read-only file system refuses everyone, and they do not stop root.
func checkWritable(data string) error {
	f, err := os.CreateTemp(data, ".write-check-*")
	if err != nil {
		return fmt.Errorf("cannot write in the data directory %s (%v): give the user running wayfare "+
			"write access to it (chown or chmod u+w), or choose another --data", data, cause(err))
	}
	name := f.Name()
	f.Close()
	if err := os.Remove(name); err != nil {
		return err
	}
	for _, name := range []string{dbFile, dbFile + "-wal", dbFile + "-shm"} {
		path := filepath.Join(data, name)
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("cannot write the database file %s (%v): give the user running wayfare "+
				"write access to it (chown or chmod u+w)", path, cause(err))
		}
		f.Close()
	}
	return nil
}

// cause is the reason under a file system error, without the path the
// message names already.
func cause(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// dataLock is a data directory held by this process: while it is held, no
// other wayfare serve, demo or restore uses the directory. The other verbs
// do not take it, so that they work beside a running server.
type dataLock struct{ f *os.File }

// inUseError says that another process holds a data directory.
type inUseError struct {
	data, lock, pid string
}

func (e *inUseError) Error() string {
	return fmt.Sprintf("another Wayfare server (process %s) is using %s and holds %s: "+
		"stop it first, or give this one another --data", e.pid, e.data, e.lock)
}

// hold makes the data directory if needed, checks that it may be written
// and locks it; the caller releases the lock.
func hold(data string) (*dataLock, error) {
	if err := os.MkdirAll(data, 0o750); err != nil {
		return nil, err
	}
	if err := checkWritable(data); err != nil {
		return nil, err
	}
	return lockData(data)
}

// lockData takes the data directory's lock without waiting for it, and
// writes this process's id into the lock file.
func lockData(data string) (*dataLock, error) {
	path := filepath.Join(data, lockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("cannot open the lock file %s: %w", path, err)
	}
	if err := tryLock(f); err != nil {
		f.Close()
		if errors.Is(err, errLocked) {
			pid, _ := os.ReadFile(path)
			return nil, &inUseError{data: data, lock: path, pid: strings.TrimSpace(string(pid))}
		}
		return nil, fmt.Errorf("cannot lock %s: %w", path, err)
	}
	if err := f.Truncate(0); err == nil {
		fmt.Fprintf(f, "%d\n", os.Getpid())
	}
	return &dataLock{f: f}, nil
}

// release lets the data directory go. The lock file stays: removing it
// would let two processes lock two different files.
func (l *dataLock) release() {
	if l.f != nil {
		l.f.Close()
	}
}
