package web

import (
	"net/http"
	"strings"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/people"
	"github.com/wayfare-org/wayfare/text"
)

type adminView struct {
	base
	People, Active, Admins int
	Left                   int        // deactivated
	Leaderless             []groupRow // groups whose managers have all left
	SignIn                 signInStatus
}

// adminHome gives the organization at a glance and flags what needs an
// admin: groups whose managers have left.
func (s *Server) adminHome(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := &adminView{base: base{Title: "Administration"}, SignIn: s.signInStatus()}
	f := people.PersonFilter{Page: wayfare.Page{Limit: wayfare.MaxLimit}}
	for {
		page, err := s.svc.People(ctx, f)
		if err != nil {
			return err
		}
		for _, p := range page {
			v.People++
			if p.Status == people.Active {
				v.Active++
				if p.Admin {
					v.Admins++
				}
			}
		}
		if len(page) < f.Limit {
			break
		}
		f.Cursor = page[len(page)-1].ID
	}
	v.Left = v.People - v.Active
	var err error
	if v.Leaderless, err = s.leaderless(r); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "admin", v)
	return nil
}

// leaderless returns the groups that had managers and have no active one
// left.
func (s *Server) leaderless(r *http.Request) ([]groupRow, error) {
	tree, err := s.groupTree(r.Context())
	if err != nil {
		return nil, err
	}
	var out []groupRow
	for _, g := range tree {
		if g.Counts.Leaderless() {
			out = append(out, g)
		}
	}
	return out, nil
}

type adminPeopleView struct {
	base
	Query, Status string
	People        []*people.Person
	Next          wayfare.ID
	Form          personForm
	Errors        map[string]string
	Mail          bool
}

// personForm is the add and edit form for a person.
type personForm struct {
	Name, Email, Title, Manager string
	Admin                       bool
}

func (s *Server) adminPeople(w http.ResponseWriter, r *http.Request) error {
	return s.renderPeople(w, r, http.StatusOK, &adminPeopleView{})
}

func (s *Server) renderPeople(w http.ResponseWriter, r *http.Request, status int, v *adminPeopleView) error {
	ctx := r.Context()
	q := r.URL.Query()
	v.base.Title = "People · Administration"
	v.Mail = s.cfg.Mail
	v.Query, v.Status = strings.TrimSpace(q.Get("q")), q.Get("status")
	f := people.PersonFilter{Query: v.Query, Status: people.Status(v.Status), Page: wayfare.Page{Limit: 50}}
	if !f.Status.Valid() {
		f.Status, v.Status = "", ""
	}
	if c, err := wayfare.ParseID(q.Get("after")); err == nil {
		f.Cursor = c
	}
	peek := f
	peek.Page = f.Page.Peek()
	list, err := s.svc.People(ctx, peek)
	if err != nil {
		return err
	}
	if len(list) > f.Limit {
		list = list[:f.Limit]
		v.Next = list[len(list)-1].ID
	}
	v.People = list
	s.render(w, r, status, "admin_people", v)
	return nil
}

// readPersonForm reads the add or edit form, naming every field at fault.
func (s *Server) readPersonForm(r *http.Request) (personForm, people.PersonUpdate, map[string]string, error) {
	f := personForm{Name: r.PostFormValue("name"), Email: r.PostFormValue("email"), Title: r.PostFormValue("title"),
		Manager: r.PostFormValue("manager"), Admin: r.PostFormValue("admin") == "true"}
	errs := map[string]string{}
	var err error
	if f.Name, err = text.Line("name", f.Name, 1, 200); err != nil {
		fieldErrors(errs, err)
	}
	if f.Email, err = people.ValidEmail("email", f.Email); err != nil {
		fieldErrors(errs, err)
	}
	if f.Title, err = text.Line("title", f.Title, 0, 200); err != nil {
		fieldErrors(errs, err)
	}
	u := people.PersonUpdate{Name: &f.Name, Email: &f.Email, Title: &f.Title, Admin: &f.Admin}
	mgr, err := s.pickedPerson(r, "manager")
	if err != nil && !fieldErrors(errs, err) {
		return f, u, errs, err
	}
	u.ManagerID.Set = true
	if mgr != 0 {
		u.ManagerID.ID = &mgr
	}
	return f, u, errs, nil
}

// fieldErrors adds err to errs when it names a field, and reports whether
// it did; other errors are the caller's to return.
func fieldErrors(errs map[string]string, err error) bool {
	e, ok := refused(err)
	if !ok || e.Field == "" {
		return false
	}
	if _, seen := errs[e.Field]; !seen {
		errs[e.Field] = e.Message
	}
	return true
}

