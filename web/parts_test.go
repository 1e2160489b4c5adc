package web_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/management"
	"github.com/wayfare-org/wayfare/people"
)

// The pitch and home pages are kept rendered; these tests read each page,
// change what it shows through another door (the store, as the API or
// another person would), and read it again: a kept page must never
// outlive what it shows.

func (s *site) as(who string) context.Context {
	return wayfare.WithActor(context.Background(), wayfare.Actor{PersonID: s.ids[who]})
}

func TestKeptPitchPageFollowsChanges(t *testing.T) {
	s := newSite(t)
	member, manager, author := s.signIn("member"), s.signIn("manager"), s.signIn("author")
	page := s.path("/pitches/{P}")
	read := func(b *browser) string {
		t.Helper()
		res, body := b.get(page)
		if res.StatusCode != 200 {
			t.Fatalf("pitch page: %d", res.StatusCode)
		}
		return body
	}
	sold := func(n string) string { return `<strong class="sold">` + n + `</strong>` }
	decide := `action="/pitches/` + s.P.String() + `/decision"`
	withdraw := `action="/pitches/` + s.P.String() + `/withdraw"`
	for range 2 { // the second read is the kept one
		if body := read(member); !strings.Contains(body, sold("0")) || strings.Contains(body, decide) || strings.Contains(body, withdraw) {
			t.Fatal("a member sees no sale yet, no decision panel and no withdrawal")
		}
		if body := read(manager); !strings.Contains(body, decide) || strings.Contains(body, withdraw) {
			t.Fatal("the manager sees the decision panel and no withdrawal")
		}
		if body := read(author); !strings.Contains(body, withdraw) || strings.Contains(body, decide) {
			t.Fatal("the author may withdraw, not decide")
		}
	}
	// Someone else buys: everyone's count moves; only the buyer holds.
	if _, _, err := s.db.BuyTicket(s.as("outsider"), s.P); err != nil {
		t.Fatal(err)
	}
	if body := read(member); !strings.Contains(body, sold("1")) || strings.Contains(body, "You hold a ticket") {
		t.Fatal("the member's kept page did not follow another person's purchase")
	}
	// The member buys through the form: the flash and the ticket show.
	if res := member.post(page+"/tickets", nil); res.StatusCode != 303 {
		t.Fatalf("buying: %d", res.StatusCode)
	}
	// A live region refreshed first (another tab's update) leaves the
	// message for the page.
	if res, frag := member.get(page, "X-Wayfare-Fragment", "tickets"); res.StatusCode != 200 || strings.Contains(frag, "Ticket bought") {
		t.Fatalf("fragment: %d", res.StatusCode)
	}
	body := read(member)
	if !strings.Contains(body, sold("2")) || !strings.Contains(body, "You hold a ticket") || !strings.Contains(body, "Ticket bought") {
		t.Fatal("after buying, the member's page shows the ticket, the count and the message")
	}
	if body := read(member); strings.Contains(body, "Ticket bought") {
		t.Fatal("a message is shown once")
	}
	if body := read(manager); strings.Contains(body, "You hold a ticket") || !strings.Contains(body, sold("2")) {
		t.Fatal("one reader's variant must not reach another")
	}
	// A decision made elsewhere shows at once, with the decider's name.
	if _, err := s.db.Decide(s.as("manager"), s.P, management.NewDecision{Outcome: management.Decline,
		Method: management.Consultative, Rationale: "Not this quarter."}); err != nil {
		t.Fatal(err)
	}
	if body := read(member); !strings.Contains(body, "Not this quarter.") || !strings.Contains(body, "Manager</a>") {
		t.Fatal("the kept page did not follow the decision")
	}
	if body := read(author); strings.Contains(body, withdraw) {
		t.Fatal("a decided pitch can no longer be withdrawn")
	}
	// A role given elsewhere: the member may now decide (again).
	if _, err := s.db.SetRole(s.as("manager"), s.ids["T"], s.ids["member"], people.Manager); err != nil {
		t.Fatal(err)
	}
	if body := read(member); !strings.Contains(body, decide) {
		t.Fatal("a new manager must see the decision panel")
	}
}

