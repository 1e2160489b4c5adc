// Package storetest is the contract every Wayfare store must pass: the
// rules of DESIGN.md as seen through the services, on a real database.
// Each backend's tests call Run with a function that opens a fresh store.
package storetest

import (
	"context"
	"testing"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/ledger"
	"github.com/wayfare-org/wayfare/management"
	"github.com/wayfare-org/wayfare/notifications"
	"github.com/wayfare-org/wayfare/people"
)

// org is a small organization for store tests:
//
//	ceo (0) ─ vp (1) ─ lead (2) ─ eng (3)
//	exec group: ceo manager, vp member
//	eng group (child of exec): lead manager, eng member
//	sales group: rep (level 1 under ceo) manager
type org struct {
	db                       Store
	ceo, vp, lead, eng, rep  wayfare.ID
	admin                    wayfare.ID
	exec, engineering, sales wayfare.ID
}

// Store is what the contract exercises.
type Store interface {
	people.Service
	leadership.Service
	management.Service
	management.JourneyService
	management.SessionService
	management.RoundService
	ledger.Service
	Standing(ctx context.Context, groupID, journeyID wayfare.ID) (management.Standing, error)
	Holders(ctx context.Context, pitchID wayfare.ID) ([]wayfare.ID, error)
	PersonByEmail(ctx context.Context, email string) (*people.Person, error)
	ImportChart(ctx context.Context, c *people.Chart, dryRun bool) (people.ChartResult, error)
	ExportChart(ctx context.Context) (*people.Chart, error)
	RoundsAwaiting(ctx context.Context, personID wayfare.ID, limit int) ([]*management.Round, error)
	TicketsSold(ctx context.Context, ids []wayfare.ID) (map[wayfare.ID]int, error)
	people.AccountService
	people.DirectoryService
	Authenticate(ctx context.Context, token string) (wayfare.Actor, error)
	AuthenticateSCIM(ctx context.Context, token string) (wayfare.Actor, error)
	Credentials(ctx context.Context, email string) (wayfare.Actor, string, error)
	SignedIn(ctx context.Context, personID wayfare.ID) (*people.Person, wayfare.Actor, error)
	Manages(ctx context.Context, personID, groupID wayfare.ID) (bool, error)
	Names(ctx context.Context, kind string, ids []wayfare.ID) (map[wayfare.ID]string, error)
	notifications.Service
	notifications.Store
	RecordNotices(ctx context.Context, from, to wayfare.ID, notices []notifications.Notice, d notifications.Delivery) (int, error)
	notifications.WebhookService
	notifications.HookStore
}

// Run runs the contract against stores that open returns, fresh each time.
func Run(t *testing.T, open func(t *testing.T) Store) {
	for _, c := range contract {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.test(t, newOrg(t, open(t)))
		})
	}
}

