package browsertest

import (
	"strings"
	"testing"
)

const sessionPrompt = "What would make our on-call week calmer?"

// facilitation: Payments' manager starts a session from the group's page;
// Maya watches her tab while a team mate posts an idea and the manager
// opens the dot votes, both live; then she casts a dot without script
// help (a plain form post).
func (s *suite) facilitation(t *testing.T) {
	var groups struct{ Items []struct{ ID, Name string } }
	s.api(t, "/groups?limit=500", &groups)
	var payments string
	for _, g := range groups.Items {
		if g.Name == "Payments" {
			payments = g.ID
		}
	}
	if payments == "" {
		t.Fatal("the demo has no Payments team")
	}
	daniel := s.as(t, emailManager)
	daniel.openOK(t, "/groups/"+payments)
	daniel.fill(t, "#session-prompt", sessionPrompt)
	daniel.submit(t, `form[action$="/sessions"] button[type=submit]`)
	path := daniel.path(t)
	if !strings.HasPrefix(path, "/sessions/") {
		t.Fatalf("opening a session led to %s; the page says: %s", path, daniel.text(t, "main"))
	}
	if got := daniel.text(t, "h1"); got != sessionPrompt {
		t.Errorf("the session's heading is %q", got)
	}

	maya := s.as(t, emailEngineer)
	maya.openOK(t, path)
	if got := maya.text(t, ".steps [aria-current=step]"); !strings.Contains(got, "ideas") {
		t.Errorf("the current step is %q, want ideas", got)
	}
	mate := s.as(t, s.colleagues[0].Email)
	mate.openOK(t, path)
	live(t, maya, "a team mate's idea", `document.querySelector("#session .ideas")?.innerText.includes("Hand over with a checklist")`,
		func() {
			mate.fill(t, "#idea-text", "Hand over with a checklist")
			mate.submit(t, `form[action$="/ideas"] button[type=submit]`)
		})
	live(t, maya, "the dot votes open", `document.querySelector("#session .votes-left")?.innerText.includes("3 dots")`,
		func() { daniel.submit(t, `form[action$="/phase"] input[value=votes] ~ button`) })
	maya.submit(t, `#session .ideas form[action$="/votes"] button[type=submit]`)
	if got := maya.text(t, "#session .votes-left"); !strings.Contains(got, "2 dots") {
		t.Errorf("after one dot the page says %q", got)
	}
}
