package influence

import (
	"math"
	"slices"
	"testing"

	"github.com/wayfare-org/wayfare"
)

func TestFollowerGraph(t *testing.T) {
	got := FollowerGraph([]Follow{
		{FollowerID: 3, AuthorID: 1, Tickets: 2},
		{FollowerID: 2, AuthorID: 1, Tickets: 1},
		{FollowerID: 3, AuthorID: 1, Example: true, Tickets: 1}, // same pair, other kind: one edge
		{FollowerID: 1, AuthorID: 1, Tickets: 4},                // a ticket on one's own pitch is no following
		{FollowerID: 2, AuthorID: 3, Tickets: 0},
	})
	want := []Edge{{2, 1, 1}, {3, 1, 3}}
	if !slices.Equal(got, want) {
		t.Fatalf("FollowerGraph = %v, want %v", got, want)
	}
}

func TestExampleAdoptions(t *testing.T) {
	got := ExampleAdoptions([]Follow{
		{FollowerID: 2, AuthorID: 1, Example: true, Tickets: 2},
		{FollowerID: 3, AuthorID: 1, Example: true, Tickets: 1},
		{FollowerID: 1, AuthorID: 1, Example: true, Tickets: 1}, // the author's own
		{FollowerID: 3, AuthorID: 1, Tickets: 5},                // proposals are not adoptions
	})
	if got[1] != 3 || len(got) != 1 {
		t.Fatalf("ExampleAdoptions = %v, want 1 → 3", got)
	}
}

// The groups of the tests: a company (1) with two departments (2, 3);
// department 2 has two teams (4, 5). Group 9 stands apart.
var testGroups = []Group{{1, 0}, {2, 1}, {3, 1}, {4, 2}, {5, 2}, {9, 0}}

func TestMembershipsShare(t *testing.T) {
	m := NewMemberships([]Person{
		{ID: 10, Groups: []wayfare.ID{4}},    // engineer in team 4
		{ID: 11, Groups: []wayfare.ID{5}},    // engineer in the sibling team 5
		{ID: 12, Groups: []wayfare.ID{2}},    // department 2's manager
		{ID: 13, Groups: []wayfare.ID{3}},    // in the other department
		{ID: 14, Groups: []wayfare.ID{1}},    // the executive team
		{ID: 15},                             // in no group
		{ID: 16, Groups: []wayfare.ID{9, 4}}, // in team 4 and elsewhere
		{ID: 17, Groups: []wayfare.ID{4}},    // another engineer in team 4
	}, testGroups)
	tests := []struct {
		name string
		a, b wayfare.ID
		want bool
	}{
		{"same team", 10, 17, true},
		{"team member and the manager of the department above", 10, 12, true},
		{"…in either order", 12, 10, true},
		{"team member and the executive team above everything", 10, 14, true},
		{"sibling teams: a common ancestor alone does not count", 10, 11, false},
		{"different departments", 12, 13, false},
		{"someone in no group shares nothing", 15, 10, false},
		{"one shared group among several", 16, 10, true},
		{"the apart group shares nothing with the company", 16, 13, false},
	}
	for _, tt := range tests {
		if got := m.Share(tt.a, tt.b); got != tt.want {
			t.Errorf("%s: Share(%d, %d) = %v, want %v", tt.name, tt.a, tt.b, got, tt.want)
		}
	}
}

func TestReachOf(t *testing.T) {
	ps := []Person{
		{ID: 1, Level: 2, Groups: []wayfare.ID{4}}, // the author
		{ID: 2, Level: 2, Groups: []wayfare.ID{4}}, // same team, same level
		{ID: 3, Level: 1, Groups: []wayfare.ID{2}}, // department manager: shares, more senior
		{ID: 4, Level: 0, Groups: []wayfare.ID{3}}, // other department, more senious still
		{ID: 5, Level: 3},                          // in no group, more junior
	}
	levels := map[wayfare.ID]int{}
	for _, p := range ps {
		levels[p.ID] = p.Level
	}
	edges := FollowerGraph([]Follow{
		{FollowerID: 2, AuthorID: 1, Tickets: 1}, {FollowerID: 3, AuthorID: 1, Tickets: 2},
		{FollowerID: 4, AuthorID: 1, Tickets: 1}, {FollowerID: 5, AuthorID: 1, Tickets: 1},
		{FollowerID: 1, AuthorID: 5, Tickets: 1},
	})
	got := ReachOf(edges, levels, NewMemberships(ps, testGroups))
	if want := (Reach{Followers: 4, CrossBoundary: 2, Upward: 2}); got[1] != want {
		t.Errorf("author 1: %+v, want %+v", got[1], want)
	}
	if want := (Reach{Followers: 1, CrossBoundary: 1, Upward: 1}); got[5] != want {
		t.Errorf("author 5: %+v, want %+v", got[5], want)
	}
	if _, ok := got[2]; ok {
		t.Error("someone nobody follows has no reach entry")
	}
}

