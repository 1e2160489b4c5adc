package main

import (
	"context"
	"errors"
	"fmt"
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

// requireData checks that a data directory was named.
func requireData(data string) error {
	if strings.TrimSpace(data) == "" {
		return errors.New("--data (or WAYFARE_DATA) is required")
	}
	return nil
}

// noOrganization is the answer to serving a directory that holds none.
func noOrganization(data string) error {
	return fmt.Errorf("%s holds no organization: create one first with "+
		"wayfare init --data %s --admin-email E --admin-name N (or restore a backup with wayfare restore)", data, data)
}

// requireDatabase refuses a data directory without a database, before
// anything is created in it.
func requireDatabase(data string) error {
	_, err := os.Stat(filepath.Join(data, dbFile))
	if errors.Is(err, os.ErrNotExist) {
		return noOrganization(data)
	}
	return err
}

// requirePeople refuses a database that holds no organization.
func requirePeople(ctx context.Context, db *store.DB, data string) error {
	existing, err := db.People(system(ctx), people.PersonFilter{Page: wayfare.Page{Limit: 1}})
	if err != nil {
		return err
	}
	if len(existing) == 0 {
		return noOrganization(data)
	}
	return nil
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
func (l *dataLock) release() { l.f.Close() }
