package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/management"
)

// session opens a session for Target as "manager", with one idea of
// "member", and moves it to the phase.
func (s *site) session(anonymous bool, phase management.Phase) (session, idea wayfare.ID) {
	s.t.Helper()
	x, err := s.db.OpenSession(s.as("manager"), management.NewSession{GroupID: s.ids["T"], Prompt: "How do we show our work?",
		Anonymous: anonymous, VotesPerPerson: 2})
	if err != nil {
		s.t.Fatal(err)
	}
	i, err := s.db.PostIdea(s.as("member"), x.ID, management.NewIdea{Text: "Demo every Friday"})
	if err != nil {
		s.t.Fatal(err)
	}
	if phase != management.Ideas {
		if _, err := s.db.MovePhase(s.as("manager"), x.ID, phase); err != nil {
			s.t.Fatal(err)
		}
	}
	return x.ID, i.ID
}

func TestSessionPage(t *testing.T) {
	s := newSite(t)
	id, _ := s.session(false, management.Ideas)
	path := "/sessions/" + id.String()
	_, body := s.signIn("member").get(path)
	for _, want := range []string{"How do we show our work?", `aria-current="step"`, "Add an idea", "Demo every Friday", "by Member", `data-fragment="session"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the member's page lacks %q", want)
		}
	}
	if strings.Contains(body, "Facilitate") {
		t.Error("a member is offered to facilitate")
	}
	_, body = s.signIn("manager").get(path)
	if !strings.Contains(body, "Move to clusters") {
		t.Error("the facilitator is not offered to move the phase")
	}
	_, body = s.signIn("outsider").get(path)
	if strings.Contains(body, "Add an idea") || strings.Contains(body, "Move to") {
		t.Error("an outsider is offered a session's forms")
	}
	res, frag := s.signIn("member").get(path, "X-Wayfare-Fragment", "session")
	if res.StatusCode != 200 || strings.Contains(frag, "<html") || !strings.Contains(frag, `data-fragment="session"`) {
		t.Fatalf("the live fragment: %d", res.StatusCode)
	}
	if res, _ := s.signIn("member").get("/sessions/999999"); res.StatusCode != 404 {
		t.Fatalf("an unknown session: %d", res.StatusCode)
	}
}

func TestSessionFormsWithoutScript(t *testing.T) {
	s := newSite(t)
	id, first := s.session(true, management.Ideas)
	path := "/sessions/" + id.String()
	member, mgr := s.signIn("member"), s.signIn("manager")
	if res := member.post(path+"/ideas", url.Values{"text": {"Record the demos"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("posting an idea: %d", res.StatusCode)
	}
	d, err := s.db.Session(s.as("member"), id)
	if err != nil || len(d.Ideas) != 2 {
		t.Fatal(err)
	}
	second := d.Ideas[1].ID // posted from the browser, which keeps its claim
	if res := member.post(path+"/phase", url.Values{"phase": {"clusters"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("a member moving the phase: %d", res.StatusCode)
	}
	_, body := mgr.get(path)
	if strings.Contains(body, "by Member") || strings.Contains(body, `class="mine"`) {
		t.Fatal("the facilitator learns the author of an anonymous idea")
	}
	if res := mgr.post(path+"/phase", url.Values{"phase": {"clusters"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("moving to clusters: %d", res.StatusCode)
	}
	_, body = mgr.get(path)
	if !strings.Contains(body, "Make the cluster") {
		t.Fatal("the facilitator is not offered to cluster")
	}
	if res := mgr.post(path+"/clusters", url.Values{"title": {"Rhythm"}, "idea_ids": {first.String()}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("clustering: %d", res.StatusCode)
	}
	if res := mgr.post(path+"/phase", url.Values{"phase": {"ideas"}}); res.StatusCode != http.StatusConflict {
		t.Fatalf("moving back: %d", res.StatusCode)
	}
	mgr.post(path+"/phase", url.Values{"phase": {"votes"}})
	_, body = member.get(path)
	if !strings.Contains(body, "2 dots</strong> left") || !strings.Contains(body, "Dot this cluster") {
		t.Fatal("a member is not offered dots")
	}
	for range 3 {
		member.post(path+"/votes", url.Values{"idea_id": {first.String()}})
	}
	_, body = member.get(path)
	if !strings.Contains(body, "0 dots</strong> left") || strings.Contains(body, ">Dot<") {
		t.Fatal("after all dots: the count or the buttons are wrong")
	}
	mgr.post(path+"/phase", url.Values{"phase": {"results"}})
	_, body = member.get(path)
	if !strings.Contains(body, `<ol class="results">`) || !strings.Contains(body, "Rhythm: 2 dots") {
		t.Fatal("results are not ranked with bars")
	}
	// The author alone is offered to pitch, and pitching opens the pitch.
	if _, body := mgr.get(path); strings.Contains(body, "Turn my idea into a pitch") {
		t.Fatal("the facilitator is offered to pitch another's idea")
	}
	if !strings.Contains(body, "Turn my idea into a pitch") {
		t.Fatal("the author is not offered to pitch")
	}
	// Another browser of the author holds no claim: nothing stored says
	// whose the idea is.
	if _, other := s.signIn("member").get(path); strings.Contains(other, "Turn my idea into a pitch") {
		t.Fatal("an anonymous idea reads as its author's in a browser without its claim")
	}
	form := url.Values{"status_quo": {"Work is shown late."}, "better_way": {""}, "tickets_wanted": {"3"}}
	if res := member.post(path+"/ideas/"+second.String()+"/pitch", form); res.StatusCode != http.StatusBadRequest {
		t.Fatalf("a pitch without its better way: %d", res.StatusCode)
	}
	form.Set("better_way", "Show it every Friday.")
	res := member.post(path+"/ideas/"+second.String()+"/pitch", form)
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/pitches/") {
		t.Fatalf("pitching: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	_, body = member.get(res.Header.Get("Location"))
	if !strings.Contains(body, "Record the demos") {
		t.Fatal("the pitch does not carry the idea's title")
	}
}

func TestGroupPageOpensSessions(t *testing.T) {
	s := newSite(t)
	group := s.path("/groups/{T}")
	if _, body := s.signIn("member").get(group); strings.Contains(body, "Start a session") {
		t.Fatal("a member is offered to start a session")
	}
	mgr := s.signIn("manager")
	_, body := mgr.get(group)
	if !strings.Contains(body, "Start a session") {
		t.Fatal("a manager is not offered to start a session")
	}
	if res := mgr.post(group+"/sessions", url.Values{"prompt": {""}, "votes_per_person": {"3"}}); res.StatusCode != http.StatusBadRequest {
		t.Fatalf("a session without a prompt: %d", res.StatusCode)
	}
	if res := s.signIn("member").post(group+"/sessions", url.Values{"prompt": {"Ideas?"}, "votes_per_person": {"3"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("a member opening a session: %d", res.StatusCode)
	}
	res := mgr.post(group+"/sessions", url.Values{"prompt": {"What slows our releases?"}, "votes_per_person": {"3"}, "anonymous": {"true"}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/sessions/") {
		t.Fatalf("opening: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	_, body = s.signIn("member").get(group)
	if !strings.Contains(body, "What slows our releases?") || !strings.Contains(body, "anonymous") {
		t.Fatal("the group does not list its session")
	}
}

func TestRoundPanelOnThePitch(t *testing.T) {
	s := newSite(t)
	pitch := s.path("/pitches/{P}")
	if _, body := s.signIn("member").get(pitch); strings.Contains(body, "Open a round") {
		t.Fatal("a member is offered to open a round")
	}
	mgr := s.signIn("manager")
	if _, body := mgr.get(pitch); !strings.Contains(body, "Open a round") {
		t.Fatal("management is not offered to open a round")
	}
	closes := time.Now().AddDate(0, 0, 3).Format(time.DateOnly)
	if res := mgr.post(pitch+"/rounds", url.Values{"method": {"consent"}, "closes_on": {closes}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("opening a round: %d", res.StatusCode)
	}
	rounds, err := s.db.Rounds(context.Background(), s.P)
	if err != nil || len(rounds) != 1 {
		t.Fatal(rounds, err)
	}
	member := s.signIn("member")
	mgr.get(pitch) // the page is kept from here
	_, body := member.get(pitch)
	if !strings.Contains(body, "Do you consent?") {
		t.Fatal("a member is not offered to answer the open round")
	}
	if _, body := s.signIn("outsider").get(pitch); strings.Contains(body, "Do you consent?") {
		t.Fatal("an outsider is offered to answer")
	}
	answer := pitch + "/rounds/" + rounds[0].ID.String()
	if res := member.post(answer+"/responses", url.Values{"answer": {"object"}, "objection": {"Not this quarter."}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("objecting: %d", res.StatusCode)
	}
	// The manager's page, kept rendered since it was last read, shows the answer.
	if _, body := mgr.get(pitch); !strings.Contains(body, "Not this quarter.") || !strings.Contains(body, "1 objection") {
		t.Fatal("the manager's page does not show the objection")
	}
	if _, body := member.get(pitch); !strings.Contains(body, "answering again replaces it") {
		t.Fatal("the member is not told that a second answer replaces the first")
	}
	if res := member.post(answer+"/close", url.Values{"rationale": {"Mine."}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("a member closing: %d", res.StatusCode)
	}
	if res := mgr.post(answer+"/close", url.Values{"rationale": {"An objection stands."}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("closing: %d", res.StatusCode)
	}
	_, body = member.get(pitch)
	if !strings.Contains(body, "<strong>decline</strong>") || !strings.Contains(body, "consent round closed") {
		t.Fatal("the pitch does not show the round's decision")
	}
}
