// Package web serves Wayfare's pages: server-rendered HTML from embedded
// templates parsed once, our own small CSS and JavaScript under hashed
// URLs, sign-in with browser sessions, and live updates from the ledger.
// Every flow works without JavaScript; with it, pages update live.
package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/edge"
	"github.com/wayfare-org/wayfare/influence"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/ledger"
	"github.com/wayfare-org/wayfare/management"
	"github.com/wayfare-org/wayfare/notifications"
	"github.com/wayfare-org/wayfare/people"
	"github.com/wayfare-org/wayfare/store"
)

// Services is everything the pages call.
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
	Hub() *ledger.Hub
	AuthorityChanged() <-chan struct{}
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
	PersonByEmail(ctx context.Context, email string) (*people.Person, error)
	GroupCounts(ctx context.Context) (map[wayfare.ID]people.GroupCounts, error)
	ImportChart(ctx context.Context, c *people.Chart, dryRun bool) (people.ChartResult, error)
	SetInfluencePolicy(ctx context.Context, p influence.Policy) error
	SetPassword(ctx context.Context, personID wayfare.ID, hash string) error
	CreateSCIMToken(ctx context.Context, ownerID wayfare.ID, in people.NewToken) (*people.Token, error)
	SCIMTokens(ctx context.Context) ([]*people.Token, error)
	SignedIn(ctx context.Context, personID wayfare.ID) (*people.Person, wayfare.Actor, error)
	PersonBrief(ctx context.Context, id wayfare.ID) (*people.Person, error)
	Sessions() *store.Sessions
	people.SignOnService
	notifications.Service
	Notification(ctx context.Context, id wayfare.ID) (*notifications.Notification, error)
	InboxVersion(id wayfare.ID) uint64
	InboxChanged() <-chan struct{}
	LinkKey(ctx context.Context) ([]byte, error)
	Unsubscribe(ctx context.Context, personID wayfare.ID) error
	RequestLink(ctx context.Context, email, kind string) error
	Invite(ctx context.Context, personID wayfare.ID) error
	Link(ctx context.Context, token string) (wayfare.ID, string, error)
	UseLink(ctx context.Context, token, passwordHash string) (wayfare.ID, error)
	LastMail(ctx context.Context) (store.MailStatus, error)
	FailedMail(ctx context.Context, limit int) ([]store.FailedMail, error)
	notifications.WebhookService

	// The versions the pages keep their rendered parts by (see store.DB):
	// each moves after a commit that changes what it covers.
	PitchVersion(id wayfare.ID) uint64
	ListsVersion() uint64
	RolesVersion() uint64
	PersonVersion(id wayfare.ID) uint64
}

// The session cookie's name, and its name when cookies are secure.
const (
	SessionCookie       = "wayfare_session"
	SecureSessionCookie = "__Host-wayfare_session"
)

// Config configures the pages.
type Config struct {
	// SecureCookies marks the session cookie Secure (and names it with the
	// __Host- prefix) and has every answer ask browsers to keep to TLS:
	// set it when the server is reached over TLS (directly or behind a
	// proxy).
	SecureCookies bool
	// Heartbeat is how often live streams send a keep-alive.
	Heartbeat time.Duration
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client that sign-in limits count by.
	TrustedProxies edge.Proxies
	// SingleSignOn signs people in through an OpenID provider (nil for
	// none): the sign-in page offers it.
	SingleSignOn *SingleSignOn
	// Mail says that mail is configured: reset links and invitations can
	// be sent.
	Mail bool
	// WebhooksAllowPrivate lets webhooks name loopback and private
	// addresses (--webhook-allow-private).
	WebhooksAllowPrivate bool
	// NoPasswordSignIn turns signing in with a password off; it needs
	// SingleSignOn.
	NoPasswordSignIn bool
	// SCIMPath is where provisioning (SCIM) is served, for the settings
	// page ("" when it is not).
	SCIMPath string
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
	check    func(hash, pw string) bool // people.CheckPassword; tests watch it
}

// New returns the pages over the services.
func New(svc Services, log *slog.Logger, cfg Config) (*Server, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.NoPasswordSignIn && cfg.SingleSignOn == nil {
		return nil, errors.New("web: password sign-in is off and there is no single sign-on: nobody could sign in")
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
	sm.Cookie.Name = SessionCookie
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	if cfg.SecureCookies {
		// The prefix has browsers keep the cookie to this host, over TLS,
		// for every path: no other site or subdomain can set or shadow it.
		sm.Cookie.Name, sm.Cookie.Secure, sm.Cookie.Path, sm.Cookie.Domain = SecureSessionCookie, true, "/", ""
	}
	sm.HashTokenInStore = true
	sm.Codec = sessionCodec{}
	s := &Server{svc: svc, log: log, sessions: sm, pages: t, assets: a, limiter: newLimiter(),
		mux: http.NewServeMux(), cfg: cfg, check: people.CheckPassword}
	s.limiter.log = log
	if sh, ok := svc.(sharedTries); ok && sh.SharedByNodes() {
		s.limiter.shared = sh
	}
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) { s.fail(w, r, err) }
	if s.parts, err = newParts(s); err != nil {
		return nil, err
	}
	s.routes()
	return s, nil
}

// Handler returns the pages with security headers, the body limit,
// cross-origin protection and sessions around them.
func (s *Server) Handler() http.Handler {
	csrf := http.NewCrossOriginProtection()
	return edge.Headers(pagePolicy(s.limitBody(csrf.Handler(s.sessions.LoadAndSave(s.mux)))), s.cfg.SecureCookies)
}

// pagePolicy sets the content security policy every page carries: our
// own files only, nothing inline.
func pagePolicy(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Content-Security-Policy"] = pageCSP
		next.ServeHTTP(w, r)
	})
}

// pageCSP is never changed: answers share it.
var pageCSP = []string{"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"}
