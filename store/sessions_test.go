package store

import (
	"context"
	"testing"
	"time"
)

// TestSessionsPurged: a session past its expiry is not found, and the
// purge deletes its row; a live one stays.
func TestSessionsPurged(t *testing.T) {
	db := openTest(t)
	s := db.Sessions()
	if err := s.Commit("old", []byte("x"), time.Now().Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit("live", []byte("y"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := s.Find("old"); found {
		t.Error("an expired session is found")
	}
	if err := s.Purge(context.Background()); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.read.QueryRow(`SELECT count(*) FROM sessions`).Scan(&n); err != nil || n != 1 {
		t.Errorf("%d sessions left after the purge (%v), want the live one", n, err)
	}
	if _, found, _ := s.Find("live"); !found {
		t.Error("the purge took a live session")
	}
}
