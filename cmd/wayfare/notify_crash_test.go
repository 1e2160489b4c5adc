package main

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/management"
	"github.com/wayfare-org/wayfare/notifications"
	"github.com/wayfare-org/wayfare/notifications/mail/mailtest"
	"github.com/wayfare-org/wayfare/notifications/webhook/webhooktest"
	"github.com/wayfare-org/wayfare/people"
	"github.com/wayfare-org/wayfare/store"
)

// startServe runs "wayfare serve" as a real process with more environment.
func startServe(t *testing.T, bin, dir string, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", dir)
	cmd.Env = env
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	if _, err := bufio.NewReader(stdout).ReadString('\n'); err != nil {
		t.Fatalf("the server did not start: %v", err)
	}
	return cmd
}

// seedCrowd makes a group of n members, a session opened to it (n
// notifications, n mails) and n purchases of one pitch (n acts for a
// webhook that takes purchases), before any server runs.
func seedCrowd(t *testing.T, dir string, n int, hookURL string) (secret string) {
	t.Helper()
	ctx := system(context.Background())
	db, err := store.Open(ctx, store.Config{Path: filepath.Join(dir, "wayfare.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	admin, err := db.CreatePerson(ctx, people.NewPerson{Name: "Ada Admin", Email: "ada@example.test", Admin: true})
	if err != nil {
		t.Fatal(err)
	}
	mgr, err := db.CreatePerson(ctx, people.NewPerson{Name: "Manager", Email: "manager@example.test"})
	if err != nil {
		t.Fatal(err)
	}
	g, err := db.CreateGroup(ctx, people.NewGroup{Name: "Everyone"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetRole(ctx, g.ID, mgr.ID, people.Manager); err != nil {
		t.Fatal(err)
	}
	members := make([]wayfare.ID, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			p, err := db.CreatePerson(ctx, people.NewPerson{Name: fmt.Sprintf("Member %d", i), Email: fmt.Sprintf("member%d@example.test", i)})
			if err == nil {
				members[i] = p.ID
				_, err = db.SetRole(ctx, g.ID, p.ID, people.Member)
			}
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	hook, err := db.CreateWebhook(wayfare.WithActor(ctx, wayfare.Actor{PersonID: admin.ID, Admin: true}),
		notifications.NewWebhook{URL: hookURL, Kinds: []string{"ticket.bought"}, AllowPrivate: true})
	if err != nil {
		t.Fatal(err)
	}
	as := func(id wayfare.ID) context.Context {
		return wayfare.WithActor(context.Background(), wayfare.Actor{PersonID: id})
	}
	if _, err := db.OpenSession(as(mgr.ID), management.NewSession{GroupID: g.ID, Prompt: "What slows us down?", VotesPerPerson: 3}); err != nil {
		t.Fatal(err)
	}
	p, err := db.Publish(as(mgr.ID), leadership.NewPitch{GroupID: g.ID, Kind: leadership.Proposal, Title: "Quiet Fridays",
		StatusQuo: "Meetings all week.", BetterWay: "None on Fridays.", TicketsWanted: 2 * n})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range members {
		wg.Go(func() {
			if _, _, err := db.BuyTicket(as(id), p.ID); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	return hook.Secret
}

// TestKilledServerDeliversPendingNotificationsOnce kills the server with
// SIGKILL while 1,000 mails wait for their delay and 1,000 webhook
// deliveries wait for a retry; after a restart each mail reaches the SMTP
// server once and each delivery the receiver once.
func TestKilledServerDeliversPendingNotificationsOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills a real process")
	}
	const n = 1000
	dir := t.TempDir()
	smtp := mailtest.Start(t)
	recv := webhooktest.New(t, "")
	busy := make([]int, 3*n)
	for i := range busy {
		busy[i] = 503 // with Retry-After: 1: every delivery waits for a retry
	}
	recv.Script(busy...)
	recv.SetSecret(seedCrowd(t, dir, n, recv.URL+"/hook"))
	bin := buildBinary(t)
	env := []string{"WAYFARE_SMTP_URL=" + smtp.URL(), "WAYFARE_MAIL_FROM=wayfare@example.test", "WAYFARE_BASE_URL=http://wayfare.example.test",
		"WAYFARE_MAIL_DELAY=4s", "WAYFARE_WEBHOOK_ALLOW_PRIVATE=1"}
	first := startServe(t, bin, dir, env...)

	db, err := sql.Open("sqlite", filepath.Join(dir, "wayfare.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	count := func(q string) int {
		var c int
		if err := db.QueryRow(q).Scan(&c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	deadline := time.Now().Add(30 * time.Second)
	for count(`SELECT count(*) FROM mail_outbox WHERE state = 'pending'`) < n || recv.Total() < 10 {
		if time.Now().After(deadline) {
			t.Fatalf("the server queued %d mails and made %d webhook requests", count(`SELECT count(*) FROM mail_outbox`), recv.Total())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.Wait()
	if sent := len(smtp.Messages()); sent != 0 {
		t.Fatalf("%d mails were sent before their delay", sent)
	}
	queued := count(`SELECT count(*) FROM mail_outbox`)

	// Requests the killed process had sent may still be in the receiver:
	// they are answered from the script (503) before it is cleared, or
	// one accepted after the kill would count as delivered by a process
	// that never learned so.
	for last := -1; recv.Total() != last; {
		last = recv.Total()
		time.Sleep(300 * time.Millisecond)
	}
	t.Logf("killed with %d mails queued and %d webhook requests answered 503", queued, recv.Total())
	recv.ClearScript()
	startServe(t, bin, dir, env...)
	smtp.Wait(t, queued, 60*time.Second)
	recv.Wait(t, n, 60*time.Second)
	time.Sleep(2 * time.Second) // anything sent twice would arrive by now

	msgs := smtp.Messages()
	ids, sessionTo := map[string]bool{}, map[string]int{}
	for _, m := range msgs {
		id := m.Header.Get("Message-ID")
		if ids[id] {
			t.Errorf("mail %s arrived twice", id)
		}
		ids[id] = true
		if strings.Contains(m.Subject(), "What slows us down?") {
			sessionTo[m.To[0]]++
		}
	}
	if len(msgs) != queued || len(sessionTo) != n {
		t.Errorf("%d mails for %d queued; the session reached %d of %d members", len(msgs), queued, len(sessionTo), n)
	}
	if left := count(`SELECT count(*) FROM mail_outbox WHERE state <> 'sent'`); left != 0 {
		t.Errorf("%d mails are not marked sent", left)
	}
	accepted := recv.Accepted()
	distinct := map[string]bool{}
	for _, r := range accepted {
		if !r.Verified {
			t.Fatalf("a delivery was not signed: %v", r.Err)
		}
		if distinct[r.ID] {
			t.Errorf("delivery %s was accepted twice", r.ID)
		}
		distinct[r.ID] = true
	}
	if len(accepted) != n || len(distinct) != n {
		t.Errorf("%d deliveries accepted, %d distinct; want %d", len(accepted), len(distinct), n)
	}
}
