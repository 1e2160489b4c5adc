package web_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/ledger"
	"github.com/wayfare-org/wayfare/people"
)

// TestAdminPagesForAdminsOnly: every administration page answers 403 to
// people who are not admins, whatever roles they hold, and opens for an
// admin.
func TestAdminPagesForAdminsOnly(t *testing.T) {
	s := newSite(t)
	pages := []string{"/admin", "/admin/people", "/admin/people/{member}", "/admin/groups", "/admin/groups/{T}",
		"/admin/chart", "/admin/settings"}
	for _, who := range []string{"manager", "member"} {
		b := s.signIn(who)
		for _, p := range pages {
			if res, _ := b.get(s.path(p)); res.StatusCode != 403 {
				t.Errorf("%s opens %s: %d, want 403", who, p, res.StatusCode)
			}
		}
		if res := b.post(s.path("/admin/people/{member}/deactivate"), url.Values{"confirm": {"yes"}}); res.StatusCode != 403 {
			t.Errorf("%s deactivates someone: %d, want 403", who, res.StatusCode)
		}
		if _, body := b.get("/"); strings.Contains(body, `href="/admin"`) {
			t.Errorf("%s is shown the way to the administration pages", who)
		}
	}
	admin := s.signIn("admin")
	for _, p := range pages {
		if res, body := admin.get(s.path(p)); res.StatusCode != 200 || !strings.Contains(body, `aria-label="Administration"`) {
			t.Errorf("admin opens %s: %d", p, res.StatusCode)
		}
	}
	if _, body := admin.get("/"); !strings.Contains(body, `href="/admin"`) {
		t.Error("the admin is not shown the way to the administration pages")
	}
}

// TestAdminAddsPeople: the add form names every field at fault at once,
// next to its field, with a human label; a manager is chosen by name; the
// person added lands in the ledger as an admin act.
func TestAdminAddsPeople(t *testing.T) {
	s := newSite(t)
	admin := s.signIn("admin")
	res, body := admin.postPage("/admin/people", url.Values{"name": {""}, "email": {"not an address"}, "manager": {"Nobody Known"}})
	if res != 400 {
		t.Fatalf("a form with three faults: %d", res)
	}
	for _, want := range []string{`id="person-name-error">Name is required`, `id="person-email-error">E-mail address is not a valid`,
		`id="person-manager-error">Reports to: names nobody`} {
		if !strings.Contains(body, want) {
			t.Errorf("the answer does not say %q", want)
		}
	}
	if strings.Contains(body, "manager_id:") || strings.Contains(body, "email:") {
		t.Error("a field is named by its code name")
	}
	form := url.Values{"name": {"Nadia Bell"}, "email": {"Nadia@Example.test"}, "title": {"Analyst"}, "manager": {"Manager"}}
	if r := admin.post("/admin/people", form); r.StatusCode != 303 {
		t.Fatalf("adding a person: %d", r.StatusCode)
	}
	p, err := s.db.PersonByEmail(system(), "nadia@example.test")
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "Nadia Bell" || p.ManagerID == nil || *p.ManagerID != s.ids["manager"] {
		t.Errorf("added %+v, want Nadia Bell reporting to Manager", p)
	}
	if r := admin.post("/admin/people", form); r.StatusCode != 400 {
		t.Errorf("adding the same address again: %d, want 400", r.StatusCode)
	}
	acts, err := s.db.Acts(context.Background(), ledger.Filter{Verb: ledger.PersonCreated})
	if err != nil || len(acts) == 0 || acts[0].SubjectID != p.ID || acts[0].Function != wayfare.Admin || acts[0].PersonID != s.ids["admin"] {
		t.Errorf("the ledger's person.created: %+v %v", acts, err)
	}
	if _, body := admin.get("/admin/people?q=nadia"); !strings.Contains(body, "Nadia Bell") || strings.Contains(body, ">Outsider<") {
		t.Error("the search finds the wrong people")
	}
}

