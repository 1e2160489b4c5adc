package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/api"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/management"
	"github.com/wayfare-org/wayfare/people"
	"github.com/wayfare-org/wayfare/store"
	"github.com/wayfare-org/wayfare/store/pgtest"
)

// fixture is a small organization served by the API:
//
//	target group T (manager "manager", member "member", nested under top)
//	other group O (manager "otherManager")
//	"driver" is a named driver of journey J; "outsider" is in no group;
//	"admin" has the admin flag and no role; "author" wrote the pitches.
//	P is a selling proposal to T; J is the journey of an adopted pitch to
//	T whose only rider is "member"; S is a stop on J.
type fixture struct {
	t       *testing.T
	db      *store.DB
	h       http.Handler
	ids     map[string]wayfare.ID
	tokens  map[string]string
	P, J, S wayfare.ID
	claim   string // the claim token of {IDEA}, in an anonymous session
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db, err := store.Open(context.Background(), pgtest.Config(t, filepath.Join(t.TempDir(), "wayfare.db")))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &fixture{t: t, db: db, ids: map[string]wayfare.ID{}, tokens: map[string]string{}}
	f.h = wrap(t, withMetrics(api.New(db, nil, "test")))
	sys := wayfare.WithActor(context.Background(), wayfare.Actor{System: true})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var top wayfare.ID
	for _, name := range []string{"ceo", "admin", "manager", "member", "otherManager", "driver", "outsider", "author"} {
		in := people.NewPerson{Name: name, Email: strings.ToLower(name) + "@example.test", Admin: name == "admin"}
		if name != "ceo" {
			in.ManagerID = &top
		}
		p, err := db.CreatePerson(sys, in)
		must(err)
		if name == "ceo" {
			top = p.ID
		}
		f.ids[name] = p.ID
		token, err := db.CreateToken(sys, p.ID, people.NewToken{Name: "tests"})
		must(err)
		f.tokens[name] = token.Token
	}
	topGroup, err := db.CreateGroup(sys, people.NewGroup{Name: "Company"})
	must(err)
	target, err := db.CreateGroup(sys, people.NewGroup{Name: "Target", ParentID: &topGroup.ID})
	must(err)
	other, err := db.CreateGroup(sys, people.NewGroup{Name: "Other"})
	must(err)
	f.ids["T"], f.ids["O"] = target.ID, other.ID
	for _, r := range []struct {
		g    wayfare.ID
		who  string
		role people.Role
	}{{topGroup.ID, "ceo", people.Manager}, {target.ID, "manager", people.Manager}, {target.ID, "member", people.Member},
		{other.ID, "otherManager", people.Manager}, {other.ID, "driver", people.Member}} {
		_, err := db.SetRole(sys, r.g, f.ids[r.who], r.role)
		must(err)
	}
	as := func(who string) context.Context {
		return wayfare.WithActor(context.Background(), wayfare.Actor{PersonID: f.ids[who]})
	}
	newPitch := func() wayfare.ID {
		p, err := db.Publish(as("author"), leadership.NewPitch{GroupID: target.ID, Kind: leadership.Proposal,
			Title: "Weekly demos", StatusQuo: "Work is shown at the end.", BetterWay: "Show it weekly.", TicketsWanted: 3})
		must(err)
		return p.ID
	}
	f.P = newPitch()
	adopted := newPitch()
	_, _, err = db.BuyTicket(as("member"), adopted)
	must(err)
	d, err := db.Decide(as("manager"), adopted, management.NewDecision{Outcome: management.Adopt, Method: management.Directive, Rationale: "Yes."})
	must(err)
	f.J = *d.JourneyID
	must(db.NameDriver(as("manager"), f.J, f.ids["driver"]))
	stop, err := db.AddStop(as("manager"), f.J, management.NewStop{Title: "First demo", DueOn: "2026-12-01"})
	must(err)
	f.S = stop.ID
	return f
}

// wrap checks every request and response against the OpenAPI document.
func wrap(t *testing.T, h http.Handler) http.Handler { return validateAgainstSpec(t, h) }

// withMetrics serves the API with its metrics open beside it, as on a
// metrics listener of their own.
func withMetrics(s *api.Server) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", s)
	mux.Handle("GET /metrics", s.Metrics(""))
	return mux
}

// do sends a request as someone ("" for anonymous) and returns the answer.
func (f *fixture) do(who, method, path string, body any) *httptest.ResponseRecorder {
	f.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			f.t.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if who != "" {
		req.Header.Set("Authorization", "Bearer "+f.tokens[who])
	}
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, req)
	return w
}

// path replaces {P}, {J}, {S}, {T}, {O} and {name} with the fixture's ids.
func (f *fixture) path(p string) string {
	p = strings.NewReplacer("{P}", f.P.String(), "{J}", f.J.String(), "{S}", f.S.String()).Replace(p)
	for name, id := range f.ids {
		p = strings.ReplaceAll(p, "{"+name+"}", id.String())
	}
	return p
}

func decodeInto[T any](t *testing.T, w *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
		t.Fatalf("decoding %q: %v", w.Body.String(), err)
	}
	return v
}

func problemOf(t *testing.T, w *httptest.ResponseRecorder) api.Problem {
	t.Helper()
	if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("content type %q for status %d: %s", ct, w.Code, w.Body)
	}
	return decodeInto[api.Problem](t, w)
}

func describe(w *httptest.ResponseRecorder) string {
	return fmt.Sprintf("%d %s", w.Code, strings.TrimSpace(w.Body.String()))
}