func TestKeptHomePageFollowsChanges(t *testing.T) {
	s := newSite(t)
	member := s.signIn("member")
	read := func() string {
		t.Helper()
		res, body := member.get("/")
		if res.StatusCode != 200 {
			t.Fatalf("home: %d", res.StatusCode)
		}
		if strings.Contains(body, "<!--card:") || !strings.HasSuffix(body, "</html>") ||
			res.ContentLength != int64(len(body)) {
			t.Fatal("a home page must be whole, its cards in their places")
		}
		return body
	}
	read()
	if body := read(); strings.Contains(section(body, "h-tickets"), "Written decisions") {
		t.Fatal("the member holds no ticket for P yet")
	}
	// A pitch published to the member's group by someone else.
	p, err := s.db.Publish(s.as("outsider"), leadership.NewPitch{GroupID: s.ids["T"], Kind: leadership.Proposal,
		Title: "Quiet Fridays", StatusQuo: "a", BetterWay: "b", TicketsWanted: 2})
	if err != nil {
		t.Fatal(err)
	}
	if body := read(); !strings.Contains(section(body, "h-mine"), "Quiet Fridays") {
		t.Fatal("a new pitch in my group must show on my kept home page")
	}
	// Someone else buys a ticket on a pitch the page shows: its count moves.
	if _, _, err := s.db.BuyTicket(s.as("outsider"), p.ID); err != nil {
		t.Fatal(err)
	}
	if body := read(); !strings.Contains(body, `aria-label="1 of 2 tickets sold"`) {
		t.Fatal("another person's purchase must move the count on my kept home page")
	}
	// The member buys, from another tab or the API: it is theirs now.
	if _, _, err := s.db.BuyTicket(s.as("member"), s.P); err != nil {
		t.Fatal(err)
	}
	if body := read(); !strings.Contains(section(body, "h-tickets"), "Written decisions") {
		t.Fatal("my purchase must show in my tickets")
	}
	// An example adopted: no list shows it but the member's own.
	ex, err := s.db.Publish(s.as("outsider"), leadership.NewPitch{GroupID: s.ids["T"], Kind: leadership.Example,
		Title: "Standing agendas", StatusQuo: "a", BetterWay: "b", TicketsWanted: 2})
	if err != nil {
		t.Fatal(err)
	}
	read()
	if _, _, err := s.db.BuyTicket(s.as("member"), ex.ID); err != nil {
		t.Fatal(err)
	}
	if body := read(); !strings.Contains(section(body, "h-tickets"), "Standing agendas") {
		t.Fatal("an example I adopted must show in my tickets")
	}
	// Made a manager elsewhere: decisions now wait for the member.
	if _, err := s.db.SetRole(s.as("manager"), s.ids["T"], s.ids["member"], people.Manager); err != nil {
		t.Fatal(err)
	}
	if body := read(); !strings.Contains(section(body, "h-awaiting"), "Quiet Fridays") {
		t.Fatal("a new manager must see the decisions waiting")
	}
	// Another person's home page is their own.
	other := s.signIn("outsider")
	if _, body := other.get("/"); strings.Contains(section(body, "h-tickets"), "Written decisions") ||
		!strings.Contains(section(body, "h-yours"), "Quiet Fridays") {
		t.Fatal("one person's kept home page must not reach another")
	}
	// A doubt on the member's journey shows on the home page.
	if _, _, err := s.db.RaiseDoubt(s.as("member"), s.J, management.NewDoubt{Note: "Why?"}); err != nil {
		t.Fatal(err)
	}
	if body := read(); !strings.Contains(section(body, "h-journeys"), "1 open doubt") {
		t.Fatal("a doubt must show on the rider's kept home page")
	}
	// A flash after a form shows on the kept page, once.
	if res := member.post("/pitches/"+p.ID.String()+"/tickets", url.Values{}, "Referer", s.srv.URL+"/"); res.StatusCode != 303 {
		t.Fatalf("buying: %d", res.StatusCode)
	}
	if body := read(); !strings.Contains(body, "Ticket bought") {
		t.Fatal("the message after a purchase must show")
	}
	if body := read(); strings.Contains(body, "Ticket bought") {
		t.Fatal("a message is shown once")
	}
}