func TestPageRank(t *testing.T) {
	t.Run("two people, one follows the other", func(t *testing.T) {
		// r1 = 0.15/2 + 0.85·r2/2 (2 is dangling), r2 = 1 − r1 ⇒ r1 = 0.5/1.425.
		r := PageRank([]wayfare.ID{2, 1}, []Edge{{Follower: 1, Author: 2, Weight: 1}})
		if want := 0.5 / 1.425; math.Abs(r[1]-want) > 1e-8 || math.Abs(r[2]-(1-want)) > 1e-8 {
			t.Fatalf("ranks %v, want 1 → %.6f, 2 → %.6f", r, want, 1-want)
		}
	})
	t.Run("a star and a chain", func(t *testing.T) {
		// 2, 3 and 4 follow 1; 5 follows 2; 6 follows nobody and nobody follows 6.
		edges := []Edge{{2, 1, 1}, {3, 1, 1}, {4, 1, 1}, {5, 2, 1}}
		ids := []wayfare.ID{1, 2, 3, 4, 5, 6}
		r := PageRank(ids, edges)
		sum := 0.0
		for _, v := range r {
			sum += v
		}
		if math.Abs(sum-1) > 1e-9 {
			t.Errorf("ranks sum to %v, want 1", sum)
		}
		order, pct := Ranking(r)
		if want := []wayfare.ID{1, 2, 3, 4, 5, 6}; !slices.Equal(order, want) {
			t.Errorf("order %v, want %v (ranks %v)", order, want, r)
		}
		if pct[1] != 83 || pct[2] != 66 || pct[3] != 0 || pct[6] != 0 {
			t.Errorf("percentiles %v: 1 is above 5 of 6 people, 2 above 4, the four without followers above nobody", pct)
		}
		again := PageRank([]wayfare.ID{6, 5, 4, 3, 2, 1}, edges)
		for id, v := range r {
			if again[id] != v {
				t.Fatalf("not deterministic: %v then %v", r, again)
			}
		}
	})
	t.Run("more tickets pass more rank", func(t *testing.T) {
		r := PageRank([]wayfare.ID{1, 2, 3}, []Edge{{3, 1, 3}, {3, 2, 1}})
		if !(r[1] > r[2] && r[2] > r[3]) {
			t.Errorf("ranks %v: 1 holds three of 3's tickets, 2 one", r)
		}
	})
	t.Run("nobody follows anyone", func(t *testing.T) {
		r := PageRank([]wayfare.ID{1, 2, 3, 4}, nil)
		for _, v := range r {
			if math.Abs(v-0.25) > 1e-12 {
				t.Fatalf("ranks %v, want 0.25 each", r)
			}
		}
		if _, pct := Ranking(r); pct[1] != 0 || pct[4] != 0 {
			t.Errorf("equal ranks share the percentile: %v", pct)
		}
	})
	t.Run("unknown people and self-loops are ignored", func(t *testing.T) {
		r := PageRank([]wayfare.ID{1, 2}, []Edge{{1, 1, 5}, {7, 1, 1}, {1, 8, 1}})
		if len(r) != 2 || math.Abs(r[1]-0.5) > 1e-12 {
			t.Errorf("ranks %v, want two people at 0.5", r)
		}
	})
	if len(PageRank(nil, nil)) != 0 {
		t.Error("no people, no ranks")
	}
}
