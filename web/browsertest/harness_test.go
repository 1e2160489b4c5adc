package browsertest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The demo personas, as DESIGN.md names them, and their password.
const (
	emailEngineer = "maya.okafor@demo.test"   // front-line engineer, Payments
	emailManager  = "daniel.reyes@demo.test"  // team manager of Payments
	emailVP       = "priya.raman@demo.test"   // VP, a plain member of the Executive team
	emailCEO      = "elena.marsh@demo.test"   // CEO, manager of the Executive team
	emailOther    = "tomas.alvarez@demo.test" // another department
	emailAdmin    = "admin@demo.test"
	password      = "wayfare-demo"
	executiveTeam = "Executive team"
)

const (
	// liveBudget is how soon an act must show in another person's open tab.
	liveBudget = time.Second
	// stepTimeout bounds one browser step; a hung step fails, not the suite.
	stepTimeout = 20 * time.Second
)

// required reports whether CI demands the browser suite (no skipping).
func required() bool { return os.Getenv("WAYFARE_REQUIRE_BROWSER") == "1" }

// unavailable skips the test, or fails it when the browser is required.
func unavailable(t *testing.T, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if required() {
		t.Fatalf("%s (WAYFARE_REQUIRE_BROWSER=1)", msg)
	}
	t.Skipf("%s; set WAYFARE_REQUIRE_BROWSER=1 to make this a failure", msg)
}

// chromium finds the browser: $WAYFARE_CHROMIUM, then the usual names.
func chromium() string {
	if p := os.Getenv("WAYFARE_CHROMIUM"); p != "" {
		return p
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// person is someone of the demo organization, as the admin sees them.
type person struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

// suite is one server, one browser and the people playing the story.
type suite struct {
	t       *testing.T        // the top-level test: tabs live as long as it does
	base    string            // the server's URL
	admin   string            // the admin's API token, printed by wayfare demo
	tokens  map[string]string // every persona's API token by e-mail, printed by wayfare demo
	byEmail map[string]person
	browser context.Context
	tabs    map[string]*tab // signed-in tabs by e-mail; "" is signed out

	// What the story made, for the page checks that follow it.
	execGroup  string
	colleagues []person // Maya's team mates who buy tickets and ride
	pitchID    string
	journeyID  string
}

// newSuite builds and starts the binary on a fresh demo organization, with
// more flags when given, and starts Chromium.
func newSuite(t *testing.T, flags ...string) *suite {
	exe := chromium()
	if _, err := os.Stat(exe); exe == "" || err != nil {
		unavailable(t, "Chromium not found %q (install the chromium package or set WAYFARE_CHROMIUM)", exe)
	}
	s := &suite{t: t, byEmail: map[string]person{}, tabs: map[string]*tab{}}
	trackSources(t)
	start := time.Now()
	s.base, s.tokens = startServer(t, flags...)
	s.admin = s.tokens[emailAdmin]
	t.Logf("server up at %s in %s", s.base, time.Since(start).Round(time.Millisecond))
	s.loadPeople(t)
	start = time.Now()
	s.browser = startBrowser(t, exe)
	t.Logf("Chromium up in %s", time.Since(start).Round(time.Millisecond))
	return s
}

// trackSources stats every source file of the module. The suite runs a
// binary it builds, which the test binary does not import; without this,
// go test would cache a pass and not notice a changed template or handler.
// (go test keys its cache on the files a test stats or opens.)
func trackSources(t *testing.T) {
	root := repoRoot(t)
	skip := map[string]bool{".git": true, "tmp": true, "node_modules": true, "node_modules_root": true, "wayfare-demo": true, "data": true}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && skip[d.Name()] {
				return filepath.SkipDir
			}
			return nil
		}
		switch filepath.Ext(path) {
		case ".go", ".html", ".css", ".js", ".sql", ".json", ".mod", ".sum":
			_, err = os.Stat(path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// repoRoot is the directory of go.mod, above this package.
func repoRoot(t *testing.T) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			t.Fatalf("no go.mod above %s", dir)
		}
	}
}

// startServer builds cmd/wayfare and runs "wayfare demo" on port 0 in a
// temporary data directory, with more flags when given (a later --addr
// wins); it returns the URL and the API tokens it printed for the
// personas, by e-mail address (the admin's among them).
func startServer(t *testing.T, flags ...string) (string, map[string]string) {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "wayfare")
	gocmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build the binary: %v", err)
	}
	build := exec.Command(gocmd, "build", "-o", bin, "github.com/wayfare-org/wayfare/cmd/wayfare")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, append([]string{"demo", "--addr", "127.0.0.1:0", "--data", filepath.Join(dir, "data")}, flags...)...)
	for _, kv := range os.Environ() { // the server's settings come from the flags alone
		if !strings.HasPrefix(kv, "WAYFARE_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			t.Error("wayfare demo did not stop on SIGINT; killing it")
			cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("wayfare demo's stderr (last 4 kB):\n%s", stderr.tail(4096))
		}
	})
	lines := make(chan string, 256)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default: // nobody reads any more: keep draining the pipe
			}
		}
		close(lines)
	}()
	var url, email string // email: the persona whose token comes next
	tokens := map[string]string{}
	timeout := time.After(90 * time.Second)
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("wayfare demo stopped before serving; stderr:\n%s", stderr.tail(4096))
			}
			if i := strings.Index(line, "serving at http://"); i >= 0 {
				url = strings.TrimSpace(line[i+len("serving at "):])
			}
			f := strings.Fields(line)
			switch {
			case email != "" && len(f) == 2 && f[0] == "token":
				tokens[email], email = f[1], ""
			case len(f) > 0 && strings.HasSuffix(f[len(f)-1], "@demo.test"):
				email = f[len(f)-1]
			}
			if url != "" && tokens[emailAdmin] != "" { // the admin is printed last
				return url, tokens
			}
		case <-timeout:
			t.Fatalf("wayfare demo printed no URL and admin token in 90 s; stderr:\n%s", stderr.tail(4096))
		}
	}
}

