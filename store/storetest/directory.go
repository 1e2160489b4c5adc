package storetest

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/ledger"
	"github.com/wayfare-org/wayfare/people"
)

// The directory (SCIM provisioning) through the store: the same rules
// as every other door, each change in one transaction with its acts.

func testDirectoryPeople(t *testing.T, o *org) {
	admin := asAdmin(o.admin)
	in := people.DirectoryPersonInput{Email: " Nia.Obi@Example.test ", Name: "Nia Obi", GivenName: "Nia", FamilyName: "Obi",
		Title: "Engineer", ExternalID: "okta-1"}
	if _, err := o.db.ProvisionPerson(as(o.vp), in); code(err) != wayfare.EFORBIDDEN {
		t.Fatalf("a non-admin provisioning: %v", err)
	}
	nia, err := o.db.ProvisionPerson(admin, in)
	if err != nil || nia.Email != "nia.obi@example.test" || nia.GivenName != "Nia" || nia.ExternalID != "okta-1" ||
		nia.Status != people.Active || nia.Title != "Engineer" {
		t.Fatalf("provision: %+v, %v", nia, err)
	}
	if _, err := o.db.ProvisionPerson(admin, in); code(err) != wayfare.ECONFLICT {
		t.Errorf("provisioning a taken address: %v", err)
	}
	for name, f := range map[string]people.DirectoryPersonFilter{
		"email in another case": {Email: "NIA.OBI@example.TEST"},
		"external id":           {ExternalID: "okta-1"},
		"id":                    {ID: nia.ID},
	} {
		got, n, err := o.db.DirectoryPeople(admin, people.DirectoryPersonFilter{Email: f.Email, ExternalID: f.ExternalID, ID: f.ID, Limit: 10})
		if err != nil || n != 1 || len(got) != 1 || got[0].ID != nia.ID {
			t.Errorf("filter by %s: %d %v %v", name, n, got, err)
		}
	}
	// Everyone is seen, the people made through other doors too; a page
	// counts them all.
	page, n, err := o.db.DirectoryPeople(admin, people.DirectoryPersonFilter{Offset: 2, Limit: 3})
	if err != nil || n != 7 || len(page) != 3 || page[0].ID != o.lead {
		t.Fatalf("page: %d people, %d on the page, first %v: %v", n, len(page), page, err)
	}
	if _, n, _ := o.db.DirectoryPeople(admin, people.DirectoryPersonFilter{Limit: 0}); n != 7 {
		t.Errorf("a count without a page: %d", n)
	}

	// Replacing: the manager stays unless named, and one act names
	// every field that changed.
	if _, err := o.db.UpdatePerson(admin, nia.ID, people.PersonUpdate{ManagerID: people.ManagerRef{Set: true, ID: &o.lead}}); err != nil {
		t.Fatal(err)
	}
	in.Title, in.GivenName, in.ExternalID = "", "Nkechi", "okta-9"
	got, err := o.db.UpdateDirectoryPerson(admin, nia.ID, in)
	if err != nil || got.Title != "" || got.GivenName != "Nkechi" || got.ManagerID == nil || *got.ManagerID != o.lead {
		t.Fatalf("replace: %+v, %v", got, err)
	}
	if changed := lastChanged(t, o, nia.ID); !slices.Equal(changed, []string{"title", "external_id", "given_name"}) {
		t.Errorf("person.updated names %v", changed)
	}
	if _, err := o.db.UpdateDirectoryPerson(admin, nia.ID, people.DirectoryPersonInput{Email: "eng@example.test", Name: "Nia"}); code(err) != wayfare.ECONFLICT {
		t.Errorf("taking another's address: %v", err)
	}
	if _, err := o.db.UpdateDirectoryPerson(admin, nia.ID, people.DirectoryPersonInput{Email: "nia.obi@example.test", Name: "Nia",
		ManagerID: people.ManagerRef{Set: true, ID: &nia.ID}}); code(err) != wayfare.EINVALID {
		t.Errorf("one's own manager: %v", err)
	}

	// Deactivated through the directory: sessions and tokens end; the
	// last admin stays.
	tok := o.token(t, nia.ID, "laptop")
	in.Active = new(false)
	if got, err := o.db.UpdateDirectoryPerson(admin, nia.ID, in); err != nil || got.Status != people.Deactivated {
		t.Fatalf("deactivate: %+v, %v", got, err)
	}
	if o.authenticates(tok.Token) {
		t.Error("a token outlived its person's deactivation by the directory")
	}
	if _, _, err := o.db.SignedIn(context.Background(), nia.ID); code(err) != wayfare.EUNAUTHORIZED {
		t.Errorf("a session outlived its person's deactivation by the directory: %v", err)
	}
	adm, _ := o.db.DirectoryPerson(admin, o.admin)
	if _, err := o.db.UpdateDirectoryPerson(admin, o.admin, people.DirectoryPersonInput{Email: adm.Email, Name: adm.Name, Active: new(false)}); code(err) != wayfare.ECONFLICT {
		t.Errorf("the directory deactivating the last admin: %v", err)
	}
	if err := o.db.DeprovisionPerson(admin, o.admin); code(err) != wayfare.ECONFLICT {
		t.Errorf("the directory removing the last admin: %v", err)
	}
	testDeprovisionPerson(t, o, in)
}

