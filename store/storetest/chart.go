package storetest

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/ledger"
	"github.com/wayfare-org/wayfare/people"
)

// testImportChart brings a chart into the small organization: people are
// matched by address, groups by path, levels follow the new reporting
// lines, a second import changes nothing, a dry run writes nothing, and a
// chart that would close a circle of managers is refused whole.
func testImportChart(t *testing.T, o *org) {
	read := func(csv string) *people.Chart {
		t.Helper()
		c, err := people.ReadChart(strings.NewReader(csv))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	chart := read(`email,name,title,manager_email,groups
new1@example.test,New One,Engineer,eng@example.test,exec/engineering/Payments
eng@example.test,eng,Staff Engineer,lead@example.test,exec/engineering:manager
new2@example.test,New Two,,new1@example.test,sales
`)
	if _, err := o.db.ImportChart(as(o.eng), chart, false); wayfare.ErrorCode(err) != wayfare.EFORBIDDEN {
		t.Fatalf("a person who is not an admin imports: %v", err)
	}
	res, err := o.db.ImportChart(asAdmin(o.admin), chart, false)
	if err != nil {
		t.Fatal(err)
	}
	want := people.ChartResult{PeopleCreated: 2, PeopleUpdated: 1, GroupsCreated: 1, RolesSet: 3}
	if res != want {
		t.Fatalf("import: %s, want %s", res, want)
	}
	n2, err := o.db.PersonByEmail(system(), "new2@example.test")
	if err != nil {
		t.Fatal(err)
	}
	if n2.Level != 5 {
		t.Errorf("new2 reports to new1, who reports to eng (level 3): level %d, want 5", n2.Level)
	}
	eng, err := o.db.Person(system(), o.eng)
	if err != nil {
		t.Fatal(err)
	}
	if eng.Title != "Staff Engineer" {
		t.Errorf("eng's title: %q", eng.Title)
	}
	s, err := o.db.Standing(as(o.eng), o.engineering, 0)
	if err != nil || !s.Manager {
		t.Errorf("eng now manages engineering: %+v %v", s, err)
	}
	if n := countActs(t, o, ledger.PersonUpdated, o.eng); n != 1 {
		t.Errorf("person.updated acts for eng: %d", n)
	}
	// The same chart again changes nothing.
	if res, err := o.db.ImportChart(system(), chart, false); err != nil ||
		res != (people.ChartResult{PeopleUnchanged: 3}) {
		t.Fatalf("second import: %s %v", res, err)
	}
	// Columns left out change nothing: a file of names and addresses only
	// keeps titles, managers and admins as they are.
	if res, err := o.db.ImportChart(system(), read("email,name\neng@example.test,eng\nadmin@example.test,admin\n"), false); err != nil ||
		res != (people.ChartResult{PeopleUnchanged: 2}) {
		t.Fatalf("a chart of names only: %s %v", res, err)
	}
	if p, _ := o.db.Person(system(), o.eng); p.Title != "Staff Engineer" || p.ManagerID == nil || *p.ManagerID != o.lead {
		t.Fatalf("a chart of names only changed eng: %+v", p)
	}
	if p, _ := o.db.Person(system(), o.admin); !p.Admin {
		t.Fatal("a chart of names only took the admin's rights")
	}
	// A dry run says what would change and writes nothing.
	res, err = o.db.ImportChart(system(), read("email,name,groups\nnew3@example.test,New Three,sales/East\n"), true)
	if err != nil || res != (people.ChartResult{PeopleCreated: 1, GroupsCreated: 1, RolesSet: 1}) {
		t.Fatalf("dry run: %s %v", res, err)
	}
	if _, err := o.db.PersonByEmail(system(), "new3@example.test"); wayfare.ErrorCode(err) != wayfare.ENOTFOUND {
		t.Fatalf("a dry run wrote: %v", err)
	}
	// Refused whole: the CEO under eng closes a circle; a manager nobody knows.
	for _, bad := range []string{
		"email,name,manager_email\nnew4@example.test,New Four,\nceo@example.test,ceo,eng@example.test\n",
		"email,name,manager_email\nnew4@example.test,New Four,nobody@example.test\n",
	} {
		_, err := o.db.ImportChart(system(), read(bad), false)
		var ce *people.ChartError
		if !errors.As(err, &ce) || len(ce.Problems) != 1 || ce.Problems[0].Column != "manager_email" {
			t.Errorf("%q: %v", bad, err)
		}
		if _, err := o.db.PersonByEmail(system(), "new4@example.test"); wayfare.ErrorCode(err) != wayfare.ENOTFOUND {
			t.Errorf("a refused chart wrote: %v", err)
		}
	}
	if ceo, _ := o.db.Person(system(), o.ceo); ceo.ManagerID != nil || ceo.Level != 0 {
		t.Error("a refused chart changed the CEO")
	}
	// Export gives the organization back as a chart that imports as is,
	// separators in group names included.
	odd, err := o.db.CreateGroup(system(), people.NewGroup{Name: "R&D / Ops: EU"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.db.SetRole(system(), odd.ID, o.rep, people.Manager); err != nil {
		t.Fatal(err)
	}
	out, err := o.db.ExportChart(system())
	if err != nil {
		t.Fatal(err)
	}
	var engRow *people.ChartRow
	for i := range out.Rows {
		if out.Rows[i].Person.Email == "eng@example.test" {
			engRow = &out.Rows[i]
		}
	}
	if engRow == nil || engRow.ManagerEmail != "lead@example.test" || len(engRow.Groups) != 1 ||
		strings.Join(engRow.Groups[0].Path, "/") != "exec/engineering" || engRow.Groups[0].Role != people.Manager {
		t.Fatalf("eng exported as %+v", engRow)
	}
	var buf bytes.Buffer
	if err := people.WriteChart(&buf, out); err != nil {
		t.Fatal(err)
	}
	out = read(buf.String())
	if res, err := o.db.ImportChart(system(), out, false); err != nil || res.PeopleUnchanged != len(out.Rows) ||
		res.PeopleCreated+res.PeopleUpdated+res.GroupsCreated+res.RolesSet != 0 {
		t.Fatalf("the export imported back: %s %v", res, err)
	}
	if _, err := o.db.ExportChart(as(o.eng)); wayfare.ErrorCode(err) != wayfare.EFORBIDDEN {
		t.Errorf("a person who is not an admin exports: %v", err)
	}
}

// testChartActiveColumn deactivates and reactivates people through the
// chart's active column, exports it, and refuses a chart that would leave
// no active admin.
func testChartActiveColumn(t *testing.T, o *org) {
	read := func(csv string) *people.Chart {
		t.Helper()
		c, err := people.ReadChart(strings.NewReader(csv))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	tok := o.token(t, o.eng, "laptop")
	res, err := o.db.ImportChart(asAdmin(o.admin), read("email,name,active\neng@example.test,eng,false\nvp@example.test,vp,\n"), false)
	if err != nil {
		t.Fatal(err)
	}
	if res.PeopleDeactivated != 1 || res.PeopleReactivated != 0 {
		t.Fatalf("import: %s", res)
	}
	if o.authenticates(tok.Token) {
		t.Error("a person the chart deactivated keeps their token")
	}
	c, err := o.db.ExportChart(asAdmin(o.admin))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := people.WriteChart(&out, c); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "eng@example.test,eng,,lead@example.test,exec/engineering,,false\n") ||
		!strings.HasPrefix(out.String(), "email,name,title,manager_email,groups,admin,active\n") {
		t.Errorf("export:\n%s", out.String())
	}
	if _, err := people.ReadChart(strings.NewReader("email,name,active\neng@example.test,eng,maybe\n")); err == nil ||
		!strings.Contains(err.Error(), "line 2, active") {
		t.Errorf("a bad active value: %v", err)
	}
	if res, err = o.db.ImportChart(asAdmin(o.admin), read("email,name,active\neng@example.test,eng,true\n"), false); err != nil || res.PeopleReactivated != 1 {
		t.Fatalf("reactivation: %s, %v", res, err)
	}
	_, err = o.db.ImportChart(asAdmin(o.admin), read("email,name,active\nadmin@example.test,admin,false\n"), false)
	var ce *people.ChartError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "without an active admin") {
		t.Fatalf("a chart deactivating the last admin: %v", err)
	}
}
