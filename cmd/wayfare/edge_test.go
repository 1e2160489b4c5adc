package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/wayfare-org/wayfare/edge"
)

// get answers a GET with an optional Authorization header.
func get(t *testing.T, url, auth string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}

// initDir makes an organization in a fresh folder: each server of a test
// needs its own, since a folder serves one server at a time.
func initDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := cli(t, nil, "init", "--data", dir, "--admin-email", "a@example.test", "--admin-name", "A"); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestMetricsAreNotOpenToAnyone(t *testing.T) {
	url := e2eServe(t, initDir(t))
	if res := get(t, url+"/metrics", ""); res.StatusCode != 404 {
		t.Errorf("no metrics flag: /metrics answers %d, want 404", res.StatusCode)
	}

	url, _ = e2eServeWith(t, initDir(t), map[string]string{"WAYFARE_METRICS_TOKEN": "m-secret"})
	for auth, want := range map[string]int{"": 401, "Bearer wrong": 401, "Bearer m-secret": 200} {
		if res := get(t, url+"/metrics", auth); res.StatusCode != want {
			t.Errorf("metrics token, Authorization %q: %d, want %d", auth, res.StatusCode, want)
		}
	}

	url, metrics := e2eServeWith(t, initDir(t), nil, "--metrics-addr", "127.0.0.1:0", "--metrics-token", "m-secret")
	if res := get(t, url+"/metrics", "Bearer m-secret"); res.StatusCode != 404 {
		t.Errorf("with a metrics address, the main listener's /metrics answers %d, want 404", res.StatusCode)
	}
	if !strings.HasSuffix(metrics, "/metrics") || get(t, metrics, "Bearer m-secret").StatusCode != 200 {
		t.Errorf("metrics at %q not served on their own listener", metrics)
	}
}

func TestEveryAnswerCarriesSecurityHeaders(t *testing.T) {
	for _, secure := range []bool{false, true} {
		env := map[string]string{"WAYFARE_METRICS_TOKEN": "m"}
		if secure {
			env["WAYFARE_SECURE_COOKIES"] = "1"
		}
		url, _ := e2eServeWith(t, initDir(t), env)
		for _, path := range []string{"/healthz", "/metrics", "/api/openapi.json", "/api/v1/acts", "/login", "/nowhere"} {
			res := get(t, url+path, "Bearer m")
			h := res.Header
			page := path == "/login" || path == "/nowhere"
			csp := h.Get("Content-Security-Policy")
			if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" ||
				(page != (csp != "default-src 'none'; frame-ancestors 'none'")) || !strings.Contains(csp, "frame-ancestors 'none'") {
				t.Errorf("secure %v, %s: headers %v", secure, path, h)
			}
			if got := h.Get("Strict-Transport-Security"); (got == edge.HSTS) != secure || (got == "") == secure {
				t.Errorf("secure %v, %s: Strict-Transport-Security %q", secure, path, got)
			}
		}
	}
}
