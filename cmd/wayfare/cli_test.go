package main

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/management"
)

// cli runs the program with an environment and returns stdout and the error.
func cli(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut)
	return out.String(), err
}

func TestVersionAndUsage(t *testing.T) {
	if out, err := cli(t, nil, "version"); err != nil || !strings.HasPrefix(out, "wayfare ") {
		t.Fatalf("version: %q %v", out, err)
	}
	if _, err := cli(t, nil); err == nil {
		t.Fatal("no command must fail")
	}
	if _, err := cli(t, nil, "fly"); err == nil || !strings.Contains(err.Error(), "unknown command") {
		t.Fatalf("unknown command: %v", err)
	}
	if _, err := cli(t, nil, "serve"); err == nil || !strings.Contains(err.Error(), "--data") {
		t.Fatalf("serve without data: %v", err)
	}
}

func TestInitTokenMigrateBackup(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"WAYFARE_DATA": dir} // flags may come from the environment
	if _, err := cli(t, env, "init", "--admin-email", "Root@Example.test", "--admin-name", "Root"); err != nil {
		t.Fatal(err)
	}
	if _, err := cli(t, env, "init", "--admin-email", "b@example.test", "--admin-name", "B"); err == nil {
		t.Fatal("init on an existing organization must fail")
	}
	out, err := cli(t, nil, "token", "create", "--data", dir, "--email", "root@example.test")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^wf_[A-Za-z0-9_-]{43}\n$`).MatchString(out) {
		t.Fatalf("token create must print the token and nothing else: %q", out)
	}
	if _, err := cli(t, env, "token", "create", "--email", "nobody@example.test"); err == nil {
		t.Fatal("a token for an unknown person must fail")
	}
	if out, err := cli(t, env, "migrate"); err != nil || !regexp.MustCompile(`^schema version [0-9]+\n$`).MatchString(out) {
		t.Fatalf("migrate: %q %v", out, err)
	}
	backup := filepath.Join(t.TempDir(), "copy.db")
	if _, err := cli(t, env, "backup", "--out", backup); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", backup)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var email string
	var admin bool
	if err := db.QueryRow(`SELECT email, admin FROM people`).Scan(&email, &admin); err != nil || email != "root@example.test" || !admin {
		t.Fatalf("backup holds %q admin=%v: %v", email, admin, err)
	}
	if _, err := cli(t, env, "backup", "--out", backup); err == nil {
		t.Fatal("backup must not overwrite a file")
	}
}

// TestReadmeStory walks the README's curl story over HTTP: pitch →
// tickets → decision → journey → doubt → re-pitch.
func TestReadmeStory(t *testing.T) {
	dir := t.TempDir()
	o := e2eSeed(t, dir, 4)
	url := e2eServe(t, dir)
	eng, rider, other := o.people[0], o.people[1], o.people[2]
	p := e2ePitch(t, url, eng, o.group)
	if p.Origin.Relation != "outside" {
		t.Fatalf("origin %+v", p.Origin)
	}
	for _, tok := range []string{rider, other} {
		if code := call(t, tok, "POST", url+"/api/v1/pitches/"+p.ID.String()+"/tickets", "", nil); code != 201 {
			t.Fatalf("buy: %d", code)
		}
	}
	var d management.Decision
	if code := call(t, o.manager, "POST", url+"/api/v1/pitches/"+p.ID.String()+"/decision",
		`{"outcome":"adopt","method":"consultative","rationale":"Advice was unanimous.","destination":"Every incident reviewed within a week"}`, &d); code != 201 {
		t.Fatalf("decide: %d", code)
	}
	j := url + "/api/v1/journeys/" + d.JourneyID.String()
	if code := call(t, o.manager, "POST", j+"/depart", "", nil); code != 200 {
		t.Fatalf("depart: %d", code)
	}
	if code := call(t, rider, "POST", j+"/doubts", `{"note":"Are we still doing this?"}`, nil); code != 201 {
		t.Fatalf("doubt: %d", code)
	}
	var rp leadership.Repitch
	if code := call(t, other, "POST", j+"/repitches", `{"message":"Repeat incidents fell from 7 to 2."}`, &rp); code != 201 {
		t.Fatalf("re-pitch: %d", code)
	}
	var journey management.Journey
	call(t, eng, "GET", j, "", &journey)
	if journey.Status != management.Underway || !journey.NeedsLeadership || journey.RiderCount != 2 ||
		len(journey.Repitches) != 1 || journey.Destination != "Every incident reviewed within a week" {
		t.Fatalf("journey %+v", journey)
	}
}

// TestTokenAndPersonVerbs: a token named and given a life in days, the
// list of everyone's tokens, and a person deactivated then reactivated.
func TestTokenAndPersonVerbs(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"WAYFARE_DATA": dir}
	if _, err := cli(t, env, "init", "--admin-email", "root@example.test", "--admin-name", "Root"); err != nil {
		t.Fatal(err)
	}
	if _, err := cli(t, env, "token", "create", "--email", "root@example.test", "--name", "nightly job", "--expires", "90d"); err != nil {
		t.Fatal(err)
	}
	if _, err := cli(t, env, "token", "create", "--email", "root@example.test", "--expires", "soon"); err == nil ||
		!strings.Contains(err.Error(), "--expires") {
		t.Fatalf("a life that is no duration: %v", err)
	}
	out, err := cli(t, env, "token", "list")
	if err != nil {
		t.Fatal(err)
	}
	want := time.Now().Add(90 * 24 * time.Hour).Local().Format("2006-01-02")
	if !strings.Contains(out, "root@example.test") || !strings.Contains(out, "nightly job") || !strings.Contains(out, want) {
		t.Fatalf("token list does not show the token named, expiring on %s:\n%s", want, out)
	}
	if _, err := cli(t, env, "person", "deactivate", "--email", "root@example.test"); err == nil {
		t.Fatal("the last admin was deactivated")
	}
	if _, err := cli(t, env, "import", writeChart(t, "email,name,admin\nkim@example.test,Kim,\n")); err != nil {
		t.Fatal(err)
	}
	for _, verb := range []string{"deactivate", "reactivate"} {
		if _, err := cli(t, env, "person", verb, "--email", "kim@example.test"); err != nil {
			t.Fatalf("person %s: %v", verb, err)
		}
	}
	out, _ = cli(t, env, "export")
	if !strings.Contains(out, "kim@example.test,Kim,,,,,true") {
		t.Fatalf("after reactivation Kim is not active:\n%s", out)
	}
}

func writeChart(t *testing.T, csv string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "chart.csv")
	if err := os.WriteFile(p, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
