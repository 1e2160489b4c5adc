package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// tab is one person's window, in a browser context of its own: its own
// cookies, so its own session.
type tab struct {
	name string
	base string
	ctx  context.Context
}

// newTab opens a window in a fresh browser context. It lives as long as
// the top-level test.
func (s *suite) newTab(t *testing.T, name string) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(s.browser, chromedp.WithNewBrowserContext())
	s.t.Cleanup(cancel)
	// The first run opens the window and binds it to the context it gets:
	// that must be the tab's own, not one with a step's timeout.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("%s: open a window: %v", name, err)
	}
	tb := &tab{name: name, base: s.base, ctx: ctx}
	tb.do(t, "size the window", chromedp.EmulateViewport(1280, 900))
	return tb
}

// as returns a tab signed in as the person with that e-mail address,
// signing in through the login page the first time.
func (s *suite) as(t *testing.T, email string) *tab {
	t.Helper()
	if tb, ok := s.tabs[email]; ok {
		return tb
	}
	name := "signed out"
	if email != "" {
		name = s.byEmail[email].Name
	}
	tb := s.newTab(t, name)
	if email != "" {
		tb.signIn(t, email)
	}
	s.tabs[email] = tb
	return tb
}

// do runs steps with a timeout and fails the test on an error.
func (tb *tab) do(t *testing.T, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %s: %v", tb.name, what, err)
	}
}

// run runs one action that returns a value, with a timeout.
func run[T any](t *testing.T, tb *tab, what string, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %s: %v", tb.name, what, err)
	}
	return v
}

// js evaluates an expression in the page.
func js[T any](t *testing.T, tb *tab, expr string) T {
	t.Helper()
	return run(t, tb, "evaluate "+firstLine(expr), chromedp.Evaluate[T](expr))
}

// open loads a page and returns its HTTP status.
func (tb *tab) open(t *testing.T, path string) int64 {
	t.Helper()
	res := run(t, tb, "open "+path, chromedp.NavigateResponse(tb.base+path))
	return res.Status
}

// openOK loads a page and fails unless it answers 200.
func (tb *tab) openOK(t *testing.T, path string) {
	t.Helper()
	if st := tb.open(t, path); st != 200 {
		t.Fatalf("%s: GET %s: status %d", tb.name, path, st)
	}
}

// submit clicks a button that submits a form and waits for the page it
// leads to; it fails on an error status.
func (tb *tab) submit(t *testing.T, button string) {
	t.Helper()
	tb.navigateBy(t, "click "+button, chromedp.Click(chromedp.CSS(button)))
}

// navigateBy runs steps that navigate (a click, a key) and waits for the
// new page; it fails on an error status.
func (tb *tab) navigateBy(t *testing.T, what string, steps ...chromedp.Action[chromedp.Void]) *network.Response {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	res, err := chromedp.RunResponse(ctx, steps...)
	if err != nil {
		t.Fatalf("%s: %s: %v", tb.name, what, err)
	}
	if res.Status >= 400 {
		t.Fatalf("%s: %s: %s answered %d; the page says: %s", tb.name, what, res.URL, res.Status, tb.text(t, "main"))
	}
	return res
}

// fill types into a field (after clearing it).
func (tb *tab) fill(t *testing.T, sel, value string) {
	t.Helper()
	js[bool](t, tb, fmt.Sprintf(`(e => { e.value = ""; return true })(document.querySelector(%q))`, sel))
	tb.do(t, "fill "+sel, chromedp.SendKeys(chromedp.CSS(sel), value))
}

// set sets a field's value directly (selects, numbers, dates).
func (tb *tab) set(t *testing.T, sel, value string) {
	t.Helper()
	tb.do(t, "set "+sel, chromedp.SetValue(chromedp.CSS(sel), value))
}

// text returns the visible text of the first element matching sel, or "".
func (tb *tab) text(t *testing.T, sel string) string {
	t.Helper()
	return js[string](t, tb, fmt.Sprintf(`(document.querySelector(%q) || {innerText: ""}).innerText.trim()`, sel))
}

// has reports whether an element matches sel.
func (tb *tab) has(t *testing.T, sel string) bool {
	t.Helper()
	return js[bool](t, tb, fmt.Sprintf(`document.querySelector(%q) !== null`, sel))
}

// path returns the page's path.
func (tb *tab) path(t *testing.T) string {
	t.Helper()
	return js[string](t, tb, `location.pathname`)
}

