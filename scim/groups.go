package scim

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/people"
)

// listGroups answers GET /Groups: filtered by displayName, externalId, id
// or members.value, paged by startIndex and count; members are left out
// when excludedAttributes names them.
func (s *Server) listGroups(w http.ResponseWriter, r *http.Request) error {
	start, count, err := page(r)
	if err != nil {
		return err
	}
	f, none, err := groupFilter(r.URL.Query().Get("filter"))
	if err != nil {
		return err
	}
	items := []group{}
	total := 0
	if !none {
		f.Offset, f.Limit, f.Members = start-1, count, withMembers(r)
		gs, n, err := s.svc.DirectoryGroups(r.Context(), f)
		if err != nil {
			return err
		}
		for _, g := range gs {
			items = append(items, groupOf(g, s.base(r), f.Members))
		}
		total = n
	}
	s.write(w, http.StatusOK, list(total, start, items))
	return nil
}

// withMembers reports whether an answer carries the groups' members:
// unless excludedAttributes names them, or attributes does not.
func withMembers(r *http.Request) bool {
	named := func(param string) bool {
		for _, a := range strings.Split(r.URL.Query().Get(param), ",") {
			if p, err := parsePath(a); err == nil && p.attr == "members" {
				return true
			}
		}
		return false
	}
	if named("excludedAttributes") {
		return false
	}
	return r.URL.Query().Get("attributes") == "" || named("attributes")
}

// groupFilter reads a filter of groups; none says that none can match.
func groupFilter(q string) (f people.DirectoryGroupFilter, none bool, err error) {
	if strings.TrimSpace(q) == "" {
		return f, false, nil
	}
	cs, err := parseFilter(q)
	if err != nil {
		return f, false, err
	}
	for _, c := range cs {
		var ok bool
		switch c.attr {
		case "displayname":
			ok, err = matchString(&f.Name, c, strings.ToLower)
		case "externalid":
			ok, err = matchString(&f.ExternalID, c, nil)
		case "id":
			ok, err = matchID(&f.ID, c)
		case "members", "members.value":
			ok, err = matchID(&f.MemberID, c)
		default:
			err = invalid("invalidFilter", "groups cannot be filtered by %s", c.attr)
		}
		if err != nil {
			return f, false, err
		}
		none = none || !ok
	}
	return f, none, nil
}

// getGroup answers GET /Groups/{id}.
func (s *Server) getGroup(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "group")
	if err != nil {
		return err
	}
	g, err := s.svc.DirectoryGroup(r.Context(), id)
	if err != nil {
		return err
	}
	s.write(w, http.StatusOK, groupOf(g, s.base(r), withMembers(r)))
	return nil
}

// createGroup answers POST /Groups: a group at the top of the tree, with
// its members; 409 uniqueness when a group has the displayName already.
func (s *Server) createGroup(w http.ResponseWriter, r *http.Request) error {
	body, err := readObject(r)
	if err != nil {
		return err
	}
	c, err := groupChange([]operation{{op: "replace", value: mustJSON(body)}})
	if err != nil {
		return err
	}
	in := people.DirectoryGroupInput{}
	if c.Name != nil {
		in.Name = *c.Name
	}
	if c.ExternalID != nil {
		in.ExternalID = *c.ExternalID
	}
	for _, m := range c.Members {
		in.Members = append(in.Members, m.People...)
	}
	g, err := s.svc.ProvisionGroup(r.Context(), in)
	if err != nil {
		return err
	}
	out := groupOf(g, s.base(r), true)
	w.Header().Set("Location", out.Meta.Location)
	s.write(w, http.StatusCreated, out)
	return nil
}

