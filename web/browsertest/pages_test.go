package browsertest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// pageCase is one page type, as someone sees it.
type pageCase struct {
	name   string // the screenshot's file name stem
	email  string // who looks; "" is signed out
	path   string
	status int64
}

// viewport is a window size the pages must work at.
type viewport struct {
	name          string
	width, height int64
	phone         bool
}

var viewports = []viewport{{"desktop", 1280, 900, false}, {"phone", 390, 844, true}}

// pages visits every page type of pageCases with checkPages.
func (s *suite) pages(t *testing.T, axe string) { s.checkPages(t, axe, s.pageCases(t)) }

// checkPages visits each page at desktop and phone width: it saves a
// screenshot of each, checks that nothing scrolls sideways on a phone, and
// runs axe-core for WCAG 2.1 A and AA, failing on serious or critical
// violations. Without axe-core (axe == "") it skips once the screenshots
// are saved.
func (s *suite) checkPages(t *testing.T, axe string, cases []pageCase) {
	dir := screenshotDir(t)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots: %s", dir)
	checked := 0
	for _, pc := range cases {
		tb := s.as(t, pc.email)
		for _, vp := range viewports {
			opts := []chromedp.EmulateViewportOption{chromedp.EmulateScale(1)}
			if vp.phone {
				opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait)
			}
			tb.do(t, "resize to "+vp.name, chromedp.EmulateViewport(vp.width, vp.height, opts...))
			if st := tb.open(t, pc.path); st != pc.status {
				t.Errorf("%s (%s): GET %s answered %d, want %d", pc.name, tb.name, pc.path, st, pc.status)
			}
			run(t, tb, "wait for the fonts", chromedp.Evaluate[bool](`document.fonts.ready.then(() => true)`, chromedp.EvalAwaitPromise))
			png := run(t, tb, "screenshot", chromedp.FullScreenshot(100))
			file := filepath.Join(dir, pc.name+"-"+vp.name+".png")
			if err := os.WriteFile(file, png, 0o644); err != nil {
				t.Fatal(err)
			}
			if vp.phone {
				if w := js[int](t, tb, `document.documentElement.scrollWidth - window.innerWidth`); w > 0 {
					t.Errorf("%s at %d px scrolls sideways by %d px (WCAG 1.4.10 reflow)", pc.name, vp.width, w)
				}
			}
			if axe != "" {
				s.axeCheck(t, tb, axe, pc.name+" ("+vp.name+")")
				checked++
			}
		}
		tb.do(t, "back to desktop", chromedp.EmulateViewport(1280, 900))
	}
	if axe == "" {
		t.Skip("axe-core is not installed: accessibility not checked (screenshots saved); " + axeHint)
	}
	t.Logf("axe-core: %d page views checked", checked)
}

// pageCases lists every page type with the person who sees the most of it.
// The pages of notifications and account links need a server that sends
// mail: TestBrowserInboxAccessibility checks them (notificationPages).
func (s *suite) pageCases(t *testing.T) []pageCase {
	pitch, journey := s.pitchID, s.journeyID
	if pitch == "" || journey == "" { // the story failed early: take the demo's
		var ps, js struct{ Items []struct{ ID string } }
		s.api(t, "/pitches?limit=1", &ps)
		s.api(t, "/journeys?limit=1", &js)
		if len(ps.Items) == 0 || len(js.Items) == 0 {
			t.Fatal("the demo has no pitch or no journey")
		}
		pitch, journey = ps.Items[0].ID, js.Items[0].ID
	}
	results, votes, roundPitch := s.sessionPages(t)
	return []pageCase{
		{"login", "", "/login", 200},
		{"home", emailCEO, "/", 200},
		{"pitch", emailCEO, "/pitches/" + pitch, 200},
		{"pitch-author", emailEngineer, "/pitches/" + pitch, 200},
		{"pitch-new", emailEngineer, "/pitches/new", 200},
		{"journey", emailCEO, "/journeys/" + journey, 200},
		{"journey-rider", s.colleagues[0].Email, "/journeys/" + journey, 200},
		{"pitch-round", emailManager, "/pitches/" + roundPitch, 200},
		{"session", emailManager, "/sessions/" + results, 200},
		{"session-votes", emailOther, "/sessions/" + votes, 200},
		{"group", emailEngineer, "/groups/" + s.execGroup, 200},
		{"group-manager", emailCEO, "/groups/" + s.execGroup, 200},
		{"person", emailEngineer, "/people/" + s.byEmail[emailEngineer].ID, 200},
		{"acts", emailEngineer, "/acts", 200},
		{"search", emailEngineer, "/search?q=postmortems", 200},
		{"insights", emailEngineer, "/insights", 200},
		{"insights-admin", emailAdmin, "/insights", 200},
		{"account", emailEngineer, "/account", 200},
		{"account-tokens", emailEngineer, "/account/tokens", 200},
		{"groups", emailEngineer, "/groups", 200},
		{"admin", emailAdmin, "/admin", 200},
		{"admin-people", emailAdmin, "/admin/people", 200},
		{"admin-person", emailAdmin, "/admin/people/" + s.byEmail[emailEngineer].ID, 200},
		{"admin-groups", emailAdmin, "/admin/groups", 200},
		{"admin-group", emailAdmin, "/admin/groups/" + s.execGroup, 200},
		{"admin-chart", emailAdmin, "/admin/chart", 200},
		{"admin-settings", emailAdmin, "/admin/settings", 200},
		{"error-404", emailEngineer, "/no-such-page", 404},
	}
}

