package people

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"slices"
	"strings"

	"github.com/wayfare-org/wayfare"
)

// A Chart is an organization chart: people, their reporting lines, the
// groups they belong to and their roles there. It is the one standard way
// in (wayfare import) and out (wayfare export), as CSV with a header row:
//
//	email,name,title,manager_email,groups,admin,active
//	ceo@example.org,Ada Obi,Chief Executive,,Executive team:manager,,
//	vp@example.org,Ben Hale,VP Engineering,ceo@example.org,Executive team;Engineering:manager,,
//	eng@example.org,Cy Dunn,Engineer,vp@example.org,Engineering/Payments,,false
//
// email and name are required; the other columns may be left out, and a
// column left out changes nothing of the people already in the
// organization. groups lists group paths separated by ";", a path naming
// nested groups from the top with "/" (a group is created, under its
// parent, when no group of that name is there yet), each path followed by
// ":manager" or ":member" (the default); a "/", ";", ":" or "\" in a
// group's name is written with a "\" before it. admin is "true" or empty;
// active is "false" for a person who has left (deactivated), "true" or
// empty for everyone else.
type Chart struct {
	Rows []ChartRow
	// Columns says which columns the chart has; WriteChart writes all.
	Columns map[string]bool
}

// Has reports whether the chart has the column.
func (c *Chart) Has(column string) bool { return c.Columns == nil || c.Columns[column] }

// ChartRow is one person of a chart.
type ChartRow struct {
	Line         int // in the file, for messages
	Person       NewPerson
	ManagerEmail string
	Groups       []ChartGroup
	Status       Status // Active or Deactivated
}

// ChartGroup is a person's place in a group of a chart.
type ChartGroup struct {
	Path []string // the group's name and its ancestors', from the top
	Role Role
}

// ChartColumns are the columns of a chart, in the order export writes them.
var ChartColumns = []string{"email", "name", "title", "manager_email", "groups", "admin", "active"}

// ChartProblem is what is wrong on one line of a chart.
type ChartProblem struct {
	Line    int
	Column  string
	Message string
}

func (p ChartProblem) String() string {
	if p.Column == "" {
		return fmt.Sprintf("line %d: %s", p.Line, p.Message)
	}
	return fmt.Sprintf("line %d, %s: %s", p.Line, p.Column, p.Message)
}

// ChartError lists every problem found in a chart; nothing of a chart
// with problems is written.
type ChartError struct {
	Problems []ChartProblem
}

// maxProblems bounds how many problems a ChartError reports.
const maxProblems = 50

func (e *ChartError) Error() string {
	lines := make([]string, 0, len(e.Problems)+1)
	lines = append(lines, fmt.Sprintf("the chart has %d problem(s); nothing was written:", len(e.Problems)))
	for _, p := range e.Problems {
		lines = append(lines, "  "+p.String())
	}
	return strings.Join(lines, "\n")
}

// Unwrap makes a ChartError an EINVALID wayfare.Error as well.
func (e *ChartError) Unwrap() error {
	return &wayfare.Error{Code: wayfare.EINVALID, Field: "chart", Message: e.Error()}
}

func (e *ChartError) add(line int, column, format string, args ...any) {
	if len(e.Problems) < maxProblems {
		e.Problems = append(e.Problems, ChartProblem{Line: line, Column: column, Message: fmt.Sprintf(format, args...)})
	}
}

func (e *ChartError) err() error {
	if len(e.Problems) == 0 {
		return nil
	}
	return e
}

