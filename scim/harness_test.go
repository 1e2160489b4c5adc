package scim_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/api"
	"github.com/wayfare-org/wayfare/people"
	"github.com/wayfare-org/wayfare/scim"
	"github.com/wayfare-org/wayfare/store"
	"github.com/wayfare-org/wayfare/store/pgtest"
)

// harness is provisioning served over a real SQLite store, with its
// admin (Ada Obi) and her provisioning token, and the API beside it.
type harness struct {
	t     *testing.T
	db    *store.DB
	h     http.Handler
	api   http.Handler
	admin wayfare.ID
	token string
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	db, err := store.Open(context.Background(), pgtest.Config(t, filepath.Join(t.TempDir(), "wayfare.db")))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	sys := wayfare.WithActor(context.Background(), wayfare.Actor{System: true})
	admin, err := db.CreatePerson(sys, people.NewPerson{Name: "Ada Obi", Email: "ada@example.test", Title: "CTO", Admin: true})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := db.CreateSCIMToken(sys, admin.ID, people.NewToken{Name: "Okta"})
	if err != nil {
		t.Fatal(err)
	}
	return &harness{t: t, db: db, h: scim.New(db, nil, scim.Config{}), api: api.New(db, nil, "test"), admin: admin.ID, token: tok.Token}
}

// response is an answer: its status, headers and JSON body.
type response struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

// call sends a request with an Authorization header (none when auth is
// "") and checks that every body is SCIM JSON.
func (h *harness) call(auth, method, path, body string) response {
	h.t.Helper()
	req := httptest.NewRequest(method, "http://wayfare.test"+path, strings.NewReader(body))
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/scim+json; charset=utf-8")
	}
	rec := httptest.NewRecorder()
	h.h.ServeHTTP(rec, req)
	res := response{status: rec.Code, header: rec.Header(), raw: rec.Body.String()}
	if rec.Body.Len() > 0 {
		if ct := rec.Header().Get("Content-Type"); ct != "application/scim+json" {
			h.t.Errorf("%s %s: Content-Type %q", method, path, ct)
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &res.body); err != nil {
			h.t.Errorf("%s %s: %v in %s", method, path, err, rec.Body)
		}
	}
	return res
}

// do sends a request with the provisioning token.
func (h *harness) do(method, path, body string) response {
	h.t.Helper()
	return h.call("Bearer "+h.token, method, path, body)
}

// want fails the test unless the answer has the status.
func (r response) want(t *testing.T, status int) response {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.raw)
	}
	return r
}

// scimError checks that the answer is a SCIM error of the status and
// scimType ("" for none) whose detail mentions what.
func (r response) scimError(t *testing.T, status int, scimType, what string) {
	t.Helper()
	r.want(t, status)
	if get(r.body, "schemas", 0) != "urn:ietf:params:scim:api:messages:2.0:Error" || get(r.body, "status") != strconv.Itoa(status) ||
		str(r.body, "scimType") != scimType || !strings.Contains(str(r.body, "detail"), what) {
		t.Errorf("error %s: want %d %q naming %q", r.raw, status, scimType, what)
	}
}

// get walks a JSON value by member names and indexes; nil when a step
// is missing.
func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			a, _ := v.([]any)
			if k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

func str(v any, path ...any) string { s, _ := get(v, path...).(string); return s }

func num(v any, path ...any) int { f, _ := get(v, path...).(float64); return int(f) }

// filter is a list query for a filter, escaped for a URL.
func filter(f string) string { return "filter=" + url.QueryEscape(f) }

// asAdmin is the admin's context, for reading the store directly.
func (h *harness) asAdmin() context.Context {
	return wayfare.WithActor(context.Background(), wayfare.Actor{PersonID: h.admin, Admin: true})
}

func parseID(t *testing.T, s string) wayfare.ID {
	t.Helper()
	id, err := wayfare.ParseID(s)
	if err != nil {
		t.Fatalf("id %q: %v", s, err)
	}
	return id
}
