package browsertest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

const keyboardTitle = "Pair on every payments migration"

// keyboard: the main path with the keyboard alone. One colleague signs
// in, reaches the pitch form, pitches to the Executive team and submits;
// another signs in and buys a ticket. No clicks: Tab, typing and Enter.
// Every element the focus passes must show it.
func (s *suite) keyboard(t *testing.T) {
	author, buyer := s.colleagues[3], s.colleagues[4]

	k := s.newTab(t, author.Name+" (keyboard)")
	k.keyboardSignIn(t, author.Email)
	if n := k.tabTo(t, "a.skip", 1); n != 1 {
		t.Errorf("the first Tab should reach the skip link")
	}
	if !js[bool](t, k, `(r => r.left >= 0 && r.top >= 0 && r.width > 0)(document.activeElement.getBoundingClientRect())`) {
		t.Errorf("the focused skip link is not visible")
	}
	k.tabTo(t, `nav a[href="/pitches/new"]`, 10)
	k.navigateBy(t, "Enter on the Pitch link", chromedp.KeyEvent(kb.Enter))
	if p := k.path(t); p != "/pitches/new" {
		t.Fatalf("Enter on the Pitch link led to %s", p)
	}
	k.tabTo(t, "#group_id", 20)
	k.press(t, executiveTeam) // typed: the picker offers it by its path
	k.tabTo(t, `input[name=kind][value=proposal]`, 3)
	k.tabTo(t, "#title", 3)
	k.press(t, keyboardTitle)
	k.tabTo(t, "#status_quo", 15) // similar pitches may offer links first
	k.press(t, "Migrations go out with one pair of eyes.")
	k.tabTo(t, "#better_way", 3)
	k.press(t, "Two engineers pair on each migration, start to finish.")
	k.tabTo(t, "#el0", 15)
	k.press(t, "Rolled-back migrations")
	k.tabTo(t, "#ev0", 3)
	k.press(t, "4")
	k.tabTo(t, `form.pitch-form button[type=submit]`, 40)
	s.shot(t, k, "keyboard-focus-desktop") // what the focus ring looks like
	k.navigateBy(t, "Enter on Publish", chromedp.KeyEvent(kb.Enter))
	pitchPath := k.path(t)
	if !strings.HasPrefix(pitchPath, "/pitches/") || pitchPath == "/pitches/new" {
		t.Fatalf("publishing with the keyboard led to %s; the page says: %s", pitchPath, k.text(t, "main"))
	}
	if got := k.text(t, "h1"); got != keyboardTitle {
		t.Errorf("the keyboard pitch's heading is %q", got)
	}
	if got := k.text(t, ".byline"); !strings.Contains(got, executiveTeam) {
		t.Errorf("the keyboard pitch went to the wrong group: %q", got)
	}

	// The author keeps the focus on a control inside the live tickets
	// panel: the count must still rise live, and the focus stay put.
	withdraw := `#tickets form[action$="/withdraw"] button[type=submit]`
	k.tabTo(t, withdraw, 40)

	b := s.newTab(t, buyer.Name+" (keyboard)")
	b.keyboardSignIn(t, buyer.Email)
	b.openOK(t, pitchPath) // typed into the address bar
	b.tabTo(t, `#tickets form[action$="/tickets"] button[type=submit]`, 40)
	live(t, k, "the count, with the focus in the tickets panel",
		`document.querySelector("#tickets .sold")?.textContent.trim() === "1"`,
		func() { b.navigateBy(t, "Enter on Buy a ticket", chromedp.KeyEvent(kb.Enter)) })
	if !js[bool](t, k, fmt.Sprintf(`document.activeElement.matches(%q)`, withdraw)) {
		t.Errorf("the live update took the keyboard focus away from the author's Withdraw button; it is on %s",
			js[string](t, k, `document.activeElement.outerHTML.slice(0, 80)`))
	}
	if got := b.text(t, "#tickets .sold"); got != "1" {
		t.Errorf("after buying with the keyboard the count is %q, want 1", got)
	}
	if got := b.text(t, "#tickets"); !strings.Contains(got, "You hold a ticket") {
		t.Errorf("after buying with the keyboard the page says: %q", got)
	}
}

// keyboardSignIn signs in with Tab, typing and Enter.
func (tb *tab) keyboardSignIn(t *testing.T, email string) {
	t.Helper()
	tb.openOK(t, "/login")
	tb.tabTo(t, "#email", 5)
	tb.press(t, email)
	tb.tabTo(t, "#password", 2)
	tb.press(t, password)
	tb.navigateBy(t, "Enter in the password field", chromedp.KeyEvent(kb.Enter))
	if p := tb.path(t); p != "/" {
		t.Fatalf("%s: signing in with the keyboard led to %s; the page says: %s", tb.name, p, tb.text(t, "main"))
	}
}

// chooseByKeyboard picks an option of the focused select by typing its
// first letters, then by arrowing down if typing did not reach it.
func (tb *tab) chooseByKeyboard(t *testing.T, option string) {
	t.Helper()
	selected := `document.activeElement.selectedOptions[0]?.textContent.trim()`
	tb.press(t, option)
	for i := 0; i < 100 && js[string](t, tb, selected) != option; i++ {
		tb.press(t, kb.ArrowDown)
	}
	if got := js[string](t, tb, selected); got != option {
		t.Fatalf("%s: could not choose %q with the keyboard; %q is chosen", tb.name, option, got)
	}
}
