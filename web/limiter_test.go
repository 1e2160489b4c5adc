package web

import (
	"context"
	"fmt"
	"testing"
	"time"
)

func TestLimiterSpacesOutFailures(t *testing.T) {
	clock := time.Unix(1_800_000_000, 0)
	l := newLimiter()
	l.now = func() time.Time { return clock }
	k := pairKey("a@example.test", "192.0.2.1")
	for i := range 4 {
		if d := l.reserve(context.Background(), k); d != 0 {
			t.Fatalf("try %d must not wait: %s", i+1, d)
		}
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second}
	for _, w := range want {
		if d := l.reserve(context.Background(), k); d != 0 {
			t.Fatalf("a try after its wait must go through: %s", d)
		}
		if d := l.reserve(context.Background(), k); d != w {
			t.Fatalf("wait %s, want %s", d, w)
		}
		clock = clock.Add(w)
	}
	for range 20 {
		l.reserve(context.Background(), k)
		clock = clock.Add(l.cap)
	}
	l.reserve(context.Background(), k)
	if d := l.reserve(context.Background(), k); d != 10*time.Minute {
		t.Fatalf("the wait grows to its cap, not past it: %s", d)
	}
	other := accountKey("a@example.test")
	if d := l.reserve(context.Background(), other, k); d == 0 {
		t.Fatal("one waiting key holds back the try")
	}
	if r := l.get(other, clock); r.Fails != 0 {
		t.Fatalf("a refused try counts against no key: %+v", r)
	}
	clock = clock.Add(l.cap + l.idle + time.Second)
	if d := l.reserve(context.Background(), k); d != 0 {
		t.Fatalf("a key left alone is forgotten: %s", d)
	}
	l.forget(context.Background(), k)
	if r := l.get(k, clock); r.Fails != 0 {
		t.Fatalf("forget: %+v", r)
	}
}

func TestLimiterMemoryIsBounded(t *testing.T) {
	l := newLimiter()
	l.max = 1000
	slow := pairKey("victim@example.test", "192.0.2.9")
	for range 6 {
		l.reserve(context.Background(), slow)
	}
	for i := range 20_000 {
		l.reserve(context.Background(), addressKey(fmt.Sprint(i)))
		if len(l.keys) > l.max {
			t.Fatalf("%d keys kept, bound %d", len(l.keys), l.max)
		}
	}
	if d := l.reserve(context.Background(), slow); d == 0 {
		t.Fatal("a flood of new keys must not wash out a key that is waiting")
	}
}

func TestPasswordChecksWaitForASlot(t *testing.T) {
	for range cap(hashSlots) {
		hashSlots <- struct{}{}
	}
	defer func() {
		for range cap(hashSlots) {
			<-hashSlots
		}
	}()
	s := &Server{check: func(string, string) bool { t.Error("checked without a slot"); return true }}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if ok, err := s.checkPassword(ctx, dummyHash, "x"); ok || err == nil {
		t.Fatalf("with every slot taken: %v %v, want the request's end", ok, err)
	}
}

// TestAccountCountNeverLocksOut: however many addresses fail on an
// account, its own count makes the next try wait a minute at most.
func TestAccountCountNeverLocksOut(t *testing.T) {
	clock := time.Unix(1_800_000_000, 0)
	l := newLimiter()
	l.now = func() time.Time { return clock }
	account := accountKey("a@example.test")
	longest := time.Duration(0)
	for i := range 200 {
		addr := fmt.Sprintf("198.51.100.%d", i)
		if d := l.reserve(context.Background(), account, pairKey("a@example.test", addr), addressKey(addr)); d > 0 {
			longest = max(longest, d)
			clock = clock.Add(d)
		}
	}
	if longest == 0 || longest > accountCap {
		t.Fatalf("the account's longest wait %s, want some wait but at most %s", longest, accountCap)
	}
	// The owner, from an address of their own, waits no longer.
	if d := l.reserve(context.Background(), account, pairKey("a@example.test", "192.0.2.7"), addressKey("192.0.2.7")); d > accountCap {
		t.Fatalf("the owner waits %s", d)
	}
}
