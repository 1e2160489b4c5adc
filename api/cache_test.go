package api

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/people"
	"github.com/wayfare-org/wayfare/store"
	"github.com/wayfare-org/wayfare/store/pgtest"
)

func TestAnswerCache(t *testing.T) {
	c := newAnswerCache(1000)
	c.put("1", 7, []byte("seven"))
	if b, ok := c.get("1", 7); !ok || string(b) != "seven" {
		t.Fatal("a fresh answer must be served")
	}
	if _, ok := c.get("1", 8); ok {
		t.Fatal("an answer read at an older version must not be served")
	}
	c.put("1", 8, []byte("eight"))
	if b, _ := c.get("1", 8); string(b) != "eight" || c.size != len("eight")+1 {
		t.Fatalf("replacing: size %d", c.size)
	}
	for i := range 500 {
		c.put(strconv.Itoa(i), 1, make([]byte, 50))
	}
	if c.size > 1000 || len(c.items) == 0 {
		t.Fatalf("budget 1000, size %d with %d items", c.size, len(c.items))
	}
}

// TestPageCacheBudget: the list cache holds at most its byte budget,
// keys included, and keeps no page larger than the budget.
func TestPageCacheBudget(t *testing.T) {
	c := newPageCache(1000)
	for i := range 500 {
		c.put(strconv.Itoa(i), 1, make([]byte, 50))
	}
	if c.size > 1000 || len(c.pages) == 0 {
		t.Fatalf("budget 1000, size %d with %d pages", c.size, len(c.pages))
	}
	sum := 0
	for k, b := range c.pages {
		sum += len(k) + len(b)
	}
	if sum != c.size {
		t.Fatalf("size %d, pages hold %d", c.size, sum)
	}
	c.put("huge", 1, make([]byte, 2000))
	if _, ok := c.get("huge", 1); ok || c.size > 1000 {
		t.Fatalf("a page over the budget was kept: size %d", c.size)
	}
	c.put("new", 2, []byte("fresh"))
	if _, ok := c.get("1", 2); ok || c.size != len("new")+len("fresh") {
		t.Fatalf("a newer version must drop the older pages: size %d", c.size)
	}
}

// TestPitchListKeyNormalised: lists asked with the same filter, whatever
// the order, spelling or unknown parameters of the query, share one
// cache entry.
func TestPitchListKeyNormalised(t *testing.T) {
	db, err := store.Open(context.Background(), pgtest.Config(t, filepath.Join(t.TempDir(), "wayfare.db")))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sys := wayfare.WithActor(context.Background(), wayfare.Actor{System: true})
	p, err := db.CreatePerson(sys, people.NewPerson{Name: "Reader", Email: "reader@example.test"})
	if err != nil {
		t.Fatal(err)
	}
	token, err := db.CreateToken(sys, p.ID, people.NewToken{Name: "tests"})
	if err != nil {
		t.Fatal(err)
	}
	s := New(db, nil, "test")
	for _, q := range []string{"status=selling&kind=proposal", "kind=proposal&status=selling", "limit=050&kind=proposal&status=selling",
		"status=selling&kind=proposal&utm_source=x&junk=1", "status=selling&junk=2&kind=proposal&limit=50"} {
		req := httptest.NewRequest("GET", "/api/v1/pitches?"+q, nil)
		req.Header.Set("Authorization", "Bearer "+token.Token)
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != 200 {
			t.Fatalf("%s: %d %s", q, w.Code, w.Body)
		}
	}
	if n := len(s.lists.pages); n != 1 {
		t.Fatalf("one filter asked five ways holds %d cache entries, want 1", n)
	}
}
