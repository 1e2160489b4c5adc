package web

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/influence"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/ledger"
	"github.com/wayfare-org/wayfare/management"
	"github.com/wayfare-org/wayfare/people"
)

type groupView struct {
	base
	Group     *people.Group
	Ancestors []groupRow // from the top down to the group's parent
	Children  []groupRow // its sub-groups, by name
	// MayManage says the reader may add and remove the group's people:
	// an admin, or its management.
	MayManage bool
	People    memberForm
	Pitches   []*leadership.Pitch
	Journeys  []*management.JourneySummary
	Sessions  []*management.Session
	MayOpen   bool // rule 3: managers open sessions
	Form      management.NewSession
}

func (s *Server) group(w http.ResponseWriter, r *http.Request) error {
	v, err := s.groupView(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "group", v)
	return nil
}

func (s *Server) groupView(r *http.Request) (*groupView, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	g, err := s.svc.Group(ctx, id)
	if err != nil {
		return nil, err
	}
	v := &groupView{base: base{Title: g.Name}, Group: g, Form: management.NewSession{VotesPerPerson: 3}}
	tree, err := s.groupTree(ctx)
	if err != nil {
		return nil, err
	}
	v.Ancestors, v.Children = family(tree, g)
	if v.Pitches, err = s.svc.Pitches(ctx, leadership.PitchFilter{GroupID: id, Page: wayfare.Page{Limit: 30}}); err != nil {
		return nil, err
	}
	if v.Journeys, err = s.svc.Journeys(ctx, management.JourneyFilter{GroupID: id, Page: wayfare.Page{Limit: 30}}); err != nil {
		return nil, err
	}
	if v.Sessions, err = s.svc.ListSessions(ctx, management.SessionFilter{GroupID: id, Page: wayfare.Page{Limit: 20}}); err != nil {
		return nil, err
	}
	standing, err := s.svc.Standing(ctx, id, 0)
	if err != nil {
		return nil, err
	}
	v.MayOpen = management.CanDecide(standing) == nil
	v.MayManage = v.MayOpen || wayfare.ActorFrom(ctx).Admin
	v.People = memberForm{GroupID: g.ID, Back: "/groups/" + id.String(), Members: g.Members}
	return v, nil
}

// family returns a group's ancestors, from the top, and its children.
func family(tree []groupRow, g *people.Group) (ancestors, children []groupRow) {
	byID := make(map[wayfare.ID]groupRow, len(tree))
	for _, row := range tree {
		byID[row.ID] = row
		if row.ParentID != nil && *row.ParentID == g.ID {
			children = append(children, row)
		}
	}
	for p := g.ParentID; p != nil && len(ancestors) < len(tree); {
		row, ok := byID[*p]
		if !ok {
			break
		}
		ancestors = append([]groupRow{row}, ancestors...)
		p = row.ParentID
	}
	return ancestors, children
}

type personView struct {
	base
	Subjects   subjects
	Person     *people.Person
	Manager    *people.Person
	Leadership []*wayfare.Act
	Management []*wayfare.Act
	Following  []*wayfare.Act
	// FollowsPrivate says the organization keeps this person's follows
	// from the reader.
	FollowsPrivate bool
}

// person shows someone's acts in two columns, leadership and management,
// with their acts as a follower below.
func (s *Server) person(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	p, err := s.svc.Person(ctx, id)
	if err != nil {
		return err
	}
	v := &personView{base: base{Title: p.Name}, Person: p}
	if p.ManagerID != nil {
		v.Manager, _ = s.svc.Person(ctx, *p.ManagerID)
	}
	for _, c := range []struct {
		f    wayfare.Function
		into *[]*wayfare.Act
	}{{wayfare.Leadership, &v.Leadership}, {wayfare.Management, &v.Management}, {wayfare.Follower, &v.Following}} {
		if *c.into, err = s.svc.Acts(ctx, ledger.Filter{PersonID: id, Function: c.f, Page: wayfare.Page{Limit: 30}}); err != nil {
			return err
		}
	}
	policy, err := s.svc.InfluencePolicy(ctx)
	if err != nil {
		return err
	}
	v.FollowsPrivate = !influence.MaySeeFollower(wayfare.ActorFrom(ctx), policy, id)
	if v.Subjects, err = s.subjects(r, v.Leadership, v.Management, v.Following); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "person", v)
	return nil
}

