package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/demo"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/people"
	"github.com/wayfare-org/wayfare/store"
	"github.com/wayfare-org/wayfare/store/pgtest"
)

// TestCopyMovesTheDemoOrganization generates the demo organization on
// SQLite, moves it to PostgreSQL with wayfare copy, and finds the same
// organization there: every table's count and checksum (the command says
// so, and the test compares them again), the same pitches through the
// store, the full-text search, and ids that continue after the copied
// ones. The full export from both backends holds the same rows.
func TestCopyMovesTheDemoOrganization(t *testing.T) {
	if testing.Short() {
		t.Skip("generates the demo organization")
	}
	ctx := context.Background()
	dir := t.TempDir()
	clock := demo.NewClock()
	src, err := store.Open(ctx, store.Config{Path: filepath.Join(dir, dbFile), Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Generate(ctx, src, demo.Options{People: 150, Seed: 7, Clock: clock}); err != nil {
		t.Fatal(err)
	}
	src.Close()
	u := pgtest.Empty(t)

	out, err := runCLI(t, "copy", "--from", dir, "--to", u)
	if err != nil {
		t.Fatalf("copy: %v\n%s", err, out)
	}
	if !strings.Contains(out, "the counts and checksums of every table match") {
		t.Fatalf("copy says:\n%s", out)
	}
	if _, err := runCLI(t, "copy", "--from", dir, "--to", u); err == nil || !strings.Contains(err.Error(), "already holds an organization") {
		t.Fatalf("a second copy into the same database: %v", err)
	}

	lite, err := store.Open(ctx, store.Config{Path: filepath.Join(dir, dbFile)})
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	pg, err := store.Open(ctx, store.Config{Database: u})
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	a, err := lite.Sums(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, err := pg.Sums(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) < 30 || len(a) != len(b) {
		t.Fatalf("%d tables on SQLite, %d on PostgreSQL", len(a), len(b))
	}
	var acts int64
	for i := range a {
		if a[i] != b[i] {
			t.Errorf("%s: sqlite %d rows %s, postgres %d rows %s", a[i].Table, a[i].Rows, a[i].Checksum, b[i].Rows, b[i].Checksum)
		}
		if a[i].Table == "acts" {
			acts = a[i].Rows
		}
	}
	if acts < 500 {
		t.Fatalf("the demo has %d acts", acts)
	}

	sys := system(ctx)
	for _, q := range []leadership.PitchFilter{{Page: wayfare.Page{Limit: 50}}, {Query: "the", Page: wayfare.Page{Limit: 50}}} {
		x, err := lite.Pitches(sys, q)
		if err != nil {
			t.Fatal(err)
		}
		y, err := pg.Pitches(sys, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(x) == 0 || len(x) != len(y) {
			t.Fatalf("%+v: %d pitches on SQLite, %d on PostgreSQL", q, len(x), len(y))
		}
		for i := range x {
			xj, _ := json.Marshal(x[i])
			yj, _ := json.Marshal(y[i])
			if string(xj) != string(yj) {
				t.Errorf("pitch %s differs:\n%s\n%s", x[i].ID, xj, yj)
			}
		}
	}
	// The full export, from both backends, holds the same rows.
	exported := map[string]map[string]int{}
	for name, args := range map[string][]string{"sqlite": {"--data", dir}, "postgres": {"--database", u}} {
		file := filepath.Join(t.TempDir(), "all.json")
		if out, err := runCLI(t, append([]string{"export", "--all", "--out", file}, args...)...); err != nil {
			t.Fatalf("export --all from %s: %v\n%s", name, err, out)
		}
		st, err := os.Stat(file)
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("the export file: %v %v, want mode 0600", st, err)
		}
		f, _ := os.Open(file)
		var doc struct {
			Format string
			Schema int
			Tables map[string]struct {
				Columns []string
				Rows    [][]any
			}
		}
		err = json.NewDecoder(f).Decode(&doc)
		f.Close()
		if err != nil || doc.Format != store.ExportFormat || doc.Schema < 10 {
			t.Fatalf("the export from %s: %v %q %d", name, err, doc.Format, doc.Schema)
		}
		exported[name] = map[string]int{}
		for table, v := range doc.Tables {
			exported[name][table] = len(v.Rows)
		}
	}
	for _, s := range a {
		if exported["sqlite"][s.Table] != int(s.Rows) || exported["postgres"][s.Table] != int(s.Rows) {
			t.Errorf("%s: %d rows, exported %d from SQLite and %d from PostgreSQL", s.Table, s.Rows,
				exported["sqlite"][s.Table], exported["postgres"][s.Table])
		}
	}
	// New rows continue after the copied ids.
	g, err := pg.CreateGroup(sys, people.NewGroup{Name: "After the move"})
	if err != nil {
		t.Fatalf("a new group after the copy: %v", err)
	}
	groups, _ := lite.Groups(sys, people.GroupFilter{Page: wayfare.Page{Limit: 1000}})
	for _, old := range groups {
		if old.ID >= g.ID {
			t.Errorf("a new group got id %s, not after the copied %s", g.ID, old.ID)
		}
	}

}

// runCLI runs the command line in-process and returns what it printed.
func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out strings.Builder
	err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(""), &out, io.Discard)
	return out.String(), err
}
