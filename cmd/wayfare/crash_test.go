package main

import (
	"bufio"
	"bytes"
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/store"
	"github.com/wayfare-org/wayfare/store/pgtest"

	_ "github.com/jackc/pgx/v5/stdlib" // reads the PostgreSQL database afterwards
)

// buildBinary builds the wayfare command into a temporary folder.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "wayfare")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startProcess runs "wayfare serve" as a real process and returns its URL.
func startProcess(t *testing.T, bin, dir string) (*exec.Cmd, string) {
	t.Helper()
	return startProcessOn(t, bin, "--data", dir)
}

// startProcessOn is startProcess on the database the flags name.
func startProcessOn(t *testing.T, bin string, where ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, where...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.Contains(line, "http://") {
		t.Fatalf("the server did not start: %v %q\n%s", err, line, stderr.String())
	}
	return cmd, strings.TrimSpace(line[strings.Index(line, "http://"):])
}

// TestKilledProcessLosesNoAcknowledgedPurchase drives purchases at a real
// server process, kills it with SIGKILL mid-load, and checks that every
// purchase it acknowledged is in the database, with exact counters.
func TestKilledProcessLosesNoAcknowledgedPurchase(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills a real process")
	}
	bin := buildBinary(t)
	t.Run("sqlite", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "wayfare.db")
		killMidPurchases(t, bin, store.Config{Path: path}, []string{"--data", dir}, "sqlite", path)
	})
	t.Run("postgres", func(t *testing.T) {
		u := pgtest.Database(t)
		killMidPurchases(t, bin, store.Config{Database: u}, []string{"--database", u}, "pgx", u)
	})
}

// killMidPurchases is the test on one database: cfg for the seeding, the
// flags that serve it, and the driver and source that read it afterwards.
func killMidPurchases(t *testing.T, bin string, cfg store.Config, where []string, driver, source string) {
	o := e2eSeedIn(t, cfg, 120)
	cmd, url := startProcessOn(t, bin, where...)
	var pitches []wayfare.ID
	for range 10 {
		pitches = append(pitches, e2ePitch(t, url, o.manager, o.group).ID)
	}

	type pair struct{ pitch, person int }
	var mu sync.Mutex
	var acked []pair
	var n atomic.Int64
	var wg sync.WaitGroup
	for person := range o.people {
		wg.Go(func() {
			for pi, p := range pitches {
				code := callQuiet(o.people[person], "POST", url+"/api/v1/pitches/"+p.String()+"/tickets")
				if code == 0 {
					return // the server is gone
				}
				if code == 201 || code == 200 {
					mu.Lock()
					acked = append(acked, pair{pi, person})
					mu.Unlock()
					n.Add(1)
				}
			}
		})
	}
	for n.Load() < 300 {
		time.Sleep(time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	cmd.Wait()
	if len(acked) >= len(o.people)*len(pitches) {
		t.Fatal("the load finished before the kill; nothing was tested")
	}

	db, err := sql.Open(driver, source)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	q := func(s string) string { // the two placeholders these reads use
		if driver == "pgx" {
			s = strings.Replace(strings.Replace(s, "?", "$1", 1), "?", "$2", 1)
		}
		return s
	}
	personIDs := map[string]wayfare.ID{}
	for i := range o.people {
		var id wayfare.ID
		if err := db.QueryRow(q(`SELECT id FROM people WHERE email = ?`), fmt.Sprintf("person%d@example.test", i)).Scan(&id); err != nil {
			t.Fatal(err)
		}
		personIDs[o.people[i]] = id
	}
	for _, a := range acked {
		var ok bool
		db.QueryRow(q(`SELECT EXISTS (SELECT 1 FROM tickets WHERE pitch_id = ? AND person_id = ?)`),
			int64(pitches[a.pitch]), int64(personIDs[o.people[a.person]])).Scan(&ok)
		if !ok {
			t.Errorf("acknowledged purchase of pitch %s by person %d was lost", pitches[a.pitch], a.person)
		}
	}
	var drift int
	db.QueryRow(`SELECT count(*) FROM pitch_counters c WHERE c.tickets_sold != (SELECT count(*) FROM tickets t WHERE t.pitch_id = c.pitch_id)`).Scan(&drift)
	if drift != 0 {
		t.Errorf("%d counters disagree with the tickets after the crash", drift)
	}
	var acts, tickets int
	db.QueryRow(`SELECT count(*) FROM acts WHERE verb = 'ticket.bought'`).Scan(&acts)
	db.QueryRow(`SELECT count(*) FROM tickets`).Scan(&tickets)
	if acts != tickets {
		t.Errorf("%d ticket.bought acts for %d tickets: state and ledger must commit together", acts, tickets)
	}
	t.Logf("%d purchases acknowledged before SIGKILL, %d tickets on disk", len(acked), tickets)
}

func callQuiet(token, method, url string) int {
	req, _ := http.NewRequest(method, url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := e2eClient.Do(req)
	if err != nil {
		return 0
	}
	res.Body.Close()
	return res.StatusCode
}