// TestKeptPagesUnderConcurrentPurchases reads the kept pages while people
// buy: once the purchases are done, every page shows the exact count.
func TestKeptPagesUnderConcurrentPurchases(t *testing.T) {
	s := newSite(t)
	sys := wayfare.WithActor(context.Background(), wayfare.Actor{System: true})
	var buyers []wayfare.ID
	for i := range 40 {
		p, err := s.db.CreatePerson(sys, people.NewPerson{Name: "Buyer", Email: "buyer" + strconv.Itoa(i) + "@example.test"})
		if err != nil {
			t.Fatal(err)
		}
		buyers = append(buyers, p.ID)
	}
	readers := []*browser{s.signIn("member"), s.signIn("manager"), s.signIn("outsider")}
	done := make(chan struct{})
	var wg sync.WaitGroup
	for _, b := range readers {
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				b.get(s.path("/pitches/{P}"))
				b.get("/")
			}
		})
	}
	var buys sync.WaitGroup
	for _, id := range buyers {
		buys.Go(func() {
			ctx := wayfare.WithActor(context.Background(), wayfare.Actor{PersonID: id})
			if _, _, err := s.db.BuyTicket(ctx, s.P); err != nil {
				t.Error(err)
			}
		})
	}
	buys.Wait()
	close(done)
	wg.Wait()
	want := `aria-label="40 tickets sold, 3 wanted"`
	for _, b := range readers {
		if _, body := b.get(s.path("/pitches/{P}")); !strings.Contains(body, want) {
			t.Error("a kept pitch page does not show the exact count after the purchases")
		}
		if _, body := b.get("/"); !strings.Contains(body, want) {
			t.Error("a kept home page does not show the exact count after the purchases")
		}
	}
}

