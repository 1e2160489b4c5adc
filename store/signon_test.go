package store

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/ledger"
	"github.com/wayfare-org/wayfare/people"
)

// signOnOrg is an organization with an admin, and groups Engineering,
// Engineering/Payments and Sales.
type signOnOrg struct {
	db                   *DB
	admin                *people.Person
	eng, payments, sales wayfare.ID
}

func newSignOnOrg(t *testing.T) *signOnOrg {
	t.Helper()
	db := openTest(t)
	o := &signOnOrg{db: db}
	var err error
	if o.admin, err = db.CreatePerson(sysCtx, people.NewPerson{Name: "Ada", Email: "ada@example.test", Admin: true}); err != nil {
		t.Fatal(err)
	}
	group := func(name string, parent wayfare.ID) wayfare.ID {
		in := people.NewGroup{Name: name}
		if parent != 0 {
			in.ParentID = &parent
		}
		g, err := db.CreateGroup(sysCtx, in)
		if err != nil {
			t.Fatal(err)
		}
		return g.ID
	}
	o.eng = group("Engineering", 0)
	o.payments = group("Payments", o.eng)
	o.sales = group("Sales", 0)
	return o
}

func (o *signOnOrg) signOn(t *testing.T, in people.SignOn) people.SignOnResult {
	t.Helper()
	res, err := o.db.SignOn(sysCtx, in)
	if err != nil {
		t.Fatalf("sign-on %+v: %v", in, err)
	}
	return res
}

// roles returns a person's roles by group.
func (o *signOnOrg) roles(t *testing.T, id wayfare.ID) map[wayfare.ID]people.Role {
	t.Helper()
	p, err := o.db.Person(sysCtx, id)
	if err != nil {
		t.Fatal(err)
	}
	out := map[wayfare.ID]people.Role{}
	for _, m := range p.Groups {
		out[m.GroupID] = m.Role
	}
	return out
}

var sysCtx = wayfare.WithActor(context.Background(), wayfare.Actor{System: true})

func paths(ps ...string) [][]string {
	out := [][]string{}
	for _, p := range ps {
		path, err := people.ParseGroupPath(p)
		if err != nil {
			panic(err)
		}
		out = append(out, path)
	}
	return out
}

func TestSignOnMatchesOrCreatesByAddress(t *testing.T) {
	o := newSignOnOrg(t)
	if _, err := o.db.SignOn(sysCtx, people.SignOn{Email: "new@example.test", Name: "New"}); wayfare.ErrorCode(err) != wayfare.ENOTFOUND {
		t.Fatalf("an unknown address without creation: %v, want ENOTFOUND", err)
	}
	res := o.signOn(t, people.SignOn{Email: " Ada@Example.test ", Name: "Someone else"})
	if res.Person.ID != o.admin.ID || res.Created || res.Person.Name != "Ada" {
		t.Fatalf("matched %+v, want Ada unchanged", res)
	}
	res = o.signOn(t, people.SignOn{Email: "new@example.test", Name: "", Create: true})
	if !res.Created || res.Person.Name != "new" || res.Person.Email != "new@example.test" {
		t.Fatalf("created %+v, want a person named after the address", res.Person)
	}
	acts, err := o.db.Acts(sysCtx, ledger.Filter{Verb: ledger.PersonCreated})
	if err != nil {
		t.Fatal(err)
	}
	if a := acts[0]; a.SubjectID != res.Person.ID || a.PersonID != 0 || a.Function != wayfare.Admin || via(t, a) != ViaSignOn {
		t.Fatalf("the creation's act %+v (via %q), want the system's, admin, via single sign-on", a, via(t, a))
	}
	if _, err := o.db.SignOn(wayfare.WithActor(context.Background(), wayfare.Actor{PersonID: o.admin.ID, Admin: true}),
		people.SignOn{Email: "x@example.test", Create: true}); wayfare.ErrorCode(err) != wayfare.EFORBIDDEN {
		t.Fatalf("an admin applying an assertion: %v, want EFORBIDDEN", err)
	}
}

func TestSignOnRefusesTheDeactivatedAndChangesNothing(t *testing.T) {
	o := newSignOnOrg(t)
	p, _ := o.db.CreatePerson(sysCtx, people.NewPerson{Name: "Bo", Email: "bo@example.test"})
	if _, err := o.db.SetStatus(sysCtx, p.ID, people.Deactivated); err != nil {
		t.Fatal(err)
	}
	before, _ := o.db.Acts(sysCtx, ledger.Filter{})
	yes := true
	_, err := o.db.SignOn(sysCtx, people.SignOn{Email: "bo@example.test", Admin: &yes, Groups: paths("Sales")})
	if e, _ := wayfare.AsError(err); e == nil || e.Code != wayfare.EFORBIDDEN || e.Rule != "deactivated" {
		t.Fatalf("a deactivated person: %v, want EFORBIDDEN deactivated", err)
	}
	after, _ := o.db.Acts(sysCtx, ledger.Filter{})
	if len(after) != len(before) || len(o.roles(t, p.ID)) != 0 {
		t.Fatal("a refused sign-in changed something")
	}
}

