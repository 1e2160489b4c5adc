package store_test

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/people"
	"github.com/wayfare-org/wayfare/store"
)

var system = wayfare.WithActor(context.Background(), wayfare.Actor{System: true})

// twoProcesses opens the same database twice, as a server and the command
// line (or two nodes) do: each handle has its own caches and writer.
func twoProcesses(t *testing.T) (server, cli *store.DB) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "wayfare.db")
	open := func() *store.DB {
		db, err := store.Open(context.Background(), store.Config{Path: path, AuthorityEvery: 50 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	return open(), open()
}

// within waits up to the 2 seconds allowed for ok to hold.
func within(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 2 s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestAuthorityChangedByAnotherProcess(t *testing.T) {
	server, cli := twoProcesses(t)
	p, err := server.CreatePerson(system, people.NewPerson{Name: "Ann", Email: "ann@example.test"})
	if err != nil {
		t.Fatal(err)
	}
	g, err := server.CreateGroup(system, people.NewGroup{Name: "Team"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := server.SetRole(system, g.ID, p.ID, people.Manager); err != nil {
		t.Fatal(err)
	}
	tok, err := server.CreateToken(system, p.ID, people.NewToken{Name: "laptop"})
	if err != nil {
		t.Fatal(err)
	}
	actor := func() (wayfare.Actor, error) { return server.Authenticate(context.Background(), tok.Token) }
	// The server has read, and remembers, the token, the role and the person.
	if a, err := actor(); err != nil || a.Admin {
		t.Fatalf("token: %+v, %v", a, err)
	}
	if ok, _ := server.Manages(context.Background(), p.ID, g.ID); !ok {
		t.Fatal("manager not seen")
	}
	changed := server.AuthorityChanged()

	// The command line makes Ann an admin: the server's next answers say so.
	if _, err := cli.UpdatePerson(system, p.ID, people.PersonUpdate{Admin: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	within(t, "admin flag", func() bool { a, err := actor(); return err == nil && a.Admin })
	select {
	case <-changed:
	default:
		t.Error("AuthorityChanged was not signalled")
	}
	// It takes the role away.
	if err := cli.RemoveMember(system, g.ID, p.ID); err != nil {
		t.Fatal(err)
	}
	within(t, "role", func() bool { ok, _ := server.Manages(context.Background(), p.ID, g.ID); return !ok })
	// It sets her password: what the server remembers of who is signed
	// in (kept by RolesVersion) is read again.
	roles := server.RolesVersion()
	if err := cli.SetPassword(system, p.ID, "$argon2id$x"); err != nil {
		t.Fatal(err)
	}
	within(t, "password", func() bool { return server.RolesVersion() != roles })
	// It deactivates her (another admin stays): her token stops working.
	if _, err := cli.CreatePerson(system, people.NewPerson{Name: "Bo", Email: "bo@example.test", Admin: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := cli.SetStatus(system, p.ID, people.Deactivated); err != nil {
		t.Fatal(err)
	}
	within(t, "deactivation", func() bool { _, err := actor(); return wayfare.ErrorCode(err) == wayfare.EUNAUTHORIZED })
}

func TestTokenRevokedByAnotherProcess(t *testing.T) {
	server, cli := twoProcesses(t)
	p, _ := server.CreatePerson(system, people.NewPerson{Name: "Ann", Email: "ann@example.test"})
	tok, err := server.CreateToken(system, p.ID, people.NewToken{Name: "laptop"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := server.Authenticate(context.Background(), tok.Token); err != nil {
		t.Fatal(err)
	}
	if err := cli.RevokeToken(system, tok.ID); err != nil {
		t.Fatal(err)
	}
	within(t, "revocation", func() bool {
		_, err := server.Authenticate(context.Background(), tok.Token)
		return wayfare.ErrorCode(err) == wayfare.EUNAUTHORIZED
	})
}

func TestTokenExpiresAndRecordsItsUse(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC).UnixMicro())
	clock := func() time.Time { return time.UnixMicro(now.Load()) }
	path := filepath.Join(t.TempDir(), "wayfare.db")
	db, err := store.Open(context.Background(), store.Config{Path: path, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := db.CreatePerson(system, people.NewPerson{Name: "Ann", Email: "ann@example.test"})
	in := people.NewToken{Name: "ci", ExpiresAt: ptr(clock().Add(time.Hour))}
	tok, err := db.CreateToken(system, p.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Authenticate(context.Background(), tok.Token); err != nil {
		t.Fatal(err)
	}
	now.Add(time.Hour.Microseconds())
	if _, err := db.Authenticate(context.Background(), tok.Token); wayfare.ErrorCode(err) != wayfare.EUNAUTHORIZED {
		t.Fatalf("an expired token: %v", err)
	}
	// Its last use is written when the store closes, at the latest.
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = store.Open(context.Background(), store.Config{Path: path, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	list, err := db.Tokens(system, people.TokenFilter{PersonID: p.ID})
	if err != nil || len(list) != 1 || list[0].LastUsedAt == nil || !list[0].LastUsedAt.Equal(clock().Add(-time.Hour)) {
		t.Fatalf("tokens: %+v, %v", list, err)
	}
}

func ptr[T any](v T) *T { return &v }
