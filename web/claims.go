package web

import (
	"net/http"
	"strings"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/management"
)

// The claim tokens of a person's ideas in an anonymous session are kept in
// their browser alone, in one long-lived HttpOnly cookie per session,
// scoped to that session's pages. They are not kept in the signed-in
// session's data: that is stored in the database next to the person, and
// whoever holds the database could hash the tokens there and learn who
// wrote which idea. The store binds each claim to its author, so that
// someone else signed in on the same browser claims nothing with it.

// maxClaims bounds the tokens one cookie keeps (the newest stay), well
// within a cookie's 4 KB.
const maxClaims = 64

// claimCookie names the cookie of a session's claims.
func claimCookie(sessionID wayfare.ID) string { return "wayfare_claims_" + sessionID.String() }

// claims returns the claim tokens the browser holds for a session.
func claims(r *http.Request, sessionID wayfare.ID) []string {
	c, err := r.Cookie(claimCookie(sessionID))
	if err != nil || c.Value == "" {
		return nil
	}
	return strings.Split(c.Value, ".")
}

// withClaims returns the request's context carrying the browser's claims
// on a session, so that the reader's anonymous ideas read as theirs.
func withClaims(r *http.Request, sessionID wayfare.ID) *http.Request {
	return r.WithContext(management.WithClaims(r.Context(), claims(r, sessionID)))
}

// keepClaim adds a claim token to the browser's cookie for the session.
func (s *Server) keepClaim(w http.ResponseWriter, r *http.Request, sessionID wayfare.ID, token string) {
	tokens := append(claims(r, sessionID), token)
	if len(tokens) > maxClaims {
		tokens = tokens[len(tokens)-maxClaims:]
	}
	http.SetCookie(w, &http.Cookie{Name: claimCookie(sessionID), Value: strings.Join(tokens, "."),
		Path: "/sessions/" + sessionID.String(), MaxAge: 400 * 24 * 60 * 60, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookies})
}
