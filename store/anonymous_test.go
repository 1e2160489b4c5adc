package store

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/management"
	"github.com/wayfare-org/wayfare/people"
)

// anonymousSession opens an anonymous session in which a member posts an
// idea; it returns the member and the idea.
func anonymousSession(t *testing.T, db *DB, anonymous bool) (wayfare.ID, *management.Idea) {
	t.Helper()
	sys := wayfare.WithActor(context.Background(), wayfare.Actor{System: true})
	boss, _ := db.CreatePerson(sys, people.NewPerson{Name: "Boss", Email: "boss@example.test"})
	member, _ := db.CreatePerson(sys, people.NewPerson{Name: "Member", Email: "member@example.test"})
	g, _ := db.CreateGroup(sys, people.NewGroup{Name: "G"})
	db.SetRole(sys, g.ID, boss.ID, people.Manager)
	db.SetRole(sys, g.ID, member.ID, people.Member)
	s, err := db.OpenSession(wayfare.WithActor(context.Background(), wayfare.Actor{PersonID: boss.ID}),
		management.NewSession{GroupID: g.ID, Prompt: "What slows us?", Anonymous: anonymous, VotesPerPerson: 2})
	if err != nil {
		t.Fatal(err)
	}
	i, err := db.PostIdea(wayfare.WithActor(context.Background(), wayfare.Actor{PersonID: member.ID}), s.ID,
		management.NewIdea{Text: "Fewer meetings"})
	if err != nil {
		t.Fatal(err)
	}
	return member.ID, i
}

// TestAnonymousIdeaStoresNoAuthor: the row of an anonymous idea and its
// act name nobody; the idea keeps the hash of its claim, not the claim.
func TestAnonymousIdeaStoresNoAuthor(t *testing.T) {
	db := openTest(t)
	member, idea := anonymousSession(t, db, true)
	var author sql.NullInt64
	var claim sql.NullString
	if err := db.write.QueryRow(`SELECT author_id, claim_hash FROM ideas WHERE id = ?`, idea.ID).Scan(&author, &claim); err != nil {
		t.Fatal(err)
	}
	if author.Valid {
		t.Fatalf("the idea's row names its author %d", author.Int64)
	}
	if claim.String != management.ClaimHash(member, idea.ClaimToken) || strings.Contains(claim.String, idea.ClaimToken) {
		t.Fatalf("claim_hash = %q for token %q", claim.String, idea.ClaimToken)
	}
	var named int
	if err := db.write.QueryRow(`SELECT count(*) FROM acts WHERE verb = 'idea.posted' AND person_id <> 0`).Scan(&named); err != nil || named != 0 {
		t.Fatalf("idea.posted acts naming someone: %d %v", named, err)
	}
}

// TestAnonymousIdeasLoseTheirAuthor runs the migration that drops the
// author link of ideas posted to anonymous sessions before claims.
func TestAnonymousIdeasLoseTheirAuthor(t *testing.T) {
	db := openTest(t)
	member, idea := anonymousSession(t, db, true)
	// As the earlier code kept it: the author named, no claim.
	if _, err := db.write.Exec(`UPDATE ideas SET author_id = ?, claim_hash = NULL`, member); err != nil {
		t.Fatal(err)
	}
	b, err := migrations.ReadFile("migrations/sqlite/0007_electorates_and_claims.sql")
	if err != nil {
		t.Fatal(err)
	}
	part := string(b)[strings.Index(string(b), "-- An idea posted to an anonymous session"):]
	tx, err := db.write.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(part); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	var author sql.NullInt64
	if err := db.write.QueryRow(`SELECT author_id FROM ideas WHERE id = ?`, idea.ID).Scan(&author); err != nil || author.Valid {
		t.Fatalf("after the migration the idea names %v (%v)", author, err)
	}
}

// TestNamedIdeasKeepTheirAuthor: an idea in a session that is not
// anonymous names its author, as before, and needs no claim.
func TestNamedIdeasKeepTheirAuthor(t *testing.T) {
	db := openTest(t)
	member, idea := anonymousSession(t, db, false)
	var author sql.NullInt64
	var claim sql.NullString
	if err := db.write.QueryRow(`SELECT author_id, claim_hash FROM ideas WHERE id = ?`, idea.ID).Scan(&author, &claim); err != nil {
		t.Fatal(err)
	}
	if wayfare.ID(author.Int64) != member || claim.Valid || idea.ClaimToken != "" {
		t.Fatalf("a named idea: author %v, claim %v, token %q", author, claim, idea.ClaimToken)
	}
}
