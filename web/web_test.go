package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/management"
	"github.com/wayfare-org/wayfare/people"
	"github.com/wayfare-org/wayfare/store"
	"github.com/wayfare-org/wayfare/store/pgtest"
	"github.com/wayfare-org/wayfare/web"
)

const password = "a long enough password"

// site is a small organization served by the pages: "manager" manages
// the Target group where "member" is a member; "outsider" is in no group;
// "admin" is an admin with no role. P is a pitch to Target by "author" with
// markup in its text; J is an adopted pitch's journey whose rider is
// "member".
type site struct {
	t     *testing.T
	cfg   store.Config // where its store is, for another node on it
	db    *store.DB
	pages *web.Server
	srv   *httptest.Server
	ids   map[string]wayfare.ID
	P, J  wayfare.ID
}

func newSite(t *testing.T) *site {
	t.Helper()
	return newSiteWith(t, web.Config{})
}

// newSiteWith is newSite with the pages configured by cfg.
func newSiteWith(t *testing.T, cfg web.Config) *site {
	t.Helper()
	return newSiteFor(t, func(string) web.Config { return cfg })
}

// newSiteFor is newSite with the pages configured by what configure
// returns for the site's URL.
func newSiteFor(t *testing.T, configure func(baseURL string) web.Config) *site {
	t.Helper()
	cfg := pgtest.Config(t, filepath.Join(t.TempDir(), "w.db"))
	db, err := store.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	srv := httptest.NewUnstartedServer(nil)
	pages, err := web.New(db, slog.New(slog.NewTextHandler(testLog{t}, nil)), configure("http://"+srv.Listener.Addr().String()))
	if err != nil {
		t.Fatal(err)
	}
	s := &site{t: t, cfg: cfg, db: db, pages: pages, ids: map[string]wayfare.ID{}, srv: srv}
	srv.Config.Handler = pages.Handler()
	srv.Start()
	t.Cleanup(s.srv.Close)
	sys := wayfare.WithActor(context.Background(), wayfare.Actor{System: true})
	hash, err := people.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"manager", "member", "outsider", "admin", "author"} {
		p, err := db.CreatePerson(sys, people.NewPerson{Name: strings.ToUpper(name[:1]) + name[1:], Email: name + "@example.test", Admin: name == "admin"})
		must(err)
		must(db.SetPassword(sys, p.ID, hash))
		s.ids[name] = p.ID
	}
	g, err := db.CreateGroup(sys, people.NewGroup{Name: "Target"})
	must(err)
	s.ids["T"] = g.ID
	_, err = db.SetRole(sys, g.ID, s.ids["manager"], people.Manager)
	must(err)
	_, err = db.SetRole(sys, g.ID, s.ids["member"], people.Member)
	must(err)
	as := func(who string) context.Context {
		return wayfare.WithActor(context.Background(), wayfare.Actor{PersonID: s.ids[who]})
	}
	p, err := db.Publish(as("author"), leadership.NewPitch{GroupID: g.ID, Kind: leadership.Proposal, Title: "Written decisions",
		StatusQuo: "Decisions vanish <script>alert('x')</script> in **chat**.", BetterWay: "Write them down.", TicketsWanted: 3,
		Evidence: []leadership.Evidence{{Kind: leadership.Link, Label: "Decision log template", URL: "https://example.test/log"}}})
	must(err)
	s.P = p.ID
	q, err := db.Publish(as("author"), leadership.NewPitch{GroupID: g.ID, Kind: leadership.Proposal, Title: "Weekly demos",
		StatusQuo: "a", BetterWay: "b", TicketsWanted: 1})
	must(err)
	_, _, err = db.BuyTicket(as("member"), q.ID)
	must(err)
	d, err := db.Decide(as("manager"), q.ID, management.NewDecision{Outcome: management.Adopt, Method: management.Directive, Rationale: "Yes."})
	must(err)
	s.J = *d.JourneyID
	return s
}

// testLog writes what the pages log to the test's log, shown when it fails.
type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Helper()
	l.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

// browser is one person's browser: a cookie jar that does not follow
// redirects, so that tests see them.
type browser struct {
	t *testing.T
	c *http.Client
	s *site
}

func (s *site) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: s.t, s: s, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// signIn returns a browser signed in as who.
func (s *site) signIn(who string) *browser {
	b := s.browser()
	res := b.post("/login", url.Values{"email": {who + "@example.test"}, "password": {password}, "next": {"/"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		s.t.Fatalf("signing in as %s: %d", who, res.StatusCode)
	}
	return b
}

func (b *browser) get(path string, header ...string) (*http.Response, string) {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.s.srv.URL+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

func (b *browser) post(path string, form url.Values, header ...string) *http.Response {
	b.t.Helper()
	req, _ := http.NewRequest("POST", b.s.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

func (s *site) path(p string) string {
	return strings.NewReplacer("{P}", s.P.String(), "{J}", s.J.String(), "{T}", s.ids["T"].String(),
		"{member}", s.ids["member"].String()).Replace(p)
}

// node returns the same site served by another node: a store and pages
// of their own on the same PostgreSQL database.
func (s *site) node() *site {
	s.t.Helper()
	if s.cfg.Database == "" {
		s.t.Fatal("another node needs a PostgreSQL database")
	}
	db, err := store.Open(context.Background(), s.cfg)
	if err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(func() { db.Close() })
	pages, err := web.New(db, slog.New(slog.NewTextHandler(testLog{s.t}, nil)), web.Config{})
	if err != nil {
		s.t.Fatal(err)
	}
	srv := httptest.NewServer(pages.Handler())
	s.t.Cleanup(srv.Close)
	n := *s
	n.db, n.pages, n.srv = db, pages, srv
	return &n
}
