// Package web serves Wayfare's pages: server-rendered HTML from embedded
// templates parsed once, our own small CSS and JavaScript under hashed
// URLs, sign-in with browser sessions, and live updates from the ledger.
// Every flow works without JavaScript; with it, pages update live.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/influence"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/ledger"
	"github.com/wayfare-org/wayfare/management"
	"github.com/wayfare-org/wayfare/people"
	"github.com/wayfare-org/wayfare/store"
)

// Services is everything the pages call.
type Services interface {
	people.Service
	leadership.Service
	management.Service
	management.JourneyService
	management.SessionService
	management.RoundService
	ledger.Service
	influence.Service
	Hub() *ledger.Hub
	Standing(ctx context.Context, groupID, journeyID wayfare.ID) (management.Standing, error)
	SessionStanding(ctx context.Context, groupID, facilitatorID wayfare.ID) (management.Standing, error)
	Manages(ctx context.Context, personID, groupID wayfare.ID) (bool, error)
	Holders(ctx context.Context, pitchID wayfare.ID) ([]wayfare.ID, error)
	TicketsSold(ctx context.Context, ids []wayfare.ID) (map[wayfare.ID]int, error)
	RoundsAwaiting(ctx context.Context, personID wayfare.ID, limit int) ([]*management.Round, error)
	Elector(ctx context.Context, roundID, personID wayfare.ID) (bool, error)
	Sales(ctx context.Context, pitchID wayfare.ID) (leadership.Sales, error)
	Names(ctx context.Context, kind string, ids []wayfare.ID) (map[wayfare.ID]string, error)
	Credentials(ctx context.Context, email string) (wayfare.Actor, string, error)
	SetPassword(ctx context.Context, personID wayfare.ID, hash string) error
	SignedIn(ctx context.Context, personID wayfare.ID) (*people.Person, wayfare.Actor, error)
	PersonBrief(ctx context.Context, id wayfare.ID) (*people.Person, error)
	Sessions() *store.Sessions

	// The versions the pages keep their rendered parts by (see store.DB):
	// each moves after a commit that changes what it covers.
	PitchVersion(id wayfare.ID) uint64
	ListsVersion() uint64
	RolesVersion() uint64
	PersonVersion(id wayfare.ID) uint64
}

// Config configures the pages.
type Config struct {
	// SecureCookies marks the session cookie Secure: set it when the
	// server is reached over TLS (directly or behind a proxy).
	SecureCookies bool
	// Heartbeat is how often live streams send a keep-alive.
	Heartbeat time.Duration
}

// Server serves the pages.
type Server struct {
	svc      Services
	log      *slog.Logger
	sessions *scs.SessionManager
	pages    *templates
	assets   *assets
	limiter  *limiter
	parts    *parts
	mux      *http.ServeMux
	cfg      Config
}

// New returns the pages over the services.
func New(svc Services, log *slog.Logger, cfg Config) (*Server, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.Heartbeat == 0 {
		cfg.Heartbeat = 25 * time.Second
	}
	a, err := loadAssets()
	if err != nil {
		return nil, err
	}
	t, err := parseTemplates(a)
	if err != nil {
		return nil, err
	}
	sm := scs.New()
	sm.Store = svc.Sessions()
	// A fixed lifetime, and no idle timeout: with one, every page view
	// would rewrite its session.
	sm.Lifetime = 14 * 24 * time.Hour
	sm.Cookie.Name = "wayfare_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = cfg.SecureCookies
	sm.HashTokenInStore = true
	sm.Codec = sessionCodec{}
	s := &Server{svc: svc, log: log, sessions: sm, pages: t, assets: a, limiter: newLimiter(5, 15*time.Minute),
		mux: http.NewServeMux(), cfg: cfg}
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) { s.fail(w, r, err) }
	if s.parts, err = newParts(s); err != nil {
		return nil, err
	}
	s.routes()
	return s, nil
}

// Handler returns the pages with sessions, cross-origin protection and
// security headers around them.
func (s *Server) Handler() http.Handler {
	csrf := http.NewCrossOriginProtection()
	return secureHeaders(csrf.Handler(s.sessions.LoadAndSave(s.mux)))
}

// secureHeaders sets the headers every page carries: a strict content
// security policy (our own files only, nothing inline) and the usual rest.
func secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for k, v := range securityHeaders {
			h[k] = v
		}
		next.ServeHTTP(w, r)
	})
}

// securityHeaders are set on every answer, in their canonical form (and
// never changed: answers share the values).
var securityHeaders = http.Header{
	"Content-Security-Policy": {"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"},
	"X-Content-Type-Options":     {"nosniff"},
	"X-Frame-Options":            {"DENY"},
	"Referrer-Policy":            {"same-origin"},
	"Cross-Origin-Opener-Policy": {"same-origin"},
	"Permissions-Policy":         {"camera=(), microphone=(), geolocation=(), payment=()"},
}