// TestAdminDeactivates: a deactivation needs its confirmation; then the
// person's open browser is signed out at its next request, they cannot
// sign in, and their name is marked as having left; reactivated, they may
// sign in again.
func TestAdminDeactivates(t *testing.T) {
	s := newSite(t)
	admin, member := s.signIn("admin"), s.signIn("member")
	page := s.path("/admin/people/{member}")
	admin.post(page+"/deactivate", url.Values{})
	if res, _ := member.get("/"); res.StatusCode != 200 {
		t.Fatalf("a deactivation without its confirmation went through: %d", res.StatusCode)
	}
	if res := admin.post(page+"/deactivate", url.Values{"confirm": {"yes"}}); res.StatusCode != 303 {
		t.Fatalf("deactivating: %d", res.StatusCode)
	}
	if res, _ := member.get("/"); res.StatusCode != 303 || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Errorf("the deactivated person's browser: %d, want a way to sign in", res.StatusCode)
	}
	if res := s.browser().post("/login", url.Values{"email": {"member@example.test"}, "password": {password}}); res.StatusCode == 303 {
		t.Error("a deactivated person signed in")
	}
	if _, body := admin.get(page); !strings.Contains(body, "has left") {
		t.Error("the person's page does not say they have left")
	}
	if _, body := admin.get(s.path("/admin/groups/{T}")); !strings.Contains(body, "has left") {
		t.Error("the group's member list does not mark the person who left")
	}
	if res := admin.post(page+"/reactivate", url.Values{}); res.StatusCode != 303 {
		t.Fatalf("reactivating: %d", res.StatusCode)
	}
	s.signIn("member")
	// The last admin cannot deactivate themselves: the page says why.
	self := "/admin/people/" + s.ids["admin"].String()
	admin.post(self+"/deactivate", url.Values{"confirm": {"yes"}})
	if _, body := admin.get(self); !strings.Contains(body, "last active admin") {
		t.Error("deactivating the last admin: the page does not say why it was refused")
	}
}

// TestAdminSignsOut: "sign out of every browser" ends the person's
// sessions and keeps their tokens.
func TestAdminSignsOut(t *testing.T) {
	s := newSite(t)
	admin, member := s.signIn("admin"), s.signIn("member")
	tok, err := s.db.CreateToken(as(s, "member"), 0, people.NewToken{Name: "script"})
	if err != nil {
		t.Fatal(err)
	}
	if res := admin.post(s.path("/admin/people/{member}/sign-out"), url.Values{}); res.StatusCode != 303 {
		t.Fatalf("signing out: %d", res.StatusCode)
	}
	if res, _ := member.get("/"); res.StatusCode != 303 {
		t.Errorf("the member's browser stays signed in: %d", res.StatusCode)
	}
	if _, err := s.db.Authenticate(context.Background(), tok.Token); err != nil {
		t.Errorf("signing out ended an API token: %v", err)
	}
}

