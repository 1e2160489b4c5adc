package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/wayfare-org/wayfare"
)

// person is a demo person as the plan knows them.
type person struct {
	id    wayfare.ID
	name  string
	email string
	title string
	level int
	boss  *person
	dept  string // department key; "" for the CEO
	home  *group // the group the person manages or belongs to first
	admin bool
}

type groupKind int

const (
	execGroup groupKind = iota
	deptGroup
	subGroup
	teamGroup
	communityGroup
)

// group is a demo group as the plan knows it.
type group struct {
	id       wayfare.ID
	name     string
	kind     groupKind
	dept     string // department key, or the community's key
	parent   *group
	children []*group
	manager  *person
	members  []*person // role member, in order
	everyone []*person // manager and members here and in every descendant
	counts   map[*person]bool
}

// org is the planned organization, in creation order.
type org struct {
	people      []*person
	groups      []*group
	ceo         *person
	vps         []*person
	exec        *group
	depts       []*group
	subs        []*group
	teams       []*group
	communities []*group
	byEmail     map[string]*person
	used        map[string]bool // e-mail local parts taken
}

// fixedPeople counts the people every organization has besides the team
// members: the CEO, the VPs, the directors, the team managers, the admin.
func fixedPeople() int {
	n := 2 + len(departments)
	for _, d := range departments {
		n += len(d.subs)
		for _, s := range d.subs {
			n += len(s.teams)
		}
	}
	return n
}

// designOrg plans an organization of n people.
func designOrg(rng *rand.Rand, n int) *org {
	o := &org{byEmail: map[string]*person{}, used: map[string]bool{}}
	for _, ps := range personaSpecs {
		o.used[ps.email[:len(ps.email)-len("@demo.test")]] = true
	}
	o.ceo = o.persona(emailCEO, nil, "")
	o.exec = o.group("Executive team", execGroup, "", nil)
	o.exec.manager = o.ceo
	o.ceo.home = o.exec
	var teamDept []*deptSpec
	for i := range departments {
		d := &departments[i]
		var vp *person
		if d.key == "eng" {
			vp = o.persona(emailVP, o.ceo, d.key)
		} else {
			vp = o.newPerson(rng, d.vpTitle, o.ceo, d.key)
		}
		o.vps = append(o.vps, vp)
		o.exec.members = append(o.exec.members, vp)
		dg := o.group(d.name, deptGroup, d.key, nil)
		dg.manager, vp.home = vp, dg
		o.depts = append(o.depts, dg)
		for _, s := range d.subs {
			dir := o.newPerson(rng, s.director, vp, d.key)
			sg := o.group(s.name, subGroup, d.key, dg)
			sg.manager, dir.home = dir, sg
			o.subs = append(o.subs, sg)
			for _, t := range s.teams {
				tg := o.group(t, teamGroup, d.key, sg)
				o.teams = append(o.teams, tg)
				teamDept = append(teamDept, d)
				var tm *person
				if t == "Payments" {
					tm = o.persona(emailManager, dir, d.key)
				} else {
					tm = o.newPerson(rng, d.mgrRole+", "+t, dir, d.key)
				}
				tg.manager, tm.home = tm, tg
			}
		}
	}
	o.staffTeams(rng, n-fixedPeople(), teamDept)
	o.addAdmin()
	o.addCommunities(rng)
	for _, g := range o.groups {
		g.everyone = collect(g)
		g.counts = map[*person]bool{}
		for _, p := range g.everyone {
			g.counts[p] = true
		}
	}
	return o
}

// staffTeams spreads the front line over the teams by department weight.
func (o *org) staffTeams(rng *rand.Rand, front int, teamDept []*deptSpec) {
	total := 0
	for _, d := range teamDept {
		total += d.weight
	}
	sizes := make([]int, len(o.teams))
	given := 0
	for i, d := range teamDept {
		sizes[i] = front * d.weight / total
		given += sizes[i]
	}
	for i := 0; given < front; i = (i + 1) % len(sizes) {
		sizes[i]++
		given++
	}
	for i, tg := range o.teams {
		d := teamDept[i]
		for k := 0; k < sizes[i]; k++ {
			var p *person
			switch {
			case k == 0 && tg.name == "Payments":
				p = o.persona(emailEngineer, tg.manager, d.key)
			case k == 0 && tg.name == "Tier 1 Support":
				p = o.persona(emailOther, tg.manager, d.key)
			default:
				p = o.newPerson(rng, d.titles[rng.IntN(len(d.titles))], tg.manager, d.key)
			}
			p.home = tg
			tg.members = append(tg.members, p)
		}
	}
}