// ReadChart reads and checks a chart: every field as the API would check
// it, e-mail addresses unique, no one their own manager, no circle of
// managers within the chart. Whether a manager outside the chart exists
// is for the store to tell. All problems are reported together.
func ReadChart(r io.Reader) (*Chart, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" { // a byte order mark, as spreadsheets write
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &ChartError{Problems: []ChartProblem{{Line: 1, Message: "the file is empty: a header row is required"}}}
	} else if err != nil {
		return nil, &ChartError{Problems: []ChartProblem{{Line: 1, Message: err.Error()}}}
	}
	for len(header) > 0 && strings.TrimSpace(header[len(header)-1]) == "" {
		header = header[:len(header)-1] // empty columns a spreadsheet left at the end
	}
	problems := &ChartError{}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		switch {
		case !slices.Contains(ChartColumns, h):
			problems.add(1, h, "is not a column of a chart (the columns are %s)", strings.Join(ChartColumns, ", "))
		case col[h] != 0:
			problems.add(1, h, "is named twice")
		default:
			col[h] = i + 1 // 0 means absent
		}
	}
	for _, need := range []string{"email", "name"} {
		if col[need] == 0 {
			problems.add(1, need, "is a required column")
		}
	}
	if err := problems.err(); err != nil {
		return nil, err
	}
	get := func(rec []string, name string) string {
		if i := col[name]; i > 0 && i <= len(rec) {
			return unguard(strings.TrimSpace(rec[i-1]))
		}
		return ""
	}
	c := &Chart{Columns: map[string]bool{}}
	for name := range col {
		c.Columns[name] = true
	}
	lines := map[string]int{} // e-mail address → line
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return nil, err
			}
			problems.add(pe.StartLine, "", "%v", pe.Err)
			if pe.Err != csv.ErrFieldCount {
				break // the rest of the file cannot be read reliably
			}
			continue
		}
		line, _ := cr.FieldPos(0)
		if len(rec) > len(header) && strings.TrimSpace(strings.Join(rec[len(header):], "")) != "" {
			problems.add(line, "", "has %d fields, the header %d", len(rec), len(header))
			continue
		}
		row := ChartRow{Line: line, Person: NewPerson{Name: get(rec, "name"), Email: get(rec, "email"), Title: get(rec, "title")}}
		if err := row.Person.Validate(); err != nil {
			e, _ := wayfare.AsError(err)
			problems.add(line, e.Field, "%s", e.Message)
			continue
		}
		if first, ok := lines[row.Person.Email]; ok {
			problems.add(line, "email", "%s is on line %d already", row.Person.Email, first)
			continue
		}
		lines[row.Person.Email] = line
		switch strings.ToLower(get(rec, "admin")) {
		case "", "false", "no", "0":
		case "true", "yes", "1":
			row.Person.Admin = true
		default:
			problems.add(line, "admin", "must be true or empty")
		}
		row.Status = Active
		switch strings.ToLower(get(rec, "active")) {
		case "", "true", "yes", "1":
		case "false", "no", "0":
			row.Status = Deactivated
		default:
			problems.add(line, "active", "must be true, false or empty")
		}
		if m := strings.ToLower(get(rec, "manager_email")); m != "" {
			if a, err := mail.ParseAddress(m); err != nil || a.Address != m {
				problems.add(line, "manager_email", "is not a valid e-mail address")
			} else if m == row.Person.Email {
				problems.add(line, "manager_email", "is the person's own address: no one is their own manager")
			}
			row.ManagerEmail = m
		}
		row.Groups = readGroups(problems, line, get(rec, "groups"))
		c.Rows = append(c.Rows, row)
	}
	if len(c.Rows) == 0 && len(problems.Problems) == 0 {
		problems.add(2, "", "the chart names no one")
	}
	if err := problems.err(); err != nil {
		return nil, err
	}
	if err := c.checkCircles(lines); err != nil {
		return nil, err
	}
	return c, nil
}

// readGroups reads a person's groups: paths separated by ";", each with
// an optional ":member" or ":manager"; "\" makes the next character part
// of a name.
func readGroups(problems *ChartError, line int, field string) []ChartGroup {
	var out []ChartGroup
	seen := map[string]bool{}
	for _, entry := range splitEscaped(field, ';') {
		if strings.TrimSpace(entry) == "" {
			continue
		}
		g := ChartGroup{Role: Member}
		parts := splitEscaped(entry, ':')
		if len(parts) > 2 {
			problems.add(line, "groups", "%q has more than one \":\" (write \\: for one in a group's name)", unescape(entry))
			continue
		}
		if len(parts) == 2 {
			g.Role = Role(strings.ToLower(strings.TrimSpace(parts[1])))
			if !g.Role.Valid() {
				problems.add(line, "groups", "%q: the role after \":\" must be %q or %q (write \\: for a colon in a group's name)",
					unescape(parts[0]), Member, Manager)
				continue
			}
		}
		path, err := ParseGroupPath(parts[0])
		if err != nil {
			e, _ := wayfare.AsError(err)
			problems.add(line, "groups", "%q: a group's name %s", unescape(parts[0]), e.Message)
			continue
		}
		g.Path = path
		key := strings.Join(g.Path, "\x00")
		if seen[key] {
			problems.add(line, "groups", "%q is named twice", unescape(parts[0]))
			continue
		}
		seen[key] = true
		out = append(out, g)
	}
	return out
}