// signIn signs in through the login page with the mouse.
func (tb *tab) signIn(t *testing.T, email string) {
	t.Helper()
	tb.openOK(t, "/login")
	tb.fill(t, "#email", email)
	tb.fill(t, "#password", password)
	tb.submit(t, `form[action="/login"] button[type=submit]`)
	if p := tb.path(t); p != "/" {
		t.Fatalf("%s: signing in led to %s, not home; the page says: %s", tb.name, p, tb.text(t, "main"))
	}
}

// until polls a condition in the page every 20 ms and returns how long it
// took to hold, or false when it did not hold within limit. Errors while
// the page changes count as "not yet".
func (tb *tab) until(cond string, limit time.Duration) (time.Duration, bool) {
	start := time.Now()
	for time.Since(start) < limit {
		ctx, cancel := context.WithTimeout(tb.ctx, time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!(`+cond+`)`))
		cancel()
		if err == nil && ok {
			return time.Since(start), true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return time.Since(start), false
}

// waitFor fails unless cond holds in the page within limit.
func (tb *tab) waitFor(t *testing.T, what, cond string, limit time.Duration) {
	t.Helper()
	if _, ok := tb.until(cond, limit); !ok {
		t.Fatalf("%s: %s: not within %s; the page says: %s", tb.name, what, limit, tb.text(t, "main"))
	}
}

// live runs act (in another tab) while watcher waits for cond, and
// returns how long after the start of act the watcher showed it. The
// watcher's page must not reload: a marker set before must survive.
func live(t *testing.T, watcher *tab, what, cond string, act func()) time.Duration {
	t.Helper()
	return liveWithin(t, watcher, what, cond, liveBudget, act)
}

// liveWithin is live with a budget of its own, for what passes through
// more than the page's stream (the notifications worker).
func liveWithin(t *testing.T, watcher *tab, what, cond string, budget time.Duration, act func()) time.Duration {
	t.Helper()
	js[bool](t, watcher, `window.__stayed = true`)
	seen := make(chan time.Duration, 1)
	go func() {
		d, ok := watcher.until(cond, 10*time.Second)
		if !ok {
			d = -1
		}
		seen <- d
	}()
	act()
	d := <-seen
	if d < 0 {
		t.Fatalf("%s: %s: never showed live (10 s); the tab says: %s", watcher.name, what, watcher.text(t, "main"))
	}
	if !js[bool](t, watcher, `window.__stayed === true`) {
		t.Fatalf("%s: %s: the page reloaded; it should update in place", watcher.name, what)
	}
	if d > budget {
		t.Errorf("%s: %s: showed after %s, more than %s", watcher.name, what, d.Round(time.Millisecond), budget)
	}
	t.Logf("%s: %s: live after %s", watcher.name, what, d.Round(time.Millisecond))
	return d
}

// press sends keys to the focused element.
func (tb *tab) press(t *testing.T, keys string) {
	t.Helper()
	tb.do(t, fmt.Sprintf("press %q", keys), chromedp.KeyEvent(keys))
}

// tabTo presses Tab until the focused element matches sel, checking that
// every element on the way shows where the focus is. It fails after max
// presses, and returns how many it took.
func (tb *tab) tabTo(t *testing.T, sel string, max int) int {
	t.Helper()
	for i := 1; i <= max; i++ {
		tb.press(t, kb.Tab)
		var f struct {
			Match   bool
			Tag     string
			Outline string
		}
		raw := js[string](t, tb, fmt.Sprintf(`(() => {
			const a = document.activeElement, s = getComputedStyle(a);
			return JSON.stringify({match: a.matches(%q), tag: a.outerHTML.slice(0, 80),
				outline: s.outlineStyle === "none" || s.outlineWidth === "0px" ? "" : s.outlineStyle + " " + s.outlineWidth});
		})()`, sel))
		if err := json.Unmarshal([]byte(raw), &f); err != nil {
			t.Fatal(err)
		}
		if f.Outline == "" && !strings.HasPrefix(f.Tag, "<body") {
			t.Errorf("%s: the keyboard focus is invisible on %s", tb.name, f.Tag)
		}
		if f.Match {
			return i
		}
	}
	t.Fatalf("%s: %s not reached with %d presses of Tab", tb.name, sel, max)
	return 0
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i] + "…"
	}
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return s
}
