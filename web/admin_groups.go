package web

import (
	"net/http"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/people"
	"github.com/wayfare-org/wayfare/text"
)

type adminGroupsView struct {
	base
	Tree   []groupRow
	Name   string
	Parent string
	Errors map[string]string
}

// adminGroups shows every group as a tree, with the form that adds one.
func (s *Server) adminGroups(w http.ResponseWriter, r *http.Request) error {
	return s.renderGroups(w, r, http.StatusOK, &adminGroupsView{})
}

func (s *Server) renderGroups(w http.ResponseWriter, r *http.Request, status int, v *adminGroupsView) error {
	tree, err := s.groupTree(r.Context())
	if err != nil {
		return err
	}
	v.Tree, v.base.Title = tree, "Groups · Administration"
	if len(v.Errors) > 0 {
		v.Problem = formProblem(len(v.Errors))
	}
	s.render(w, r, status, "admin_groups", v)
	return nil
}

func (s *Server) adminCreateGroup(w http.ResponseWriter, r *http.Request) error {
	v := &adminGroupsView{Name: r.PostFormValue("name"), Parent: r.PostFormValue("parent"), Errors: map[string]string{}}
	tree, err := s.groupTree(r.Context())
	if err != nil {
		return err
	}
	in := people.NewGroup{}
	if in.Name, err = text.Line("name", v.Name, 1, 200); err != nil {
		fieldErrors(v.Errors, err)
	}
	if in.ParentID, err = groupByPath(tree, "parent", v.Parent); err != nil {
		fieldErrors(v.Errors, err)
	}
	if len(v.Errors) == 0 {
		g, err := s.svc.CreateGroup(r.Context(), in)
		if err == nil {
			return s.adminBack(w, r, "/admin/groups/"+g.ID.String(), g.Name+" was added.")
		}
		if !fieldErrors(v.Errors, err) {
			return err
		}
	}
	return s.renderGroups(w, r, http.StatusBadRequest, v)
}

type adminGroupView struct {
	base
	Group   *people.Group
	Path    string
	Parents []groupRow // where it may move: not itself nor below it
	Name    string
	Parent  string
	Members memberForm
	Errors  map[string]string
}

// memberForm adds people to a group; admins and the group's management
// see it, on the admin pages and on the group's page.
type memberForm struct {
	GroupID wayfare.ID
	Back    string
	Members []people.Membership
}

func (s *Server) adminGroup(w http.ResponseWriter, r *http.Request) error {
	return s.renderGroup(w, r, http.StatusOK, nil)
}

func (s *Server) renderGroup(w http.ResponseWriter, r *http.Request, status int, v *adminGroupView) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	tree, err := s.groupTree(r.Context())
	if err != nil {
		return err
	}
	g, err := s.svc.Group(r.Context(), id)
	if err != nil {
		return err
	}
	if v == nil {
		v = &adminGroupView{Name: g.Name}
	}
	v.Group, v.base.Title = g, g.Name+" · Administration"
	below := map[wayfare.ID]bool{id: true}
	for _, row := range tree { // tree order: a parent comes before its children
		if row.ParentID != nil && below[*row.ParentID] {
			below[row.ID] = true
		}
		if row.ID == id {
			v.Path = row.Path
		}
		if g.ParentID != nil && row.ID == *g.ParentID && v.Parent == "" && v.Errors == nil {
			v.Parent = row.Path
		}
		if !below[row.ID] {
			v.Parents = append(v.Parents, row)
		}
	}
	v.Members = memberForm{GroupID: g.ID, Back: "/admin/groups/" + id.String(), Members: g.Members}
	if len(v.Errors) > 0 {
		v.Problem = formProblem(len(v.Errors))
	}
	s.render(w, r, status, "admin_group", v)
	return nil
}

// adminUpdateGroup renames a group or moves it under another.
func (s *Server) adminUpdateGroup(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v := &adminGroupView{Name: r.PostFormValue("name"), Parent: r.PostFormValue("parent"), Errors: map[string]string{}}
	tree, err := s.groupTree(r.Context())
	if err != nil {
		return err
	}
	name, err := text.Line("name", v.Name, 1, 200)
	fieldErrors(v.Errors, err)
	parent, err := groupByPath(tree, "parent", v.Parent)
	fieldErrors(v.Errors, err)
	if len(v.Errors) == 0 {
		g, err := s.svc.UpdateGroup(r.Context(), id, people.GroupUpdate{Name: &name, ParentID: people.ManagerRef{Set: true, ID: parent}})
		if err == nil {
			return s.adminBack(w, r, "/admin/groups/"+id.String(), g.Name+" is up to date.")
		}
		if e, ok := refused(err); ok && e.Field == "parent_id" {
			v.Errors["parent"] = e.Message
		} else if !fieldErrors(v.Errors, err) {
			return err
		}
	}
	return s.renderGroup(w, r, http.StatusBadRequest, v)
}

// addMember gives a person a role in a group: admins and the group's
// management, from the admin pages or the group's page.
func (s *Server) addMember(w http.ResponseWriter, r *http.Request) error {
	gid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	back := safeNext(r.PostFormValue("back"))
	pid, err := s.pickedPerson(r, "person")
	if e, ok := refused(err); ok {
		return s.back(w, r, back, problemFor(e, "person"))
	} else if err != nil {
		return err
	} else if pid == 0 {
		return s.back(w, r, back, "Choose a person to add.")
	}
	role := people.Role(r.PostFormValue("role"))
	if role == "" {
		role = people.Member
	}
	m, err := s.svc.SetRole(r.Context(), gid, pid, role)
	if e, ok := refused(err); ok {
		return s.back(w, r, back, e.Message)
	} else if err != nil {
		return err
	}
	return s.back(w, r, back, m.Name+" is now a "+string(m.Role)+" of the group.")
}

// removeMember takes a person out of a group.
func (s *Server) removeMember(w http.ResponseWriter, r *http.Request) error {
	gid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pid, err := pathID(r, "person")
	if err != nil {
		return err
	}
	back := safeNext(r.PostFormValue("back"))
	if err := s.svc.RemoveMember(r.Context(), gid, pid); err != nil {
		if e, ok := refused(err); ok {
			return s.back(w, r, back, e.Message)
		}
		return err
	}
	return s.back(w, r, back, "Removed from the group.")
}