type actsView struct {
	base
	Acts     []*wayfare.Act
	Names    map[wayfare.ID]string
	Left     map[wayfare.ID]bool // the people named who have left
	Subjects subjects
	Function string
	Verb     string
	Verbs    []string
	Next     string
}

// acts is the ledger, newest first, filtered by function and verb.
func (s *Server) acts(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	v := &actsView{base: base{Title: "Ledger"}, Function: q.Get("function"), Verb: q.Get("verb"), Names: map[wayfare.ID]string{},
		Verbs: ledger.Verbs()}
	f := ledger.Filter{Function: wayfare.Function(v.Function), Verb: v.Verb, Page: wayfare.Page{Limit: 51}}
	if f.Function != "" && !f.Function.Valid() {
		return wayfare.FieldError("function", "is not a function")
	}
	if c, err := wayfare.ParseID(q.Get("before")); err == nil {
		f.Cursor = c
	}
	acts, err := s.svc.Acts(r.Context(), f)
	if err != nil {
		return err
	}
	if len(acts) == 51 {
		acts = acts[:50]
		v.Next = acts[49].ID.String()
	}
	v.Acts = acts
	ids := make([]wayfare.ID, 0, len(acts))
	for _, a := range acts {
		ids = append(ids, a.PersonID)
	}
	if err := s.names(r, v.Names, ids); err != nil {
		return err
	}
	if v.Left, err = s.leftOf(r.Context(), ids); err != nil {
		return err
	}
	if v.Subjects, err = s.subjects(r, acts); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "acts", v)
	return nil
}

// subjects names what acts are about: "pitch" → id → title, and so on.
type subjects map[string]map[wayfare.ID]string

// Of returns the name of an act's subject, or its kind and id.
func (s subjects) Of(a *wayfare.Act) string {
	if n, ok := s[a.SubjectKind][a.SubjectID]; ok {
		return n
	}
	return a.SubjectKind + " " + a.SubjectID.String()
}

// actRow is what the act-row partial shows.
type actRow struct {
	Act     *wayfare.Act
	Subject string
}

// Row pairs an act with its subject's name, for the act-row partial.
func (s subjects) Row(a *wayfare.Act) actRow { return actRow{Act: a, Subject: s.Of(a)} }

func (s *Server) subjects(r *http.Request, acts ...[]*wayfare.Act) (subjects, error) {
	byKind := map[string][]wayfare.ID{}
	for _, list := range acts {
		for _, a := range list {
			byKind[a.SubjectKind] = append(byKind[a.SubjectKind], a.SubjectID)
		}
	}
	out := subjects{}
	for kind, ids := range byKind {
		names, err := s.svc.Names(r.Context(), kind, ids)
		if err != nil {
			return nil, err
		}
		out[kind] = names
	}
	return out, nil
}

type searchView struct {
	base
	Query   string
	Pitches []*leadership.Pitch
	People  []*people.Person
	Groups  []groupRow
}

func (s *Server) search(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	v := &searchView{base: base{Title: "Search"}, Query: q}
	if q != "" {
		var err error
		if v.Pitches, err = s.svc.Pitches(r.Context(), leadership.PitchFilter{Query: q, Page: wayfare.Page{Limit: 30}}); err != nil {
			return err
		}
		if v.People, err = s.svc.People(r.Context(), people.PersonFilter{Query: q, Page: wayfare.Page{Limit: 10}}); err != nil {
			return err
		}
		if v.Groups, err = s.findGroups(r.Context(), q, 10); err != nil {
			return err
		}
	}
	s.render(w, r, http.StatusOK, "search", v)
	return nil
}

// findGroups returns up to limit groups whose name holds every word of q,
// whatever the case, in tree order.
func (s *Server) findGroups(ctx context.Context, q string, limit int) ([]groupRow, error) {
	tree, err := s.groupTree(ctx)
	if err != nil {
		return nil, err
	}
	words := strings.Fields(strings.ToLower(q))
	var out []groupRow
	for _, g := range tree {
		name := strings.ToLower(g.Name)
		if !slices.ContainsFunc(words, func(w string) bool { return !strings.Contains(name, w) }) {
			if out = append(out, g); len(out) == limit {
				break
			}
		}
	}
	return out, nil
}

type directoryView struct {
	base
	Tree []groupRow
}

// groups is the directory: every group as a tree, with its people, the
// pitches selling to it and its journeys.
func (s *Server) groups(w http.ResponseWriter, r *http.Request) error {
	tree, err := s.groupTree(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "groups", &directoryView{base: base{Title: "Groups"}, Tree: tree})
	return nil
}
