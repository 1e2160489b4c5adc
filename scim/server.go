// Package scim serves provisioning under /scim/v2: SCIM 2.0 (RFC 7643 and
// RFC 7644) Users and Groups, so that an identity provider such as Okta
// or Entra ID creates, updates and deactivates people and keeps group
// memberships. Requests carry a provisioning token an admin made; they
// act as that admin. Handlers are thin: decode, call the directory
// service, encode. The rules live in the domain and the store.
package scim

import (
	"context"
	"log/slog"
	"net/http"
	"strings"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/edge"
	"github.com/wayfare-org/wayfare/people"
)

// Prefix is where provisioning is served: the SCIM base URL's path.
const Prefix = "/scim/v2"

// Services is everything provisioning calls.
type Services interface {
	people.DirectoryService
	// AuthenticateSCIM returns the admin a provisioning token acts as.
	AuthenticateSCIM(ctx context.Context, token string) (wayfare.Actor, error)
}

// Config configures provisioning.
type Config struct {
	// TLS says the server is reached over TLS, directly or behind a
	// proxy: the locations in answers are https.
	TLS bool
}

// Server is provisioning's HTTP handler.
type Server struct {
	svc Services
	log *slog.Logger
	cfg Config
	mux *http.ServeMux
}

// New returns provisioning over the services.
func New(svc Services, log *slog.Logger, cfg Config) *Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{svc: svc, log: log, cfg: cfg, mux: http.NewServeMux()}
	s.routes()
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// routes is the whole surface of provisioning.
func (s *Server) routes() {
	s.handle("GET /ServiceProviderConfig", s.serviceProviderConfig)
	s.handle("GET /ResourceTypes", s.resourceTypes)
	s.handle("GET /ResourceTypes/{id}", s.resourceType)
	s.handle("GET /Schemas", s.schemas)
	s.handle("GET /Schemas/{id}", s.schema)

	s.handle("GET /Users", s.listUsers)
	s.handle("POST /Users", s.createUser)
	s.handle("GET /Users/{id}", s.getUser)
	s.handle("PUT /Users/{id}", s.replaceUser)
	s.handle("PATCH /Users/{id}", s.patchUser)
	s.handle("DELETE /Users/{id}", s.deleteUser)

	s.handle("GET /Groups", s.listGroups)
	s.handle("POST /Groups", s.createGroup)
	s.handle("GET /Groups/{id}", s.getGroup)
	s.handle("PUT /Groups/{id}", s.replaceGroup)
	s.handle("PATCH /Groups/{id}", s.patchGroup)
	s.handle("DELETE /Groups/{id}", s.deleteGroup)

	for _, path := range []string{"/Users", "/Users/{id}", "/Groups", "/Groups/{id}"} {
		s.handle(path, func(w http.ResponseWriter, r *http.Request) error {
			return &problem{status: http.StatusMethodNotAllowed, detail: r.Method + " is not supported here"}
		})
	}
	s.handle("/", func(w http.ResponseWriter, r *http.Request) error {
		return &problem{status: http.StatusNotFound, detail: "there is no such endpoint"}
	})
}

// handlerFunc is a handler that returns an error to be answered in
// SCIM's error schema.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle routes a pattern under Prefix to a handler, behind the
// provisioning token.
func (s *Server) handle(pattern string, h handlerFunc) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		method, path = "", pattern
	}
	pattern = strings.TrimSpace(method + " " + Prefix + path)
	s.mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		actor, err := s.authenticate(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		r = r.WithContext(wayfare.WithActor(r.Context(), actor))
		if err := h(w, r); err != nil {
			s.writeError(w, r, err)
		}
	}))
}

// authenticate reads the provisioning token: Authorization: Bearer
// <token>. An API token, or none, opens nothing here.
func (s *Server) authenticate(r *http.Request) (wayfare.Actor, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return wayfare.Actor{}, &problem{status: http.StatusUnauthorized, detail: "an Authorization: Bearer token is required"}
	}
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return wayfare.Actor{}, &problem{status: http.StatusUnauthorized, detail: "the Authorization header must be Bearer <token>"}
	}
	return s.svc.AuthenticateSCIM(r.Context(), strings.TrimSpace(token))
}

// base is the SCIM base URL the client reached.
func (s *Server) base(r *http.Request) string { return edge.Origin(r, s.cfg.TLS) + Prefix }
