package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/wayfare-org/wayfare/web"
)

func TestSignInIsRequired(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	for _, p := range []string{"/", "/pitches/new", s.path("/pitches/{P}"), s.path("/journeys/{J}"), "/acts", "/insights"} {
		res, _ := b.get(p)
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login?next=") {
			t.Errorf("%s: %d %s, want a redirect to sign in", p, res.StatusCode, res.Header.Get("Location"))
		}
	}
	res, body := b.get("/login")
	if res.StatusCode != 200 || !strings.Contains(body, `autocomplete="current-password"`) {
		t.Fatalf("login page: %d", res.StatusCode)
	}
}

func TestSignIn(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	res := b.post("/login", url.Values{"email": {"member@example.test"}, "password": {"wrong password"}})
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", res.StatusCode)
	}
	res = b.post("/login", url.Values{"email": {"Member@Example.test"}, "password": {password}, "next": {"//evil.example/"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Fatalf("sign in: %d to %q (an off-site next must not be followed)", res.StatusCode, res.Header.Get("Location"))
	}
	var cookie *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "wayfare_session" {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie %+v", cookie)
	}
	if res, _ := b.get("/"); res.StatusCode != 200 {
		t.Fatalf("home after sign-in: %d", res.StatusCode)
	}
	if res := b.post("/logout", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", res.StatusCode)
	}
	if res, _ := b.get("/"); res.StatusCode != http.StatusSeeOther {
		t.Fatal("still signed in after logout")
	}
}

func TestFailedSignInsAreLimited(t *testing.T) {
	s := newSite(t)
	web.FreezeLimits(s.pages)
	b := s.browser()
	for i := range 5 {
		if res := b.post("/login", url.Values{"email": {"member@example.test"}, "password": {"guess"}}); res.StatusCode != 401 {
			t.Fatalf("try %d: %d", i, res.StatusCode)
		}
	}
	res := b.post("/login", url.Values{"email": {"member@example.test"}, "password": {password}})
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Fatalf("after 5 failures even the right password must wait: %d", res.StatusCode)
	}
}

func TestEveryPageRenders(t *testing.T) {
	s := newSite(t)
	b := s.signIn("member")
	pages := []struct {
		path, want string
	}{
		{"/", "Selling across the organization"},
		{"/pitches/new", "Pitch a better way"},
		{s.path("/pitches/{P}"), "Written decisions"},
		{s.path("/journeys/{J}"), "Weekly demos"},
		{s.path("/groups/{T}"), "Target"},
		{s.path("/people/{member}"), "Leadership"},
		{"/acts", "Ledger"},
		{"/acts?function=management", "decision made"},
		{"/search?q=written", "Written decisions"},
		{"/insights", "From pitch to arrival"},
	}
	for _, p := range pages {
		res, body := b.get(p.path)
		if res.StatusCode != 200 || !strings.Contains(body, p.want) {
			t.Errorf("%s: %d, want 200 with %q", p.path, res.StatusCode, p.want)
		}
		if !strings.Contains(body, `<main id="main"`) || !strings.Contains(body, `lang="en"`) {
			t.Errorf("%s: the layout is missing", p.path)
		}
	}
	for _, p := range []string{"/pitches/999999", "/journeys/abc", "/nowhere"} {
		if res, body := b.get(p); res.StatusCode != 404 || !strings.Contains(body, "There is nothing here") {
			t.Errorf("%s: %d", p, res.StatusCode)
		}
	}
}

// TestDecisionPanelOnlyForManagement checks rule 3 on the page: the
// decision form shows only to those who may decide.
func TestDecisionPanelOnlyForManagement(t *testing.T) {
	s := newSite(t)
	for who, want := range map[string]bool{"manager": true, "member": false, "author": false, "admin": false, "outsider": false} {
		_, body := s.signIn(who).get(s.path("/pitches/{P}"))
		if got := strings.Contains(body, `action="/pitches/`+s.P.String()+`/decision"`); got != want {
			t.Errorf("%s sees the decision form: %v, want %v", who, got, want)
		}
	}
	for who, want := range map[string]bool{"manager": true, "member": false, "admin": false} {
		_, body := s.signIn(who).get(s.path("/journeys/{J}"))
		if got := strings.Contains(body, "Drive the journey"); got != want {
			t.Errorf("%s sees driver controls: %v, want %v", who, got, want)
		}
	}
	_, body := s.signIn("member").get(s.path("/journeys/{J}"))
	if !strings.Contains(body, "Raise a doubt") {
		t.Error("a rider must be offered to raise a doubt")
	}
}

