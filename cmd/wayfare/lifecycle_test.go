package main

import (
	"bufio"
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare/people"
	"github.com/wayfare-org/wayfare/store"
)

// TestChangesFromTheCommandLineGovernARunningServer runs a real server
// process and, underneath it, the command line as other processes: each
// change of authority governs the server's answers within 2 seconds — a
// deactivated person's token, session and event stream end, a revoked
// token ends, an admin demoted by an import loses admin rights, a password
// set ends the sessions from before.
func TestChangesFromTheCommandLineGovernARunningServer(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs real processes")
	}
	dir := t.TempDir()
	o := e2eSeed(t, dir, 3)
	hash, err := people.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	// An admin with a token, and passwords for two people.
	ctx := system(context.Background())
	db, err := store.Open(ctx, store.Config{Path: filepath.Join(dir, "wayfare.db")})
	if err != nil {
		t.Fatal(err)
	}
	admin, err := db.CreatePerson(ctx, people.NewPerson{Name: "Ada Admin", Email: "ada@example.test", Admin: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreatePerson(ctx, people.NewPerson{Name: "Second Admin", Email: "second@example.test", Admin: true}); err != nil {
		t.Fatal(err)
	}
	adminTok, err := db.CreateToken(ctx, admin.ID, people.NewToken{Name: "tests"})
	if err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{"person0@example.test", "person1@example.test", "ada@example.test"} {
		p, _ := db.PersonByEmail(ctx, email)
		if err := db.SetPassword(ctx, p.ID, hash); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	bin := buildBinary(t)
	_, base := startProcess(t, bin, dir)
	cli := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, append(args, "--data", dir)...)
		cmd.Env = os.Environ()
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("wayfare %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	within2s := func(what string, ok func() bool) {
		t.Helper()
		start := time.Now()
		for !ok() {
			if time.Since(start) > 2*time.Second {
				t.Fatalf("%s: not within 2 s", what)
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Logf("%s: %v", what, time.Since(start).Round(time.Millisecond))
	}
	status := func(token, method, path string) int { return callQuiet(token, method, base+path) }

	// person0 is signed in to the pages and listens to the event stream.
	page := signIn(t, base, "person0@example.test", "correct horse battery")
	if page(base+"/") != 200 {
		t.Fatal("the signed-in home page")
	}
	streamEnded := make(chan struct{})
	go func() {
		defer close(streamEnded)
		req, _ := http.NewRequest("GET", base+"/api/v1/events", nil)
		req.Header.Set("Authorization", "Bearer "+o.people[0])
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return
		}
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
		}
	}()
	if status(o.people[0], "GET", "/api/v1/me") != 200 {
		t.Fatal("a person's token before")
	}

	cli("person", "deactivate", "--email", "person0@example.test")
	within2s("deactivation ends the token", func() bool { return status(o.people[0], "GET", "/api/v1/me") == 401 })
	within2s("deactivation ends the session", func() bool { return page(base+"/") == 303 })
	select {
	case <-streamEnded:
	case <-time.After(2 * time.Second):
		t.Fatal("deactivation did not end the event stream within 2 s")
	}

	// A token revoked from the command line.
	var id string
	for _, line := range strings.Split(cli("token", "list", "--email", "person2@example.test"), "\n")[1:] {
		if f := strings.Fields(line); len(f) > 0 {
			id = f[0]
		}
	}
	if status(o.people[2], "GET", "/api/v1/me") != 200 {
		t.Fatal("person2's token before")
	}
	cli("token", "revoke", "--id", id)
	within2s("a revoked token", func() bool { return status(o.people[2], "GET", "/api/v1/me") == 401 })

	// An import takes the admin flag away, and a manager's role: the API
	// and the admin pages refuse the admin, the decision is refused.
	newPerson := `{"name":"New","email":"new@example.test"}`
	if callQuietBody(adminTok.Token, "POST", base+"/api/v1/people", newPerson) != 201 {
		t.Fatal("the admin creating a person before")
	}
	adminPage := signIn(t, base, "ada@example.test", "correct horse battery")
	if adminPage(base+"/admin") != 200 {
		t.Fatal("the admin pages before")
	}
	var pitch struct{ ID string }
	if call(t, o.people[1], "POST", base+"/api/v1/pitches", `{"group_id":"`+o.group.String()+`","kind":"proposal","title":"Quiet hours",
		"status_quo":"a","better_way":"b","tickets_wanted":1}`, &pitch) != 201 {
		t.Fatal("a pitch to the manager's group")
	}
	chart := filepath.Join(t.TempDir(), "chart.csv")
	os.WriteFile(chart, []byte("email,name,groups,admin\nada@example.test,Ada Admin,,\nmanager@example.test,Manager,Platform:member,\n"), 0o600)
	cli("import", chart)
	within2s("an import's demotion", func() bool {
		return callQuietBody(adminTok.Token, "POST", base+"/api/v1/people", `{"name":"Newer","email":"newer@example.test"}`) == 403
	})
	within2s("an import's demotion on the admin pages", func() bool { return adminPage(base+"/admin") == 403 })
	within2s("an import's change of role", func() bool {
		return callQuietBody(o.manager, "POST", base+"/api/v1/pitches/"+pitch.ID+"/decision",
			`{"outcome":"adopt","method":"directive","rationale":"Yes."}`) == 403
	})

	// A password set from the command line ends person1's session.
	page1 := signIn(t, base, "person1@example.test", "correct horse battery")
	if page1(base+"/") != 200 {
		t.Fatal("person1's home page")
	}
	cmd := exec.Command(bin, "password", "--data", dir, "--email", "person1@example.test")
	cmd.Stdin = strings.NewReader("another horse battery\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("wayfare password: %v\n%s", err, out)
	}
	within2s("a new password ends the session", func() bool { return page1(base+"/") == 303 })
}

// signIn signs in to the pages and returns a function that fetches a page
// with that session, without following redirects, and returns its status.
func signIn(t *testing.T, base, email, password string) func(string) int {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.PostForm(base+"/login", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Fatalf("sign-in as %s: %d → %q", email, res.StatusCode, res.Header.Get("Location"))
	}
	return func(u string) int {
		res, err := c.Get(u)
		if err != nil {
			return 0
		}
		res.Body.Close()
		return res.StatusCode
	}
}

// callQuietBody is callQuiet with a JSON body.
func callQuietBody(token, method, url, body string) int {
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := e2eClient.Do(req)
	if err != nil {
		return 0
	}
	res.Body.Close()
	return res.StatusCode
}
