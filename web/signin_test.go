package web_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare/edge"
	"github.com/wayfare-org/wayfare/people"
	"github.com/wayfare-org/wayfare/store/pgtest"
	"github.com/wayfare-org/wayfare/web"
)

// signInForm posts the sign-in form, with headers, and returns the answer
// and its page.
func (b *browser) signInForm(email, pw string, header ...string) (*http.Response, string) {
	b.t.Helper()
	req, _ := http.NewRequest("POST", b.s.srv.URL+"/login", strings.NewReader(url.Values{"email": {email}, "password": {pw}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

func TestMultipartFormsAreRefusedUnread(t *testing.T) {
	s := newSite(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	body, w := io.Pipe()
	const boundary = "wayfare-test-boundary"
	go func() {
		fmt.Fprintf(w, "--%s\r\nContent-Disposition: form-data; name=\"email\"; filename=\"big.bin\"\r\n"+
			"Content-Type: application/octet-stream\r\n\r\n", boundary)
		chunk := make([]byte, 1<<20)
		for range 40 { // past the 32 MiB a parsed form keeps in memory
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		fmt.Fprintf(w, "\r\n--%s--\r\n", boundary)
		w.Close()
	}()
	req, _ := http.NewRequest("POST", s.srv.URL+"/login", body)
	req.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
	res, err := http.DefaultClient.Do(req)
	body.Close()
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusUnsupportedMediaType || !strings.Contains(string(page), "we do not accept") {
		t.Fatalf("multipart sign-in: %d, want 415 with a page that says why", res.StatusCode)
	}
	if files, _ := os.ReadDir(tmp); len(files) != 0 {
		t.Fatalf("%d files left in the temporary folder, first %s", len(files), files[0].Name())
	}
}

func TestOversizedFormsAre413(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	res, page := b.signInForm("member@example.test", strings.Repeat("x", 70<<10))
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(page, "at most 64 KiB") {
		t.Fatalf("a 70 KiB form: %d, want 413 with a page that says the limit", res.StatusCode)
	}
	if res, _ := b.signInForm("member@example.test", strings.Repeat("x", 60<<10)); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a 60 KiB form: %d, want it read (401)", res.StatusCode)
	}
}

// TestParallelWrongPasswordsAreCountedFirst: tries sent at once are
// counted before any password is checked, so only the first few are.
func TestParallelWrongPasswordsAreCountedFirst(t *testing.T) {
	s := newSite(t)
	web.FreezeLimits(s.pages)
	var checks atomic.Int64
	web.SetCheck(s.pages, func(hash, pw string) bool { checks.Add(1); return people.CheckPassword(hash, pw) })
	statuses := make(chan int, 40)
	var wg sync.WaitGroup
	for range 40 {
		wg.Go(func() {
			res, _ := s.browser().signInForm("member@example.test", "wrong password")
			statuses <- res.StatusCode
		})
	}
	wg.Wait()
	close(statuses)
	refused := 0
	for st := range statuses {
		if st == http.StatusTooManyRequests {
			refused++
		}
	}
	if n := checks.Load(); n > 5 || refused != 40-int(n) {
		t.Fatalf("40 wrong passwords at once: %d checked, %d refused; want at most 5 checked, the rest refused", n, refused)
	}
}

func TestFewPasswordChecksRunAtOnce(t *testing.T) {
	s := newSite(t)
	var now, most atomic.Int64
	web.SetCheck(s.pages, func(hash, pw string) bool {
		n := now.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		time.Sleep(20 * time.Millisecond)
		now.Add(-1)
		return false
	})
	var wg sync.WaitGroup
	for _, who := range []string{"manager", "member", "outsider", "admin", "author"} {
		for range 4 {
			wg.Go(func() { s.browser().signInForm(who+"@example.test", "wrong password") })
		}
	}
	wg.Wait()
	if m := most.Load(); m > int64(web.HashSlots()) || m < 2 {
		t.Fatalf("%d checks ran at once, want 2 to %d", m, web.HashSlots())
	}
}

// TestUnknownAddressCostsTheSame: an address no one has is checked
// against a hash as costly as a real one, and gets the same answer.
func TestUnknownAddressCostsTheSame(t *testing.T) {
	s := newSite(t)
	var hashes []string
	web.SetCheck(s.pages, func(hash, pw string) bool { hashes = append(hashes, hash); return people.CheckPassword(hash, pw) })
	b := s.browser()
	_, known := b.signInForm("member@example.test", "wrong password")
	res, unknown := b.signInForm("nobody@example.test", password)
	if res.StatusCode != http.StatusUnauthorized || len(hashes) != 2 {
		t.Fatalf("unknown address: %d after %d checks, want 401 after 2", res.StatusCode, len(hashes))
	}
	real, _ := people.HashPassword("anything at all")
	params := func(h string) string { return h[:strings.LastIndex(h[:strings.LastIndex(h, "$")], "$")] }
	if params(hashes[1]) != params(real) {
		t.Fatalf("unknown address checked against %q, not a hash made as %q", hashes[1], params(real))
	}
	// Someone who has no password yet costs the same check too.
	if _, err := s.db.CreatePerson(system(), people.NewPerson{Name: "New", Email: "new@example.test"}); err != nil {
		t.Fatal(err)
	}
	res, none := b.signInForm("new@example.test", password)
	if res.StatusCode != http.StatusUnauthorized || len(hashes) != 3 || params(hashes[2]) != params(real) {
		t.Fatalf("a person with no password: %d after %d checks, want 401 after a full check", res.StatusCode, len(hashes))
	}
	for _, page := range []string{known, unknown, none} {
		if !strings.Contains(page, `role="alert"><p>That e-mail address and password do not match.</p>`) ||
			strings.Contains(page, "aria-invalid") {
			t.Fatalf("the refusal must be one message for the form, not for a field:\n%s", page)
		}
	}
}

// TestSignInLimitsByAccountAndAddress: a guesser from one address is
// slowed down there; the owner signs in from elsewhere. X-Forwarded-For
// names the address only when a trusted proxy sends it.
func TestSignInLimitsByAccountAndAddress(t *testing.T) {
	proxies, _ := edge.ParseProxies("127.0.0.0/8, ::1")
	s := newSiteWith(t, web.Config{TrustedProxies: proxies})
	web.FreezeLimits(s.pages)
	b := s.browser()
	for i := range 5 {
		if res, _ := b.signInForm("member@example.test", "guess", "X-Forwarded-For", "203.0.113.5"); res.StatusCode != 401 {
			t.Fatalf("try %d: %d", i, res.StatusCode)
		}
	}
	res, page := b.signInForm("member@example.test", password, "X-Forwarded-For", "203.0.113.5")
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") != "1" ||
		!strings.Contains(page, "Too many failed sign-ins. Try again in 1 second.") {
		t.Fatalf("the guesser's address after 5 failures: %d, Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
	if res, _ := b.signInForm("member@example.test", password, "X-Forwarded-For", "203.0.113.6"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the owner from another address: %d, want signed in", res.StatusCode)
	}

	untrusting := newSite(t)
	web.FreezeLimits(untrusting.pages)
	b = untrusting.browser()
	for range 5 {
		b.signInForm("member@example.test", "guess", "X-Forwarded-For", "203.0.113.5")
	}
	if res, _ := b.signInForm("member@example.test", password, "X-Forwarded-For", "203.0.113.6"); res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("X-Forwarded-For from an untrusted peer was believed: %d", res.StatusCode)
	}
}

// TestSignInLimitsAcrossNodes: nodes on one PostgreSQL database count a
// guesser's tries together, wherever the load balancer sends each.
func TestSignInLimitsAcrossNodes(t *testing.T) {
	if pgtest.Backend() != "postgres" {
		t.Skip("one process counts tries in memory; this is a test of the PostgreSQL run")
	}
	a := newSite(t)
	b := a.node()
	web.FreezeLimits(a.pages)
	web.FreezeLimits(b.pages)
	browsers := []*browser{a.browser(), b.browser()}
	for i := range 5 {
		if res, _ := browsers[i%2].signInForm("member@example.test", "guess"); res.StatusCode != 401 {
			t.Fatalf("try %d: %d", i, res.StatusCode)
		}
	}
	for _, br := range browsers {
		if res, _ := br.signInForm("member@example.test", password); res.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("after 5 failures spread over two nodes: %d, want 429 on each", res.StatusCode)
		}
	}
}

// TestSignInClearsTheAddressFailures: signing in from an address
// forgets that address's failures on the account.
func TestSignInClearsTheAddressFailures(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	for round := range 2 {
		for i := range 4 {
			if res, _ := b.signInForm("member@example.test", "guess"); res.StatusCode != 401 {
				t.Fatalf("round %d, try %d: %d", round, i, res.StatusCode)
			}
		}
		if res, _ := b.signInForm("member@example.test", password); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("round %d, sign-in: %d", round, res.StatusCode)
		}
	}
}

func TestSecureCookiesAndTransport(t *testing.T) {
	for _, secure := range []bool{false, true} {
		s := newSiteWith(t, web.Config{SecureCookies: secure})
		res, _ := s.browser().signInForm("member@example.test", password)
		var c *http.Cookie
		for _, k := range res.Cookies() {
			if strings.HasSuffix(k.Name, "wayfare_session") {
				c = k
			}
		}
		want := map[bool]string{false: "wayfare_session", true: "__Host-wayfare_session"}[secure]
		if c == nil || c.Name != want || c.Secure != secure || c.Path != "/" || c.Domain != "" {
			t.Fatalf("secure %v: session cookie %+v, want %s", secure, c, want)
		}
		if got := res.Header.Get("Strict-Transport-Security"); (got == edge.HSTS) != secure || (got == "") == secure {
			t.Fatalf("secure %v: Strict-Transport-Security %q", secure, got)
		}
	}
}
