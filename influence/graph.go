package influence

import (
	"math"
	"slices"

	"github.com/wayfare-org/wayfare"
)

// Edge is one edge of the follower graph: a follower holds Weight tickets
// on the author's pitches (proposals and examples alike).
type Edge struct {
	Follower, Author wayfare.ID
	Weight           int
}

// FollowerGraph builds the follower graph: an edge from each ticket
// holder to the pitch author, weighted by the tickets held, one edge per
// pair, sorted by follower then author. A ticket on one's own pitch is no
// following and makes no edge.
func FollowerGraph(follows []Follow) []Edge {
	type pair struct{ f, a wayfare.ID }
	w := make(map[pair]int, len(follows))
	for _, f := range follows {
		if f.FollowerID == f.AuthorID || f.Tickets <= 0 {
			continue
		}
		w[pair{f.FollowerID, f.AuthorID}] += f.Tickets
	}
	edges := make([]Edge, 0, len(w))
	for p, n := range w {
		edges = append(edges, Edge{Follower: p.f, Author: p.a, Weight: n})
	}
	slices.SortFunc(edges, func(x, y Edge) int {
		if x.Follower != y.Follower {
			return cmpID(x.Follower, y.Follower)
		}
		return cmpID(x.Author, y.Author)
	})
	return edges
}

func cmpID(a, b wayfare.ID) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// ExampleAdoptions counts, per author, the tickets others hold on the
// author's example pitches: each one is someone who adopted the practice.
func ExampleAdoptions(follows []Follow) map[wayfare.ID]int {
	out := map[wayfare.ID]int{}
	for _, f := range follows {
		if f.Example && f.FollowerID != f.AuthorID && f.Tickets > 0 {
			out[f.AuthorID] += f.Tickets
		}
	}
	return out
}

// Memberships answers whether two people share a group. Groups nest: a
// member of a group counts as a member of its ancestors. Two people share
// a group when one of them is in a group the other is in, directly or
// through a group below it. A common ancestor alone does not count:
// otherwise everyone under the same top group would share it, and nothing
// would ever cross a boundary. So two engineers in sibling teams of one
// department share no group, while an engineer and the manager of the
// department above the engineer's team do.
type Memberships struct {
	direct   map[wayfare.ID][]wayfare.ID            // person → groups joined directly
	expanded map[wayfare.ID]map[wayfare.ID]struct{} // person → those groups and their ancestors
}

// NewMemberships indexes people's groups with their ancestors.
func NewMemberships(ps []Person, groups []Group) *Memberships {
	parent := make(map[wayfare.ID]wayfare.ID, len(groups))
	for _, g := range groups {
		parent[g.ID] = g.ParentID
	}
	m := &Memberships{direct: map[wayfare.ID][]wayfare.ID{}, expanded: map[wayfare.ID]map[wayfare.ID]struct{}{}}
	for _, p := range ps {
		if len(p.Groups) == 0 {
			continue
		}
		set := map[wayfare.ID]struct{}{}
		for _, g := range p.Groups {
			for depth := 0; g != 0 && depth < 64; depth++ { // the depth bound guards against a cycle
				if _, seen := set[g]; seen {
					break
				}
				set[g] = struct{}{}
				g = parent[g]
			}
		}
		m.direct[p.ID], m.expanded[p.ID] = p.Groups, set
	}
	return m
}

// Share reports whether a and b share a group (see Memberships).
func (m *Memberships) Share(a, b wayfare.ID) bool {
	return m.within(a, b) || m.within(b, a)
}

// within reports whether one of a's direct groups holds b, directly or
// through a group below it.
func (m *Memberships) within(a, b wayfare.ID) bool {
	eb := m.expanded[b]
	for _, g := range m.direct[a] {
		if _, ok := eb[g]; ok {
			return true
		}
	}
	return false
}

// Reach is how far one person's leadership reaches.
type Reach struct {
	Followers     int // distinct followers
	CrossBoundary int // followers who share no group with the author
	Upward        int // followers more senior (a lower level number) than the author
}

