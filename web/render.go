package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/people"
)

//go:embed templates
var templateFS embed.FS

// templates holds one parsed set per page: the layout, the shared
// partials and the page's own file. They are parsed once, at start.
type templates struct {
	pages map[string]*template.Template
}

func parseTemplates(a *assets) (*templates, error) {
	funcs := template.FuncMap{
		"asset":         a.url,
		"md":            markdown,
		"ago":           ago,
		"date":          func(t time.Time) string { return t.Format("2 Jan 2006") },
		"datetime":      func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"pct":           pct,
		"share":         share,
		"fixed":         fixed,
		"duration":      duration,
		"rank":          func(f float64) string { return fmt.Sprintf("%.4f", f) },
		"n":             func(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) },
		"origin":        originText,
		"plural":        plural,
		"label":         label,
		"add":           func(a, b int) int { return a + b },
		"list":          func(xs ...string) []string { return xs },
		"subjectPath":   subjectPath,
		"query":         query,
		"afterMark":     afterMark,
		"fieldProblems": fieldProblems,
		"pickerFor":     pickerFor,
		"problemFor":    problemFor,
		"fieldOf": func(e *wayfare.Error) string {
			if e == nil {
				return ""
			}
			return e.Field
		},
		"slot": func(id wayfare.ID) template.HTML { return template.HTML(slotMark + id.String() + "-->") },
		"verb": func(v string) string { return strings.NewReplacer(".", " ", "_", " ").Replace(v) },
		"via":  actVia,
	}
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	t := &templates{pages: map[string]*template.Template{}}
	for _, f := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(f, "templates/"), ".html")
		if name == "layout" || name == "partials" {
			continue
		}
		set, err := template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html", f)
		if err != nil {
			return nil, fmt.Errorf("web: parsing %s: %w", f, err)
		}
		t.pages[name] = set
	}
	return t, nil
}

// base is what every page shows around its content.
type base struct {
	Title   string
	Me      *people.Person
	Flash   string
	Problem *wayfare.Error // a refused form: the message and the field at fault
	Path    string
	After   wayfare.ID // the newest act before the page was read, for its live updates
	Unread  int        // the reader's unread notifications, for the bell
}

// view is implemented by every page's data: it gives the layout its base.
type view interface{ layout() *base }

func (b *base) layout() *base { return b }

// fragmentHeader asks for one live region of a page instead of the page.
const fragmentHeader = "X-Wayfare-Fragment"

// render writes a page, or only the region the fragment header names.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page string, v view) {
	set, ok := s.pages.pages[page]
	if !ok {
		s.fail(w, r, fmt.Errorf("web: no page %q", page))
		return
	}
	b := v.layout()
	b.Path = r.URL.Path
	b.After = liveAfter(r)
	if b.Me == nil {
		b.Me = s.me(r)
	}
	fragment := r.Header.Get(fragmentHeader)
	if b.Me != nil && fragment == "" {
		if n, err := s.svc.Unread(r.Context()); err == nil {
			b.Unread = n
		}
	}
	if b.Flash == "" && fragment == "" { // a live region leaves the message for the page
		b.Flash = s.sessions.PopString(r.Context(), "flash")
	}
	name := "layout"
	if f := fragment; f != "" {
		if set.Lookup("fragment-"+f) == nil {
			http.Error(w, "no such fragment", http.StatusNotFound)
			return
		}
		name = "fragment-" + f
	}
	var buf bytes.Buffer
	if err := set.ExecuteTemplate(&buf, name, v); err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Vary", fragmentHeader)
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// errorView is the page for a failure.
type errorView struct {
	base
	Status  int
	Message string
}

// fail answers an error with a page that explains it.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := http.StatusInternalServerError, "Something went wrong on our side. Please try again."
	if e, ok := wayfare.AsError(err); ok {
		switch e.Code {
		case wayfare.ENOTFOUND:
			status, msg = http.StatusNotFound, "There is nothing here: "+e.Message+"."
		case wayfare.EFORBIDDEN:
			status, msg = http.StatusForbidden, e.Message
		case wayfare.ECONFLICT:
			status, msg = http.StatusConflict, e.Message
		case wayfare.EINVALID:
			status, msg = http.StatusBadRequest, e.Error()
		case wayfare.EUNAUTHORIZED:
			s.toLogin(w, r)
			return
		}
	} else if !errors.Is(err, http.ErrAbortHandler) {
		s.log.Error("page failed", "path", r.URL.Path, "err", err)
	}
	s.errorPage(w, r, status, msg)
}

// errorPage answers with a page that says msg.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int, msg string) {
	v := &errorView{base: base{Title: http.StatusText(status), Me: s.me(r)}, Status: status, Message: msg}
	set := s.pages.pages["error"]
	var buf bytes.Buffer
	if err := set.ExecuteTemplate(&buf, "layout", v); err != nil {
		http.Error(w, msg, status)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func ago(t time.Time) string {
	d := time.Since(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int(d.Minutes()), "minute") + " ago"
	case d < 24*time.Hour:
		return plural(int(d.Hours()), "hour") + " ago"
	case d < 60*24*time.Hour:
		return plural(int(d.Hours()/24), "day") + " ago"
	}
	return t.Format("2 Jan 2006")
}

func plural(n int, word string) string {
	switch {
	case n == 1:
		return "1 " + word
	case word == "person":
		return fmt.Sprintf("%d people", n)
	case strings.HasSuffix(word, "ch"), strings.HasSuffix(word, "sh"), strings.HasSuffix(word, "s"), strings.HasSuffix(word, "x"):
		return fmt.Sprintf("%d %ses", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// pct is sold of wanted as a whole percentage, at most 100.
func pct(sold, wanted int) int {
	if wanted <= 0 {
		return 0
	}
	return min(100, sold*100/wanted)
}

// label turns an enum value into words: "on_track" → "on track".
func label(v any) string { return strings.ReplaceAll(fmt.Sprint(v), "_", " ") }

// originText says where a pitch comes from in words, for its badge.
func originText(o people.Origin) string {
	var where string
	switch {
	case o.Levels > 0:
		where = plural(o.Levels, "level") + " below"
	case o.Levels < 0:
		where = plural(-o.Levels, "level") + " above"
	default:
		where = "same level"
	}
	switch o.Relation {
	case people.Outside:
		return "from outside this group · " + where
	case people.Below:
		return "bottom-up · " + where
	case people.Above:
		return "top-down · " + where
	}
	return "from a peer · " + where
}

// subjectPath is the page of an act's subject, or "" when it has none
// (the organization's settings).
func subjectPath(a *wayfare.Act) string {
	switch a.SubjectKind {
	case "pitch":
		return "/pitches/" + a.SubjectID.String()
	case "journey":
		return "/journeys/" + a.SubjectID.String()
	case "group":
		return "/groups/" + a.SubjectID.String()
	case "person":
		return "/people/" + a.SubjectID.String()
	case "session":
		return "/sessions/" + a.SubjectID.String()
	}
	return ""
}

// actVia returns the door an act of the system came through, as its
// payload names it ("single sign-on"), or "" for the command line.
func actVia(a *wayfare.Act) string {
	var p struct {
		Via string `json:"via"`
	}
	if len(a.Payload) > 0 && json.Unmarshal(a.Payload, &p) != nil {
		return ""
	}
	return p.Via
}
