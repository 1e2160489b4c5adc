package ledger

import (
	"regexp"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare"
)

func TestEveryVerbDeclaresItsFunction(t *testing.T) {
	shape := regexp.MustCompile(`^[a-z]+\.[a-z]+$`)
	for _, v := range Verbs() {
		f, ok := FunctionOf(v)
		if !ok || !f.Valid() {
			t.Errorf("verb %q has no valid function", v)
		}
		if !shape.MatchString(v) {
			t.Errorf("verb %q is not noun.past_tense", v)
		}
	}
	want := map[string]wayfare.Function{
		PitchPublished: wayfare.Leadership, RepitchPosted: wayfare.Leadership, ExamplePosted: wayfare.Leadership,
		TicketBought: wayfare.Follower, DoubtRaised: wayfare.Follower,
		DecisionMade: wayfare.Management, CheckinPosted: wayfare.Management, JourneyDeparted: wayfare.Management,
		SessionOpened: wayfare.Management, SessionMoved: wayfare.Management, ClusterMade: wayfare.Management,
		IdeaPosted: wayfare.Follower, VoteCast: wayfare.Follower,
		RoundOpened: wayfare.Management, RoundClosed: wayfare.Management, ResponseGiven: wayfare.Follower,
	}
	for v, f := range want {
		if got, _ := FunctionOf(v); got != f {
			t.Errorf("FunctionOf(%s) = %s, want %s", v, got, f)
		}
	}
	if _, ok := FunctionOf("pitch.liked"); ok {
		t.Error("an unknown verb must have no function")
	}
}

func TestHubFansOutWithoutBlocking(t *testing.T) {
	h := NewHub()
	fast, slow := h.Subscribe(4), h.Subscribe(1)
	done := make(chan struct{})
	go func() {
		for i := 1; i <= 3; i++ {
			h.Publish(&wayfare.Act{ID: wayfare.ID(i)})
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Publish blocked on a slow listener")
	}
	for i := 1; i <= 3; i++ {
		if a := <-fast.C; a.ID != wayfare.ID(i) {
			t.Fatalf("fast got %s, want %d", a.ID, i)
		}
	}
	if (<-slow.C).ID != 1 || slow.Dropped() != 2 {
		t.Fatalf("slow listener: dropped %d, want 2", slow.Dropped())
	}
	if h.Listeners() != 2 {
		t.Fatalf("listeners = %d", h.Listeners())
	}
	slow.Close()
	slow.Close() // closing twice is harmless
	if _, open := <-slow.C; open {
		t.Fatal("C must be closed")
	}
	if h.Listeners() != 1 {
		t.Fatalf("listeners after close = %d", h.Listeners())
	}
}

func TestHubKnowsTheNewestAct(t *testing.T) {
	h := NewHub()
	h.Begin(7)
	if h.Last() != 7 {
		t.Fatalf("begun at 7: %s", h.Last())
	}
	h.Publish(&wayfare.Act{ID: 9}, &wayfare.Act{ID: 8})
	h.Begin(3) // never back
	if h.Last() != 9 {
		t.Fatalf("after 9 and 8: %s", h.Last())
	}
}
