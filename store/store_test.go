package store_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/wayfare-org/wayfare/store"
	"github.com/wayfare-org/wayfare/store/storetest"
)

func openSQLite(t *testing.T) storetest.Store { return openDB(t) }

func openDB(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), store.Config{Path: filepath.Join(t.TempDir(), "wayfare.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestSQLiteContract(t *testing.T) { storetest.Run(t, openSQLite) }
