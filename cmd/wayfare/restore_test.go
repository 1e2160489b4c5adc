package main

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// backupOf seeds an organization of a manager and two people in a new
// folder and returns a backup of it.
func backupOf(t *testing.T) string {
	t.Helper()
	src := t.TempDir()
	e2eSeed(t, src, 2)
	out := filepath.Join(t.TempDir(), "copy.db")
	if _, err := cli(t, nil, "backup", "--data", src, "--out", out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRestore(t *testing.T) {
	if out, _ := cli(t, nil, "help"); !strings.Contains(out, "wayfare restore --from FILE --data DIR [--force]") {
		t.Errorf("the usage lacks restore:\n%s", out)
	}
	backup := backupOf(t)
	dir := filepath.Join(t.TempDir(), "data")
	out, err := cli(t, nil, "restore", "--from", backup, "--data", dir)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "people 3, groups 1, pitches 0, tickets 0, acts ") {
		t.Fatalf("restore printed %q, want the counts", out)
	}
	if _, err := cli(t, nil, "token", "create", "--data", dir, "--email", "person1@example.test"); err != nil {
		t.Fatalf("the restored organization: %v", err)
	}

	// A folder that holds something is replaced only when asked to.
	_, err = cli(t, nil, "restore", "--from", backup, "--data", dir)
	if err == nil || !strings.Contains(err.Error(), dir+" is not empty") || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("restore into a folder that holds an organization: %v", err)
	}
	for _, stale := range []string{dbFile + "-wal", dbFile + "-shm"} {
		if err := os.WriteFile(filepath.Join(dir, stale), []byte("left over from another database"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := cli(t, nil, "restore", "--from", backup, "--data", dir, "--force"); err != nil {
		t.Fatal(err)
	}
	for _, stale := range []string{dbFile + "-wal", dbFile + "-shm"} {
		if _, err := os.Stat(filepath.Join(dir, stale)); !os.IsNotExist(err) {
			t.Errorf("%s was left beside the restored database: %v", stale, err)
		}
	}
	if _, err := cli(t, nil, "token", "create", "--data", dir, "--email", "person1@example.test"); err != nil {
		t.Fatalf("the organization restored over another: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 { // the database and the lock file
		t.Errorf("the folder holds %d files after restoring, want 2: %v", len(entries), entries)
	}
}

func TestRestoreRefusesWhatIsNotAWayfareBackup(t *testing.T) {
	tmp := t.TempDir()
	garbage := filepath.Join(tmp, "garbage.db")
	if err := os.WriteFile(garbage, []byte(strings.Repeat("not a database ", 400)), 0o600); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(tmp, "other.db")
	db, err := sql.Open("sqlite", other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE notes (text TEXT)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	damaged := filepath.Join(tmp, "damaged.db")
	b, err := os.ReadFile(backupOf(t))
	if err != nil {
		t.Fatal(err)
	}
	for i := 4096; i < len(b); i += 4096 { // keep the header, spoil each page's first bytes
		copy(b[i:], "spoilt!")
	}
	if err := os.WriteFile(damaged, b, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ from, want string }{
		{garbage, "is not a SQLite database"},
		{other, "is not a Wayfare database"},
		{damaged, "damaged"},
		{filepath.Join(tmp, "missing.db"), "no such file"},
	} {
		dir := filepath.Join(t.TempDir(), "data")
		_, err := cli(t, nil, "restore", "--from", c.from, "--data", dir)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("restore from %s: %v, want %q", filepath.Base(c.from), err, c.want)
		}
		if _, err := os.Stat(filepath.Join(dir, dbFile)); !os.IsNotExist(err) {
			t.Errorf("restore from %s left a database: %v", filepath.Base(c.from), err)
		}
	}
}

func TestRestoreRefusesDataAServerHolds(t *testing.T) {
	backup := backupOf(t)
	dir := t.TempDir()
	e2eSeed(t, dir, 1)
	e2eServe(t, dir)
	_, err := cli(t, nil, "restore", "--from", backup, "--data", dir, "--force")
	if err == nil || !strings.Contains(err.Error(), "while a Wayfare server uses it") || !strings.Contains(err.Error(), "stop it first") {
		t.Fatalf("restore under a running server: %v", err)
	}
}