// ReachOf computes every author's reach from the follower graph. levels
// gives each person's level; a follower of unknown level is not upward.
func ReachOf(edges []Edge, levels map[wayfare.ID]int, m *Memberships) map[wayfare.ID]Reach {
	out := map[wayfare.ID]Reach{}
	for _, e := range edges {
		r := out[e.Author]
		r.Followers++
		if !m.Share(e.Follower, e.Author) {
			r.CrossBoundary++
		}
		fl, okF := levels[e.Follower]
		al, okA := levels[e.Author]
		if okF && okA && fl < al {
			r.Upward++
		}
		out[e.Author] = r
	}
	return out
}

// Damping, Tolerance and MaxIterations are the PageRank parameters.
const (
	Damping       = 0.85
	Tolerance     = 1e-9
	MaxIterations = 100
)

// PageRank ranks people by influence over the follower graph: a follower
// passes rank to the authors they follow, in proportion to the tickets
// held. Nodes are the people given (sorted by id for determinism); edges
// between unknown people are ignored. People who follow nobody (dangling
// nodes) spread their rank evenly over everyone, so the ranks always sum
// to 1. It iterates until the ranks move by less than Tolerance in all
// (L1) or MaxIterations are done.
func PageRank(ids []wayfare.ID, edges []Edge) map[wayfare.ID]float64 {
	n := len(ids)
	out := make(map[wayfare.ID]float64, n)
	if n == 0 {
		return out
	}
	ids = slices.Clone(ids)
	slices.Sort(ids)
	index := make(map[wayfare.ID]int, n)
	for i, id := range ids {
		index[id] = i
	}
	type arc struct {
		from, to int
		w        float64
	}
	arcs := make([]arc, 0, len(edges))
	outWeight := make([]float64, n)
	for _, e := range edges {
		f, okF := index[e.Follower]
		a, okA := index[e.Author]
		if !okF || !okA || f == a || e.Weight <= 0 {
			continue
		}
		arcs = append(arcs, arc{f, a, float64(e.Weight)})
		outWeight[f] += float64(e.Weight)
	}
	rank, next := make([]float64, n), make([]float64, n)
	for i := range rank {
		rank[i] = 1 / float64(n)
	}
	for range MaxIterations {
		dangling := 0.0
		for i, w := range outWeight {
			if w == 0 {
				dangling += rank[i]
			}
		}
		base := (1-Damping)/float64(n) + Damping*dangling/float64(n)
		for i := range next {
			next[i] = base
		}
		for _, a := range arcs {
			next[a.to] += Damping * rank[a.from] * a.w / outWeight[a.from]
		}
		diff := 0.0
		for i := range rank {
			diff += math.Abs(next[i] - rank[i])
		}
		rank, next = next, rank
		if diff < Tolerance {
			break
		}
	}
	for i, id := range ids {
		out[id] = rank[i]
	}
	return out
}

// Ranking orders people by rank, highest first, ties by id, and gives
// each one's percentile: the share of people, in percent, ranked strictly
// lower.
func Ranking(rank map[wayfare.ID]float64) ([]wayfare.ID, map[wayfare.ID]int) {
	ids := make([]wayfare.ID, 0, len(rank))
	for id := range rank {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b wayfare.ID) int {
		if !near(rank[a], rank[b]) {
			if rank[a] > rank[b] {
				return -1
			}
			return 1
		}
		return cmpID(a, b)
	})
	pct := make(map[wayfare.ID]int, len(ids))
	n := len(ids)
	lower := 0 // people ranked strictly lower than ids[i]
	for i := n - 1; i >= 0; {
		j := i
		for j > 0 && near(rank[ids[j-1]], rank[ids[i]]) {
			j--
		}
		for k := j; k <= i; k++ {
			pct[ids[k]] = lower * 100 / n
		}
		lower += i - j + 1
		i = j - 1
	}
	return ids, pct
}

// near reports whether two ranks are equal but for rounding.
func near(a, b float64) bool { return math.Abs(a-b) < 1e-12 }
