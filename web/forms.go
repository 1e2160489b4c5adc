package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/wayfare-org/wayfare"
)

var errNoPage = wayfare.NotFound("page")

// pathID reads an id from the path; a malformed one is a missing page.
func pathID(r *http.Request, name string) (wayfare.ID, error) {
	id, err := wayfare.ParseID(r.PathValue(name))
	if err != nil {
		return 0, errNoPage
	}
	return id, nil
}

// formID reads an optional id from a form field.
func formID(r *http.Request, field string) (*wayfare.ID, error) {
	v := strings.TrimSpace(r.PostFormValue(field))
	if v == "" {
		return nil, nil
	}
	id, err := wayfare.ParseID(v)
	if err != nil {
		return nil, wayfare.FieldError(field, "is not a valid id")
	}
	return &id, nil
}

// formInt reads a whole number from a form field.
func formInt(r *http.Request, field string) (int, error) {
	v := strings.TrimSpace(r.PostFormValue(field))
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, wayfare.FieldError(field, "must be a whole number")
	}
	return n, nil
}

// refused reports whether err is a refusal to show on the form (bad
// input, a rule, a conflict) rather than a failure.
func refused(err error) (*wayfare.Error, bool) {
	e, ok := wayfare.AsError(err)
	if !ok {
		return nil, false
	}
	switch e.Code {
	case wayfare.EINVALID, wayfare.EFORBIDDEN, wayfare.ECONFLICT:
		return e, true
	}
	return nil, false
}

// back redirects to where a form came from, after a successful post.
func (s *Server) back(w http.ResponseWriter, r *http.Request, to, msg string) error {
	if msg != "" {
		s.flash(r, msg)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// parseNumber reads a number as people type it: "1,5" and "1 200" too.
func parseNumber(s string) (float64, error) {
	s = strings.ReplaceAll(strings.ReplaceAll(s, " ", ""), ",", ".")
	return strconv.ParseFloat(s, 64)
}
