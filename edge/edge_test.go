package edge

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestClientAddr(t *testing.T) {
	trusted, err := ParseProxies("10.0.0.0/8, 192.0.2.7 ,::1")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		proxies Proxies
		peer    string
		xff     []string
		want    string
	}{
		{"no proxy trusted: the header is ignored", nil, "10.1.2.3:5000", []string{"203.0.113.9"}, "10.1.2.3"},
		{"an untrusted peer's header is ignored", trusted, "198.51.100.4:5000", []string{"203.0.113.9"}, "198.51.100.4"},
		{"a trusted peer names the client", trusted, "10.1.2.3:5000", []string{"203.0.113.9"}, "203.0.113.9"},
		{"made-up hops to the left are skipped", trusted, "10.1.2.3:5000", []string{"1.1.1.1, 203.0.113.9"}, "203.0.113.9"},
		{"trusted hops are walked past", trusted, "192.0.2.7:443", []string{"1.1.1.1, 203.0.113.9, 10.9.9.9"}, "203.0.113.9"},
		{"several headers read as one list", trusted, "10.1.2.3:5000", []string{"1.1.1.1", "203.0.113.9, 10.0.0.2"}, "203.0.113.9"},
		{"only proxies: the first of them", trusted, "10.1.2.3:5000", []string{"10.0.0.5, 10.0.0.6"}, "10.0.0.5"},
		{"garbage stops at the last proxy", trusted, "10.1.2.3:5000", []string{"203.0.113.9, bogus"}, "10.1.2.3"},
		{"no header: the peer", trusted, "10.1.2.3:5000", nil, "10.1.2.3"},
		{"IPv6 peer", trusted, "[::1]:80", []string{"2001:db8::1"}, "2001:db8::1"},
		{"IPv4-mapped peer", trusted, "[::ffff:10.1.2.3]:80", []string{"203.0.113.9"}, "203.0.113.9"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.peer
		for _, v := range tc.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		if got := tc.proxies.ClientAddr(r); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestParseProxiesRefusesNonsense(t *testing.T) {
	for _, s := range []string{"10.0.0.0/33", "example.org", "10.0.0.1/8/2"} {
		if _, err := ParseProxies(s); err == nil {
			t.Errorf("%q: accepted", s)
		}
	}
	if ps, err := ParseProxies(" "); err != nil || len(ps) != 0 {
		t.Errorf("empty list: %v %v", ps, err)
	}
}

func TestHeaders(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	for _, tls := range []bool{false, true} {
		w := httptest.NewRecorder()
		Headers(ok, tls).ServeHTTP(w, httptest.NewRequest("GET", "/api/v1/acts", nil))
		h := w.Header()
		if h.Get("Content-Security-Policy") != "default-src 'none'; frame-ancestors 'none'" || h.Get("X-Content-Type-Options") != "nosniff" ||
			h.Get("X-Frame-Options") != "DENY" {
			t.Errorf("tls %v: headers %v", tls, h)
		}
		if got := h.Get("Strict-Transport-Security"); (got == HSTS) != tls || (got == "") == tls {
			t.Errorf("tls %v: Strict-Transport-Security %q", tls, got)
		}
	}
}

func TestOrigin(t *testing.T) {
	r := httptest.NewRequest("GET", "http://wayfare.example.test:8080/admin", nil)
	if got := Origin(r, false); got != "http://wayfare.example.test:8080" {
		t.Errorf("plain: %q", got)
	}
	if got := Origin(r, true); got != "https://wayfare.example.test:8080" {
		t.Errorf("behind TLS: %q", got)
	}
}
