package web

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/influence"
	"github.com/wayfare-org/wayfare/people"
)

// chartPath is where an admin sends an org chart: the one page that takes
// a file, up to maxChart, read in memory (no temporary file).
const (
	chartPath = "/admin/chart"
	maxChart  = 8 << 20
)

type adminChartView struct {
	base
	CSV      string
	Checked  bool // the dry run passed: the chart may be applied
	Result   *people.ChartResult
	Problems []people.ChartProblem
	Applied  bool
}

func (s *Server) adminChart(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "admin_chart", &adminChartView{base: base{Title: "Org chart · Administration"}})
	return nil
}

// adminImportChart checks a chart (a dry run, as wayfare import
// --dry-run) and shows what it would change; "apply" writes it.
func (s *Server) adminImportChart(w http.ResponseWriter, r *http.Request) error {
	v := &adminChartView{base: base{Title: "Org chart · Administration"}}
	csv, err := chartText(r)
	if err != nil {
		v.Problem = &wayfare.Error{Code: wayfare.EINVALID, Field: "chart", Message: err.Error()}
		s.render(w, r, http.StatusBadRequest, "admin_chart", v)
		return nil
	}
	v.CSV = csv
	apply := r.FormValue("action") == "apply"
	c, err := people.ReadChart(strings.NewReader(csv))
	if err == nil {
		var res people.ChartResult
		res, err = s.svc.ImportChart(r.Context(), c, !apply)
		v.Result = &res
	}
	var ce *people.ChartError
	switch {
	case errors.As(err, &ce):
		v.Problems, v.Result = ce.Problems, nil
		v.Problem = &wayfare.Error{Code: wayfare.EINVALID, Field: "chart", Message: "The chart has " + plural(len(ce.Problems), "problem") + "; nothing was written."}
		s.render(w, r, http.StatusBadRequest, "admin_chart", v)
		return nil
	case err != nil:
		return err
	case apply:
		return s.back(w, r, chartPath, "The org chart is in: "+v.Result.String()+".")
	}
	v.Checked = true
	s.render(w, r, http.StatusOK, "admin_chart", v)
	return nil
}

// chartText reads the chart sent: an uploaded file, or text pasted or
// carried from the dry run.
func chartText(r *http.Request) (string, error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "multipart/form-data" {
		// The body is at most maxChart, under the memory allowed: no part
		// goes to a temporary file.
		if err := r.ParseMultipartForm(2 * maxChart); err != nil {
			return "", errors.New("the file could not be read: it must be a CSV file of at most 8 MiB")
		}
		defer r.MultipartForm.RemoveAll()
		if f, _, err := r.FormFile("file"); err == nil {
			defer f.Close()
			b, err := io.ReadAll(f)
			if err != nil {
				return "", err
			}
			return string(b), nil
		}
	}
	if t := r.FormValue("csv"); strings.TrimSpace(t) != "" {
		return t, nil
	}
	return "", errors.New("choose a CSV file, or paste the chart")
}

type adminSettingsView struct {
	base
	Policy influence.Policy
	SignIn signInStatus
	SCIM   scimView
	Mail   mailView
	Hooks  hooksView
}

func (s *Server) adminSettings(w http.ResponseWriter, r *http.Request) error {
	return s.renderSettings(w, r, http.StatusOK, &adminSettingsView{SCIM: scimView{Expires: "365d"}})
}

// renderSettings renders the settings page, with what v holds of a form
// just sent.
func (s *Server) renderSettings(w http.ResponseWriter, r *http.Request, status int, v *adminSettingsView) error {
	p, err := s.svc.InfluencePolicy(r.Context())
	if err != nil {
		return err
	}
	if err := s.scimSettings(r, &v.SCIM); err != nil {
		return err
	}
	if err := s.notifySettings(r, v); err != nil {
		return err
	}
	v.base.Title, v.Policy, v.SignIn = "Settings · Administration", p, s.signInStatus()
	s.render(w, r, status, "admin_settings", v)
	return nil
}

func (s *Server) adminSaveSettings(w http.ResponseWriter, r *http.Request) error {
	p := influence.Policy{PeopleVisible: r.PostFormValue("people_visible") == "true",
		FollowsPrivate: r.PostFormValue("follows_private") == "true"}
	if err := s.svc.SetInfluencePolicy(r.Context(), p); err != nil {
		return err
	}
	return s.back(w, r, "/admin/settings", "Settings saved.")
}
