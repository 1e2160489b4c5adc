package store_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/wayfare-org/wayfare/store"
	"github.com/wayfare-org/wayfare/store/pgtest"
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

func TestMain(m *testing.M) { pgtest.Main(m) }

// openPostgres opens a store on a fresh PostgreSQL database.
func openPostgres(t *testing.T) storetest.Store { return openPG(t) }

func openPG(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), store.Config{Database: pgtest.Database(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestPostgresContract(t *testing.T) {
	pgtest.Server(t)
	storetest.Run(t, openPostgres)
}
