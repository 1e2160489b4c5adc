package store

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/management"
	"github.com/wayfare-org/wayfare/people"
)

// TestOpenRoundsLeftBeforeAreEnded runs the migration that ends rounds
// left open by a decision made directly or a withdrawal before either
// ended them, on such rounds made by hand.
func TestOpenRoundsLeftBeforeAreEnded(t *testing.T) {
	db := openTest(t)
	sys := wayfare.WithActor(context.Background(), wayfare.Actor{System: true})
	boss, _ := db.CreatePerson(sys, people.NewPerson{Name: "Boss", Email: "boss@example.test"})
	g, _ := db.CreateGroup(sys, people.NewGroup{Name: "G"})
	db.SetRole(sys, g.ID, boss.ID, people.Manager)
	as := wayfare.WithActor(context.Background(), wayfare.Actor{PersonID: boss.ID})
	publish := func() wayfare.ID {
		p, err := db.Publish(as, leadership.NewPitch{GroupID: g.ID, Kind: leadership.Proposal, Title: "Idea",
			StatusQuo: "a", BetterWay: "b", TicketsWanted: 1})
		if err != nil {
			t.Fatal(err)
		}
		return p.ID
	}
	decided, withdrawn, open := publish(), publish(), publish()
	rounds := map[wayfare.ID]wayfare.ID{}
	for _, p := range []wayfare.ID{decided, withdrawn, open} {
		r, err := db.OpenRound(as, p, management.NewRound{Method: management.Advice, ClosesAt: time.Now().Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		rounds[p] = r.ID
	}
	d, err := db.Decide(as, decided, management.NewDecision{Outcome: management.Decline, Method: management.Directive, Rationale: "No."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Withdraw(as, withdrawn); err != nil {
		t.Fatal(err)
	}
	// As the earlier code left them: open.
	if _, err := db.write.Exec(`UPDATE rounds SET closed_at = NULL, decision_id = NULL`); err != nil {
		t.Fatal(err)
	}
	b, err := migrations.ReadFile("migrations/sqlite/0004_rounds_end.sql")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.Exec(string(b)); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[wayfare.ID]bool{decided: false, withdrawn: false, open: true} {
		r, err := db.Round(sys, rounds[p])
		if err != nil {
			t.Fatal(err)
		}
		if r.Open != want {
			t.Errorf("round on pitch %s: open %v, want %v", p, r.Open, want)
		}
		if p == decided && (r.DecisionID == nil || *r.DecisionID != d.ID) {
			t.Errorf("the round ended by the decision is linked to it: %v", r.DecisionID)
		}
	}
}

// TestMigrationNumbersAreUnique: two migrations with one number would
// leave the second unapplied, silently. Both dialects carry the same
// numbers, each under the same name.
func TestMigrationNumbersAreUnique(t *testing.T) {
	var bases [2][]string
	for i, d := range []*dialect{sqliteDialect, postgresDialect} {
		names, err := migrationNames(d)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[int]string{}
		for _, name := range names {
			base := name[strings.LastIndex(name, "/")+1:]
			v, err := migrationVersion(base)
			if err != nil {
				t.Fatal(err)
			}
			if other, ok := seen[v]; ok {
				t.Errorf("%s: migrations %s and %s have the same number", d.name, other, base)
			}
			seen[v] = base
			bases[i] = append(bases[i], base)
		}
	}
	if !slices.Equal(bases[0], bases[1]) {
		t.Errorf("the dialects' migrations differ:\nsqlite   %v\npostgres %v", bases[0], bases[1])
	}
}