func (s *Server) adminCreatePerson(w http.ResponseWriter, r *http.Request) error {
	f, u, errs, err := s.readPersonForm(r)
	if err != nil {
		return err
	}
	if len(errs) == 0 {
		in := people.NewPerson{Name: f.Name, Email: f.Email, Title: f.Title, ManagerID: u.ManagerID.ID, Admin: f.Admin}
		p, err := s.svc.CreatePerson(r.Context(), in)
		if err == nil && s.cfg.Mail && r.PostFormValue("invite") == "yes" {
			if err := s.svc.Invite(r.Context(), p.ID); err != nil {
				return err
			}
			return s.adminBack(w, r, "/admin/people/"+p.ID.String(), p.Name+" was added and invited by e-mail.")
		}
		if err == nil {
			return s.adminBack(w, r, "/admin/people/"+p.ID.String(), p.Name+" was added.")
		}
		if !fieldErrors(errs, err) {
			return err
		}
	}
	return s.renderPeople(w, r, http.StatusBadRequest, &adminPeopleView{Form: f, Errors: errs,
		base: base{Problem: formProblem(len(errs))}})
}

type adminPersonView struct {
	base
	Person  *people.Person
	Manager *people.Person
	Tokens  []*people.Token
	Form    personForm
	Errors  map[string]string
	Mail    bool
}

func (s *Server) adminPerson(w http.ResponseWriter, r *http.Request) error {
	return s.renderPerson(w, r, http.StatusOK, nil, nil)
}

func (s *Server) renderPerson(w http.ResponseWriter, r *http.Request, status int, form *personForm, errs map[string]string) error {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := s.svc.Person(ctx, id)
	if err != nil {
		return err
	}
	v := &adminPersonView{base: base{Title: p.Name + " · Administration"}, Person: p, Errors: errs, Mail: s.cfg.Mail}
	if len(errs) > 0 {
		v.Problem = formProblem(len(errs))
	}
	if p.ManagerID != nil {
		if v.Manager, err = s.svc.PersonBrief(ctx, *p.ManagerID); err != nil {
			return err
		}
	}
	if form != nil {
		v.Form = *form
	} else {
		v.Form = personForm{Name: p.Name, Email: p.Email, Title: p.Title, Admin: p.Admin}
		if v.Manager != nil {
			v.Form.Manager = pickLabel(v.Manager)
		}
	}
	if v.Tokens, err = s.svc.Tokens(ctx, people.TokenFilter{PersonID: id}); err != nil {
		return err
	}
	s.render(w, r, status, "admin_person", v)
	return nil
}

func (s *Server) adminUpdatePerson(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, u, errs, err := s.readPersonForm(r)
	if err != nil {
		return err
	}
	if len(errs) == 0 {
		p, err := s.svc.UpdatePerson(r.Context(), id, u)
		if err == nil {
			return s.adminBack(w, r, "/admin/people/"+id.String(), p.Name+" is up to date.")
		}
		if e, ok := refused(err); ok && e.Field == "" {
			errs["form"] = e.Message
		} else if !fieldErrors(errs, err) {
			return err
		}
	}
	return s.renderPerson(w, r, http.StatusBadRequest, &f, errs)
}

// adminStatus deactivates or reactivates a person.
func (s *Server) adminStatus(status people.Status) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if status == people.Deactivated && r.PostFormValue("confirm") != "yes" {
			return s.adminBack(w, r, "/admin/people/"+id.String(), "Tick the box to confirm the deactivation: nothing was changed.")
		}
		p, err := s.svc.SetStatus(r.Context(), id, status)
		if e, ok := refused(err); ok {
			return s.adminBack(w, r, "/admin/people/"+id.String(), e.Message)
		} else if err != nil {
			return err
		}
		msg := p.Name + " is deactivated: every session and token of theirs has ended."
		if status == people.Active {
			msg = p.Name + " is active again and may sign in."
		}
		return s.adminBack(w, r, "/admin/people/"+id.String(), msg)
	}
}

// adminEndSessions signs a person out of every browser.
func (s *Server) adminEndSessions(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.svc.EndSessions(r.Context(), id); err != nil {
		return err
	}
	return s.adminBack(w, r, "/admin/people/"+id.String(), "Signed out of every browser. Their API tokens are kept.")
}

// adminSetPassword gives a person a new password: their sessions end.
func (s *Server) adminSetPassword(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pw := r.PostFormValue("password")
	if err := people.ValidatePassword(pw); err != nil {
		e, _ := wayfare.AsError(err)
		return s.renderPerson(w, r, http.StatusBadRequest, nil, map[string]string{"password": e.Message})
	}
	hash, err := hashPassword(r.Context(), pw)
	if err != nil {
		return err
	}
	if err := s.svc.SetPassword(r.Context(), id, hash); err != nil {
		return err
	}
	return s.adminBack(w, r, "/admin/people/"+id.String(), "The new password is set; their sessions from before are signed out.")
}

// adminRevokeToken revokes one of a person's tokens.
func (s *Server) adminRevokeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	tid, err := pathID(r, "token")
	if err != nil {
		return err
	}
	if err := s.svc.RevokeToken(r.Context(), tid); err != nil {
		return err
	}
	return s.adminBack(w, r, "/admin/people/"+id.String(), "The token is revoked.")
}