// addAdmin adds the admin, who configures the organization and manages
// nothing: a member of the IT team.
func (o *org) addAdmin() {
	tg := o.find("IT & Workplace")
	a := o.persona(emailAdmin, tg.manager, "ops")
	a.admin, a.home = true, tg
	tg.members = append(tg.members, a)
}

// addCommunities adds the groups that cut across departments.
func (o *org) addCommunities(rng *rand.Rand) {
	sec := o.group("Security guild", communityGroup, "security", nil)
	sec.manager = o.find("Security Engineering").manager
	sec.members = o.pick(rng, 16, sec.manager, func(p *person) bool {
		return p.level >= 3 && (p.dept == "eng" || p.dept == "ops")
	})
	a11y := o.group("Accessibility community", communityGroup, "a11y", nil)
	design := o.find("Product Design")
	a11y.manager = design.members[0]
	a11y.manager.title = "Senior Product Designer"
	a11y.members = o.pick(rng, 17, a11y.manager, func(p *person) bool {
		return p.level == 4 && (p.dept == "product" || p.dept == "eng" || p.dept == "support")
	})
	if maya := o.byEmail[emailEngineer]; !contains(a11y.members, maya) {
		a11y.members = append(a11y.members, maya)
	}
	green := o.group("Sustainability committee", communityGroup, "green", nil)
	green.manager = o.find("Business Operations").manager
	green.members = o.pick(rng, 11, green.manager, func(p *person) bool { return p.level >= 2 })
	green.members = append([]*person{o.ceo}, green.members...)
}

// pick draws up to n distinct people who pass ok, leaving out one.
func (o *org) pick(rng *rand.Rand, n int, not *person, ok func(*person) bool) []*person {
	var pool []*person
	for _, p := range o.people {
		if p != not && !p.admin && ok(p) {
			pool = append(pool, p)
		}
	}
	rng.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	pool = pool[:min(n, len(pool))]
	sortPeople(pool)
	return pool
}

// find returns the group of that name.
func (o *org) find(name string) *group {
	for _, t := range o.groups {
		if t.name == name {
			return t
		}
	}
	panic("demo: no group " + name)
}

func (o *org) group(name string, kind groupKind, dept string, parent *group) *group {
	g := &group{name: name, kind: kind, dept: dept, parent: parent}
	if parent != nil {
		parent.children = append(parent.children, g)
	}
	o.groups = append(o.groups, g)
	return g
}

// persona adds one of the fixed personas.
func (o *org) persona(email string, boss *person, dept string) *person {
	for _, ps := range personaSpecs {
		if ps.email == email {
			return o.add(&person{name: ps.name, email: email, title: ps.title, boss: boss, dept: dept})
		}
	}
	panic("demo: no persona " + email)
}

// newPerson adds a person with a fresh name.
func (o *org) newPerson(rng *rand.Rand, title string, boss *person, dept string) *person {
	for {
		g, f := givenNames[rng.IntN(len(givenNames))], familyNames[rng.IntN(len(familyNames))]
		local := emailLocal(g, f)
		if o.used[local] {
			continue
		}
		o.used[local] = true
		return o.add(&person{name: g + " " + f, email: local + "@demo.test", title: title, boss: boss, dept: dept})
	}
}

func (o *org) add(p *person) *person {
	if p.boss != nil {
		p.level = p.boss.level + 1
	}
	o.people = append(o.people, p)
	o.byEmail[p.email] = p
	return p
}

// collect returns everyone who counts as a member of g: its manager and
// members and those of its descendants, each once, in creation order.
func collect(g *group) []*person {
	seen := map[*person]bool{}
	var out []*person
	var walk func(*group)
	walk = func(g *group) {
		for _, p := range append([]*person{g.manager}, g.members...) {
			if p != nil && !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
		for _, c := range g.children {
			walk(c)
		}
	}
	walk(g)
	sortPeople(out)
	return out
}

// sortPeople orders people by level, then e-mail: a stable order that
// does not depend on how they were drawn.
func sortPeople(ps []*person) {
	slices.SortFunc(ps, func(a, b *person) int {
		if a.level != b.level {
			return a.level - b.level
		}
		return strings.Compare(a.email, b.email)
	})
}

func contains(ps []*person, p *person) bool {
	for _, q := range ps {
		if q == p {
			return true
		}
	}
	return false
}

// member reports whether p counts as a member of g (rule 8).
func (g *group) member(p *person) bool { return g.counts[p] }

// String names the group in messages.
func (g *group) String() string { return fmt.Sprintf("%s (%s)", g.name, g.id) }