// replaceGroup answers PUT /Groups/{id}: displayName and externalId as
// the body says; members become those it lists, and stay as they are
// when it leaves them out.
func (s *Server) replaceGroup(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "group")
	if err != nil {
		return err
	}
	body, err := readObject(r)
	if err != nil {
		return err
	}
	c, err := groupChange([]operation{{op: "replace", value: mustJSON(body)}})
	if err != nil {
		return err
	}
	if c.Name == nil {
		c.Name = new("") // refused by the rules of a group's name
	}
	if c.ExternalID == nil {
		c.ExternalID = new("")
	}
	if err := s.svc.ChangeDirectoryGroup(r.Context(), id, c); err != nil {
		return err
	}
	return s.getGroup(w, r)
}

// patchGroup answers PATCH /Groups/{id} with 204: renames, and members
// added, removed or replaced, in the order of the operations.
func (s *Server) patchGroup(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "group")
	if err != nil {
		return err
	}
	ops, err := readPatch(r)
	if err != nil {
		return err
	}
	c, err := groupChange(ops)
	if err != nil {
		return err
	}
	if err := s.svc.ChangeDirectoryGroup(r.Context(), id, c); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// deleteGroup answers DELETE /Groups/{id} with 204: the group is emptied
// and kept with its records; provisioning no longer finds it.
func (s *Server) deleteGroup(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "group")
	if err != nil {
		return err
	}
	if err := s.svc.DeprovisionGroup(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func mustJSON(o object) json.RawMessage {
	b, _ := json.Marshal(o) // an object read from JSON is written back
	return b
}

// groupChange reads the change a group's operations make.
func groupChange(ops []operation) (people.DirectoryGroupChange, error) {
	var c people.DirectoryGroupChange
	for _, op := range ops {
		if op.path != "" {
			if err := changeGroup(&c, op.op, op.path, op.value); err != nil {
				return c, err
			}
			continue
		}
		o, err := objectValue("value", op.value)
		if err != nil {
			return c, err
		}
		for _, k := range o.keys() {
			if err := changeGroup(&c, op.op, k, o[k]); err != nil {
				return c, err
			}
		}
	}
	return c, nil
}

// changeGroup adds one operation on one attribute to a change. Okta
// renames with {"op": "replace", "value": {"id", "displayName"}}; members
// are removed by "members[value eq \"id\"]" (Okta) or by a value listing
// them (Entra ID). Attributes Wayfare does not keep are ignored.
func changeGroup(c *people.DirectoryGroupChange, op, path string, v json.RawMessage) error {
	p, err := parsePath(path)
	if err != nil {
		return err
	}
	switch p.key() {
	case "displayname":
		if op == "remove" {
			return invalid("invalidValue", "displayName cannot be removed")
		}
		name, err := stringValue(path, v)
		c.Name = &name
		return err
	case "externalid":
		id := ""
		if op != "remove" {
			id, err = stringValue(path, v)
		}
		c.ExternalID = &id
		return err
	case "members", "members.value":
		return changeMembers(c, op, p, v)
	}
	return nil
}

func changeMembers(c *people.DirectoryGroupChange, op string, p attrPath, v json.RawMessage) error {
	var values []string
	switch {
	case p.filter != "":
		cs, err := parseFilter(p.filter)
		if err != nil {
			return err
		}
		for _, cmp := range cs {
			s, ok := cmp.value.(string)
			if cmp.attr != "value" || !ok {
				return invalid("invalidPath", "members are chosen by value eq \"id\"")
			}
			values = append(values, s)
		}
	case v != nil:
		var err error
		if values, err = refValues("members", v); err != nil {
			return err
		}
	}
	ids := make([]wayfare.ID, 0, len(values))
	for _, s := range values {
		id, err := wayfare.ParseID(s)
		if err != nil && op != "remove" {
			return invalid("invalidValue", "members names no person: %q", s)
		}
		if err == nil {
			ids = append(ids, id)
		}
	}
	m := people.MemberChange{Op: people.AddMembers, People: ids}
	switch {
	case op == "replace":
		m.Op = people.SetMembers
	case op == "remove" && p.filter == "" && v == nil:
		m = people.MemberChange{Op: people.RemoveMembers} // every member
	case op == "remove":
		m.Op = people.RemoveMembers
	}
	c.Members = append(c.Members, m)
	return nil
}
