package web

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/people"
)

// A person is chosen by name, never by id: the person picker is a text
// field whose list the page's script fills as one types (from
// /people/pick), and which the script pairs with the chosen person's id
// in a hidden field. Without script, or typed in full, the name alone is
// enough when it names one active person.

// picker is what the person-picker partial shows.
type picker struct {
	Field, Label, Hint, Value string
	Problem                   string // what is wrong with the choice, or ""
}

// pickerFor is the picker of field, for templates: with what was typed
// (value) and the problem e names for it.
func pickerFor(field, label, hint, value string, e *wayfare.Error) picker {
	return picker{Field: field, Label: label, Hint: hint, Value: value, Problem: problemFor(e, field)}
}

// typed returns what a form sent in field, for a page shown again.
func typed(r *http.Request, field string) string {
	if r.Method != http.MethodPost {
		return ""
	}
	return r.PostFormValue(field)
}

// pickLabel is how a picker offers a person: "Name (Title)".
func pickLabel(p *people.Person) string {
	if p.Title == "" {
		return p.Name
	}
	return p.Name + " (" + p.Title + ")"
}

// pickChoice is one person a picker offers.
type pickChoice struct {
	ID    wayfare.ID `json:"id"`
	Label string     `json:"label"`
}

// pick answers the picker's script with the active people whose name or
// title holds what was typed.
func (s *Server) pick(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	out := []pickChoice{}
	if len([]rune(q)) >= 2 {
		name, _ := splitLabel(q)
		ps, err := s.svc.People(r.Context(), people.PersonFilter{Query: name, Status: people.Active, Page: wayfare.Page{Limit: 12}})
		if err != nil {
			return err
		}
		for _, p := range ps {
			out = append(out, pickChoice{ID: p.ID, Label: pickLabel(p)})
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	return json.NewEncoder(w).Encode(out)
}

// splitLabel reads "Name (Title)" back into its name and title.
func splitLabel(s string) (name, title string) {
	if strings.HasSuffix(s, ")") {
		if i := strings.LastIndex(s, " ("); i > 0 {
			return strings.TrimSpace(s[:i]), s[i+2 : len(s)-1]
		}
	}
	return s, ""
}

// pickedPerson returns the active person a picker's field names: the id
// the script paired with the name, when the name is still that person's,
// else the one active person the whole name (or name and title) fits. Nothing typed is
// 0 with no error.
func (s *Server) pickedPerson(r *http.Request, field string) (wayfare.ID, error) {
	typed := strings.TrimSpace(r.PostFormValue(field))
	if typed == "" {
		return 0, nil
	}
	fits := func(p *people.Person) bool {
		return p.Status == people.Active && (strings.EqualFold(typed, p.Name) || strings.EqualFold(typed, pickLabel(p)))
	}
	if id, err := wayfare.ParseID(r.PostFormValue(field + "_id")); err == nil {
		if p, err := s.svc.PersonBrief(r.Context(), id); err == nil && fits(p) {
			return id, nil
		}
	}
	name, _ := splitLabel(typed)
	ps, err := s.svc.People(r.Context(), people.PersonFilter{Query: name, Status: people.Active, Page: wayfare.Page{Limit: 50}})
	if err != nil {
		return 0, err
	}
	var found []wayfare.ID
	for _, p := range ps {
		if fits(p) {
			found = append(found, p.ID)
		}
	}
	switch {
	case len(found) == 1:
		return found[0], nil
	case len(found) > 1:
		return 0, wayfare.FieldError(field, "fits more than one person: choose one from the list")
	}
	return 0, wayfare.FieldError(field, "names nobody active: choose a person from the list")
}
