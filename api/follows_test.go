package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/api"
	"github.com/wayfare-org/wayfare/influence"
)

// privateFollows turns on the setting that shows follower acts' people to
// admins only.
func privateFollows(f *fixture) {
	f.t.Helper()
	sys := wayfare.WithActor(context.Background(), wayfare.Actor{System: true})
	if err := f.db.SetInfluencePolicy(sys, influence.Policy{FollowsPrivate: true}); err != nil {
		f.t.Fatal(err)
	}
}

// TestFollowsPrivateInTheLedger: with follows private, the ledger shows
// who bought a ticket to admins and to the buyer only, and a list of
// someone's acts leaves their follows out for others.
func TestFollowsPrivateInTheLedger(t *testing.T) {
	f := newFixture(t)
	privateFollows(f)
	if w := f.do("outsider", "POST", f.path("/api/v1/pitches/{P}/tickets"), nil); w.Code != 201 {
		t.Fatal(describe(w))
	}
	bought := func(who string) wayfare.Act {
		t.Helper()
		acts := decodeInto[api.List[wayfare.Act]](t, f.do(who, "GET", "/api/v1/acts?verb=ticket.bought&limit=1", nil))
		if len(acts.Items) != 1 {
			t.Fatalf("%s: %d ticket.bought acts", who, len(acts.Items))
		}
		return acts.Items[0]
	}
	for who, want := range map[string]wayfare.ID{"member": 0, "manager": 0, "admin": f.ids["outsider"], "outsider": f.ids["outsider"]} {
		if got := bought(who).PersonID; got != want {
			t.Errorf("%s reads the buyer as %d, want %d", who, got, want)
		}
	}
	someone := f.path("/api/v1/acts?person_id={outsider}&function=follower")
	if acts := decodeInto[api.List[wayfare.Act]](t, f.do("member", "GET", someone, nil)); len(acts.Items) != 0 {
		t.Errorf("another reader lists someone's follows: %+v", acts.Items)
	}
	if acts := decodeInto[api.List[wayfare.Act]](t, f.do("admin", "GET", someone, nil)); len(acts.Items) != 1 {
		t.Errorf("an admin lists %d of someone's follows, want 1", len(acts.Items))
	}
	leadership := decodeInto[api.List[wayfare.Act]](t, f.do("member", "GET", "/api/v1/acts?verb=pitch.published&limit=1", nil))
	if len(leadership.Items) != 1 || leadership.Items[0].PersonID != f.ids["author"] {
		t.Errorf("a leadership act must keep its person: %+v", leadership.Items)
	}
}

// TestFollowsPrivateInTheStream: with follows private, a live ticket.bought
// event leaves its person out for a listener who is not an admin.
func TestFollowsPrivateInTheStream(t *testing.T) {
	f := newFixture(t)
	privateFollows(f)
	srv := httptest.NewServer(f.h)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	listen := func(who string) *bufio.Reader {
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/api/v1/events", nil)
		req.Header.Set("Authorization", "Bearer "+f.tokens[who])
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { res.Body.Close() })
		r := bufio.NewReader(res.Body)
		for line := ""; !strings.HasPrefix(line, ": connected"); {
			if line, err = r.ReadString('\n'); err != nil {
				t.Fatal(err)
			}
		}
		return r
	}
	member, admin := listen("member"), listen("admin")
	go f.do("outsider", "POST", f.path("/api/v1/pitches/{P}/tickets"), nil)
	for who, r := range map[string]*bufio.Reader{"member": member, "admin": admin} {
		var data string
		for data == "" {
			line, err := r.ReadString('\n')
			if err != nil {
				t.Fatal(err)
			}
			data, _ = strings.CutPrefix(strings.TrimSpace(line), "data: ")
			if !strings.HasPrefix(line, "data: ") {
				data = ""
			}
		}
		var raw map[string]any
		if err := json.Unmarshal([]byte(data), &raw); err != nil {
			t.Fatal(err)
		}
		_, named := raw["person_id"]
		if raw["verb"] != "ticket.bought" || named != (who == "admin") {
			t.Errorf("%s hears %v", who, raw)
		}
	}
}
