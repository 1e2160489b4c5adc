package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/influence"
	"github.com/wayfare-org/wayfare/ledger"
)

func (s *Server) events(w http.ResponseWriter, r *http.Request) error {
	// The stream lasts while its token does: revoked, expired or its
	// person deactivated, it closes at the next change of authority.
	holds := func(ctx context.Context) bool {
		_, err := s.authenticate(r.WithContext(ctx))
		return err == nil
	}
	return StreamActs(w, r, s.svc, s.Heartbeat, holds)
}

// ActSource is what an act stream reads: the live hub, the ledger, the
// organization's policy on who may see whose follows, and the signal of
// changes of authority.
type ActSource interface {
	Hub() *ledger.Hub
	Acts(ctx context.Context, f ledger.Filter) ([]*wayfare.Act, error)
	InfluencePolicy(ctx context.Context) (influence.Policy, error)
	// AuthorityChanged returns a channel closed at the next change of
	// authority anywhere (a role, a status, a password, a token).
	AuthorityChanged() <-chan struct{}
}

// policyFresh is how long a stream goes on with the policy it read.
const policyFresh = time.Second

// viewer shows live acts to one listener as the ledger would: a follower
// act without its person when the policy keeps it from the listener.
type viewer struct {
	src    ActSource
	actor  wayfare.Actor
	policy influence.Policy
	read   time.Time
}

// show returns the act as the listener may see it, reading the policy
// again when the one it holds is older than policyFresh.
func (v *viewer) show(ctx context.Context, a *wayfare.Act) *wayfare.Act {
	if time.Since(v.read) > policyFresh {
		if p, err := v.src.InfluencePolicy(ctx); err == nil {
			v.policy, v.read = p, time.Now()
		} else {
			v.policy = influence.Policy{FollowsPrivate: true} // unsure: keep follows private
		}
	}
	return influence.Redact(v.actor, v.policy, a)
}

// StreamActs streams committed acts as server-sent events until the
// request ends: the event name is the verb, the data the act as in
// /api/v1/acts. A client that reconnects with Last-Event-ID first gets the
// acts it missed (up to a page). When acts were lost to the client —
// more missed than a page, or a client too slow for the stream — a "gap"
// event says so, so that it reads afresh what it shows. The caller has
// checked who may listen; holds says whether the listener's credentials
// (a session, a token) still hold, and is asked again at every change of
// authority and every heartbeat: once they do not, the stream ends. Each
// act is shown as the listener may see it (influence.Redact).
func StreamActs(w http.ResponseWriter, r *http.Request, src ActSource, heartbeat time.Duration, holds func(context.Context) bool) error {
	return StreamActsAndInbox(w, r, src, heartbeat, holds, nil)
}

// Inbox lets a stream tell its listener how many notifications they have
// unread, each time that changes: an "inbox" event with {"unread": n}.
type Inbox struct {
	Changed func() <-chan struct{} // closed at the next change of anyone's inbox
	Version func() uint64          // moves when the listener's inbox changes
	Unread  func(ctx context.Context) (int, error)
}

// StreamActsAndInbox is StreamActs that also tells the listener of changes
// to their inbox, when inbox is not nil.
func StreamActsAndInbox(w http.ResponseWriter, r *http.Request, src ActSource, heartbeat time.Duration,
	holds func(context.Context) bool, inbox *Inbox) error {
	rc := http.NewResponseController(w)
	var inboxChanged <-chan struct{} // nil (never ready) without an inbox
	var inboxAt uint64
	if inbox != nil {
		inboxChanged, inboxAt = inbox.Changed(), inbox.Version()
	}
	// Taken before anything is written: a change of credentials from here
	// on wakes the stream, however soon it comes.
	changed := src.AuthorityChanged()
	sub := src.Hub().Subscribe(256)
	defer sub.Close()
	view := &viewer{src: src, actor: wayfare.ActorFrom(r.Context())}
	var backlog []*wayfare.Act
	var last wayfare.ID
	// A reconnecting EventSource names the last event it got; a page names
	// the newest act it was read after, for its first connection.
	from, field := r.Header.Get("Last-Event-ID"), "Last-Event-ID"
	if from == "" {
		from, field = r.URL.Query().Get("after"), "after"
	}
	if from != "" {
		id, err := wayfare.ParseID(from)
		if err != nil {
			return wayfare.FieldError(field, "is not an act's id")
		}
		acts, err := src.Acts(r.Context(), ledger.Filter{Page: wayfare.Page{Limit: wayfare.MaxLimit}, After: id})
		if err != nil {
			return err
		}
		backlog, last = acts, id
	}
	gap := len(backlog) == wayfare.MaxLimit // perhaps more were missed than a page holds
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 2000\n: connected\n\n")
	if err := rc.Flush(); err != nil {
		return nil
	}
	if gap {
		writeGap(w, "more acts were missed than a stream replays")
	}
	for i := len(backlog) - 1; i >= 0; i-- { // oldest first
		writeEvent(w, backlog[i])
		last = max(last, backlog[i].ID)
	}
	if err := rc.Flush(); err != nil {
		return nil
	}
	beat := time.NewTicker(heartbeat)
	defer beat.Stop()
	dropped := 0
	for {
		select {
		case <-r.Context().Done():
			return nil
		case <-changed:
			changed = src.AuthorityChanged()
			if !holds(r.Context()) {
				writeEnd(w)
				rc.Flush()
				return nil
			}
			continue
		case <-inboxChanged:
			inboxChanged = inbox.Changed()
			if v := inbox.Version(); v != inboxAt {
				inboxAt = v
				n, err := inbox.Unread(r.Context())
				if err != nil {
					continue
				}
				fmt.Fprintf(w, "event: inbox\ndata: {\"unread\":%d}\n\n", n)
			}
		case <-beat.C:
			if !holds(r.Context()) {
				writeEnd(w)
				rc.Flush()
				return nil
			}
			fmt.Fprint(w, ": keep-alive\n\n")
		case a, ok := <-sub.C:
			if !ok {
				return nil
			}
			if a.ID <= last {
				continue // sent already from the backlog
			}
			if d := sub.Dropped(); d > dropped {
				dropped = d
				writeGap(w, "the stream dropped acts this client was too slow to take")
			}
			writeEvent(w, view.show(r.Context(), a))
		}
		if err := rc.Flush(); err != nil {
			return nil
		}
	}
}

func writeEvent(w io.Writer, a *wayfare.Act) {
	b, err := json.Marshal(a)
	if err != nil {
		return
	}
	fmt.Fprintf(w, "id: %s\nevent: %s\ndata: %s\n\n", a.ID, a.Verb, b)
}

// writeEnd tells the client that its credentials ended, and not to come
// back with them.
func writeEnd(w io.Writer) {
	b, _ := json.Marshal(map[string]string{"reason": "the session or token of this stream has ended"})
	fmt.Fprintf(w, "event: end\ndata: %s\n\n", b)
}

// writeGap tells the client that acts were lost to it.
func writeGap(w io.Writer, reason string) {
	b, _ := json.Marshal(map[string]string{"reason": reason})
	fmt.Fprintf(w, "event: gap\ndata: %s\n\n", b)
}
