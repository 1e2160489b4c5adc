package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/people"
	"github.com/wayfare-org/wayfare/store"
)

// e2eServe runs "wayfare serve" in-process on port :0 and returns its URL.
// The server stops, gracefully, when the test ends.
func e2eServe(t *testing.T, dir string) string {
	t.Helper()
	url, _ := e2eServeWith(t, dir, nil)
	return url
}

// e2eServeWith is e2eServe with an environment and more flags; it also
// returns the URL of the metrics when they have a listener of their own.
func e2eServeWith(t *testing.T, dir string, env map[string]string, flags ...string) (url, metrics string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, w := io.Pipe()
	done := make(chan error, 1)
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--data", dir}, flags...)
	go func() {
		done <- run(ctx, args, func(k string) string { return env[k] }, nil, w, io.Discard)
		w.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("serve did not shut down")
		}
	})
	lines := bufio.NewReader(out)
	urlIn := func() string {
		line, err := lines.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(line[strings.Index(line, "http://"):])
	}
	url = urlIn()
	if slices.Contains(flags, "--metrics-addr") {
		metrics = urlIn()
	}
	go io.Copy(io.Discard, lines)
	if res, err := http.Get(url + "/healthz"); err != nil || res.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", res, err)
	}
	return url, metrics
}

// e2eOrg seeds, before the server starts, an organization with a manager
// and n more people, each with a token; it returns the tokens and the id
// of the manager's group.
type e2eOrg struct {
	manager string
	people  []string
	group   wayfare.ID
}

func e2eSeed(t *testing.T, dir string, n int) *e2eOrg {
	t.Helper()
	return e2eSeedIn(t, store.Config{Path: filepath.Join(dir, "wayfare.db")}, n)
}

// e2eSeedIn is e2eSeed in the database of cfg.
func e2eSeedIn(t *testing.T, cfg store.Config, n int) *e2eOrg {
	t.Helper()
	ctx := system(context.Background())
	db, err := store.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	o := &e2eOrg{people: make([]string, n)}
	mgr, err := db.CreatePerson(ctx, people.NewPerson{Name: "Manager", Email: "manager@example.test"})
	if err != nil {
		t.Fatal(err)
	}
	g, err := db.CreateGroup(ctx, people.NewGroup{Name: "Platform"})
	if err != nil {
		t.Fatal(err)
	}
	o.group = g.ID
	if _, err := db.SetRole(ctx, g.ID, mgr.ID, people.Manager); err != nil {
		t.Fatal(err)
	}
	tok, err := db.CreateToken(ctx, mgr.ID, people.NewToken{Name: "tests"})
	if err != nil {
		t.Fatal(err)
	}
	o.manager = tok.Token
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			p, err := db.CreatePerson(ctx, people.NewPerson{Name: fmt.Sprintf("Person %d", i),
				Email: fmt.Sprintf("person%d@example.test", i), ManagerID: &mgr.ID})
			if err == nil {
				var tok *people.Token
				if tok, err = db.CreateToken(ctx, p.ID, people.NewToken{Name: "tests"}); err == nil {
					o.people[i] = tok.Token
				}
			}
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	return o
}

var e2eClient = &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 1024}}

// call sends a JSON request with a token and decodes the answer into out.
func call(t *testing.T, token, method, url string, body string, out any) int {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := e2eClient.Do(req)
	if err != nil {
		t.Error(err)
		return 0
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if out != nil && res.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Errorf("%s %s: %v: %s", method, url, err, b)
		}
	}
	return res.StatusCode
}

func e2ePitch(t *testing.T, url, token string, group wayfare.ID) *leadership.Pitch {
	t.Helper()
	var p leadership.Pitch
	code := call(t, token, "POST", url+"/api/v1/pitches", `{"group_id":"`+group.String()+`","kind":"proposal",
		"title":"Blameless postmortems","status_quo":"Incidents end with a culprit.","better_way":"Learn from each incident.",
		"tickets_wanted":10,"evidence":[{"kind":"data","label":"Repeat incidents","value":7,"unit":"per quarter","source":"Pager"}]}`, &p)
	if code != 201 {
		t.Fatalf("publish: %d", code)
	}
	return &p
}

// TestConcurrencyOnTheRealServer: 100 simultaneous purchases by one person
// make one ticket; 1,000 by distinct people make exactly 1,000; of 20
// simultaneous decisions exactly one wins and the rest get 409, no 5xx.
func TestConcurrencyOnTheRealServer(t *testing.T) {
	dir := t.TempDir()
	o := e2eSeed(t, dir, 1000)
	url := e2eServe(t, dir)
	p := e2ePitch(t, url, o.people[0], o.group)
	tickets := url + "/api/v1/pitches/" + p.ID.String() + "/tickets"

	statuses := func(n int, do func(i int) int) map[int]int {
		var mu sync.Mutex
		got := map[int]int{}
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				code := do(i)
				mu.Lock()
				got[code]++
				mu.Unlock()
			})
		}
		close(start)
		wg.Wait()
		return got
	}
	same := statuses(100, func(int) int { return call(t, o.people[1], "POST", tickets, "", nil) })
	if same[201] != 1 || same[200] != 99 {
		t.Fatalf("one person, 100 purchases: %v, want one 201 and 99 200", same)
	}
	distinct := statuses(1000, func(i int) int { return call(t, o.people[i], "POST", tickets, "", nil) })
	if distinct[201] != 999 || distinct[200] != 1 { // person 1 holds a ticket already
		t.Fatalf("1,000 distinct purchases: %v", distinct)
	}
	var got leadership.Pitch
	call(t, o.people[0], "GET", url+"/api/v1/pitches/"+p.ID.String(), "", &got)
	if got.TicketsSold != 1000 {
		t.Fatalf("tickets sold = %d, want exactly 1000", got.TicketsSold)
	}
	decision := url + "/api/v1/pitches/" + p.ID.String() + "/decision"
	decisions := statuses(20, func(i int) int {
		return call(t, o.manager, "POST", decision, fmt.Sprintf(`{"outcome":"adopt","method":"directive","rationale":"Decision %d"}`, i), nil)
	})
	if decisions[201] != 1 || decisions[409] != 19 {
		t.Fatalf("20 simultaneous decisions: %v, want one 201 and 19 409", decisions)
	}
	var acts struct{ Items []wayfare.Act }
	call(t, o.manager, "GET", url+"/api/v1/acts?verb=ticket.bought&limit=500", "", &acts)
	if len(acts.Items) != 500 {
		t.Fatalf("ledger page: %d acts", len(acts.Items))
	}
}
