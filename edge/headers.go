package edge

import "net/http"

// HSTS asks browsers to come back over TLS only, for two years.
const HSTS = "max-age=63072000; includeSubDomains"

// Headers sets the security headers on every answer of next: content
// that is never sniffed, framed or given a referrer, and a policy that
// allows nothing (pages set their own, wider one). With tls, browsers are
// also told to come back over TLS only.
func Headers(next http.Handler, tls bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for k, v := range baseHeaders {
			h[k] = v
		}
		if tls {
			h["Strict-Transport-Security"] = hsts
		}
		next.ServeHTTP(w, r)
	})
}

// baseHeaders are set on every answer, in their canonical form (and never
// changed: answers share the values).
var baseHeaders = http.Header{
	"Content-Security-Policy":    {"default-src 'none'; frame-ancestors 'none'"},
	"X-Content-Type-Options":     {"nosniff"},
	"X-Frame-Options":            {"DENY"},
	"Referrer-Policy":            {"same-origin"},
	"Cross-Origin-Opener-Policy": {"same-origin"},
	"Permissions-Policy":         {"camera=(), microphone=(), geolocation=(), payment=()"},
}

var hsts = []string{HSTS}
