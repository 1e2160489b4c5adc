package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/people"
	"github.com/wayfare-org/wayfare/store"
	"github.com/wayfare-org/wayfare/store/pgtest"
)

// watch opens the event stream of a node and sends each act it receives.
func watch(t *testing.T, base, token string) <-chan wayfare.Act {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/api/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 {
		t.Fatalf("the event stream: %d", res.StatusCode)
	}
	t.Cleanup(func() { res.Body.Close() })
	acts := make(chan wayfare.Act, 1024)
	go func() {
		defer close(acts)
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				var a wayfare.Act
				if json.Unmarshal([]byte(data), &a) == nil {
					acts <- a
				}
			}
		}
	}()
	return acts
}

// TestTwoNodesOnOneDatabase starts two real servers on one PostgreSQL
// database: an act written through one reaches an event stream on the
// other within a second, simultaneous decisions spread over both give
// exactly one win, and a change of role or admin flag made through one
// governs the other's next request.
func TestTwoNodesOnOneDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs two real processes")
	}
	u := pgtest.Database(t)
	o := e2eSeedIn(t, store.Config{Database: u}, 30)
	admins := twoAdmins(t, store.Config{Database: u})
	bin := buildBinary(t)
	_, a := startProcessOn(t, bin, "--database", u)
	_, b := startProcessOn(t, bin, "--database", u)

	// An act through A reaches a watcher on B within a second.
	p := e2ePitch(t, a, o.people[0], o.group)
	acts := watch(t, b, o.people[2])
	time.Sleep(100 * time.Millisecond) // the stream is open
	bought := time.Now()
	if code := call(t, o.people[1], "POST", a+"/api/v1/pitches/"+p.ID.String()+"/tickets", "", nil); code != 201 {
		t.Fatalf("a purchase on A: %d", code)
	}
	for seen := false; !seen; {
		select {
		case act, ok := <-acts:
			if !ok {
				t.Fatal("B's event stream ended")
			}
			seen = act.Verb == "ticket.bought" && act.SubjectID == p.ID
		case <-time.After(time.Second - time.Since(bought)):
			t.Fatal("the purchase on A did not reach B's event stream within 1 s")
		}
	}
	t.Logf("a purchase on A reached B's stream in %v", time.Since(bought))

	// Both nodes read the purchase at once: their caches of the pitch moved.
	for _, node := range []string{a, b} {
		var got struct {
			TicketsSold int `json:"tickets_sold"`
		}
		call(t, o.people[3], "GET", node+"/api/v1/pitches/"+p.ID.String(), "", &got)
		if got.TicketsSold != 1 {
			t.Errorf("%s reads %d tickets sold, want 1", node, got.TicketsSold)
		}
	}

	// Twenty simultaneous decisions over both nodes: exactly one wins.
	var mu sync.Mutex
	codes := map[int]int{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range 20 {
		node := []string{a, b}[i%2]
		wg.Go(func() {
			<-start
			code := call(t, o.manager, "POST", node+"/api/v1/pitches/"+p.ID.String()+"/decision",
				fmt.Sprintf(`{"outcome":"decline","method":"directive","rationale":"Decision %d"}`, i), nil)
			mu.Lock()
			codes[code]++
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()
	if codes[201] != 1 || codes[409] != 19 {
		t.Fatalf("20 simultaneous decisions over two nodes: %v, want one 201 and 19 409", codes)
	}

	// A role given on A governs B's next request, and so does its removal.
	person := func(token string) wayfare.ID {
		var me struct{ ID wayfare.ID }
		call(t, token, "GET", b+"/api/v1/me", "", &me)
		return me.ID
	}
	four := person(o.people[4])
	members := a + "/api/v1/groups/" + o.group.String() + "/members/" + four.String()
	q := e2ePitch(t, a, o.people[5], o.group)
	decide := func(node string) int {
		return call(t, o.people[4], "POST", node+"/api/v1/pitches/"+q.ID.String()+"/decision",
			`{"outcome":"decline","method":"directive","rationale":"Not now."}`, nil)
	}
	if code := decide(b); code != 403 {
		t.Fatalf("a member deciding on B: %d, want 403", code)
	}
	if code := call(t, o.manager, "PUT", members, `{"role":"manager"}`, nil); code != 200 {
		t.Fatalf("making a manager on A: %d", code)
	}
	var g struct {
		Managers []struct {
			PersonID wayfare.ID `json:"person_id"`
		} `json:"managers"`
	}
	call(t, o.people[6], "GET", b+"/api/v1/groups/"+o.group.String(), "", &g)
	found := false
	for _, m := range g.Managers {
		found = found || m.PersonID == four
	}
	if !found {
		t.Errorf("B's next read of the group does not list the manager made on A: %+v", g)
	}
	if code := call(t, o.manager, "PUT", members, `{"role":"member"}`, nil); code != 200 {
		t.Fatalf("making a member again on A: %d", code)
	}
	if code := decide(b); code != 403 {
		t.Fatalf("a manager demoted on A deciding on B: %d, want 403", code)
	}

	// An admin demoted on A no longer sees e-mail addresses on B.
	adminTok := admins[0]
	admin := person(adminTok)
	var seen struct{ Email string }
	call(t, adminTok, "GET", b+"/api/v1/people/"+four.String(), "", &seen)
	if seen.Email == "" {
		t.Fatal("an admin sees e-mail addresses")
	}
	if code := call(t, admins[1], "PATCH", a+"/api/v1/people/"+admin.String(), `{"admin":false}`, nil); code != 200 {
		t.Fatalf("demoting an admin on A: %d", code)
	}
	seen.Email = ""
	call(t, adminTok, "GET", b+"/api/v1/people/"+four.String(), "", &seen)
	if seen.Email != "" {
		t.Error("an admin demoted on A still sees e-mail addresses on B")
	}
}

// twoAdmins adds two admins and returns a token of each.
func twoAdmins(t *testing.T, cfg store.Config) []string {
	t.Helper()
	ctx := system(context.Background())
	db, err := store.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var tokens []string
	for i := range 2 {
		p, err := db.CreatePerson(ctx, people.NewPerson{Name: fmt.Sprint("Admin ", i), Email: fmt.Sprintf("admin%d@example.test", i), Admin: true})
		if err != nil {
			t.Fatal(err)
		}
		tok, err := db.CreateToken(ctx, p.ID, people.NewToken{Name: "tests"})
		if err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, tok.Token)
	}
	return tokens
}

func TestMain(m *testing.M) { pgtest.Main(m) }