func TestFormsActAndRefuse(t *testing.T) {
	s := newSite(t)
	out := s.signIn("outsider")
	if res := out.post(s.path("/pitches/{P}/tickets"), nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("buy: %d", res.StatusCode)
	}
	_, body := out.get(s.path("/pitches/{P}"))
	if !strings.Contains(body, `<strong class="sold">1</strong>`) || !strings.Contains(body, "Ticket bought") {
		t.Fatal("the page must show the ticket and say so once")
	}
	// Deciding without the right: refused with the rule's words, nothing written.
	res := out.post(s.path("/pitches/{P}/decision"), url.Values{"outcome": {"adopt"}, "method": {"directive"}, "rationale": {"I say so."}})
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("an outsider deciding: %d", res.StatusCode)
	}
	mgr := s.signIn("manager")
	res = mgr.post(s.path("/pitches/{P}/decision"), url.Values{"outcome": {"adopt"}, "method": {"consultative"}})
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("a decision without rationale: %d", res.StatusCode)
	}
	res = mgr.post(s.path("/pitches/{P}/decision"), url.Values{"outcome": {"adopt"}, "method": {"consultative"}, "rationale": {"Advice was clear."}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/journeys/") {
		t.Fatalf("adopting: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	_, body = mgr.get(res.Header.Get("Location"))
	if !strings.Contains(body, "Outsider") {
		t.Fatal("the ticket holder must ride the new journey")
	}
	res = s.signIn("author").post("/pitches", url.Values{"group_id": {s.ids["T"].String()}, "kind": {"proposal"},
		"title": {"Shorter meetings"}, "status_quo": {"Hour-long."}, "better_way": {"Half-hour."}, "tickets_wanted": {"4"},
		"evidence_kind": {"data", "link"}, "evidence_label": {"Median meeting", ""}, "evidence_value": {"58", ""},
		"evidence_unit": {"minutes", ""}, "evidence_url": {"", ""}, "evidence_source": {"Calendar", ""}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/pitches/") {
		t.Fatalf("publishing: %d", res.StatusCode)
	}
	res = s.signIn("author").post("/pitches", url.Values{"group_id": {s.ids["T"].String()}, "kind": {"proposal"},
		"title": {"x"}, "status_quo": {"a"}, "better_way": {"b"}, "tickets_wanted": {"4"}})
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("a too-short title: %d", res.StatusCode)
	}
}

func TestSafeRendering(t *testing.T) {
	s := newSite(t)
	res, body := s.signIn("member").get(s.path("/pitches/{P}"))
	if strings.Contains(body, "<script>alert") {
		t.Fatal("script from a person's text reached the page")
	}
	if !strings.Contains(body, "<strong>chat</strong>") {
		t.Fatal("Markdown must render")
	}
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"} {
		if res.Header.Get(h) != want {
			t.Errorf("%s = %q", h, res.Header.Get(h))
		}
	}
	if strings.Contains(body, "style=") || strings.Contains(body, "<script>") {
		t.Error("pages must carry no inline style or script (the CSP forbids them)")
	}
}

func TestCrossOriginPostsAreRefused(t *testing.T) {
	s := newSite(t)
	b := s.signIn("outsider")
	res := b.post(s.path("/pitches/{P}/tickets"), nil, "Sec-Fetch-Site", "cross-site")
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("a cross-site form post: %d", res.StatusCode)
	}
	res = b.post(s.path("/pitches/{P}/tickets"), nil, "Origin", "https://evil.example")
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("a post from another origin: %d", res.StatusCode)
	}
	_, body := b.get(s.path("/pitches/{P}"))
	if !strings.Contains(body, `<strong class="sold">0</strong>`) {
		t.Fatal("a refused post bought a ticket")
	}
}

func TestFragmentsAndAssets(t *testing.T) {
	s := newSite(t)
	b := s.signIn("member")
	res, body := b.get(s.path("/pitches/{P}"), "X-Wayfare-Fragment", "tickets")
	if res.StatusCode != 200 || strings.Contains(body, "<html") || !strings.Contains(body, `data-fragment="tickets"`) {
		t.Fatalf("fragment: %d %q", res.StatusCode, body[:min(80, len(body))])
	}
	_, page := b.get("/")
	i := strings.Index(page, `href="/static/app.`)
	if i < 0 {
		t.Fatal("no hashed stylesheet")
	}
	css := page[i+6 : i+6+strings.Index(page[i+6:], `"`)]
	res, _ = b.get(css, "Accept-Encoding", "gzip")
	if res.StatusCode != 200 || res.Header.Get("Content-Encoding") != "gzip" ||
		!strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
		t.Fatalf("%s: %d %v", css, res.StatusCode, res.Header)
	}
	if res, _ := b.get("/static/app.00000000.css"); res.StatusCode != 404 {
		t.Fatalf("an unknown asset: %d", res.StatusCode)
	}
}

// TestPageViewsWriteNothing checks that reading pages does not write: a
// session is stored when it changes, not on every view.
func TestPageViewsWriteNothing(t *testing.T) {
	s := newSite(t)
	b := s.signIn("member")
	b.get("/") // the flash, if any, is taken
	before := s.db.Version()
	for _, p := range []string{"/", s.path("/pitches/{P}"), s.path("/journeys/{J}"), "/acts"} {
		b.get(p)
	}
	if s.db.Version() != before {
		t.Fatalf("%d commits while only reading pages", s.db.Version()-before)
	}
}

func TestLedgerNamesSubjects(t *testing.T) {
	s := newSite(t)
	_, body := s.signIn("member").get("/acts")
	for _, want := range []string{`href="/pitches/` + s.P.String() + `">Written decisions</a>`, `href="/groups/` + s.ids["T"].String() + `">Target</a>`} {
		if !strings.Contains(body, want) {
			t.Errorf("the ledger lacks %q", want)
		}
	}
	_, body = s.signIn("member").get(s.path("/people/{member}"))
	if !strings.Contains(body, ">Weekly demos</a>") {
		t.Error("a person's acts must name their subjects")
	}
}

func TestBuyButtonFollowsRuleFive(t *testing.T) {
	s := newSite(t)
	b := s.signIn("outsider")
	buy := `action="/pitches/` + s.P.String() + `/tickets"`
	if _, body := b.get(s.path("/pitches/{P}")); !strings.Contains(body, buy) {
		t.Fatal("a selling pitch must offer a ticket")
	}
	s.signIn("manager").post(s.path("/pitches/{P}/decision"), url.Values{"outcome": {"decline"}, "method": {"directive"}, "rationale": {"No."}})
	if _, body := b.get(s.path("/pitches/{P}")); strings.Contains(body, buy) {
		t.Fatal("a declined pitch must not offer a ticket")
	}
}
