package influence

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/management"
	"github.com/wayfare-org/wayfare/people"
)

// benchOrg builds the input of the benchmarks' size (1,000 people in 20
// nested groups, 10,000 pitches, 200,000 tickets) as storage reads it.
func benchOrg() Org {
	rng := rand.New(rand.NewPCG(1, 2))
	const nPeople, nPitches, perPitch, nGroups = 1000, 10000, 20, 20
	var o Org
	o.Groups = append(o.Groups, Group{ID: 1})
	for g := 2; g <= nGroups; g++ {
		o.Groups = append(o.Groups, Group{ID: wayfare.ID(g), ParentID: wayfare.ID((g-2)/4 + 1)}) // four children a group
	}
	for p := 1; p <= nPeople; p++ {
		o.People = append(o.People, Person{ID: wayfare.ID(p), Level: min(5, p/170), Groups: []wayfare.ID{wayfare.ID((p-1)%nGroups + 1)}})
		o.Acts = append(o.Acts, ActCount{wayfare.ID(p), wayfare.Leadership, 10}, ActCount{wayfare.ID(p), wayfare.Management, 1})
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	relations := []people.Relation{people.Outside, people.Below, people.Peer, people.Above}
	for i := 1; i <= nPitches; i++ {
		p := Pitch{ID: wayfare.ID(i), AuthorID: wayfare.ID(rng.IntN(nPeople) + 1), Kind: leadership.Proposal,
			Status: leadership.Selling, Origin: relations[i%4], Ready: i%3 == 0, PublishedAt: t0.Add(time.Duration(i) * time.Minute)}
		if i%10 == 0 {
			p.Kind, p.Status = leadership.Example, leadership.Showing
		} else if i%5 == 0 {
			p.Status = leadership.Adopted
			o.Decisions = append(o.Decisions, Decision{PitchID: p.ID, DeciderID: wayfare.ID(rng.IntN(40)*25 + 25),
				Outcome: management.Adopt, At: p.PublishedAt.Add(time.Duration(rng.IntN(100)) * time.Hour)})
			o.Journeys = append(o.Journeys, Journey{ID: p.ID, PitchID: p.ID, Status: management.Underway, Riders: perPitch, OpenDoubts: i % 7})
		}
		o.Pitches = append(o.Pitches, p)
		start := rng.IntN(nPeople)
		for k := range perPitch {
			o.Follows = append(o.Follows, Follow{FollowerID: wayfare.ID((start+k*7)%nPeople + 1), AuthorID: p.AuthorID,
				Example: p.Kind == leadership.Example, Tickets: 1})
		}
	}
	o.DoubtThreshold = 25
	return o
}

// BenchmarkCompute is the computation alone, without reading the data.
func BenchmarkCompute(b *testing.B) {
	o := benchOrg()
	now := time.Now()
	for b.Loop() {
		Compute(o, now)
	}
}
