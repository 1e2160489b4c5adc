package people_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/people"
)

const goodChart = `email,name,title,manager_email,groups,admin
ceo@example.org,Ada Obi,Chief Executive,,Executive team:manager,true
VP@Example.org,Ben Hale,VP Engineering,ceo@example.org,Executive team; Engineering:Manager,
eng@example.org,"Dunn, Cy",Engineer,vp@example.org,Engineering/Payments,no
`

func TestReadChart(t *testing.T) {
	c, err := people.ReadChart(strings.NewReader("\ufeff" + goodChart))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Rows) != 3 {
		t.Fatalf("%d rows", len(c.Rows))
	}
	vp, eng := c.Rows[1], c.Rows[2]
	if vp.Person.Email != "vp@example.org" || vp.ManagerEmail != "ceo@example.org" || vp.Line != 3 || vp.Person.Admin {
		t.Errorf("vp: %+v", vp)
	}
	if len(vp.Groups) != 2 || vp.Groups[1].Role != people.Manager || vp.Groups[0].Role != people.Member {
		t.Errorf("vp's groups: %+v", vp.Groups)
	}
	if eng.Person.Name != "Dunn, Cy" || len(eng.Groups[0].Path) != 2 || eng.Groups[0].Path[1] != "Payments" {
		t.Errorf("eng: %+v", eng)
	}
	if !c.Rows[0].Person.Admin {
		t.Error("the CEO is an admin")
	}
	// What WriteChart writes, ReadChart reads back the same.
	var buf bytes.Buffer
	if err := people.WriteChart(&buf, c); err != nil {
		t.Fatal(err)
	}
	again, err := people.ReadChart(&buf)
	if err != nil {
		t.Fatal(err)
	}
	for i := range c.Rows {
		a, b := c.Rows[i], again.Rows[i]
		a.Line, b.Line = 0, 0
		if a.Person != b.Person || a.ManagerEmail != b.ManagerEmail || len(a.Groups) != len(b.Groups) {
			t.Errorf("row %d: %+v became %+v", i, a, b)
		}
	}
}

func TestReadChartProblems(t *testing.T) {
	for _, tc := range []struct {
		name, csv string
		want      []string // "line N, column" of each problem, in order
	}{
		{"empty", "", []string{"line 1"}},
		{"no email column", "name\nAda\n", []string{"line 1, email"}},
		{"unknown column", "email,name,shoe_size\na@x.org,A,42\n", []string{"line 1, shoe_size"}},
		{"column twice", "email,name,email\n", []string{"line 1, email"}},
		{"no one", "email,name\n", []string{"line 2"}},
		{"bad email", "email,name\nnot-an-address,A\n", []string{"line 2, email"}},
		{"no name", "email,name\na@x.org,\n", []string{"line 2, name"}},
		{"duplicate", "email,name\na@x.org,A\nA@x.org,B\n", []string{"line 3, email"}},
		{"own manager", "email,name,manager_email\na@x.org,A,a@x.org\n", []string{"line 2, manager_email"}},
		{"bad manager address", "email,name,manager_email\na@x.org,A,boss\n", []string{"line 2, manager_email"}},
		{"bad role", "email,name,groups\na@x.org,A,Team:owner\n", []string{"line 2, groups"}},
		{"empty group name", "email,name,groups\na@x.org,A,Eng//Pay\n", []string{"line 2, groups"}},
		{"group twice", "email,name,groups\na@x.org,A,Eng;Eng:manager\n", []string{"line 2, groups"}},
		{"bad admin", "email,name,admin\na@x.org,A,maybe\n", []string{"line 2, admin"}},
		{"too many fields", "email,name\na@x.org,A,extra\n", []string{"line 2"}},
		{"circle", "email,name,manager_email\na@x.org,A,b@x.org\nb@x.org,B,a@x.org\nc@x.org,C,a@x.org\n",
			[]string{"line 2, manager_email", "line 3, manager_email"}},
		{"several at once", "email,name\nbad,A\nb@x.org,\n", []string{"line 2, email", "line 3, name"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := people.ReadChart(strings.NewReader(tc.csv))
			var ce *people.ChartError
			if !errors.As(err, &ce) {
				t.Fatalf("want a ChartError, got %v", err)
			}
			if wayfare.ErrorCode(err) != wayfare.EINVALID {
				t.Errorf("a chart's problems are EINVALID, got %q", wayfare.ErrorCode(err))
			}
			var got []string
			for _, p := range ce.Problems {
				got = append(got, strings.SplitN(p.String(), ":", 2)[0])
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("problems %q, want %q\n%v", got, tc.want, err)
			}
		})
	}
}

