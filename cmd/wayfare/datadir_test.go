package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare/store"
)

// cliWithin runs the program like cli, but ends it after d: a server that
// should have been refused stops, and the test reports it.
func cliWithin(t *testing.T, d time.Duration, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var out, errOut bytes.Buffer
	err := run(ctx, args, func(string) string { return "" }, strings.NewReader(""), &out, &errOut)
	return out.String(), err
}

func TestServeRefusesDataWithoutOrganization(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(empty, 0o750); err != nil {
		t.Fatal(err)
	}
	serve := func() {
		t.Helper()
		_, err := cliWithin(t, 10*time.Second, "serve", "--addr", "127.0.0.1:0", "--data", empty)
		if err == nil || !strings.Contains(err.Error(), empty) || !strings.Contains(err.Error(), "wayfare init --data "+empty) {
			t.Fatalf("serve on %s: %v, want a refusal naming the folder and wayfare init", empty, err)
		}
	}
	serve()
	if _, err := os.Stat(filepath.Join(empty, dbFile)); !os.IsNotExist(err) {
		t.Fatalf("serve created a database in an empty folder: %v", err)
	}
	// A database without people holds no organization either.
	db, err := store.Open(context.Background(), store.Config{Path: filepath.Join(empty, dbFile)})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	serve()
}

func TestSecondServerOnTheSameDataIsRefused(t *testing.T) {
	dir := t.TempDir()
	e2eSeed(t, dir, 1)
	url := e2eServe(t, dir)
	for _, verb := range []string{"serve", "demo"} {
		start := time.Now()
		_, err := cliWithin(t, 10*time.Second, verb, "--addr", "127.0.0.1:0", "--data", dir)
		if err == nil || !strings.Contains(err.Error(), "another Wayfare server") || !strings.Contains(err.Error(), dir) ||
			!strings.Contains(err.Error(), "stop it first") {
			t.Fatalf("a second %s on the same data: %v, want a refusal", verb, err)
		}
		if took := time.Since(start); took > 3*time.Second {
			t.Errorf("the second %s took %s to be refused", verb, took)
		}
	}
	// The other verbs work beside the running server.
	if out, err := cli(t, nil, "token", "create", "--data", dir, "--email", "manager@example.test"); err != nil || !strings.HasPrefix(out, "wf_") {
		t.Fatalf("token create beside a server: %q %v", out, err)
	}
	if _, err := cli(t, nil, "backup", "--data", dir, "--out", filepath.Join(t.TempDir(), "copy.db")); err != nil {
		t.Fatalf("backup beside a server: %v", err)
	}
	if res, err := http.Get(url + "/healthz"); err != nil || res.StatusCode != 200 {
		t.Fatalf("the first server stopped answering: %v %v", res, err)
	}
}

func TestServeTakesTheDataBackWhenTheFirstServerStops(t *testing.T) {
	dir := t.TempDir()
	e2eSeed(t, dir, 1)
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", dir}, func(string) string { return "" },
			nil, &out, &bytes.Buffer{})
	}()
	for !strings.Contains(out.String(), "serving at") {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	e2eServe(t, dir) // the lock went with the first server
}

func TestBackupIntoAMissingFolderAndItsMode(t *testing.T) {
	dir := t.TempDir()
	if _, err := cli(t, nil, "init", "--data", dir, "--admin-email", "a@example.test", "--admin-name", "A"); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "no", "such")
	_, err := cli(t, nil, "backup", "--data", dir, "--out", filepath.Join(missing, "copy.db"))
	if err == nil || !strings.Contains(err.Error(), "the folder "+missing+" does not exist") {
		t.Fatalf("backup into a missing folder: %v", err)
	}
	out := filepath.Join(t.TempDir(), "copy.db")
	if _, err := cli(t, nil, "backup", "--data", dir, "--out", out); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if mode := st.Mode().Perm(); mode != 0o600 {
		t.Fatalf("the backup's mode is %v, want -rw-------", mode)
	}
}