// TestHomeAsksForRoundAnswers shows a member the decision rounds that wait
// for their answer, and stops once they answered, on the kept home page.
func TestHomeAsksForRoundAnswers(t *testing.T) {
	s := newSite(t)
	member := s.signIn("member")
	ask := "Decision rounds asking for your answer"
	if _, body := member.get("/"); strings.Contains(body, ask) {
		t.Fatal("no round is open yet")
	}
	r, err := s.db.OpenRound(s.as("manager"), s.P, management.NewRound{Method: management.Advice,
		ClosesAt: time.Now().Add(48 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	_, body := member.get("/")
	if !strings.Contains(body, ask) || !strings.Contains(body, `href="/pitches/`+s.P.String()+`#h-rounds">Written decisions</a>`) {
		t.Fatal("an open round must ask the member for an answer on the home page")
	}
	if _, body := s.signIn("outsider").get("/"); strings.Contains(body, ask) {
		t.Fatal("a round asks only the group's members")
	}
	if _, _, err := s.db.Respond(s.as("member"), r.ID, management.NewResponse{Advice: "Go ahead."}); err != nil {
		t.Fatal(err)
	}
	if _, body := member.get("/"); strings.Contains(body, ask) {
		t.Fatal("an answered round no longer asks")
	}
	// Closed, the round keeps its answers on the pitch page.
	if _, _, err := s.db.CloseRound(s.as("manager"), r.ID, management.Closing{Rationale: "Advised.", Outcome: management.Decline}); err != nil {
		t.Fatal(err)
	}
	_, body = member.get(s.path("/pitches/{P}"))
	if !strings.Contains(body, "advice round closed") || !strings.Contains(body, "advises “Go ahead.”") {
		t.Fatal("a closed round's answers stay on the pitch page")
	}
}

// TestHomeLiveRegion serves the home page's live region alone, from the
// kept page, and refuses regions it does not have.
func TestHomeLiveRegion(t *testing.T) {
	s := newSite(t)
	member := s.signIn("member")
	member.get("/")
	if _, _, err := s.db.BuyTicket(s.as("outsider"), s.P); err != nil {
		t.Fatal(err)
	}
	res, body := member.get("/", "X-Wayfare-Fragment", "home")
	if res.StatusCode != 200 || strings.Contains(body, "<html") || !strings.HasPrefix(body, `<div class="home" data-live-home data-fragment="home"`) ||
		!strings.Contains(body, `aria-label="1 of 3 tickets sold"`) || res.ContentLength != int64(len(body)) {
		t.Fatalf("the home region: %d\n%.300s", res.StatusCode, body)
	}
	if res, _ := member.get("/", "X-Wayfare-Fragment", "tickets"); res.StatusCode != 404 {
		t.Fatalf("a region the home page does not have: %d", res.StatusCode)
	}
	// Signed out (in another tab, or the session over): a live region gets
	// 401, not the sign-in page to put in its place.
	member.post("/logout", nil)
	if res, body := member.get("/", "X-Wayfare-Fragment", "home"); res.StatusCode != 401 || strings.Contains(body, "<form") {
		t.Fatalf("a live region signed out: %d", res.StatusCode)
	}
	if res, _ := member.get("/"); res.StatusCode != 303 {
		t.Fatalf("the page itself, signed out, goes to sign in: %d", res.StatusCode)
	}
}

// TestPagesNameTheirNewestAct: every signed-in page names the newest act
// it was read after, kept pages too, so that its live updates miss none.
func TestPagesNameTheirNewestAct(t *testing.T) {
	s := newSite(t)
	member := s.signIn("member")
	after := func(path string) string {
		t.Helper()
		_, body := member.get(path)
		i := strings.Index(body, `id="live-after" data-after="`)
		if i < 0 {
			t.Fatalf("%s names no newest act", path)
		}
		rest := body[i+len(`id="live-after" data-after="`):]
		return rest[:strings.IndexByte(rest, '"')]
	}
	want := s.db.Hub().Last().String()
	for _, p := range []string{"/", s.path("/pitches/{P}"), s.path("/journeys/{J}"), "/acts"} {
		if got := after(p); got != want {
			t.Errorf("%s: after %s, want %s", p, got, want)
		}
	}
	if _, _, err := s.db.BuyTicket(s.as("outsider"), s.P); err != nil {
		t.Fatal(err)
	}
	if got := after(s.path("/pitches/{P}")); got == want || got != s.db.Hub().Last().String() {
		t.Errorf("after a purchase the kept page names %s (before %s)", got, want)
	}
}

// TestHomeListsEachPitchOnce: a pitch shows once on the home page, where it
// matters most to the reader: waiting for their decision, theirs, held by
// them, then selling in their groups and across the organization.
func TestHomeListsEachPitchOnce(t *testing.T) {
	s := newSite(t)
	// The author's own pitch sells in a group the author is in; the
	// author holds a ticket for it too.
	if _, err := s.db.SetRole(s.as("manager"), s.ids["T"], s.ids["author"], people.Member); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.db.BuyTicket(s.as("author"), s.P); err != nil {
		t.Fatal(err)
	}
	_, body := s.signIn("author").get("/")
	if n := strings.Count(body, `href="/pitches/`+s.P.String()+`"`); n != 1 {
		t.Errorf("the author's pitch is listed %d times on their home page, want once", n)
	}
	if !strings.Contains(section(body, "h-yours"), "Written decisions") {
		t.Error("the author's pitch is not under Your pitches")
	}
	if !strings.Contains(section(body, "h-yours"), `href="/journeys/`+s.J.String()+`"`) {
		t.Error("the author's adopted pitch does not lead to its journey")
	}
	_, body = s.signIn("manager").get("/")
	if n := strings.Count(body, `href="/pitches/`+s.P.String()+`"`); n != 1 {
		t.Errorf("a pitch waiting for the manager is listed %d times, want once", n)
	}
}

// section returns the section of a page headed by the heading with id.
func section(body, id string) string {
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		return ""
	}
	rest := body[i:]
	if j := strings.Index(rest, "</section>"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

// TestTicketsPastTheWanted: past the number wanted, a pitch says how many
// it sold and how many it wanted, not "4 of 3".
func TestTicketsPastTheWanted(t *testing.T) {
	s := newSite(t)
	for _, who := range []string{"member", "outsider", "manager", "admin"} {
		if _, _, err := s.db.BuyTicket(s.as(who), s.P); err != nil {
			t.Fatal(err)
		}
	}
	_, body := s.signIn("author").get(s.path("/pitches/{P}"))
	if !strings.Contains(body, `<strong class="sold">4</strong> tickets (3 wanted)`) || strings.Contains(body, "4</strong> of 3") {
		t.Error(`a pitch past its tickets wanted does not say "4 tickets (3 wanted)"`)
	}
}