// lastChanged returns the fields the newest person.updated act about a
// person names.
func lastChanged(t *testing.T, o *org, id wayfare.ID) []string {
	t.Helper()
	acts, err := o.db.Acts(context.Background(), ledger.Filter{Verb: ledger.PersonUpdated, Page: wayfare.Page{Limit: 100}})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range acts {
		if a.SubjectID == id {
			var p struct{ Changed []string }
			if err := json.Unmarshal(a.Payload, &p); err != nil || a.Function != wayfare.Admin || a.PersonID != o.admin {
				t.Errorf("act %+v: %v", a, err)
			}
			return p.Changed
		}
	}
	return nil
}

// testDeprovisionPerson removes a person and has the directory create
// them again: the same person, with their records.
func testDeprovisionPerson(t *testing.T, o *org, in people.DirectoryPersonInput) {
	admin := asAdmin(o.admin)
	p := o.pitch(t, o.rep, o.sales, leadership.Example, 1)
	if err := o.db.DeprovisionPerson(admin, o.rep); err != nil {
		t.Fatal(err)
	}
	if _, err := o.db.DirectoryPerson(admin, o.rep); code(err) != wayfare.ENOTFOUND {
		t.Errorf("a removed person is still seen: %v", err)
	}
	if err := o.db.DeprovisionPerson(admin, o.rep); code(err) != wayfare.ENOTFOUND {
		t.Errorf("removing twice: %v", err)
	}
	if _, n, _ := o.db.DirectoryPeople(admin, people.DirectoryPersonFilter{Email: "rep@example.test", Limit: 1}); n != 0 {
		t.Errorf("a removed person is listed")
	}
	rep, err := o.db.Person(admin, o.rep)
	if err != nil || rep.Status != people.Deactivated {
		t.Fatalf("the removed person stays, deactivated: %+v, %v", rep, err)
	}
	if got, err := o.db.Pitch(context.Background(), p.ID); err != nil || got.AuthorID != o.rep {
		t.Errorf("their pitch: %v", err)
	}
	if changed := lastChanged(t, o, o.rep); !slices.Equal(changed, []string{"deprovisioned"}) {
		t.Errorf("removal recorded as %v", changed)
	}
	back, err := o.db.ProvisionPerson(admin, people.DirectoryPersonInput{Email: "REP@example.test", Name: "Rep Again"})
	if err != nil || back.ID != o.rep || back.Status != people.Active || back.Name != "Rep Again" {
		t.Fatalf("created again: %+v, %v", back, err)
	}
	if changed := lastChanged(t, o, o.rep); !slices.Equal(changed, []string{"provisioned", "name"}) {
		t.Errorf("return recorded as %v", changed)
	}
}

