package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// nobody is the user the read-only checks run the server as when the
// tests run as root, whom permission bits do not stop.
const nobody = 65534

// TestReadOnlyDataIsReportedAtStart makes the database file, then the
// data folder, read-only and checks that serve refuses to start, naming
// the path and what to do, rather than failing at the first sign-in.
func TestReadOnlyDataIsReportedAtStart(t *testing.T) {
	if testing.Short() {
		t.Skip("may build and run a real process")
	}
	serve := serveAsAnotherUser(t)
	for _, c := range []struct {
		name     string
		readOnly func(dir string) error
		want     func(dir string) string
	}{
		{"database file", func(dir string) error { return os.Chmod(filepath.Join(dir, dbFile), 0o444) },
			func(dir string) string { return "cannot write the database file " + filepath.Join(dir, dbFile) }},
		{"data folder", func(dir string) error { return os.Chmod(dir, 0o555) },
			func(dir string) string { return "cannot write in the data directory " + dir }},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			if _, err := cli(t, nil, "init", "--data", dir, "--admin-email", "a@example.test", "--admin-name", "A"); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Chmod(dir, 0o755) })
			if err := c.readOnly(dir); err != nil {
				t.Fatal(err)
			}
			msg, refused := serve(t, dir)
			if !refused || !strings.Contains(msg, c.want(dir)) || !strings.Contains(msg, "write access") {
				t.Fatalf("serve on a read-only %s: refused=%v %q, want %q and what to do", c.name, refused, msg, c.want(dir))
			}
		})
	}
}

// serveAsAnotherUser returns a function that runs serve on a data
// directory for at most a few seconds and says whether it was refused,
// and why. Run as root, it runs the real binary as the user nobody, with
// the data handed to nobody; otherwise it runs serve in-process.
func serveAsAnotherUser(t *testing.T) func(t *testing.T, dir string) (string, bool) {
	if os.Geteuid() != 0 {
		return func(t *testing.T, dir string) (string, bool) {
			_, err := cliWithin(t, 5*time.Second, "serve", "--addr", "127.0.0.1:0", "--data", dir)
			if err == nil {
				return "", false
			}
			return err.Error(), true
		}
	}
	bin := buildBinary(t)
	return func(t *testing.T, dir string) (string, bool) {
		t.Helper()
		for _, d := range []string{filepath.Dir(bin), filepath.Dir(filepath.Dir(bin)), filepath.Dir(dir), filepath.Dir(filepath.Dir(dir))} {
			if err := os.Chmod(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		if err := filepath.Walk(dir, func(path string, _ os.FileInfo, err error) error {
			if err != nil {
				return err
			}
			return os.Lchown(path, nobody, nobody)
		}); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, "serve", "--addr", "127.0.0.1:0", "--data", dir)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		err := cmd.Run()
		if errors.Is(err, syscall.EPERM) {
			t.Skipf("cannot run a process as another user here (%v); as root, permission bits would not stop the server", err)
		}
		var exit *exec.ExitError
		refused := errors.As(err, &exit) && ctx.Err() == nil
		return stderr.String(), refused
	}
}