var contract = []struct {
	name string
	test func(t *testing.T, o *org)
}{
	{"StoryPitchToJourney", testStory},
	{"Rule1AnyoneMayLead", testAnyoneMayLead},
	{"Rule2LeadershipGrantsNothing", testLeadershipGrantsNothing},
	{"Rule3OnlyManagementDecides", testOnlyManagementDecides},
	{"Rule3AdminConfiguresOnly", testAdminConfigures},
	{"Rule4EveryActDeclaresItsFunction", testActsDeclareFunction},
	{"EveryActsSubjectHasAName", testSubjectsNamed},
	{"Rule5TicketsAreHonest", testTicketsHonest},
	{"Rule5ConcurrentPurchases", testConcurrentPurchases},
	{"Rule6DecisionsAreRecords", testDecisionsAreRecords},
	{"Rule6ConcurrentDecisions", testConcurrentDecisions},
	{"Rule7EvidenceIsFirstClass", testEvidence},
	{"SearchTheSameEverywhere", testSearch},
	{"Rule8BottomUpIsVisible", testBottomUpVisible},
	{"MergeMovesTickets", testMerge},
	{"MergeIntoManagedPitchOnly", testMergeIntoManagedOnly},
	{"DoubtsAndLeaving", testDoubts},
	{"NothingHalfWritten", testNothingHalfWritten},
	{"Pagination", testPagination},
	{"PitchesExcept", testPitchesExcept},
	{"EmailsOnlyForAdmins", testEmailRedaction},
	{"Tokens", testTokens},
	{"TokensNamedListedRevoked", testTokenLifecycle},
	{"DeactivationEndsAccess", testDeactivation},
	{"LastAdminStays", testLastAdmin},
	{"UpdatePerson", testUpdatePerson},
	{"GroupsRenamedMovedLeft", testGroupChanges},
	{"PersonalLists", testPersonalLists},
	{"SessionPhasesAndRules", testSessionPhases},
	{"SessionAnonymousAuthors", testAnonymousSession},
	{"SessionConcurrentVotes", testConcurrentVotes},
	{"SessionIdeaBecomesPitch", testIdeaBecomesPitch},
	{"RoundConsentObjectionDeclines", testConsentRound},
	{"RoundVoteMajorityAdopts", testVoteRound},
	{"RoundAdviceNeedsOutcome", testAdviceRound},
	{"RoundElectorateFixedAtOpening", testRoundElectorateFixed},
	{"RoundsEnd", testRoundsEnd},
	{"ImportChart", testImportChart},
	{"ImportChartActiveColumn", testChartActiveColumn},
	{"DirectoryPeople", testDirectoryPeople},
	{"DirectoryGroups", testDirectoryGroups},
	{"SCIMTokens", testSCIMTokens},
	{"NotificationsFromTheLedger", testNotificationsFromTheLedger},
	{"NotificationsInboxIsOwn", testInboxIsOwn},
	{"NotificationsOnceAcrossProcesses", testNoticesOnceAcrossProcesses},
	{"NotificationsPreferencesAndDigests", testPreferencesAndDigests},
	{"NotificationsMailRetriesAndDrops", testMailRetriesAndDrops},
	{"WebhooksDeliverOnce", testWebhooksDeliverOnce},
	{"WebhookGoneIsDisabled", testWebhookGoneIsDisabled},
}

func system() context.Context {
	return wayfare.WithActor(context.Background(), wayfare.Actor{System: true})
}

func as(id wayfare.ID) context.Context {
	return wayfare.WithActor(context.Background(), wayfare.Actor{PersonID: id})
}

// asAdmin acts as an admin, as Authenticate would for one.
func asAdmin(id wayfare.ID) context.Context {
	return wayfare.WithActor(context.Background(), wayfare.Actor{PersonID: id, Admin: true})
}