// TestAdminGroups: a group is added under another by its path, renamed,
// refused a move under itself, and given members and managers with a
// person picker; the group's own manager may do the same from its page.
func TestAdminGroups(t *testing.T) {
	s := newSite(t)
	admin := s.signIn("admin")
	if res := admin.post("/admin/groups", url.Values{"name": {"Payments"}, "parent": {"target"}}); res.StatusCode != 303 {
		t.Fatalf("adding a group under Target: %d", res.StatusCode)
	}
	tree, body := admin.get("/admin/groups")
	if tree.StatusCode != 200 || !strings.Contains(body, `<option value="Target / Payments">`) {
		t.Fatal("the new group's path is not offered")
	}
	pay := idAfter(t, body, `href="/admin/groups/`, "Payments")
	code, body := admin.postPage("/admin/groups", url.Values{"name": {""}, "parent": {"Nowhere"}})
	if code != 400 || !strings.Contains(body, "Name is required") || !strings.Contains(body, "Inside: names no group") {
		t.Errorf("a group form with two faults: %d", code)
	}
	// Target under Payments would be a circle.
	code, body = admin.postPage(s.path("/admin/groups/{T}"), url.Values{"name": {"Target"}, "parent": {"Target / Payments"}})
	if code != 400 || !strings.Contains(body, `id="group-parent-error"`) {
		t.Errorf("moving a group under its own child: %d", code)
	}
	if res := admin.post("/admin/groups/"+pay, url.Values{"name": {"Payments team"}, "parent": {""}}); res.StatusCode != 303 {
		t.Fatalf("renaming and moving to the top: %d", res.StatusCode)
	}
	id, _ := wayfare.ParseID(pay)
	g, err := s.db.Group(system(), id)
	if err != nil || g.Name != "Payments team" || g.ParentID != nil {
		t.Fatalf("after the change: %+v %v", g, err)
	}
	if res := admin.post("/groups/"+pay+"/members", url.Values{"person": {"Outsider"}, "role": {"manager"}, "back": {"/admin/groups/" + pay}}); res.StatusCode != 303 {
		t.Fatalf("adding a manager: %d", res.StatusCode)
	}
	// The new manager adds a member from the group's own page, and takes
	// them out again; a plain member may not.
	mgr := s.signIn("outsider")
	if _, body := mgr.get("/groups/" + pay); !strings.Contains(body, `action="/groups/`+pay+`/members"`) {
		t.Error("the group's page shows its manager no member form")
	}
	if res := mgr.post("/groups/"+pay+"/members", url.Values{"person": {"Member"}, "back": {"/groups/" + pay}}); res.StatusCode != 303 {
		t.Fatalf("the manager adds a member: %d", res.StatusCode)
	}
	g, _ = s.db.Group(system(), id)
	if len(g.Members) != 2 {
		t.Fatalf("members after the manager's addition: %+v", g.Members)
	}
	member := s.signIn("member")
	if _, body := member.get("/groups/" + pay); strings.Contains(body, `/members"`) {
		t.Error("a plain member is shown the member form")
	}
	member.post("/groups/"+pay+"/members/"+s.ids["outsider"].String()+"/remove", url.Values{"back": {"/groups/" + pay}})
	if g, _ = s.db.Group(system(), id); len(g.Members) != 2 {
		t.Error("a plain member removed the manager")
	}
	if res := mgr.post("/groups/"+pay+"/members/"+s.ids["member"].String()+"/remove", url.Values{"back": {"/groups/" + pay}}); res.StatusCode != 303 {
		t.Fatalf("the manager removes a member: %d", res.StatusCode)
	}
	if g, _ = s.db.Group(system(), id); len(g.Members) != 1 {
		t.Errorf("members after the removal: %+v", g.Members)
	}
}

// TestAdminChart: an uploaded chart is checked first, with the dry run's
// report and nothing written; applied, it is in.
func TestAdminChart(t *testing.T) {
	s := newSite(t)
	admin := s.signIn("admin")
	chart := "email,name,title,manager_email,groups\nzed@example.test,Zed Park,Engineer,manager@example.test,Target/Platform:member\n"
	code, body := admin.postPage("/admin/chart", url.Values{"action": {"check"}, "csv": {chart}})
	if code != 200 || !strings.Contains(body, "Apply the chart") {
		t.Fatalf("checking a chart: %d", code)
	}
	if _, err := s.db.PersonByEmail(system(), "zed@example.test"); wayfare.ErrorCode(err) != wayfare.ENOTFOUND {
		t.Fatalf("the dry run wrote: %v", err)
	}
	code, body = admin.postPage("/admin/chart", url.Values{"action": {"check"}, "csv": {"email,name\nbroken,\n"}})
	if code != 400 || !strings.Contains(body, "line 2") {
		t.Errorf("a broken chart: %d, want its problems by line", code)
	}
	if res := admin.post("/admin/chart", url.Values{"action": {"apply"}, "csv": {chart}}); res.StatusCode != 303 {
		t.Fatalf("applying: %d", res.StatusCode)
	}
	if p, err := s.db.PersonByEmail(system(), "zed@example.test"); err != nil || p.Name != "Zed Park" {
		t.Errorf("after applying: %+v %v", p, err)
	}
}

