package store

import (
	"context"
	"errors"
	"fmt"
	"os"
)

// Backup writes a consistent copy of the database to path while the
// server keeps running: VACUUM INTO reads one snapshot.
func (db *DB) Backup(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s exists already", path)
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	_, err := db.ckpt.ExecContext(ctx, `VACUUM INTO ?`, path)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}
