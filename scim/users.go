package scim

import (
	"context"
	"net/http"
	"strings"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/people"
)

// listUsers answers GET /Users: filtered by userName, emails.value,
// externalId, id or active, paged by startIndex and count.
func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) error {
	start, count, err := page(r)
	if err != nil {
		return err
	}
	f, none, err := personFilter(r.URL.Query().Get("filter"))
	if err != nil {
		return err
	}
	items := []user{}
	total := 0
	if !none {
		f.Offset, f.Limit = start-1, count
		ps, n, err := s.svc.DirectoryPeople(r.Context(), f)
		if err != nil {
			return err
		}
		for _, p := range ps {
			items = append(items, userOf(p, s.base(r)))
		}
		total = n
	}
	s.write(w, http.StatusOK, list(total, start, items))
	return nil
}

// personFilter reads a filter of people. none says that no one can
// match (an id that is no id, one attribute compared with two values).
func personFilter(q string) (f people.DirectoryPersonFilter, none bool, err error) {
	if strings.TrimSpace(q) == "" {
		return f, false, nil
	}
	cs, err := parseFilter(q)
	if err != nil {
		return f, false, err
	}
	for _, c := range cs {
		ok := true
		switch c.attr {
		case "username", "emails", "emails.value":
			ok, err = matchString(&f.Email, c, strings.ToLower)
		case "externalid":
			ok, err = matchString(&f.ExternalID, c, nil)
		case "id":
			ok, err = matchID(&f.ID, c)
		case "active":
			ok, err = matchStatus(&f.Status, c)
		default:
			err = invalid("invalidFilter", "users cannot be filtered by %s", c.attr)
		}
		if err != nil {
			return f, false, err
		}
		none = none || !ok
	}
	return f, none, nil
}

// matchString sets a filter's string from a comparison, normalized by
// norm; it reports false when nothing can match.
func matchString(dst *string, c comparison, norm func(string) string) (bool, error) {
	v, ok := c.value.(string)
	if !ok {
		return false, invalid("invalidFilter", "%s is compared with a string", c.attr)
	}
	if norm != nil {
		v = norm(v)
	}
	ok = v != "" && (*dst == "" || *dst == v)
	*dst = v
	return ok, nil
}

// matchID sets a filter's id from a comparison; it reports false when
// nothing can match.
func matchID(dst *wayfare.ID, c comparison) (bool, error) {
	v, ok := c.value.(string)
	if !ok {
		return false, invalid("invalidFilter", "%s is compared with a string", c.attr)
	}
	id, err := wayfare.ParseID(v)
	if err != nil {
		return false, nil
	}
	ok = *dst == 0 || *dst == id
	*dst = id
	return ok, nil
}

// matchStatus sets a filter's status from a comparison of active; it
// reports false when nothing can match.
func matchStatus(dst *people.Status, c comparison) (bool, error) {
	active, ok := c.value.(bool)
	if !ok {
		return false, invalid("invalidFilter", "active is compared with true or false")
	}
	status := people.Deactivated
	if active {
		status = people.Active
	}
	ok = *dst == "" || *dst == status
	*dst = status
	return ok, nil
}

// getUser answers GET /Users/{id}.
func (s *Server) getUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "person")
	if err != nil {
		return err
	}
	d, err := s.svc.DirectoryPerson(r.Context(), id)
	if err != nil {
		return err
	}
	s.write(w, http.StatusOK, userOf(d, s.base(r)))
	return nil
}

// createUser answers POST /Users: 201 with the person, 409 uniqueness
// when someone has the userName already.
func (s *Server) createUser(w http.ResponseWriter, r *http.Request) error {
	body, err := readObject(r)
	if err != nil {
		return err
	}
	doc := &userDoc{}
	if err := doc.setAll(body); err != nil {
		return err
	}
	in, err := s.personInput(r.Context(), doc)
	if err != nil {
		return err
	}
	d, err := s.svc.ProvisionPerson(r.Context(), in)
	if err != nil {
		return err
	}
	u := userOf(d, s.base(r))
	w.Header().Set("Location", u.Meta.Location)
	s.write(w, http.StatusCreated, u)
	return nil
}

// replaceUser answers PUT /Users/{id}: what the body leaves out is
// emptied, but for active and the manager, which stay as they are unless
// the body names them.
func (s *Server) replaceUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "person")
	if err != nil {
		return err
	}
	body, err := readObject(r)
	if err != nil {
		return err
	}
	doc := &userDoc{}
	if err := doc.setAll(body); err != nil {
		return err
	}
	return s.updateUser(w, r, id, doc)
}

// patchUser answers PATCH /Users/{id}: the operations apply in order to
// the person as they are; {"active": false} deactivates them.
func (s *Server) patchUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "person")
	if err != nil {
		return err
	}
	ops, err := readPatch(r)
	if err != nil {
		return err
	}
	d, err := s.svc.DirectoryPerson(r.Context(), id)
	if err != nil {
		return err
	}
	doc := docOf(d)
	if err := doc.apply(ops); err != nil {
		return err
	}
	return s.updateUser(w, r, id, doc)
}

func (s *Server) updateUser(w http.ResponseWriter, r *http.Request, id wayfare.ID, doc *userDoc) error {
	in, err := s.personInput(r.Context(), doc)
	if err != nil {
		return err
	}
	d, err := s.svc.UpdateDirectoryPerson(r.Context(), id, in)
	if err != nil {
		return err
	}
	s.write(w, http.StatusOK, userOf(d, s.base(r)))
	return nil
}

// deleteUser answers DELETE /Users/{id}: the person is deactivated and
// keeps their records; provisioning no longer finds them (404), as RFC
// 7644 §3.6 asks, until it creates them again.
func (s *Server) deleteUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "person")
	if err != nil {
		return err
	}
	if err := s.svc.DeprovisionPerson(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// personInput is the directory service's input for a document, its
// manager resolved: an id, or an e-mail address of someone provisioning
// finds.
func (s *Server) personInput(ctx context.Context, doc *userDoc) (people.DirectoryPersonInput, error) {
	in := doc.input()
	if doc.manager == nil {
		return in, nil
	}
	in.ManagerID.Set = true
	v := strings.TrimSpace(*doc.manager)
	if v == "" {
		return in, nil
	}
	if id, err := wayfare.ParseID(v); err == nil {
		in.ManagerID.ID = &id
		return in, nil
	}
	if strings.Contains(v, "@") {
		ps, _, err := s.svc.DirectoryPeople(ctx, people.DirectoryPersonFilter{Email: v, Limit: 1})
		if err != nil {
			return in, err
		}
		if len(ps) == 1 {
			in.ManagerID.ID = &ps[0].ID
			return in, nil
		}
	}
	return in, invalid("invalidValue", "manager names no person: give the manager's id or e-mail address")
}
