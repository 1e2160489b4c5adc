package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/api"
	"github.com/wayfare-org/wayfare/people"
	"github.com/wayfare-org/wayfare/store"
	"github.com/wayfare-org/wayfare/store/pgtest"
)

// smokeClient talks to a real server, over HTTP, through the validator.
type smokeClient struct {
	t   *testing.T
	url string
}

// call sends body (marshalled unless it is a string) with token ("" for
// none), checks the status and decodes a JSON answer into a map.
func (c *smokeClient) call(token, method, path string, body any, want int) map[string]any {
	c.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, c.url+path, r)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		c.t.Fatalf("%s %s = %d %s, want %d", method, path, resp.StatusCode, b, want)
	}
	out := map[string]any{}
	if ct := resp.Header.Get("Content-Type"); strings.Contains(ct, "json") && path != "/api/openapi.json" {
		if err := json.Unmarshal(b, &out); err != nil {
			c.t.Fatalf("%s %s: %v in %s", method, path, err, b)
		}
	}
	if resp.Header.Get("Location") != "" {
		out["Location"] = resp.Header.Get("Location")
	}
	return out
}

// TestOpenAPISmoke drives the real API on a real store through the
// validator: every answer below, problems included, is checked against
// api/openapi.json, and so is every request the server accepts.
func TestOpenAPISmoke(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, pgtest.Config(t, filepath.Join(t.TempDir(), "wayfare.db")))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	sys := wayfare.WithActor(ctx, wayfare.Actor{System: true})
	admin, err := db.CreatePerson(sys, people.NewPerson{Name: "Ada Admin", Email: "ada@example.test", Admin: true})
	if err != nil {
		t.Fatal(err)
	}
	token := func(id wayfare.ID) string {
		t.Helper()
		tok, err := db.CreateToken(sys, id, people.NewToken{Name: "tests"})
		if err != nil {
			t.Fatal(err)
		}
		return tok.Token
	}
	root := token(admin.ID)
	srv := httptest.NewServer(validateAgainstSpec(t, withMetrics(api.New(db, nil, "test"))))
	t.Cleanup(srv.Close)
	c := &smokeClient{t: t, url: srv.URL}
	str := func(m map[string]any, k string) string {
		t.Helper()
		s, ok := m[k].(string)
		if !ok {
			t.Fatalf("%s = %#v in %v, want a string", k, m[k], m)
		}
		return s
	}

	// Operations.
	c.call("", "GET", "/healthz", nil, 200)
	c.call("", "GET", "/metrics", nil, 200)
	c.call("", "GET", "/api/openapi.json", nil, 200)

	// People, groups, roles (admin).
	lead := str(c.call(root, "POST", "/api/v1/people", map[string]any{"name": "Lee Lead", "email": "lee@example.test",
		"title": "Team lead"}, 201), "id")
	eng := str(c.call(root, "POST", "/api/v1/people", map[string]any{"name": "Eve Engineer", "email": "eve@example.test",
		"manager_id": lead}, 201), "id")
	leadTok, engTok := token(smokeID(t, lead)), token(smokeID(t, eng))
	team := str(c.call(root, "POST", "/api/v1/groups", map[string]any{"name": "Platform"}, 201), "id")
	c.call(root, "POST", "/api/v1/groups", map[string]any{"name": "Storage", "parent_id": team}, 201)
	c.call(root, "PUT", "/api/v1/groups/"+team+"/members/"+lead, map[string]any{"role": "manager"}, 200)
	c.call(leadTok, "PUT", "/api/v1/groups/"+team+"/members/"+eng, map[string]any{"role": "member"}, 200)
	c.call(engTok, "GET", "/api/v1/people/"+eng, nil, 200)
	c.call(engTok, "GET", "/api/v1/people?q=Lee&limit=10", nil, 200)
	c.call(root, "GET", "/api/v1/people?group_id="+team, nil, 200)
	c.call(engTok, "GET", "/api/v1/groups/"+team, nil, 200)
	c.call(engTok, "GET", "/api/v1/groups?parent_id="+team, nil, 200)

	// Leadership: a pitch with evidence, tickets.
	pitch := c.call(engTok, "POST", "/api/v1/pitches", map[string]any{"group_id": team, "kind": "proposal",
		"title": "Ship smaller changes", "status_quo": "Releases are monthly.", "better_way": "Release daily.",
		"tickets_wanted": 1, "sales_close": time.Now().Add(48 * time.Hour).Format(time.RFC3339),
		"evidence": []map[string]any{
			{"kind": "data", "label": "Lead time", "value": 31.5, "unit": "days", "source": "CI"},
			{"kind": "link", "label": "DORA report", "url": "https://example.test/dora"},
		}}, 201)
	p := str(pitch, "id")
	if str(pitch, "Location") != "/api/v1/pitches/"+p {
		t.Errorf("Location = %q", pitch["Location"])
	}
	got := c.call(leadTok, "GET", "/api/v1/pitches/"+p, nil, 200)
	if o := got["origin"].(map[string]any); o["relation"] != "below" || o["levels"] != 1.0 {
		t.Errorf("origin = %v, want below by 1", o)
	}
	list := c.call(leadTok, "GET", "/api/v1/pitches?group_id="+team+"&status=selling&kind=proposal&q=smaller&limit=1", nil, 200)
	if items := list["items"].([]any); len(items) != 1 || list["next_cursor"] != nil {
		t.Errorf("pitches = %v, want the one match and no next cursor", list)
	}
	c.call(leadTok, "POST", "/api/v1/pitches/"+p+"/tickets", nil, 201)
	c.call(leadTok, "POST", "/api/v1/pitches/"+p+"/tickets", nil, 200)
	example := str(c.call(leadTok, "POST", "/api/v1/pitches", map[string]any{"group_id": team, "kind": "example",
		"title": "Pairing on reviews", "status_quo": "Reviews wait.", "better_way": "We paired.", "tickets_wanted": 3}, 201), "id")
	page := c.call(leadTok, "GET", "/api/v1/pitches?group_id="+team+"&limit=1", nil, 200)
	c.call(leadTok, "GET", "/api/v1/pitches?group_id="+team+"&limit=1&cursor="+str(page, "next_cursor"), nil, 200)
	c.call(engTok, "POST", "/api/v1/pitches/"+example+"/tickets", nil, 201)
	c.call(engTok, "DELETE", "/api/v1/pitches/"+example+"/tickets/me", nil, 204)
	c.call(leadTok, "POST", "/api/v1/pitches/"+example+"/withdraw", nil, 200)

	// Management: the decision, the journey.
	c.call(engTok, "POST", "/api/v1/pitches/"+p+"/decision", map[string]any{"outcome": "adopt", "method": "directive",
		"rationale": "I wrote it."}, 403)
	decision := c.call(leadTok, "POST", "/api/v1/pitches/"+p+"/decision", map[string]any{"outcome": "adopt",
		"method": "consultative", "rationale": "The evidence is strong.", "destination": "Lead time under a day."}, 201)
	c.call(leadTok, "POST", "/api/v1/pitches/"+p+"/decision", map[string]any{"outcome": "decline",
		"method": "directive", "rationale": "Changed my mind."}, 409)
	c.call(engTok, "GET", "/api/v1/pitches/"+p+"/decisions", nil, 200)
	j := "/api/v1/journeys/" + str(decision, "journey_id")
	journey := c.call(engTok, "GET", j, nil, 200)
	if riders := journey["riders"].([]any); len(riders) != 1 || riders[0] != lead {
		t.Errorf("riders = %v, want the lead", riders)
	}
	c.call(leadTok, "PUT", j+"/drivers/"+eng, nil, 200)
	stop := str(c.call(engTok, "POST", j+"/stops", map[string]any{"title": "Flags in place", "due_on": "2030-01-31"}, 201), "id")
	c.call(engTok, "PATCH", j+"/stops/"+stop, map[string]any{"done": true}, 200)
	c.call(engTok, "POST", j+"/checkins", map[string]any{"progress": 40, "confidence": "at_risk", "note": "Slow CI."}, 201)
	c.call(engTok, "POST", j+"/depart", nil, 200)
	c.call(leadTok, "POST", j+"/doubts", map[string]any{"note": "Why again?"}, 201)
	c.call(engTok, "POST", j+"/repitches", map[string]any{"message": "Look at the numbers.",
		"evidence": []map[string]any{{"kind": "experiment", "label": "Two teams tried it"}}}, 201)
	c.call(leadTok, "POST", j+"/reconfirm", nil, 200)
	c.call(leadTok, "DELETE", j+"/riders/me", nil, 204)
	c.call(engTok, "POST", j+"/arrive", map[string]any{"review": "Lead time is now hours."}, 200)
	c.call(engTok, "GET", j, nil, 200)
	// A deferral superseded by a merge.
	proposal := func(title string) string {
		return str(c.call(engTok, "POST", "/api/v1/pitches", map[string]any{"group_id": team, "kind": "proposal",
			"title": title, "status_quo": "Two ideas.", "better_way": "One idea.", "tickets_wanted": 2}, 201), "id")
	}
	from, into := proposal("Trunk-based development"), proposal("Short-lived branches")
	c.call(engTok, "POST", "/api/v1/pitches/"+from+"/tickets", nil, 201)
	deferred := c.call(leadTok, "POST", "/api/v1/pitches/"+from+"/decision", map[string]any{"outcome": "defer",
		"method": "directive", "rationale": "After the release.",
		"revisit_on": time.Now().AddDate(0, 1, 0).Format(time.DateOnly)}, 201)
	c.call(leadTok, "POST", "/api/v1/pitches/"+from+"/decision", map[string]any{"outcome": "merge", "method": "vote",
		"rationale": "Same idea.", "merge_into": into, "supersedes": str(deferred, "id")}, 201)
	if merged := c.call(engTok, "GET", "/api/v1/pitches/"+from, nil, 200); merged["merged_into"] != into {
		t.Errorf("merged pitch = %v, want merged into %s", merged, into)
	}
	c.call(engTok, "GET", "/api/v1/pitches/"+from+"/decisions", nil, 200)
	c.call(engTok, "GET", "/api/v1/pitches/"+into, nil, 200)

	c.call(engTok, "GET", "/api/v1/acts?function=management&limit=5", nil, 200)
	c.call(engTok, "GET", "/api/v1/acts?verb=ticket.bought&person_id="+lead+"&group_id="+team, nil, 200)

	// Problems.
	c.call(root, "POST", "/api/v1/groups", `{"name": "Ops", "colour": "blue"}`, 400)
	c.call(root, "GET", "/api/v1/pitches?limit=0", nil, 400)
	c.call("", "GET", "/api/v1/pitches", nil, 401)
	c.call("", "GET", "/api/v1/nowhere", nil, 401)
	c.call(engTok, "POST", "/api/v1/groups", map[string]any{"name": "Mine"}, 403)
	c.call(engTok, "GET", "/api/v1/pitches/999999", nil, 404)
	c.call(engTok, "GET", "/api/v1/nowhere", nil, 404)
	c.call(root, "POST", "/api/v1/people", map[string]any{"name": "Eve Again", "email": "eve@example.test"}, 409)
	c.call(engTok, "POST", j+"/checkins", map[string]any{"progress": 100, "confidence": "on_track"}, 409)
	c.call(root, "POST", "/api/v1/people", `{"name": "`+strings.Repeat("x", api.MaxBody)+`"}`, 413)

	smokeEvents(t, srv.URL, engTok, c)
}