func TestOnCircles(t *testing.T) {
	m := map[string]string{"a": "b", "b": "c", "c": "a", "d": "a", "e": "f", "f": "", "g": "g"}
	up := func(k string) string { return m[k] }
	got := people.OnCircles([]string{"d", "e", "a", "b", "c", "f", "g", "x"}, up)
	want := map[string]bool{"a": true, "b": true, "c": true, "g": true}
	if len(got) != len(want) {
		t.Fatalf("OnCircles = %v, want %v", got, want)
	}
	for k := range want {
		if !got[k] {
			t.Errorf("%s is on a circle", k)
		}
	}
	// A chain of 100,000 is walked once, not once per person.
	chain := map[int]int{}
	var all []int
	for i := 1; i <= 100_000; i++ {
		chain[i] = i - 1
		all = append(all, i)
	}
	if on := people.OnCircles(all, func(k int) int { return chain[k] }); len(on) != 0 {
		t.Fatalf("a chain has no circle: %d", len(on))
	}
}

func TestChartSpreadsheetQuirks(t *testing.T) {
	// A byte order mark before a quoted header, empty columns at the end of
	// the header and empty fields at the end of a row.
	csv := "\ufeff\"email\",\"name\",,\r\na@x.org,A,,\r\nb@x.org,B\r\n"
	c, err := people.ReadChart(strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Rows) != 2 || c.Rows[0].Person.Email != "a@x.org" || !c.Has("email") || c.Has("title") {
		t.Fatalf("rows %+v, columns %v", c.Rows, c.Columns)
	}
}

func TestChartGroupNamesWithSeparators(t *testing.T) {
	c := &people.Chart{Rows: []people.ChartRow{{Person: people.NewPerson{Email: "a@x.org", Name: "A"},
		Groups: []people.ChartGroup{{Path: []string{"R&D / Platform", "Ops: EU; West", `Back\slash`}, Role: people.Manager}}}}}
	var buf bytes.Buffer
	if err := people.WriteChart(&buf, c); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `R&D \/ Platform/Ops\: EU\; West/Back\\slash:manager`) {
		t.Fatalf("written as %q", buf.String())
	}
	again, err := people.ReadChart(&buf)
	if err != nil {
		t.Fatal(err)
	}
	g := again.Rows[0].Groups[0]
	if strings.Join(g.Path, "|") != `R&D / Platform|Ops: EU; West|Back\slash` || g.Role != people.Manager {
		t.Fatalf("read back as %+v", g)
	}
	// Unescaped, a colon in a name reads as a role, and the message says how to write it.
	_, err = people.ReadChart(strings.NewReader("email,name,groups\na@x.org,A,Ops: EU\n"))
	if err == nil || !strings.Contains(err.Error(), `\:`) {
		t.Fatalf("an unescaped colon: %v", err)
	}
}

// TestChartGuardsAgainstFormulas writes a name a spreadsheet would read as
// a formula with an apostrophe before it, and reads it back as it was.
func TestChartGuardsAgainstFormulas(t *testing.T) {
	c := &people.Chart{Rows: []people.ChartRow{{Person: people.NewPerson{Email: "a@x.org", Name: "=HYPERLINK(\"http://evil.example\")",
		Title: "-1 Team"}, Groups: []people.ChartGroup{{Path: []string{"+Growth"}, Role: people.Member}}}}}
	var buf bytes.Buffer
	if err := people.WriteChart(&buf, c); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(buf.String(), "\n")[1:] {
		for _, field := range strings.Split(line, ",") {
			if f := strings.TrimPrefix(field, `"`); f != "" && strings.ContainsRune("=+-@", rune(f[0])) {
				t.Errorf("a field a spreadsheet reads as a formula: %q", field)
			}
		}
	}
	again, err := people.ReadChart(&buf)
	if err != nil {
		t.Fatal(err)
	}
	r := again.Rows[0]
	if r.Person.Name != c.Rows[0].Person.Name || r.Person.Title != "-1 Team" || r.Groups[0].Path[0] != "+Growth" {
		t.Fatalf("read back as %+v", r)
	}
}
