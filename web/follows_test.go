package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/influence"
)

// TestFollowsPrivateOnPages: with follows private, the ledger page and a
// person's page show who bought a ticket to admins only.
func TestFollowsPrivateOnPages(t *testing.T) {
	s := newSite(t)
	sys := wayfare.WithActor(context.Background(), wayfare.Actor{System: true})
	if err := s.db.SetInfluencePolicy(sys, influence.Policy{FollowsPrivate: true}); err != nil {
		t.Fatal(err)
	}
	buyer := s.ids["outsider"]
	if _, _, err := s.db.BuyTicket(wayfare.WithActor(context.Background(), wayfare.Actor{PersonID: buyer}), s.P); err != nil {
		t.Fatal(err)
	}
	link := `href="/people/` + buyer.String() + `"`
	if _, body := s.signIn("member").get("/acts?function=follower"); strings.Contains(body, link) || !strings.Contains(body, "someone") {
		t.Error("the ledger page names a buyer to a reader who is not an admin")
	}
	if _, body := s.signIn("admin").get("/acts?function=follower"); !strings.Contains(body, link) {
		t.Error("the ledger page hides a buyer from an admin")
	}
	person := "/people/" + buyer.String()
	if _, body := s.signIn("member").get(person); strings.Contains(body, "Written decisions") || !strings.Contains(body, "Kept private") {
		t.Error("a person's page shows their tickets to a reader who is not an admin")
	}
	if _, body := s.signIn("admin").get(person); !strings.Contains(body, "Written decisions") {
		t.Error("a person's page hides their tickets from an admin")
	}
}
