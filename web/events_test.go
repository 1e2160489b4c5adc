package web_test

import (
	"bufio"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/people"
)

// TestPageStreamsEndWithTheirSession: a page's live stream ends within a
// second of its session ending, whichever way it ends: signed out in
// another tab, the password set anew elsewhere, the person deactivated.
func TestPageStreamsEndWithTheirSession(t *testing.T) {
	newHash, err := people.HashPassword("a new long password")
	if err != nil {
		t.Fatal(err)
	}
	admin := func(s *site) context.Context {
		return wayfare.WithActor(context.Background(), wayfare.Actor{PersonID: s.ids["admin"], Admin: true})
	}
	for name, end := range map[string]func(s *site, b *browser){
		"signed out": func(s *site, b *browser) { b.post("/logout", url.Values{}) },
		"password set": func(s *site, b *browser) {
			if err := s.db.SetPassword(admin(s), s.ids["member"], newHash); err != nil {
				t.Fatal(err)
			}
		},
		"deactivated": func(s *site, b *browser) {
			if _, err := s.db.SetStatus(admin(s), s.ids["member"], people.Deactivated); err != nil {
				t.Fatal(err)
			}
		},
	} {
		t.Run(name, func(t *testing.T) {
			s := newSite(t)
			b := s.signIn("member")
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, "GET", s.srv.URL+"/events", nil)
			res, err := b.c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			if res.StatusCode != 200 {
				t.Fatalf("the stream: %d", res.StatusCode)
			}
			lines := bufio.NewScanner(res.Body)
			for lines.Scan() && !strings.HasPrefix(lines.Text(), ": connected") {
			}
			start := time.Now()
			end(s, b)
			for lines.Scan() {
				if lines.Text() == "event: end" {
					if d := time.Since(start); d > time.Second {
						t.Errorf("the stream ended %s after its session", d)
					}
					return
				}
			}
			t.Fatal("the stream did not end with its session")
		})
	}
}