// TestAdminSettings: the analytics settings are saved and recorded.
func TestAdminSettings(t *testing.T) {
	s := newSite(t)
	admin := s.signIn("admin")
	if res := admin.post("/admin/settings", url.Values{"people_visible": {"true"}}); res.StatusCode != 303 {
		t.Fatalf("saving: %d", res.StatusCode)
	}
	p, err := s.db.InfluencePolicy(system())
	if err != nil || !p.PeopleVisible || p.FollowsPrivate {
		t.Errorf("the policy after saving: %+v %v", p, err)
	}
	if _, body := admin.get("/admin/settings"); !regexp.MustCompile(`name="people_visible" value="true"\s*checked`).MatchString(body) {
		t.Error("the settings page does not show the saved setting")
	}
	acts, err := s.db.Acts(context.Background(), ledger.Filter{Verb: ledger.SettingsChanged})
	if err != nil || len(acts) != 1 || acts[0].Function != wayfare.Admin {
		t.Errorf("settings.changed acts: %+v %v", acts, err)
	}
	if _, body := admin.get("/acts"); !strings.Contains(body, "the organization") {
		t.Error("the ledger page does not name the settings' change")
	}
}

// TestAccountTokens: a person makes a token on /account/tokens, sees its
// secret once, and revokes it; another person cannot revoke it.
func TestAccountTokens(t *testing.T) {
	s := newSite(t)
	member := s.signIn("member")
	code, body := member.postPage("/account/tokens", url.Values{"name": {"dashboard"}, "expires": {"30d"}})
	if code != 201 {
		t.Fatalf("making a token: %d", code)
	}
	secret := regexp.MustCompile(`value="(wf_[A-Za-z0-9_-]+)"`).FindStringSubmatch(body)
	if secret == nil {
		t.Fatal("the new token is not shown")
	}
	if _, err := s.db.Authenticate(context.Background(), secret[1]); err != nil {
		t.Fatalf("the token shown does not work: %v", err)
	}
	if _, body := member.get("/account/tokens"); strings.Contains(body, secret[1]) || !strings.Contains(body, "dashboard") {
		t.Error("the list shows the secret again, or not the token")
	}
	if code, _ := member.postPage("/account/tokens", url.Values{"name": {""}, "expires": {"forever"}}); code != 400 {
		t.Errorf("a token with no name and a wrong expiry: %d", code)
	}
	toks, _ := s.db.Tokens(as(s, "member"), people.TokenFilter{})
	other := s.signIn("outsider")
	other.post("/account/tokens/"+toks[0].ID.String()+"/revoke", url.Values{})
	if _, err := s.db.Authenticate(context.Background(), secret[1]); err != nil {
		t.Fatal("another person revoked the token")
	}
	if res := member.post("/account/tokens/"+toks[0].ID.String()+"/revoke", url.Values{}); res.StatusCode != 303 {
		t.Fatalf("revoking: %d", res.StatusCode)
	}
	if _, err := s.db.Authenticate(context.Background(), secret[1]); err == nil {
		t.Error("a revoked token still works")
	}
}

func system() context.Context {
	return wayfare.WithActor(context.Background(), wayfare.Actor{System: true})
}

func as(s *site, who string) context.Context {
	return wayfare.WithActor(context.Background(), wayfare.Actor{PersonID: s.ids[who]})
}

// idAfter returns the id in the first link that starts with prefix and
// whose text is name.
func idAfter(t *testing.T, body, prefix, name string) string {
	t.Helper()
	m := regexp.MustCompile(regexp.QuoteMeta(prefix) + `(\d+)">` + regexp.QuoteMeta(name) + `<`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no link to %s", name)
	}
	return m[1]
}