func newOrg(t *testing.T, db Store) *org {
	t.Helper()
	o := &org{db: db}
	ctx := system()
	person := func(name string, mgr wayfare.ID) wayfare.ID {
		in := people.NewPerson{Name: name, Email: name + "@example.test"}
		if mgr != 0 {
			in.ManagerID = &mgr
		}
		p, err := o.db.CreatePerson(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return p.ID
	}
	group := func(name string, parent wayfare.ID) wayfare.ID {
		in := people.NewGroup{Name: name}
		if parent != 0 {
			in.ParentID = &parent
		}
		g, err := o.db.CreateGroup(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return g.ID
	}
	role := func(g, p wayfare.ID, r people.Role) {
		if _, err := o.db.SetRole(ctx, g, p, r); err != nil {
			t.Fatal(err)
		}
	}
	o.ceo = person("ceo", 0)
	o.vp = person("vp", o.ceo)
	o.lead = person("lead", o.vp)
	o.eng = person("eng", o.lead)
	o.rep = person("rep", o.ceo)
	a, err := o.db.CreatePerson(ctx, people.NewPerson{Name: "admin", Email: "admin@example.test", Admin: true})
	if err != nil {
		t.Fatal(err)
	}
	o.admin = a.ID
	o.exec = group("exec", 0)
	o.engineering = group("engineering", o.exec)
	o.sales = group("sales", 0)
	role(o.exec, o.ceo, people.Manager)
	role(o.exec, o.vp, people.Member)
	role(o.engineering, o.lead, people.Manager)
	role(o.engineering, o.eng, people.Member)
	role(o.sales, o.rep, people.Manager)
	return o
}

func (o *org) pitch(t *testing.T, author, group wayfare.ID, kind leadership.Kind, wanted int) *leadership.Pitch {
	t.Helper()
	p, err := o.db.Publish(as(author), leadership.NewPitch{GroupID: group, Kind: kind, Title: "Ship smaller changes",
		StatusQuo: "Releases are monthly.", BetterWay: "Release daily behind flags.", TicketsWanted: wanted,
		Evidence: []leadership.Evidence{{Kind: leadership.Link, Label: "DORA report", URL: "https://example.test/dora"}}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func code(err error) string { return wayfare.ErrorCode(err) }

func testStory(t *testing.T, o *org) {
	p := o.pitch(t, o.eng, o.exec, leadership.Proposal, 2)
	if p.Origin != (people.Origin{Relation: people.Below, Levels: 3}) {
		t.Errorf("origin = %+v, want below by 3 (eng is in engineering, a child of exec)", p.Origin)
	}
	for _, buyer := range []wayfare.ID{o.vp, o.rep, o.vp} {
		if _, _, err := o.db.BuyTicket(as(buyer), p.ID); err != nil {
			t.Fatal(err)
		}
	}
	got, err := o.db.Pitch(context.Background(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.TicketsSold != 2 || !got.ReadyForDecision || len(got.Evidence) != 1 {
		t.Fatalf("pitch = sold %d ready %v evidence %d", got.TicketsSold, got.ReadyForDecision, len(got.Evidence))
	}
	_, err = o.db.Decide(as(o.eng), p.ID, management.NewDecision{Outcome: management.Adopt, Method: management.Directive, Rationale: "x"})
	if code(err) != wayfare.EFORBIDDEN {
		t.Fatalf("author deciding: %v, want forbidden", err)
	}
	d, err := o.db.Decide(as(o.ceo), p.ID, management.NewDecision{Outcome: management.Adopt, Method: management.Consultative, Rationale: "Evidence is strong."})
	if err != nil {
		t.Fatal(err)
	}
	j, err := o.db.Journey(context.Background(), *d.JourneyID)
	if err != nil {
		t.Fatal(err)
	}
	if j.Status != management.Boarding || j.RiderCount != 2 || len(j.Drivers) != 0 {
		t.Fatalf("journey = %+v", j)
	}
	if _, err := o.db.Depart(as(o.ceo), j.ID); err != nil {
		t.Fatal(err)
	}
	if err := o.db.RefundTicket(as(o.vp), p.ID); code(err) != wayfare.ECONFLICT {
		t.Fatalf("refund after departure: %v", err)
	}
	if _, _, err := o.db.RaiseDoubt(as(o.vp), j.ID, management.NewDoubt{Note: "why?"}); err != nil {
		t.Fatal(err)
	}
	j, _ = o.db.Journey(context.Background(), j.ID)
	if !j.NeedsLeadership || j.OpenDoubts != 1 {
		t.Fatalf("after doubt: needs %v open %d", j.NeedsLeadership, j.OpenDoubts)
	}
	if _, err := o.db.Repitch(as(o.rep), j.ID, leadership.NewRepitch{Message: "Look at the numbers"}); err != nil {
		t.Fatal(err)
	}
	if err := o.db.Reconfirm(as(o.vp), j.ID); err != nil {
		t.Fatal(err)
	}
	j, _ = o.db.Journey(context.Background(), j.ID)
	if j.NeedsLeadership || j.OpenDoubts != 0 || len(j.Repitches) != 1 {
		t.Fatalf("after reconfirm: %+v", j)
	}
}
