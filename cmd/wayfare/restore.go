package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/wayfare-org/wayfare/store"
)

// restore puts a backup in place as a data directory's database:
// wayfare restore --from FILE --data DIR [--force]. It refuses a
// directory that holds something unless told to replace it, and one that
// a server holds.
func (e *env) restore(ctx context.Context, args []string) error {
	fs, data := e.flags("restore")
	from := fs.String("from", "", "the backup `file` to restore")
	force := fs.Bool("force", false, "replace what the data directory holds")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if *from == "" {
		return errors.New("--from is required")
	}
	if err := e.sqliteOnly("restore", "restore a pg_dump with pg_restore (docs/DEPLOY.md)"); err != nil {
		return err
	}
	if err := e.requireData(*data); err != nil {
		return err
	}
	if err := requireBackup(*from); err != nil {
		return err
	}
	lock, err := hold(*data)
	var busy *inUseError
	if errors.As(err, &busy) {
		return fmt.Errorf("cannot restore into %s while a Wayfare server uses it (process %s holds %s): stop it first",
			busy.data, busy.pid, busy.lock)
	} else if err != nil {
		return err
	}
	defer lock.release()
	if !*force {
		if err := requireEmpty(*data); err != nil {
			return err
		}
	}
	c, err := store.Restore(ctx, *from, filepath.Join(*data, dbFile))
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Restored %s into %s (schema %d): %s.\n", *from, *data, c.Schema, c)
	return nil
}

// requireBackup checks that the backup is a file that may be read.
func requireBackup(from string) error {
	st, err := os.Stat(from)
	if err != nil {
		return fmt.Errorf("the backup %s: %v", from, cause(err))
	}
	if st.IsDir() {
		return fmt.Errorf("the backup %s is a folder: --from names a file that wayfare backup wrote", from)
	}
	return nil
}

// requireEmpty refuses a data directory that holds anything but its lock
// file.
func requireEmpty(data string) error {
	entries, err := os.ReadDir(data)
	if err != nil {
		return err
	}
	for _, en := range entries {
		if en.Name() != lockFile {
			return fmt.Errorf("%s is not empty (it holds %s): add --force to replace what it holds with the backup", data, en.Name())
		}
	}
	return nil
}