// postPage posts a form and returns the status and the page answered.
func (b *browser) postPage(path string, form url.Values) (int, string) {
	b.t.Helper()
	res, err := b.c.PostForm(b.s.srv.URL+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	var sb strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := res.Body.Read(buf)
		sb.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return res.StatusCode, sb.String()
}

// TestLeaversMarked: the records of someone who left stay, their name
// marked as having left wherever a page names them.
func TestLeaversMarked(t *testing.T) {
	s := newSite(t)
	admin := wayfare.WithActor(context.Background(), wayfare.Actor{PersonID: s.ids["admin"], Admin: true})
	for _, who := range []string{"author", "member"} {
		if _, err := s.db.SetStatus(admin, s.ids[who], people.Deactivated); err != nil {
			t.Fatal(err)
		}
	}
	b := s.signIn("outsider")
	const mark = `<span class="chip chip-left">has left</span>`
	for _, page := range []struct{ path, name string }{
		{"/pitches/{P}", "Author"}, // the byline
		{"/journeys/{J}", "Author"},
		{"/journeys/{J}", "Member"}, // a rider
		{"/people/{member}", "Member"},
		{"/acts", "Author"},
	} {
		_, body := b.get(s.path(page.path))
		if !strings.Contains(body, page.name+"</a> "+mark) && !strings.Contains(body, page.name+" "+mark) {
			t.Errorf("%s does not mark %s as having left", page.path, page.name)
		}
	}
	if _, body := b.get(s.path("/pitches/{P}")); strings.Contains(body, "Manager</a> "+mark) {
		t.Error("someone active is marked as having left")
	}
}

// TestAdminChartUpload: the org chart may come as a file, read in memory:
// checked for an admin, refused unread to anyone else and past 8 MiB,
// and no part of it ever lands in a temporary file.
func TestAdminChartUpload(t *testing.T) {
	s := newSite(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	upload := func(b *browser, size int) (int, string) {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("action", "check")
		f, _ := mw.CreateFormFile("file", "people.csv")
		f.Write([]byte("email,name,title\nzed@example.test,Zed Park,"))
		f.Write(bytes.Repeat([]byte("x"), size))
		f.Write([]byte("\n"))
		mw.Close()
		req, _ := http.NewRequest("POST", s.srv.URL+"/admin/chart", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		res, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		page, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(page)
	}
	if code, page := upload(s.signIn("admin"), 10); code != 200 || !strings.Contains(page, "Apply the chart") || !strings.Contains(page, "zed@example.test") {
		t.Errorf("an admin's upload: %d", code)
	}
	if code, _ := upload(s.signIn("manager"), 10); code != 403 {
		t.Errorf("a manager's upload: %d, want 403", code)
	}
	if code, _ := upload(s.signIn("admin"), 9<<20); code < 400 {
		t.Errorf("a 9 MiB chart: %d, want it refused", code)
	}
	if files, _ := os.ReadDir(tmp); len(files) != 0 {
		t.Errorf("an upload left %d temporary files", len(files))
	}
}

// TestGroupDirectory: /groups shows the tree with each group's counts, a
// group's page its path and sub-groups, search finds groups, and a group
// whose managers all left is flagged for admins.
func TestGroupDirectory(t *testing.T) {
	s := newSite(t)
	admin := wayfare.WithActor(context.Background(), wayfare.Actor{PersonID: s.ids["admin"], Admin: true})
	sub, err := s.db.CreateGroup(admin, people.NewGroup{Name: "Payments", ParentID: ptr(s.ids["T"])})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.SetRole(admin, sub.ID, s.ids["outsider"], people.Manager); err != nil {
		t.Fatal(err)
	}
	b := s.signIn("member")
	_, body := b.get("/groups")
	target, payments := strings.Index(body, ">Target</a>"), strings.Index(body, ">Payments</a>")
	if target < 0 || payments < target || !strings.Contains(body[target:payments], "2 people · 1 pitch selling · 1 journey in progress") {
		t.Errorf("the directory does not show Target, its counts, then Payments below it:\n%s", body)
	}
	_, body = b.get("/groups/" + sub.ID.String())
	if !strings.Contains(body, `<a href="/groups/`+s.ids["T"].String()+`">Target</a> / Payments`) {
		t.Error("a group's page does not show where it sits")
	}
	if _, body = b.get(s.path("/groups/{T}")); !strings.Contains(section(body, "h-children"), ">Payments</a>") {
		t.Error("a group's page does not list its sub-groups")
	}
	if _, body = b.get("/search?q=paym"); !strings.Contains(section(body, "h-rgroups"), "Target / Payments") {
		t.Error("search does not find the group")
	}
	if _, err := s.db.SetStatus(admin, s.ids["outsider"], people.Deactivated); err != nil {
		t.Fatal(err)
	}
	_, body = s.signIn("admin").get("/admin")
	if !strings.Contains(section(body, "h-attention"), "Target / Payments") {
		t.Error("the overview does not flag the group whose managers left")
	}
}

func ptr[T any](v T) *T { return &v }