// sessionPages finds the demo's facilitated sessions: the one with
// results (its facilitator sees the most of it), the anonymous one open
// for dot votes, and the pitch that grew from an idea, with a round open.
func (s *suite) sessionPages(t *testing.T) (results, votes, roundPitch string) {
	var list struct {
		Items []struct {
			ID, Phase string
			Anonymous bool
		}
	}
	s.api(t, "/sessions?limit=50", &list)
	for _, x := range list.Items {
		switch {
		case x.Phase == "results":
			results = x.ID
		case x.Phase == "votes" && x.Anonymous:
			votes = x.ID
		}
	}
	if results == "" || votes == "" {
		t.Fatalf("the demo has no session with results or none in votes: %+v", list.Items)
	}
	var d struct {
		Ideas []struct {
			PitchID string `json:"pitch_id"`
		}
	}
	s.api(t, "/sessions/"+results, &d)
	for _, i := range d.Ideas {
		if i.PitchID != "" {
			roundPitch = i.PitchID
		}
	}
	if roundPitch == "" {
		t.Fatal("no idea of the demo's session became a pitch")
	}
	return results, votes, roundPitch
}

// shot saves what the tab's window shows now.
func (s *suite) shot(t *testing.T, tb *tab, name string) {
	t.Helper()
	dir := screenshotDir(t)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	png := run(t, tb, "screenshot", chromedp.CaptureScreenshot())
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// screenshotDir is $WAYFARE_SCREENSHOTS, or tmp/screenshots at the root of
// the repository (ignored by git).
func screenshotDir(t *testing.T) string {
	if d := os.Getenv("WAYFARE_SCREENSHOTS"); d != "" {
		return d
	}
	return filepath.Join(repoRoot(t), "tmp", "screenshots")
}

const axeHint = "npm install --no-save --prefix web/browsertest/node_modules_root axe-core@4.14.1"

// loadAxe reads axe.min.js: $WAYFARE_AXE or the npm install next to this
// package. Missing, it returns "" (a failure when the browser is required).
func loadAxe(t *testing.T) string {
	path := os.Getenv("WAYFARE_AXE")
	if path == "" {
		path = filepath.Join("node_modules_root", "node_modules", "axe-core", "axe.min.js")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		if required() {
			t.Fatalf("axe-core is needed (WAYFARE_REQUIRE_BROWSER=1): %v; %s", err, axeHint)
		}
		t.Logf("axe-core not found (%v): the accessibility checks will be skipped; %s", err, axeHint)
		return ""
	}
	return string(b)
}

// axeViolation is what the suite reports of one axe-core violation.
type axeViolation struct {
	ID, Impact, Help, HelpURL string
	Nodes                     []struct{ Target, HTML, Summary string }
}

// axeRun runs axe-core for WCAG 2.0 and 2.1, levels A and AA.
const axeRun = `axe.run(document, {
	runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
	resultTypes: ["violations"]
}).then(r => JSON.stringify(r.violations.map(v => ({
	id: v.id, impact: v.impact || "", help: v.help, helpURL: v.helpUrl,
	nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html.slice(0, 160), summary: n.failureSummary || ""}))
}))))`

// axeCheck injects axe-core into the page and fails on serious or
// critical violations; it logs the others.
func (s *suite) axeCheck(t *testing.T, tb *tab, axe, page string) {
	t.Helper()
	started := time.Now()
	tb.do(t, "inject axe-core", chromedp.Evaluate[chromedp.Void](axe+"\n;void 0"))
	raw := run(t, tb, "run axe-core", chromedp.Evaluate[string](axeRun, chromedp.EvalAwaitPromise))
	var vs []axeViolation
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		t.Fatalf("axe-core's answer: %v", err)
	}
	for _, v := range vs {
		var b strings.Builder
		fmt.Fprintf(&b, "%s: axe %s [%s] %s (%s)", page, v.ID, v.Impact, v.Help, v.HelpURL)
		for _, n := range v.Nodes {
			fmt.Fprintf(&b, "\n    %s  %s\n      %s", n.Target, n.HTML, strings.ReplaceAll(n.Summary, "\n", "\n      "))
		}
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Error(b.String())
		} else {
			t.Log(b.String())
		}
	}
	t.Logf("%s: axe-core found %d violations in %s", page, len(vs), time.Since(started).Round(time.Millisecond))
}
