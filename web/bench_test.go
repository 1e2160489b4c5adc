package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/demo"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/store"
	"github.com/wayfare-org/wayfare/web"
)

// demoPages serves the pages over a generated demo organization and
// returns the handler, a session cookie per persona and the pitch ids.
func demoPages(b *testing.B) (http.Handler, []*http.Cookie, []wayfare.ID) {
	b.Helper()
	clock := demo.NewClock()
	db, err := store.Open(context.Background(), store.Config{Path: filepath.Join(b.TempDir(), "w.db"), Now: clock.Now})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := demo.Generate(context.Background(), db, demo.Options{Clock: clock}); err != nil {
		b.Fatal(err)
	}
	pages, err := web.New(db, nil, web.Config{})
	if err != nil {
		b.Fatal(err)
	}
	h := pages.Handler()
	personas, err := demo.Personas(context.Background(), db)
	if err != nil {
		b.Fatal(err)
	}
	var cookies []*http.Cookie
	for _, p := range personas {
		form := url.Values{"email": {p.Email}, "password": {demo.Password}}
		req := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		for _, c := range rec.Result().Cookies() {
			if c.Name == "wayfare_session" {
				cookies = append(cookies, c)
			}
		}
	}
	sys := wayfare.WithActor(context.Background(), wayfare.Actor{System: true})
	ps, err := db.Pitches(sys, leadership.PitchFilter{Page: wayfare.Page{Limit: wayfare.MaxLimit}})
	if err != nil {
		b.Fatal(err)
	}
	ids := make([]wayfare.ID, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	return h, cookies, ids
}

// discard is a ResponseWriter that keeps only the status.
type discard struct {
	h      http.Header
	status int
	n      int
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) WriteHeader(status int)      { d.status = status }
func (d *discard) Write(p []byte) (int, error) { d.n += len(p); return len(p), nil }

func benchPage(b *testing.B, path func(ids []wayfare.ID, i int) string) {
	h, cookies, ids := demoPages(b)
	b.ReportAllocs()
	b.ResetTimer()
	bytes := 0
	for i := 0; b.Loop(); i++ {
		req := httptest.NewRequest("GET", path(ids, i), nil)
		req.AddCookie(cookies[i%len(cookies)])
		w := &discard{h: http.Header{}}
		h.ServeHTTP(w, req)
		if w.status != 0 && w.status != http.StatusOK {
			b.Fatalf("%s: %d", req.URL, w.status)
		}
		bytes += w.n
	}
	b.ReportMetric(float64(bytes)/float64(b.N), "B/page")
}

func BenchmarkPitchPage(b *testing.B) {
	benchPage(b, func(ids []wayfare.ID, i int) string { return "/pitches/" + ids[i%len(ids)].String() })
}

func BenchmarkHomePage(b *testing.B) {
	benchPage(b, func(_ []wayfare.ID, _ int) string { return "/" })
}
