package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/people"
)

// TestPitchFormNamesEveryFault: a pitch form with several faults says all
// of them at once, each in people's words next to its field (an evidence
// row by the row it is on), and keeps what was typed; the group is chosen
// by its path, never by an id.
func TestPitchFormNamesEveryFault(t *testing.T) {
	s := newSite(t)
	author := s.signIn("author")
	if _, body := author.get("/pitches/new"); !strings.Contains(body, `<option value="Target"></option>`) ||
		strings.Contains(body, `name="group_id"`) {
		t.Fatal("the pitch form does not offer groups by their path")
	}
	code, body := author.postPage("/pitches", url.Values{"group": {"Nowhere"}, "kind": {"proposal"},
		"title": {"x"}, "status_quo": {"Typed text stays"}, "better_way": {""}, "tickets_wanted": {"0"},
		"evidence_kind": {"data", "link"}, "evidence_label": {"", "Our wiki"}, "evidence_value": {"", ""},
		"evidence_unit": {"", ""}, "evidence_url": {"", ""}, "evidence_source": {"", ""}})
	if code != 400 {
		t.Fatalf("a form with five faults: %d", code)
	}
	for _, want := range []string{
		`id="group_id-error">Group names no group`,
		`id="title-error">Title must`,
		`id="better_way-error">The better way`,
		`id="tickets_wanted-error">Tickets wanted must be between`,
		`id="eh1-error">Evidence 2, link is required`,
		`5 fields need putting right`,
		`<a href="#eh1">Evidence 2, link</a>`,
		`Typed text stays`,
		`value="Nowhere"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the answer does not say %q", want)
		}
	}
	for _, never := range []string{"group id:", "group_id ", "tickets_wanted must", "evidence[1]"} {
		if strings.Contains(body, never) {
			t.Errorf("the answer names a field by its code: %q", never)
		}
	}
	res := author.post("/pitches", url.Values{"group": {"target"}, "kind": {"proposal"}, "title": {"Shorter meetings"},
		"status_quo": {"Hour-long."}, "better_way": {"Half-hour."}, "tickets_wanted": {"4"}})
	if res.StatusCode != 303 || !strings.HasPrefix(res.Header.Get("Location"), "/pitches/") {
		t.Fatalf("a pitch to a group chosen by its path: %d", res.StatusCode)
	}
}

// TestDecisionForm: the decision form chooses no outcome for the decider,
// marks each field its outcome needs, offers the pitches a merge may name
// by title, and names every fault at once.
func TestDecisionForm(t *testing.T) {
	s := newSite(t)
	other, err := s.db.Publish(s.as("outsider"), leadership.NewPitch{GroupID: s.ids["T"], Kind: leadership.Proposal,
		Title: "Office hours", StatusQuo: "a", BetterWay: "b", TicketsWanted: 2})
	if err != nil {
		t.Fatal(err)
	}
	mgr := s.signIn("manager")
	_, body := mgr.get(s.path("/pitches/{P}"))
	form := body[strings.Index(body, `class="stack decide"`):]
	if strings.Contains(form[:strings.Index(form, "</fieldset>")], "checked") {
		t.Error("the decision form chooses an outcome for the decider")
	}
	for _, want := range []string{`data-for-outcome="defer"`, `data-for-outcome="merge"`, `data-for-outcome="adopt"`,
		`<option value="` + other.ID.String() + `" >Office hours (selling)</option>`} {
		if !strings.Contains(form, want) {
			t.Errorf("the decision form lacks %q", want)
		}
	}
	if strings.Contains(form, ">Written decisions (") {
		t.Error("a merge is offered into the pitch itself")
	}
	code, body := mgr.postPage(s.path("/pitches/{P}/decision"), url.Values{"method": {"directive"}, "rationale": {""}})
	if code != 400 || !strings.Contains(body, `id="outcome-error">Outcome`) || !strings.Contains(body, `id="rationale-error">Rationale is required`) {
		t.Errorf("a decision with no outcome and no rationale: %d, want both named", code)
	}
	res := mgr.post(s.path("/pitches/{P}/decision"), url.Values{"outcome": {"merge"}, "method": {"directive"},
		"rationale": {"The same idea."}, "merge_into": {other.ID.String()}})
	if res.StatusCode != 303 {
		t.Fatalf("merging: %d", res.StatusCode)
	}
	if _, body := mgr.get(s.path("/pitches/{P}")); !strings.Contains(body, `merged into <a href="/pitches/`+other.ID.String()+`">Office hours</a>`) {
		t.Error("the decision history does not name the pitch merged into by its title")
	}
}

// TestJourneyForms: a driver is named by name, from the picker or typed in
// full; ending a journey chooses nothing for the driver and asks for a
// confirmation.
func TestJourneyForms(t *testing.T) {
	s := newSite(t)
	mgr := s.signIn("manager")
	_, body := mgr.get(s.path("/journeys/{J}"))
	end := body[strings.Index(body, `/end"`):]
	if strings.Contains(end[:strings.Index(end, "</form>")], "checked") {
		t.Error("the ending form chooses how the journey ends")
	}
	code, body := mgr.postPage(s.path("/journeys/{J}/drivers"), url.Values{"driver": {"Nobody Here"}})
	if code != 400 || !strings.Contains(body, `id="driver-error">Driver names nobody`) || !strings.Contains(body, `value="Nobody Here"`) {
		t.Errorf("naming nobody as driver: %d", code)
	}
	if res := mgr.post(s.path("/journeys/{J}/drivers"), url.Values{"driver": {"outsider"}}); res.StatusCode != 303 {
		t.Fatalf("a driver typed in full: %d", res.StatusCode)
	}
	// The picker's script sends the id it paired with the name; a name
	// changed after the pairing is read as typed.
	if res := mgr.post(s.path("/journeys/{J}/drivers"), url.Values{"driver": {"Author"}, "driver_id": {s.ids["member"].String()}}); res.StatusCode != 303 {
		t.Fatalf("a driver picked: %d", res.StatusCode)
	}
	j, err := s.db.Journey(system(), s.J)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(j.Drivers) != fmt.Sprint([]wayfare.ID{s.ids["outsider"], s.ids["author"]}) {
		t.Errorf("drivers %v, want outsider then author", j.Drivers)
	}
	code, body = mgr.postPage(s.path("/journeys/{J}/end"), url.Values{"review": {""}})
	if code != 400 || !strings.Contains(body, `id="to-error"`) || !strings.Contains(body, `id="review-error"`) || !strings.Contains(body, `id="confirm-error"`) {
		t.Errorf("ending with nothing chosen: %d, want the three faults named", code)
	}
	if j, _ := s.db.Journey(system(), s.J); j.Status.Over() {
		t.Fatal("a journey ended without its confirmation")
	}
	if res := mgr.post(s.path("/journeys/{J}/end"), url.Values{"to": {"abandoned"}, "review": {"Not now."}, "confirm": {"yes"}}); res.StatusCode != 303 {
		t.Fatalf("ending, confirmed: %d", res.StatusCode)
	}
}

// TestPersonPick: the picker offers active people by name and title.
func TestPersonPick(t *testing.T) {
	s := newSite(t)
	if _, err := s.db.SetStatus(wayfare.WithActor(context.Background(), wayfare.Actor{PersonID: s.ids["admin"], Admin: true}),
		s.ids["outsider"], people.Deactivated); err != nil {
		t.Fatal(err)
	}
	_, body := s.signIn("member").get("/people/pick?q=er")
	var got []struct {
		ID    string `json:"id"`
		Label string `json:"label"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	var labels []string
	for _, p := range got {
		labels = append(labels, p.Label)
	}
	if strings.Join(labels, ",") != "Manager,Member" {
		t.Errorf("the picker offers %v for \"er\", want the active Manager and Member", labels)
	}
}
