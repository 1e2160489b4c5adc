package browsertest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowser plays the whole story through the pages of the real binary,
// then a keyboard-only pass, then a facilitated session live, then checks
// every page type with axe-core and
// saves its screenshots. One server and one browser serve all three.
func TestBrowser(t *testing.T) {
	if testing.Short() && !required() {
		t.Skip("the browser suite does not run with -short")
	}
	axe := loadAxe(t)
	start := time.Now()
	s := newSuite(t)
	for _, step := range []struct {
		name string
		run  func(*testing.T)
	}{
		{"story", s.story},
		{"keyboard", s.keyboard},
		{"facilitation", s.facilitation},
		{"pages", func(t *testing.T) { s.pages(t, axe) }},
	} {
		began := time.Now()
		t.Run(step.name, step.run)
		t.Logf("%s took %s", step.name, time.Since(began).Round(time.Millisecond))
	}
	t.Logf("the browser suite took %s", time.Since(start).Round(time.Millisecond))
}

const storyTitle = "Blameless postmortems for every incident"

// story: a front-line engineer pitches to the executive group, colleagues
// buy tickets while she watches, only the group's manager may decide and
// adopts, the ticket holders ride, a doubt calls for leadership, and
// someone from another department re-pitches.
func (s *suite) story(t *testing.T) {
	maya := s.as(t, emailEngineer)

	// Leadership: Maya pitches to the Executive team, not her group, with evidence.
	maya.openOK(t, "/pitches/new")
	maya.fill(t, "#group_id", executiveTeam) // the group's path, as the picker offers it
	maya.fill(t, "#title", storyTitle)
	maya.fill(t, "#status_quo", "Incidents end with a culprit, and the same failures come back.")
	maya.fill(t, "#better_way", "Review every incident for what we learn, never for whom to blame.")
	maya.set(t, "#tickets_wanted", "3")
	maya.set(t, "#ek0", "data")
	maya.fill(t, "#el0", "Repeat incidents")
	maya.fill(t, "#ev0", "7")
	maya.fill(t, "#eu0", "per quarter")
	maya.fill(t, "#es0", "Pager history")
	maya.submit(t, `form.pitch-form button[type=submit]`)
	pitchPath := maya.path(t)
	if !strings.HasPrefix(pitchPath, "/pitches/") || pitchPath == "/pitches/new" {
		t.Fatalf("publishing led to %s; the page says: %s", pitchPath, maya.text(t, "main"))
	}
	s.pitchID = strings.TrimPrefix(pitchPath, "/pitches/")
	if got := maya.text(t, "h1"); got != storyTitle {
		t.Errorf("the pitch's heading is %q", got)
	}
	if got := maya.text(t, ".byline"); !strings.Contains(got, executiveTeam) {
		t.Errorf("the byline does not name the target group: %q", got)
	}
	if got := maya.text(t, ".pitch .origin"); !strings.Contains(got, "outside") {
		t.Errorf("the origin badge should say the pitch comes from outside the group: %q", got)
	}
	if got := maya.text(t, ".evidence-list"); !strings.Contains(got, "Repeat incidents") || !strings.Contains(got, "7") {
		t.Errorf("the evidence is not shown: %q", got)
	}
	noDecisionControl(t, maya)

	// A VP who is a plain member of the Executive team may not decide either.
	priya := s.as(t, emailVP)
	priya.openOK(t, pitchPath)
	noDecisionControl(t, priya)

	// Elena manages the Executive team: her home page, open all along,
	// counts the tickets on the card of the pitch waiting for her.
	elena := s.as(t, emailCEO)
	elena.openOK(t, "/")
	js[bool](t, elena, `window.__stayed = true`)

	// Followers: three colleagues buy tickets; Maya's open tab counts them live.
	for i, c := range s.colleagues[:3] {
		buyer := s.as(t, c.Email)
		buyer.openOK(t, pitchPath)
		live(t, maya, fmt.Sprintf("ticket %d of 3", i+1),
			fmt.Sprintf(`document.querySelector("#tickets .sold")?.textContent.trim() === "%d"`, i+1),
			func() { buyer.submit(t, `#tickets form[action$="/tickets"] button[type=submit]`) })
		if got := buyer.text(t, "#tickets"); !strings.Contains(got, "You hold a ticket") {
			t.Errorf("%s bought a ticket but the page says: %q", c.Name, got)
		}
	}
	if got := maya.text(t, "#tickets"); !strings.Contains(got, "ready for a decision") {
		t.Errorf("3 of 3 tickets sold, but Maya's tab does not say it is ready for a decision: %q", got)
	}
	// Screen readers hear the new count from the page's status line.
	if got := js[string](t, maya, `document.querySelector("[role=status]#live-status")?.textContent ?? ""`); !strings.Contains(got, "3 of 3 tickets") {
		t.Errorf("the status line for screen readers says %q, want the new count", got)
	}

	homeCard := fmt.Sprintf(`document.querySelector('section[aria-labelledby="h-awaiting"] a[href=%q]')`+
		`?.closest("li")?.querySelector(".sold")?.textContent.trim() === "3"`, pitchPath)
	elena.waitFor(t, "the count on the card of her home page", homeCard, liveBudget)
	if !js[bool](t, elena, `window.__stayed === true`) {
		t.Errorf("Elena's home page reloaded; it should update in place")
	}

	// Management: the Executive team's manager sees it waiting and adopts it.
	elena.openOK(t, "/")
	if !elena.has(t, fmt.Sprintf(`section[aria-labelledby="h-awaiting"] a[href=%q]`, pitchPath)) {
		t.Errorf("Elena's home does not list the pitch among the decisions waiting for her")
	}
	elena.openOK(t, pitchPath)
	if !elena.has(t, "form.decide") {
		t.Fatalf("the manager of the Executive team gets no decision form; the page says: %s", elena.text(t, "main"))
	}
	elena.do(t, "choose adopt", chromedp.Click(chromedp.CSS(`form.decide input[name=outcome][value=adopt]`)))
	elena.set(t, "#method", "consultative")
	elena.fill(t, "#rationale", "I asked the VPs for advice; it was unanimous and the pager data is clear.")
	elena.fill(t, "#destination", "Every incident since January has a blameless review.")
	live(t, maya, "the decision",
		`document.querySelector("#decisions .history")?.innerText.includes("adopt")`,
		func() { elena.submit(t, `form.decide button[type=submit]`) })
	if got := maya.text(t, "#decisions .history"); !strings.Contains(got, "Elena Marsh") || !strings.Contains(got, "consultative") {
		t.Errorf("the decision history does not show who decided and how: %q", got)
	}
	journeyPath := elena.path(t)
	if !strings.HasPrefix(journeyPath, "/journeys/") {
		t.Fatalf("adopting led to %s, not the journey", journeyPath)
	}
	s.journeyID = strings.TrimPrefix(journeyPath, "/journeys/")

	// The journey: the ticket holders are its riders.
	riders := strings.Split(js[string](t, elena, `[...document.querySelectorAll("#h-people ~ h3")]
		.filter(h => h.textContent.startsWith("Riders"))
		.map(h => h.nextElementSibling ? [...h.nextElementSibling.querySelectorAll("li")].map(li => li.innerText.trim()).join("\n") : "")
		.join("\n")`), "\n")
	want := []string{s.colleagues[0].Name, s.colleagues[1].Name, s.colleagues[2].Name}
	slices.Sort(riders)
	slices.Sort(want)
	if !slices.Equal(riders, want) {
		t.Errorf("the journey's riders are %q, want the ticket holders %q", riders, want)
	}

	// Maya follows the journey from her pitch tab.
	maya.waitFor(t, "the link to the journey", fmt.Sprintf(`document.querySelector('#tickets a[href=%q]')`, journeyPath), 5*time.Second)
	maya.navigateBy(t, "follow the journey", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#tickets a[href=%q]`, journeyPath))))
	if maya.has(t, ".banner") {
		t.Fatalf("a fresh journey already needs leadership")
	}

	// A rider doubts; with 3 riders one doubt passes 25 %: the banner shows
	// live in Maya's tab (she is not a rider) and in Elena's.
	rider := s.as(t, s.colleagues[0].Email)
	rider.openOK(t, journeyPath)
	rider.fill(t, "#doubt-note", "Why are we on this trip? Reviews take a whole afternoon.")
	banner := `document.querySelector("#live .banner h2")?.textContent.includes("needs leadership")`
	live(t, maya, "the needs-leadership banner", banner,
		func() { rider.submit(t, `form[action$="/doubts"] button[type=submit]`) })
	elena.waitFor(t, "the needs-leadership banner", banner, liveBudget)
	if got := rider.text(t, "#h-rider ~ p"); !strings.Contains(got, "Reviews take a whole afternoon") {
		t.Errorf("the rider's own doubt is not shown to them: %q", got)
	}

	// Leadership again: someone from another department re-pitches.
	tomas := s.as(t, emailOther)
	tomas.openOK(t, journeyPath)
	if !tomas.has(t, ".banner form textarea") {
		t.Fatalf("Tomás sees no re-pitch form in the banner; the page says: %s", tomas.text(t, "main"))
	}
	tomas.fill(t, ".banner form textarea", "Repeat incidents fell from 7 to 2 a quarter where teams hold reviews.")
	live(t, maya, "the re-pitch",
		`document.querySelector(".repitches")?.innerText.includes("Repeat incidents fell from 7 to 2")`,
		func() { tomas.submit(t, `.banner form button[type=submit]`) })
	if got := tomas.text(t, ".repitches"); !strings.Contains(got, s.byEmail[emailOther].Name) {
		t.Errorf("the re-pitch does not name Tomás: %q", got)
	}
}

// noDecisionControl fails if the pitch page offers a way to decide, or if
// the server takes a decision posted from it anyway.
func noDecisionControl(t *testing.T, tb *tab) {
	t.Helper()
	for _, sel := range []string{"form.decide", `form[action$="/decision"]`, `input[name=outcome]`, "#rationale"} {
		if tb.has(t, sel) {
			t.Errorf("%s sees a decision control (%s) but may not decide", tb.name, sel)
		}
	}
	status := run(t, tb, "post a decision by hand", chromedp.Evaluate[int](`fetch(location.pathname + "/decision", {
		method: "POST", redirect: "manual",
		body: new URLSearchParams({outcome: "adopt", method: "directive", rationale: "I say so."})
	}).then(r => r.status)`, chromedp.EvalAwaitPromise))
	if status != 403 {
		t.Errorf("%s posted a decision by hand: status %d, want 403", tb.name, status)
	}
}