// ParseGroupPath reads one group path as a chart writes it: the names of
// nested groups from the top, joined by "/", with a "\" before a "/",
// ";", ":" or "\" that is part of a name. Each name is checked as a new
// group's would be (EINVALID).
func ParseGroupPath(s string) ([]string, error) {
	var path []string
	for _, name := range splitEscaped(s, '/') {
		ng := NewGroup{Name: unescape(name)}
		if err := ng.Validate(); err != nil {
			return nil, err
		}
		path = append(path, ng.Name)
	}
	return path, nil
}

// splitEscaped splits s at each sep that no "\" stands before, keeping
// the escapes in the parts.
func splitEscaped(s string, sep byte) []string {
	var parts []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case sep:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// unescape drops the "\" before escaped characters.
func unescape(s string) string {
	if !strings.Contains(s, "\\") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// escapeName writes a group's name for a chart's path.
func escapeName(name string) string {
	return strings.NewReplacer("\\", "\\\\", "/", "\\/", ";", "\\;", ":", "\\:").Replace(name)
}

// checkCircles refuses a chart whose reporting lines, within the chart,
// go round in a circle.
func (c *Chart) checkCircles(lines map[string]int) error {
	manager := map[string]string{}
	emails := make([]string, 0, len(c.Rows))
	for _, r := range c.Rows {
		manager[r.Person.Email] = r.ManagerEmail
		emails = append(emails, r.Person.Email)
	}
	problems := &ChartError{}
	on := OnCircles(emails, func(e string) string { return manager[e] })
	for _, r := range c.Rows {
		if on[r.Person.Email] {
			problems.add(lines[r.Person.Email], "manager_email", "the reporting line of %s comes back to them", r.Person.Email)
		}
	}
	return problems.err()
}

// OnCircles returns the people of start whose reporting lines, followed
// manager by manager, come back to them. Each line is walked once: the
// cost grows with the number of people, not with the depth of the chart.
func OnCircles[K comparable](start []K, managerOf func(K) K) map[K]bool {
	var zero K
	const (
		walking = 1
		done    = 2
	)
	state := map[K]int{}
	on := map[K]bool{}
	for _, s := range start {
		var path []K
		k := s
		for k != zero && state[k] == 0 {
			state[k] = walking
			path = append(path, k)
			k = managerOf(k)
		}
		if k != zero && state[k] == walking { // the walk came back to k: k and those after it are a circle
			for i := len(path) - 1; i >= 0; i-- {
				on[path[i]] = true
				if path[i] == k {
					break
				}
			}
		}
		for _, p := range path {
			state[p] = done
		}
	}
	return on
}

// WriteChart writes a chart as CSV, with the header row.
func WriteChart(w io.Writer, c *Chart) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(ChartColumns); err != nil {
		return err
	}
	for _, r := range c.Rows {
		groups := make([]string, 0, len(r.Groups))
		for _, g := range r.Groups {
			names := make([]string, len(g.Path))
			for i, n := range g.Path {
				names[i] = escapeName(n)
			}
			s := strings.Join(names, "/")
			if g.Role == Manager {
				s += ":manager"
			}
			groups = append(groups, s)
		}
		admin, active := "", "true"
		if r.Person.Admin {
			admin = "true"
		}
		if r.Status == Deactivated {
			active = "false"
		}
		if err := cw.Write([]string{guard(r.Person.Email), guard(r.Person.Name), guard(r.Person.Title), guard(r.ManagerEmail),
			guard(strings.Join(groups, ";")), admin, active}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// guard keeps a spreadsheet from reading a field as a formula: a field
// that begins with =, +, -, @, a tab or a carriage return is written with
// an apostrophe before it, which ReadChart takes off again (unguard).
func guard(field string) string {
	if field != "" && strings.ContainsRune("=+-@\t\r", rune(field[0])) {
		return "'" + field
	}
	return field
}

// unguard takes off the apostrophe guard put before a field.
func unguard(field string) string {
	if len(field) > 1 && field[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(field[1])) {
		return field[1:]
	}
	return field
}

// ChartResult says what an import changed.
type ChartResult struct {
	PeopleCreated, PeopleUpdated, PeopleUnchanged int
	PeopleDeactivated, PeopleReactivated          int
	GroupsCreated                                 int
	RolesSet                                      int
}

func (r ChartResult) String() string {
	s := fmt.Sprintf("%d people created, %d updated, %d unchanged; %d groups created; %d roles set",
		r.PeopleCreated, r.PeopleUpdated, r.PeopleUnchanged, r.GroupsCreated, r.RolesSet)
	if r.PeopleDeactivated+r.PeopleReactivated > 0 {
		s += fmt.Sprintf("; %d deactivated, %d reactivated", r.PeopleDeactivated, r.PeopleReactivated)
	}
	return s
}