func testDirectoryGroups(t *testing.T, o *org) {
	admin := asAdmin(o.admin)
	g, err := o.db.ProvisionGroup(admin, people.DirectoryGroupInput{Name: "Platform", ExternalID: "g-1", Members: []wayfare.ID{o.eng, o.vp, o.eng}})
	if err != nil || g.ParentID != nil || g.ExternalID != "g-1" || !slices.Equal(memberIDs(g), []wayfare.ID{o.vp, o.eng}) {
		t.Fatalf("provision: %+v, %v", g, err)
	}
	if _, err := o.db.ProvisionGroup(admin, people.DirectoryGroupInput{Name: "PLATFORM"}); code(err) != wayfare.ECONFLICT {
		t.Errorf("a second group of that name: %v", err)
	}
	if _, err := o.db.ProvisionGroup(admin, people.DirectoryGroupInput{Name: "Ops", Members: []wayfare.ID{o.eng, 9999}}); code(err) != wayfare.EINVALID {
		t.Errorf("a member who is nobody: %v", err)
	}
	if _, n, _ := o.db.DirectoryGroups(admin, people.DirectoryGroupFilter{Name: "ops", Limit: 1}); n != 0 {
		t.Error("a refused group was half-written")
	}
	// A manager added again stays a manager; the whole membership set
	// keeps the ones named.
	if _, err := o.db.SetRole(admin, g.ID, o.lead, people.Manager); err != nil {
		t.Fatal(err)
	}
	roleSets := countActs(t, o, ledger.RoleSet, o.lead)
	err = o.db.ChangeDirectoryGroup(admin, g.ID, people.DirectoryGroupChange{Name: new("Platform team"), Members: []people.MemberChange{
		{Op: people.AddMembers, People: []wayfare.ID{o.lead, o.rep}},
		{Op: people.RemoveMembers, People: []wayfare.ID{o.vp, o.ceo}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := o.db.DirectoryGroup(admin, g.ID)
	if got.Name != "Platform team" || !slices.Equal(memberIDs(got), []wayfare.ID{o.lead, o.eng, o.rep}) || len(got.Managers) != 1 {
		t.Fatalf("after the change: %+v", got)
	}
	if n := countActs(t, o, ledger.RoleSet, o.lead); n != roleSets {
		t.Errorf("adding a member again was recorded")
	}
	if err := o.db.ChangeDirectoryGroup(admin, g.ID, people.DirectoryGroupChange{Members: []people.MemberChange{
		{Op: people.SetMembers, People: []wayfare.ID{o.lead, o.ceo}}}}); err != nil {
		t.Fatal(err)
	}
	got, _ = o.db.DirectoryGroup(admin, g.ID)
	if !slices.Equal(memberIDs(got), []wayfare.ID{o.ceo, o.lead}) || len(got.Managers) != 1 || got.Managers[0].PersonID != o.lead {
		t.Errorf("after setting the members: %+v", got)
	}
	if err := o.db.ChangeDirectoryGroup(admin, g.ID, people.DirectoryGroupChange{Name: new("Exec")}); code(err) != wayfare.ECONFLICT {
		t.Errorf("renamed to another group's name: %v", err)
	}
	if err := o.db.ChangeDirectoryGroup(as(o.lead), g.ID, people.DirectoryGroupChange{Name: new("X")}); code(err) != wayfare.EFORBIDDEN {
		t.Errorf("a manager changing a group as the directory: %v", err)
	}
	for name, f := range map[string]people.DirectoryGroupFilter{
		"name in another case": {Name: "platform TEAM"},
		"external id":          {ExternalID: "g-1"},
		"member":               {MemberID: o.ceo, ID: g.ID},
	} {
		f.Limit = 10
		gs, n, err := o.db.DirectoryGroups(admin, f)
		if err != nil || n != 1 || gs[0].ID != g.ID || gs[0].Members != nil {
			t.Errorf("filter by %s: %d %+v %v", name, n, gs, err)
		}
	}
	testDeprovisionGroup(t, o, g.ID)
}

func memberIDs(g *people.DirectoryGroup) []wayfare.ID {
	var ids []wayfare.ID
	for _, m := range g.Members {
		ids = append(ids, m.PersonID)
	}
	slices.Sort(ids)
	return ids
}

// testDeprovisionGroup removes a group: it is emptied and kept with its
// records, and comes back when the directory creates it again.
func testDeprovisionGroup(t *testing.T, o *org, id wayfare.ID) {
	admin := asAdmin(o.admin)
	p := o.pitch(t, o.eng, id, leadership.Proposal, 2)
	if err := o.db.DeprovisionGroup(admin, id); err != nil {
		t.Fatal(err)
	}
	if _, err := o.db.DirectoryGroup(admin, id); code(err) != wayfare.ENOTFOUND {
		t.Errorf("a removed group is still seen: %v", err)
	}
	kept, err := o.db.Group(admin, id)
	if err != nil || len(kept.Members) != 0 {
		t.Fatalf("the removed group stays, empty: %+v, %v", kept, err)
	}
	if got, err := o.db.Pitch(context.Background(), p.ID); err != nil || got.GroupID != id {
		t.Errorf("its pitch: %v", err)
	}
	if ok, _ := o.db.Manages(context.Background(), o.lead, id); ok {
		t.Error("its manager still manages it")
	}
	back, err := o.db.ProvisionGroup(admin, people.DirectoryGroupInput{Name: "platform team", Members: []wayfare.ID{o.eng}})
	if err != nil || back.ID != id || !slices.Equal(memberIDs(back), []wayfare.ID{o.eng}) {
		t.Fatalf("created again: %+v, %v", back, err)
	}
}

func testSCIMTokens(t *testing.T, o *org) {
	if _, err := o.db.CreateSCIMToken(as(o.vp), 0, people.NewToken{Name: "okta"}); code(err) != wayfare.EFORBIDDEN {
		t.Errorf("a non-admin's provisioning token: %v", err)
	}
	if _, err := o.db.CreateSCIMToken(system(), o.vp, people.NewToken{Name: "okta"}); code(err) != wayfare.ECONFLICT {
		t.Errorf("a provisioning token owned by a non-admin: %v", err)
	}
	tok, err := o.db.CreateSCIMToken(asAdmin(o.admin), 0, people.NewToken{Name: "okta"})
	if err != nil || tok.PersonID != o.admin || tok.Token == "" {
		t.Fatalf("create: %+v, %v", tok, err)
	}
	if a, err := o.db.AuthenticateSCIM(context.Background(), tok.Token); err != nil || a != (wayfare.Actor{PersonID: o.admin, Admin: true}) {
		t.Errorf("provisioning token: %+v, %v", a, err)
	}
	if o.authenticates(tok.Token) {
		t.Error("a provisioning token opens the API")
	}
	api := o.token(t, o.admin, "laptop")
	if _, err := o.db.AuthenticateSCIM(context.Background(), api.Token); code(err) != wayfare.EUNAUTHORIZED {
		t.Errorf("an API token opens provisioning: %v", err)
	}
	listed, err := o.db.SCIMTokens(asAdmin(o.admin))
	if err != nil || len(listed) != 1 || listed[0].ID != tok.ID || listed[0].Token != "" {
		t.Errorf("list: %+v, %v", listed, err)
	}
	if own, _ := o.db.Tokens(asAdmin(o.admin), people.TokenFilter{}); len(own) != 1 || own[0].ID != api.ID {
		t.Errorf("API tokens list a provisioning token: %+v", own)
	}
	if _, err := o.db.SCIMTokens(as(o.vp)); code(err) != wayfare.EFORBIDDEN {
		t.Errorf("a non-admin listing provisioning tokens: %v", err)
	}
	// It acts only while its owner is an admin.
	if _, err := o.db.UpdatePerson(system(), o.ceo, people.PersonUpdate{Admin: new(true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := o.db.UpdatePerson(system(), o.admin, people.PersonUpdate{Admin: new(false)}); err != nil {
		t.Fatal(err)
	}
	if _, err := o.db.AuthenticateSCIM(context.Background(), tok.Token); code(err) != wayfare.EUNAUTHORIZED {
		t.Errorf("a provisioning token outlived its owner's admin flag: %v", err)
	}
	if _, err := o.db.UpdatePerson(system(), o.admin, people.PersonUpdate{Admin: new(true)}); err != nil {
		t.Fatal(err)
	}
	if err := o.db.RevokeToken(asAdmin(o.ceo), tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := o.db.AuthenticateSCIM(context.Background(), tok.Token); code(err) != wayfare.EUNAUTHORIZED {
		t.Errorf("a revoked provisioning token: %v", err)
	}
}