func TestSignOnGroupsClaim(t *testing.T) {
	o := newSignOnOrg(t)
	p, _ := o.db.CreatePerson(sysCtx, people.NewPerson{Name: "Cy", Email: "cy@example.test"})
	if _, err := o.db.SetRole(sysCtx, o.sales, p.ID, people.Manager); err != nil { // an admin's
		t.Fatal(err)
	}
	roles0 := o.db.RolesVersion()
	res := o.signOn(t, people.SignOn{Email: p.Email, Groups: paths("Engineering/Payments", "Sales", "Marketing", "Engineering/Nope")})
	if !slices.Equal(res.Joined, []wayfare.ID{o.payments}) || !slices.Equal(res.UnknownGroups, []string{"Marketing", "Engineering/Nope"}) {
		t.Fatalf("first sign-in: joined %v, unknown %v", res.Joined, res.UnknownGroups)
	}
	want := map[wayfare.ID]people.Role{o.payments: people.Member, o.sales: people.Manager}
	if got := o.roles(t, p.ID); !maps.Equal(got, want) {
		t.Fatalf("roles after the first sign-in: %v, want %v (the admin's role kept)", got, want)
	}
	if o.db.RolesVersion() == roles0 {
		t.Fatal("a membership made at sign-in did not move the authority version")
	}

	res = o.signOn(t, people.SignOn{Email: p.Email, Groups: paths("Engineering")})
	if !slices.Equal(res.Joined, []wayfare.ID{o.eng}) || !slices.Equal(res.Left, []wayfare.ID{o.payments}) {
		t.Fatalf("second sign-in: joined %v, left %v", res.Joined, res.Left)
	}
	want = map[wayfare.ID]people.Role{o.eng: people.Member, o.sales: people.Manager}
	if got := o.roles(t, p.ID); !maps.Equal(got, want) {
		t.Fatalf("roles after the second sign-in: %v, want %v (Sales was never the claim's)", got, want)
	}
	acts, _ := o.db.Acts(sysCtx, ledger.Filter{Verb: ledger.MemberRemoved})
	if len(acts) != 1 || acts[0].GroupID != o.payments || acts[0].PersonID != 0 || via(t, acts[0]) != ViaSignOn {
		t.Fatalf("the removal's acts: %+v", acts)
	}

	// An admin setting the role makes the membership theirs: the claim no
	// longer takes it away.
	if _, err := o.db.SetRole(sysCtx, o.eng, p.ID, people.Member); err != nil {
		t.Fatal(err)
	}
	res = o.signOn(t, people.SignOn{Email: p.Email, Groups: paths()})
	if len(res.Left) != 0 || len(o.roles(t, p.ID)) != 2 {
		t.Fatalf("an empty claim took away %v; roles %v", res.Left, o.roles(t, p.ID))
	}
	// So does a chart that names the group.
	o.signOn(t, people.SignOn{Email: p.Email, Groups: paths("Engineering/Payments")})
	c, err := people.ReadChart(strings.NewReader("email,name,groups\ncy@example.test,Cy,Engineering/Payments\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.db.ImportChart(sysCtx, c, false); err != nil {
		t.Fatal(err)
	}
	if res = o.signOn(t, people.SignOn{Email: p.Email, Groups: paths()}); len(res.Left) != 0 {
		t.Fatalf("a membership the chart named was taken away: %v", res.Left)
	}
	// No groups claim mapped: nothing changes.
	if res = o.signOn(t, people.SignOn{Email: p.Email}); len(res.Joined)+len(res.Left) != 0 {
		t.Fatalf("without a groups claim: %+v", res)
	}
}

func TestSignOnAdminClaim(t *testing.T) {
	o := newSignOnOrg(t)
	p, _ := o.db.CreatePerson(sysCtx, people.NewPerson{Name: "Di", Email: "di@example.test"})
	yes, no := true, false
	roles0 := o.db.RolesVersion()
	if res := o.signOn(t, people.SignOn{Email: p.Email, Admin: &yes}); !res.Person.Admin {
		t.Fatal("the admin claim did not make Di an admin")
	}
	if o.db.RolesVersion() == roles0 {
		t.Fatal("the admin flag set at sign-in did not move the authority version")
	}
	acts, _ := o.db.Acts(sysCtx, ledger.Filter{Verb: ledger.PersonUpdated})
	if len(acts) != 1 || acts[0].SubjectID != p.ID || via(t, acts[0]) != ViaSignOn {
		t.Fatalf("the admin change's acts: %+v", acts)
	}
	if res := o.signOn(t, people.SignOn{Email: p.Email, Admin: &no}); res.Person.Admin || res.AdminKept {
		t.Fatalf("the admin claim false: %+v", res)
	}
	// Ada is now the last active admin: the claim cannot take her flag.
	res := o.signOn(t, people.SignOn{Email: o.admin.Email, Admin: &no})
	if !res.AdminKept || !res.Person.Admin {
		t.Fatalf("the last admin's sign-in with the claim false: %+v", res)
	}
	if again, _ := o.db.Person(sysCtx, o.admin.ID); !again.Admin {
		t.Fatal("the last active admin lost the flag")
	}
}

func via(t *testing.T, a *wayfare.Act) string {
	t.Helper()
	var p struct{ Via string }
	if len(a.Payload) > 0 {
		if err := json.Unmarshal(a.Payload, &p); err != nil {
			t.Fatal(err)
		}
	}
	return p.Via
}
