package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/people"
)

// Administration: people, groups, the org chart and settings, for admins
// only. Every change goes through the same services as the API and the
// command line, and lands in the ledger with the function admin.

// admin serves a page for admins; others get 403.
func (s *Server) admin(h handler) http.Handler {
	return s.private(func(w http.ResponseWriter, r *http.Request) error {
		if !wayfare.ActorFrom(r.Context()).Admin {
			return wayfare.Forbidden("admin-configures", "Only an admin may open the administration pages.")
		}
		return h(w, r)
	})
}

// groupRow is a group in a tree: its path, depth and counts.
type groupRow struct {
	*people.Group
	Path   string // "Company / Engineering / Payments"
	Depth  int
	Counts people.GroupCounts
}

// groupTree returns every group in tree order (each parent before its
// children, siblings by name) with its full path and its counts.
func (s *Server) groupTree(ctx context.Context) ([]groupRow, error) {
	counts, err := s.svc.GroupCounts(ctx)
	if err != nil {
		return nil, err
	}
	var all []*people.Group
	f := people.GroupFilter{Page: wayfare.Page{Limit: wayfare.MaxLimit}}
	for {
		page, err := s.svc.Groups(ctx, f)
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if len(page) < f.Limit {
			break
		}
		f.Cursor = page[len(page)-1].ID
	}
	children := map[wayfare.ID][]*people.Group{}
	for _, g := range all {
		var parent wayfare.ID
		if g.ParentID != nil {
			parent = *g.ParentID
		}
		children[parent] = append(children[parent], g)
	}
	var out []groupRow
	var walk func(parent wayfare.ID, path string, depth int)
	walk = func(parent wayfare.ID, path string, depth int) {
		kids := children[parent]
		slices.SortFunc(kids, func(a, b *people.Group) int { return strings.Compare(a.Name, b.Name) })
		for _, g := range kids {
			p := g.Name
			if path != "" {
				p = path + " / " + g.Name
			}
			out = append(out, groupRow{Group: g, Path: p, Depth: depth, Counts: counts[g.ID]})
			if depth < 64 {
				walk(g.ID, p, depth+1)
			}
		}
	}
	walk(0, "", 0)
	return out, nil
}

// groupByPath finds a group by the path a picker shows ("A / B"); the
// field names the form field for the error.
func groupByPath(tree []groupRow, field, path string) (*wayfare.ID, error) {
	path = strings.TrimSpace(path)
	if path == "" {
		return nil, nil
	}
	norm := func(s string) string {
		parts := strings.Split(s, "/")
		for i := range parts {
			parts[i] = strings.ToLower(strings.TrimSpace(parts[i]))
		}
		return strings.Join(parts, "/")
	}
	want := norm(path)
	for _, g := range tree {
		if norm(g.Path) == want {
			return &g.ID, nil
		}
	}
	return nil, wayfare.FieldError(field, "names no group: choose one from the list")
}

// adminBack redirects after a change, with a message.
func (s *Server) adminBack(w http.ResponseWriter, r *http.Request, to, msg string) error {
	return s.back(w, r, to, msg)
}

// query keeps a list's filters in the links it makes.
func query(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			v.Set(kv[i], kv[i+1])
		}
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// formProblem says, above a form, how many of its fields to put right;
// each field says what is wrong next to it.
func formProblem(n int) *wayfare.Error {
	return &wayfare.Error{Code: wayfare.EINVALID, Message: "The form has " + plural(n, "field") + " to put right, marked below."}
}
