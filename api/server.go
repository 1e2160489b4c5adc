// Package api serves the JSON API under /api/v1, its OpenAPI document,
// the live event stream, /healthz, and the metrics for the listener that
// serves them. Handlers are thin: decode, call a service, encode. Rules
// live in the domain, not here.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/influence"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/ledger"
	"github.com/wayfare-org/wayfare/management"
	"github.com/wayfare-org/wayfare/notifications"
	"github.com/wayfare-org/wayfare/people"
)

// Services is everything the API calls.
type Services interface {
	people.Service
	people.AccountService
	leadership.Service
	management.Service
	management.JourneyService
	management.SessionService
	management.RoundService
	ledger.Service
	influence.Service
	notifications.Service
	notifications.WebhookService
	RequestLink(ctx context.Context, email, kind string) error
	Invite(ctx context.Context, personID wayfare.ID) error
	// Authenticate returns the actor a bearer token stands for.
	Authenticate(ctx context.Context, token string) (wayfare.Actor, error)
	// Version changes after every commit.
	Version() int64
	// PitchVersion changes after every commit that changes how a pitch reads.
	PitchVersion(id wayfare.ID) uint64
	// Hub fans committed acts out.
	Hub() *ledger.Hub
	// AuthorityChanged is closed at the next change of authority.
	AuthorityChanged() <-chan struct{}
	// Ping checks that storage answers.
	Ping(ctx context.Context) error
}

// PitchCacheBytes bounds the memory the cache of encoded pitches takes.
const PitchCacheBytes = 256 << 20

// ListCacheBytes bounds the memory the cache of encoded list pages takes.
const ListCacheBytes = 32 << 20

// Server is the API's HTTP handler.
type Server struct {
	svc     Services
	log     *slog.Logger
	mux     *http.ServeMux
	metrics *metrics
	lists   *pageCache   // encoded list pages
	pitches *answerCache // encoded pitches
	version string
	// Heartbeat is how often the event stream sends a keep-alive comment.
	Heartbeat time.Duration
	// WebhooksAllowPrivate lets webhooks name loopback and private
	// addresses (--webhook-allow-private).
	WebhooksAllowPrivate bool
}

// New returns the API over the services.
func New(svc Services, log *slog.Logger, version string) *Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{svc: svc, log: log, mux: http.NewServeMux(), metrics: newMetrics(svc), lists: newPageCache(ListCacheBytes), pitches: newAnswerCache(PitchCacheBytes),
		version: version, Heartbeat: 25 * time.Second}
	s.routes()
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// handlerFunc is a handler that returns an error to be answered as a problem.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle wraps a handler: bearer authentication, the body limit, metrics
// and the problem answer.
func (s *Server) handle(pattern string, h handlerFunc) { s.serve(pattern, h, false) }

// handlePublic is handle for a route anyone may call: a token, when one
// is sent, must still be good.
func (s *Server) handlePublic(pattern string, h handlerFunc) { s.serve(pattern, h, true) }

func (s *Server) serve(pattern string, h handlerFunc, public bool) {
	route := pattern
	s.mux.Handle(pattern, s.metrics.instrument(route, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var actor wayfare.Actor
		var err error
		if !public || r.Header.Get("Authorization") != "" {
			actor, err = s.authenticate(r)
		}
		if err != nil {
			writeError(w, r, s.log, err)
			return
		}
		r = r.WithContext(wayfare.WithActor(r.Context(), actor))
		if err := h(w, r); err != nil {
			writeError(w, r, s.log, err)
		}
	})))
}

func (s *Server) authenticate(r *http.Request) (wayfare.Actor, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return wayfare.Actor{}, &wayfare.Error{Code: wayfare.EUNAUTHORIZED, Message: "an Authorization: Bearer token is required"}
	}
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		return wayfare.Actor{}, &wayfare.Error{Code: wayfare.EUNAUTHORIZED, Message: "the Authorization header must be Bearer <token>"}
	}
	return s.svc.Authenticate(r.Context(), strings.TrimSpace(token))
}