// startBrowser starts headless Chromium with a fresh profile and returns
// its first context; each person then gets a browser context of their own.
func startBrowser(t *testing.T, exe string) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		unavailable(t, "Chromium (%s) does not start: %v", exe, err)
	}
	return ctx
}

// api calls the JSON API with the admin's token and decodes the answer.
func (s *suite) api(t *testing.T, path string, into any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.base+"/api/v1"+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+s.admin)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s %s", path, res.Status, body)
	}
	if err := json.Unmarshal(body, into); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

// loadPeople reads everyone with their e-mail address (the admin sees
// them), the Executive team's id, and three of Maya's team mates.
func (s *suite) loadPeople(t *testing.T) {
	var everyone struct{ Items []person }
	s.api(t, "/people?limit=500", &everyone)
	for _, p := range everyone.Items {
		s.byEmail[p.Email] = p
	}
	for _, e := range []string{emailEngineer, emailManager, emailVP, emailCEO, emailOther, emailAdmin} {
		if _, ok := s.byEmail[e]; !ok {
			t.Fatalf("the demo has no persona %s", e)
		}
	}
	var groups struct {
		Items []struct{ ID, Name string }
	}
	s.api(t, "/groups?limit=500", &groups)
	for _, g := range groups.Items {
		if g.Name == executiveTeam {
			s.execGroup = g.ID
		}
	}
	if s.execGroup == "" {
		t.Fatalf("the demo has no group %q", executiveTeam)
	}
	maya := s.byEmail[emailEngineer]
	var me struct {
		Groups []struct {
			GroupID string `json:"group_id"`
		}
	}
	s.api(t, "/people/"+maya.ID, &me)
	if len(me.Groups) == 0 {
		t.Fatal("Maya is in no group")
	}
	var team struct {
		Members []struct {
			PersonID string `json:"person_id"`
			Role     string
		}
	}
	s.api(t, "/groups/"+me.Groups[0].GroupID, &team)
	byID := map[string]person{}
	for _, p := range s.byEmail {
		byID[p.ID] = p
	}
	for _, m := range team.Members {
		if p, ok := byID[m.PersonID]; ok && m.Role == "member" && p.ID != maya.ID && len(s.colleagues) < 5 {
			s.colleagues = append(s.colleagues, p)
		}
	}
	if len(s.colleagues) < 5 {
		t.Fatalf("Maya's team has %d other members; the story needs 5", len(s.colleagues))
	}
}

// lockedBuffer collects a process's output from another goroutine.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) tail(n int) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.buf.String()
	if len(s) > n {
		s = s[len(s)-n:]
	}
	return s
}
