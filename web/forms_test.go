package web_test

import (
	"net/url"
	"strings"
	"testing"
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
