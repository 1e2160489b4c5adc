package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wayfare-org/wayfare/people"
	"github.com/wayfare-org/wayfare/store"
)

// TestImportExport brings an org chart in from a file, says what a dry run
// would change, refuses a broken chart with every problem named, and
// exports what imports back unchanged.
func TestImportExport(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"WAYFARE_DATA": dir}
	if _, err := cli(t, env, "init", "--admin-email", "root@example.test", "--admin-name", "Root"); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "people.csv")
	write := func(s string) {
		if err := os.WriteFile(file, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(`email,name,title,manager_email,groups
ceo@example.test,Ada Obi,Chief Executive,,Executive:manager
vp@example.test,Ben Hale,VP Engineering,ceo@example.test,Executive;Executive/Engineering:manager
eng@example.test,Cy Dunn,Engineer,vp@example.test,Executive/Engineering/Payments
`)
	out, err := cli(t, env, "import", "--dry-run", file)
	if err != nil || !strings.Contains(out, "dry run, nothing written") || !strings.Contains(out, "3 people created") {
		t.Fatalf("dry run: %q %v", out, err)
	}
	if out, _ := cli(t, env, "export"); strings.Contains(out, "ceo@example.test") {
		t.Fatal("a dry run wrote")
	}
	out, err = cli(t, env, "import", file, "--data", dir) // flags after the file too
	if err != nil || !strings.Contains(out, "3 people created, 0 updated, 0 unchanged; 3 groups created; 4 roles set") {
		t.Fatalf("import: %q %v", out, err)
	}
	write("email,name,manager_email\nbad-address,X,\nnew@example.test,,ceo@example.test\nok@example.test,OK,ghost@example.test\n")
	_, err = cli(t, env, "import", file)
	if err == nil || !strings.Contains(err.Error(), "line 2, email") || !strings.Contains(err.Error(), "line 3, name") {
		t.Fatalf("a broken chart: %v", err)
	}
	write("email,name,manager_email\nok@example.test,OK,ghost@example.test\n")
	if _, err = cli(t, env, "import", file); err == nil || !strings.Contains(err.Error(), "line 2, manager_email") {
		t.Fatalf("an unknown manager: %v", err)
	}
	exported := filepath.Join(t.TempDir(), "out.csv")
	if _, err := cli(t, env, "export", "--out", exported); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(exported)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "vp@example.test,Ben Hale,VP Engineering,ceo@example.test,Executive;Executive/Engineering:manager,") {
		t.Fatalf("export:\n%s", b)
	}
	out, err = cli(t, env, "import", exported)
	if err != nil || !strings.Contains(out, "0 people created, 0 updated, 4 unchanged; 0 groups created; 0 roles set") {
		t.Fatalf("the export imported back: %q %v", out, err)
	}
}

// TestPassword sets a password from standard input, so that people of an
// organization made with init can sign in to the pages.
func TestPassword(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"WAYFARE_DATA": dir}
	out, err := cli(t, env, "init", "--admin-email", "root@example.test", "--admin-name", "Root")
	if err != nil || !strings.Contains(out, "wayfare password --data") {
		t.Fatalf("init must say how to set a password: %q %v", out, err)
	}
	withStdin := func(stdin string, args ...string) (string, error) {
		var o, e bytes.Buffer
		err := run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(stdin), &o, &e)
		return o.String(), err
	}
	if _, err := withStdin("short\n", "password", "--email", "root@example.test"); err == nil || !strings.Contains(err.Error(), "between 10 and 200") {
		t.Fatalf("a short password: %v", err)
	}
	if _, err := withStdin("a long enough password\n", "password", "--email", "nobody@example.test"); err == nil {
		t.Fatal("a password for nobody")
	}
	if out, err := withStdin("a long enough password\r\n", "password", "--email", "ROOT@example.test"); err != nil || out != "password set for root@example.test\n" {
		t.Fatalf("password: %q %v", out, err)
	}
	db, err := store.Open(context.Background(), store.Config{Path: filepath.Join(dir, "wayfare.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, hash, err := db.Credentials(context.Background(), "root@example.test")
	if err != nil || !people.CheckPassword(hash, "a long enough password") || people.CheckPassword(hash, "a long enough password\r") {
		t.Fatalf("the password set: %v", err)
	}
}