// smokeEvents reads the event stream while a ticket is bought, then
// resumes it with Last-Event-ID, so that the validator checks streamed acts.
func smokeEvents(t *testing.T, url, token string, c *smokeClient) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	stream := func(lastEventID string) (*bufio.Scanner, func()) {
		t.Helper()
		req, _ := http.NewRequestWithContext(ctx, "GET", url+"/api/v1/events", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		if lastEventID != "" {
			req.Header.Set("Last-Event-ID", lastEventID)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 200 {
			t.Fatalf("events = %d", resp.StatusCode)
		}
		lines := bufio.NewScanner(resp.Body)
		for lines.Scan() && lines.Text() != ": connected" {
		}
		return lines, func() { resp.Body.Close() }
	}
	// next returns the id of the next event called verb.
	next := func(lines *bufio.Scanner, verb string) string {
		t.Helper()
		var id string
		for lines.Scan() {
			line := lines.Text()
			if v, ok := strings.CutPrefix(line, "id: "); ok {
				id = v
			}
			if line == "event: "+verb {
				return id
			}
		}
		t.Fatalf("the stream ended before a %s event: %v", verb, lines.Err())
		return ""
	}
	lines, done := stream("")
	groups := c.call(token, "GET", "/api/v1/groups", nil, 200)["items"].([]any)
	team := groups[0].(map[string]any)["id"].(string)
	p := c.call(token, "POST", "/api/v1/pitches", map[string]any{"group_id": team, "kind": "proposal",
		"title": "Quiet Fridays", "status_quo": "Meetings all week.", "better_way": "No meetings on Fridays.",
		"tickets_wanted": 2}, 201)["id"].(string)
	c.call(token, "POST", "/api/v1/pitches/"+p+"/tickets", nil, 201)
	published := next(lines, "pitch.published")
	bought := next(lines, "ticket.bought")
	done()
	lines, done = stream(published)
	defer done()
	if id := next(lines, "ticket.bought"); id != bought {
		t.Errorf("resumed stream: ticket.bought has id %s, want %s", id, bought)
	}
	req, _ := http.NewRequestWithContext(ctx, "GET", url+"/api/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Last-Event-ID", "not-an-id")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Errorf("events with a bad Last-Event-ID = %d, want 400", resp.StatusCode)
	}
}

func smokeID(t *testing.T, s string) wayfare.ID {
	t.Helper()
	id, err := wayfare.ParseID(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}
