package storetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/ledger"
	"github.com/wayfare-org/wayfare/people"
)

func (o *org) token(t *testing.T, person wayfare.ID, name string) *people.Token {
	t.Helper()
	tok, err := o.db.CreateToken(as(person), 0, people.NewToken{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func (o *org) authenticates(token string) bool {
	_, err := o.db.Authenticate(context.Background(), token)
	return err == nil
}

func testTokenLifecycle(t *testing.T, o *org) {
	for _, bad := range []people.NewToken{
		{Name: ""},
		{Name: "past", ExpiresAt: ptr(time.Now().Add(-time.Hour))},
		{Name: "forever", ExpiresAt: ptr(time.Now().Add(10 * 366 * 24 * time.Hour))},
	} {
		if _, err := o.db.CreateToken(as(o.eng), 0, bad); code(err) != wayfare.EINVALID {
			t.Errorf("token %+v: %v, want invalid", bad, err)
		}
	}
	if _, err := o.db.CreateToken(context.Background(), o.eng, people.NewToken{Name: "x"}); code(err) != wayfare.EUNAUTHORIZED {
		t.Errorf("anonymous token: %v", err)
	}
	laptop := o.token(t, o.eng, "laptop")
	ci, err := o.db.CreateToken(as(o.eng), 0, people.NewToken{Name: "ci", ExpiresAt: ptr(time.Now().Add(90 * 24 * time.Hour))})
	if err != nil || ci.ExpiresAt == nil || ci.PersonID != o.eng {
		t.Fatalf("token with expiry: %+v, %v", ci, err)
	}
	if !o.authenticates(laptop.Token) || !o.authenticates(ci.Token) {
		t.Fatal("fresh tokens refused")
	}
	mine, err := o.db.Tokens(as(o.eng), people.TokenFilter{})
	if err != nil || len(mine) != 2 || mine[0].ID != ci.ID || mine[0].Token != "" || mine[1].Name != "laptop" {
		t.Fatalf("own tokens: %+v, %v", mine, err)
	}
	if _, err := o.db.Tokens(as(o.vp), people.TokenFilter{PersonID: o.eng}); code(err) != wayfare.EFORBIDDEN {
		t.Errorf("someone else's tokens: %v", err)
	}
	if got, err := o.db.Tokens(asAdmin(o.admin), people.TokenFilter{PersonID: o.eng}); err != nil || len(got) != 2 {
		t.Errorf("admin's view of eng's tokens: %d, %v", len(got), err)
	}
	// Someone else cannot revoke a token, nor learn that it exists.
	if err := o.db.RevokeToken(as(o.vp), laptop.ID); code(err) != wayfare.ENOTFOUND {
		t.Errorf("revoking another's token: %v", err)
	}
	if err := o.db.RevokeToken(as(o.eng), laptop.ID); err != nil {
		t.Fatal(err)
	}
	if o.authenticates(laptop.Token) {
		t.Error("a revoked token still authenticates")
	}
	if !o.authenticates(ci.Token) {
		t.Error("revoking one token ended another")
	}
	if err := o.db.RevokeToken(asAdmin(o.admin), ci.ID); err != nil {
		t.Fatal(err)
	}
	if o.authenticates(ci.Token) {
		t.Error("a token an admin revoked still authenticates")
	}
	acts, err := o.db.Acts(context.Background(), ledger.Filter{Verb: ledger.TokenRevoked})
	if err != nil {
		t.Fatal(err)
	}
	revoked := map[string]bool{}
	for _, a := range acts {
		var p struct {
			TokenID wayfare.ID `json:"token_id"`
			Name    string     `json:"name"`
		}
		if err := json.Unmarshal(a.Payload, &p); err != nil || a.SubjectKind != "person" || a.SubjectID != o.eng {
			t.Errorf("token.revoked about %s %s (%s): want the owner", a.SubjectKind, a.SubjectID, a.Payload)
		}
		revoked[p.TokenID.String()+" "+p.Name] = true
	}
	if len(acts) != 2 || !revoked[laptop.ID.String()+" laptop"] || !revoked[ci.ID.String()+" "+ci.Name] {
		t.Errorf("token.revoked acts %v: want one for each token, naming it", revoked)
	}
}

func ptr[T any](v T) *T { return &v }

func testDeactivation(t *testing.T, o *org) {
	tok := o.token(t, o.eng, "laptop")
	p := o.pitch(t, o.eng, o.exec, leadership.Proposal, 3)
	if _, _, err := o.db.BuyTicket(as(o.vp), p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := o.db.SetStatus(as(o.vp), o.eng, people.Deactivated); code(err) != wayfare.EFORBIDDEN {
		t.Fatalf("a non-admin deactivating: %v", err)
	}
	_, _, epochBefore := signedIn(t, o, o.eng)
	got, err := o.db.SetStatus(asAdmin(o.admin), o.eng, people.Deactivated)
	if err != nil || got.Status != people.Deactivated {
		t.Fatalf("deactivate: %+v, %v", got, err)
	}
	if o.authenticates(tok.Token) {
		t.Error("a deactivated person's token still authenticates")
	}
	if _, _, err := o.db.Credentials(context.Background(), "eng@example.test"); code(err) != wayfare.ENOTFOUND {
		t.Errorf("credentials of a deactivated person: %v", err)
	}
	if _, _, err := o.db.SignedIn(context.Background(), o.eng); code(err) != wayfare.EUNAUTHORIZED {
		t.Errorf("a deactivated person's session: %v", err)
	}
	if _, err := o.db.CreateToken(system(), o.eng, people.NewToken{Name: "x"}); code(err) != wayfare.ECONFLICT {
		t.Errorf("a token for a deactivated person: %v", err)
	}
	// Their records stay.
	if got, err := o.db.Pitch(context.Background(), p.ID); err != nil || got.AuthorID != o.eng {
		t.Errorf("their pitch: %v", err)
	}
	if n := countActs(t, o, ledger.PitchPublished, p.ID); n != 1 {
		t.Errorf("their acts: %d", n)
	}
	active, _ := o.db.People(asAdmin(o.admin), people.PersonFilter{Status: people.Active, Page: wayfare.Page{Limit: 100}})
	for _, a := range active {
		if a.ID == o.eng {
			t.Error("a deactivated person among the active")
		}
	}
	// Nobody gives a leaver a role or a journey to drive.
	if _, err := o.db.SetRole(asAdmin(o.admin), o.sales, o.eng, people.Member); code(err) != wayfare.ECONFLICT {
		t.Errorf("a role for someone who left: %v", err)
	}
	adopted := o.pitch(t, o.vp, o.exec, leadership.Proposal, 1)
	if err := o.db.NameDriver(as(o.ceo), mustJourney(t, o, adopted.ID).ID, o.eng); code(err) != wayfare.ECONFLICT {
		t.Errorf("someone who left named driver: %v", err)
	}
	// Deactivating twice changes nothing; reactivating lets them sign in
	// again, with a new session epoch and their old token still ended.
	if _, err := o.db.SetStatus(asAdmin(o.admin), o.eng, people.Deactivated); err != nil {
		t.Fatal(err)
	}
	if n := countActs(t, o, ledger.PersonDeactive, o.eng); n != 1 {
		t.Errorf("person.deactivated acts: %d", n)
	}
	if _, err := o.db.SetStatus(asAdmin(o.admin), o.eng, people.Active); err != nil {
		t.Fatal(err)
	}
	if _, _, err := o.db.Credentials(context.Background(), "eng@example.test"); err != nil {
		t.Errorf("credentials after reactivation: %v", err)
	}
	if _, _, epoch := signedIn(t, o, o.eng); epoch == epochBefore {
		t.Error("the sessions from before the deactivation would still hold")
	}
	if o.authenticates(tok.Token) {
		t.Error("reactivation brought an ended token back")
	}
}

func signedIn(t *testing.T, o *org, id wayfare.ID) (*people.Person, wayfare.Actor, int) {
	t.Helper()
	p, a, err := o.db.SignedIn(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p, a, p.SessionEpoch
}

func testLastAdmin(t *testing.T, o *org) {
	if _, err := o.db.SetStatus(asAdmin(o.admin), o.admin, people.Deactivated); code(err) != wayfare.ECONFLICT {
		t.Fatalf("deactivating the last admin: %v", err)
	}
	if _, err := o.db.UpdatePerson(asAdmin(o.admin), o.admin, people.PersonUpdate{Admin: ptr(false)}); code(err) != wayfare.ECONFLICT {
		t.Fatalf("demoting the last admin: %v", err)
	}
	if _, err := o.db.UpdatePerson(asAdmin(o.admin), o.ceo, people.PersonUpdate{Admin: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := o.db.SetStatus(asAdmin(o.ceo), o.admin, people.Deactivated); err != nil {
		t.Fatalf("deactivating one of two admins: %v", err)
	}
	if _, err := o.db.UpdatePerson(asAdmin(o.ceo), o.ceo, people.PersonUpdate{Admin: ptr(false)}); code(err) != wayfare.ECONFLICT {
		t.Fatalf("demoting the last active admin: %v", err)
	}
}

func testUpdatePerson(t *testing.T, o *org) {
	if _, err := o.db.UpdatePerson(as(o.vp), o.eng, people.PersonUpdate{Name: ptr("x")}); code(err) != wayfare.EFORBIDDEN {
		t.Fatalf("a non-admin updating: %v", err)
	}
	if _, err := o.db.UpdatePerson(asAdmin(o.admin), o.eng, people.PersonUpdate{Email: ptr("vp@example.test")}); code(err) != wayfare.ECONFLICT {
		t.Errorf("a taken address: %v", err)
	}
	if _, err := o.db.UpdatePerson(asAdmin(o.admin), o.eng, people.PersonUpdate{Email: ptr("not an address")}); code(err) != wayfare.EINVALID {
		t.Errorf("a bad address: %v", err)
	}
	if _, err := o.db.UpdatePerson(asAdmin(o.admin), o.vp, people.PersonUpdate{ManagerID: people.ManagerRef{Set: true, ID: &o.eng}}); code(err) != wayfare.ECONFLICT {
		t.Errorf("a circle of managers: %v", err)
	}
	if _, err := o.db.UpdatePerson(asAdmin(o.admin), o.vp, people.PersonUpdate{ManagerID: people.ManagerRef{Set: true, ID: ptr(wayfare.ID(99999))}}); code(err) != wayfare.EINVALID {
		t.Errorf("a manager who is no one: %v", err)
	}
	// The lead moves to report to the ceo: the lead and the engineer
	// below rise a level.
	p, err := o.db.UpdatePerson(asAdmin(o.admin), o.lead, people.PersonUpdate{Name: ptr("Lead Two"), Email: ptr(" Lead2@Example.test "),
		ManagerID: people.ManagerRef{Set: true, ID: &o.ceo}})
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "Lead Two" || p.Email != "lead2@example.test" || p.Level != 1 || *p.ManagerID != o.ceo {
		t.Fatalf("updated: %+v", p)
	}
	if e, _ := o.db.Person(system(), o.eng); e.Level != 2 {
		t.Errorf("the engineer's level: %d, want 2", e.Level)
	}
	p, err = o.db.UpdatePerson(asAdmin(o.admin), o.lead, people.PersonUpdate{ManagerID: people.ManagerRef{Set: true}})
	if err != nil || p.ManagerID != nil || p.Level != 0 {
		t.Fatalf("reporting to no one: %+v, %v", p, err)
	}
	if n := countActs(t, o, ledger.PersonUpdated, o.lead); n != 2 {
		t.Errorf("person.updated acts: %d", n)
	}
}

func testGroupChanges(t *testing.T, o *org) {
	admin := asAdmin(o.admin)
	if _, err := o.db.UpdateGroup(as(o.ceo), o.engineering, people.GroupUpdate{Name: ptr("x")}); code(err) != wayfare.EFORBIDDEN {
		t.Errorf("a manager renaming: %v", err)
	}
	g, err := o.db.UpdateGroup(admin, o.engineering, people.GroupUpdate{Name: ptr("Platform")})
	if err != nil || g.Name != "Platform" || *g.ParentID != o.exec {
		t.Fatalf("rename: %+v, %v", g, err)
	}
	if _, err := o.db.UpdateGroup(admin, o.exec, people.GroupUpdate{ParentID: people.ManagerRef{Set: true, ID: &o.engineering}}); code(err) != wayfare.ECONFLICT {
		t.Errorf("a group under its own sub-group: %v", err)
	}
	if _, err := o.db.UpdateGroup(admin, o.exec, people.GroupUpdate{ParentID: people.ManagerRef{Set: true, ID: &o.exec}}); code(err) != wayfare.ECONFLICT {
		t.Errorf("a group under itself: %v", err)
	}
	// Engineering moves under sales: the ceo no longer manages it, the
	// sales manager does.
	if ok, _ := o.db.Manages(context.Background(), o.ceo, o.engineering); !ok {
		t.Fatal("the ceo should manage engineering under exec")
	}
	if _, err := o.db.UpdateGroup(admin, o.engineering, people.GroupUpdate{ParentID: people.ManagerRef{Set: true, ID: &o.sales}}); err != nil {
		t.Fatal(err)
	}
	if ok, _ := o.db.Manages(context.Background(), o.ceo, o.engineering); ok {
		t.Error("the ceo still manages engineering after it moved")
	}
	if ok, _ := o.db.Manages(context.Background(), o.rep, o.engineering); !ok {
		t.Error("the sales manager does not manage engineering after it moved")
	}
	// Leaving a group: its management or an admin may take someone out.
	if err := o.db.RemoveMember(as(o.eng), o.engineering, o.lead); code(err) != wayfare.EFORBIDDEN {
		t.Errorf("a member removing the manager: %v", err)
	}
	if err := o.db.RemoveMember(as(o.lead), o.engineering, o.eng); err != nil {
		t.Fatal(err)
	}
	if err := o.db.RemoveMember(as(o.lead), o.engineering, o.eng); code(err) != wayfare.ENOTFOUND {
		t.Errorf("removing twice: %v", err)
	}
	if err := o.db.RemoveMember(admin, o.engineering, o.lead); err != nil {
		t.Fatal(err)
	}
	if ok, _ := o.db.Manages(context.Background(), o.lead, o.engineering); ok {
		t.Error("a removed manager still manages")
	}
	g, _ = o.db.Group(context.Background(), o.engineering)
	if len(g.Members) != 0 {
		t.Errorf("members left: %+v", g.Members)
	}
}

// testSubjectsNamed: whatever an act is about, the ledger's pages can
// name it; a token's acts are about its owner, and outlive the token.
func testSubjectsNamed(t *testing.T, o *org) {
	tok := o.token(t, o.eng, "laptop")
	if err := o.db.RevokeToken(as(o.eng), tok.ID); err != nil {
		t.Fatal(err)
	}
	if err := o.db.EndSessions(asAdmin(o.admin), o.eng); err != nil {
		t.Fatal(err)
	}
	p := o.pitch(t, o.eng, o.exec, leadership.Proposal, 1)
	o.db.BuyTicket(as(o.vp), p.ID)
	mustJourney(t, o, p.ID)
	acts, err := o.db.Acts(context.Background(), ledger.Filter{Page: wayfare.Page{Limit: wayfare.MaxLimit}})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	for _, a := range acts {
		kinds[a.SubjectKind] = true
		names, err := o.db.Names(context.Background(), a.SubjectKind, []wayfare.ID{a.SubjectID})
		if err != nil {
			t.Errorf("%s about %s %s: %v", a.Verb, a.SubjectKind, a.SubjectID, err)
		} else if names[a.SubjectID] == "" {
			t.Errorf("%s about %s %s: no name", a.Verb, a.SubjectKind, a.SubjectID)
		}
	}
	for _, k := range []string{"person", "group", "pitch"} {
		if !kinds[k] {
			t.Errorf("no act about a %s was read: the test misses a kind", k)
		}
	}
}
