package ledger

import (
	"sync"
	"sync/atomic"

	"github.com/wayfare-org/wayfare"
)

// Hub fans committed acts out to live listeners. A listener that does not
// keep up misses acts rather than slowing the writer; it learns so through
// Subscription.Dropped.
type Hub struct {
	mu   sync.Mutex
	subs map[*Subscription]struct{}
	last atomic.Int64 // the newest act's id published (or recorded when the hub began)
}

// Last returns the id of the newest act published: a page read after it
// was taken shows every act up to it, and a stream that replays the acts
// after it misses none.
func (h *Hub) Last() wayfare.ID { return wayfare.ID(h.last.Load()) }

// Begin records the newest act already in the ledger when the hub starts.
func (h *Hub) Begin(last wayfare.ID) { h.raise(last) }

func (h *Hub) raise(id wayfare.ID) {
	for {
		old := h.last.Load()
		if int64(id) <= old || h.last.CompareAndSwap(old, int64(id)) {
			return
		}
	}
}

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{subs: make(map[*Subscription]struct{})} }

// Subscription receives acts on C until Close.
type Subscription struct {
	C       <-chan *wayfare.Act
	c       chan *wayfare.Act
	hub     *Hub
	mu      sync.Mutex
	dropped int
}

// Subscribe returns a subscription with a buffer of size acts.
func (h *Hub) Subscribe(size int) *Subscription {
	c := make(chan *wayfare.Act, size)
	s := &Subscription{C: c, c: c, hub: h}
	h.mu.Lock()
	h.subs[s] = struct{}{}
	h.mu.Unlock()
	return s
}

// Close ends the subscription and closes C.
func (s *Subscription) Close() {
	h := s.hub
	h.mu.Lock()
	if _, ok := h.subs[s]; ok {
		delete(h.subs, s)
		close(s.c)
	}
	h.mu.Unlock()
}

// Dropped returns how many acts were missed because the buffer was full.
func (s *Subscription) Dropped() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dropped
}

// Publish sends committed acts to every listener, never blocking.
func (h *Hub) Publish(acts ...*wayfare.Act) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, a := range acts {
		h.raise(a.ID)
	}
	for s := range h.subs {
		for _, a := range acts {
			select {
			case s.c <- a:
			default:
				s.mu.Lock()
				s.dropped++
				s.mu.Unlock()
			}
		}
	}
}

// Listeners returns the number of live subscriptions.
func (h *Hub) Listeners() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}
