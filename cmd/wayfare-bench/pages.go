package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/people"
	"github.com/wayfare-org/wayfare/store"
)

// benchPassword is every seeded person's password, for signing in to the
// pages. A bench data directory is not a place for real data.
const benchPassword = "bench-password-not-secret"

// sessionCookie is the name of the pages' session cookie.
const sessionCookie = "wayfare_session"

// personEmail is the e-mail address of the seeded person i.
func personEmail(i int) string { return fmt.Sprintf("p%05d@bench.test", i) }

// seedPasswords gives every seeded person the bench password: one hash
// (argon2id is slow on purpose), set with the store package as the
// command line's System actor. No server may be running.
func seedPasswords(ctx context.Context, db *store.DB, st *State) error {
	hash, err := people.HashPassword(benchPassword)
	if err != nil {
		return err
	}
	system := wayfare.WithActor(ctx, wayfare.Actor{System: true})
	err = parallel(ctx, len(st.People), 256, func(_ context.Context, i int) error {
		return db.SetPassword(system, st.People[i], hash)
	})
	if err == nil {
		st.Passwords = true
	}
	return err
}

// signInPool picks n seeded people, the same ones in every run: a sample
// spread over the data set by a fixed seed.
func signInPool(people, n int) []int {
	rng := rand.New(rand.NewPCG(20261128, 1))
	return rng.Perm(people)[:min(n, people)]
}

// signIn signs person i in through POST /login, as a browser's form
// would, and returns the session cookie ("wayfare_session=…").
func signIn(ctx context.Context, client *http.Client, base string, i int) (string, error) {
	form := url.Values{"email": {personEmail(i)}, "password": {benchPassword}, "next": {"/"}}
	req, err := http.NewRequestWithContext(ctx, "POST", base+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusSeeOther {
		return "", fmt.Errorf("signing in %s: %s (want a redirect): %.200s", personEmail(i), resp.Status, body)
	}
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie && c.Value != "" {
			return c.Name + "=" + c.Value, nil
		}
	}
	return "", fmt.Errorf("signing in %s: no %s cookie in the answer", personEmail(i), sessionCookie)
}

// signInAll signs the pool in over conns connections (each sign-in
// checks an argon2id hash of 64 MiB on the server: a few at a time).
func signInAll(ctx context.Context, base string, pool []int, conns int) ([]string, error) {
	client := newClient(conns)
	defer client.CloseIdleConnections()
	cookies := make([]string, len(pool))
	err := parallel(ctx, len(pool), conns, func(ctx context.Context, k int) error {
		var err error
		cookies[k], err = signIn(ctx, client, base, pool[k])
		return err
	})
	return cookies, err
}

// pageCheck returns the check of a page: an HTML page, whole, for a
// signed-in person (the layout's sign-out form), that contains want.
func pageCheck(want string) bodyCheck {
	w := []byte(want)
	return func(resp *http.Response, body []byte) error {
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			return fmt.Errorf("Content-Type %q, not HTML", ct)
		}
		if !bytes.HasPrefix(body, []byte("<!doctype html>")) || !bytes.HasSuffix(bytes.TrimSpace(body), []byte("</html>")) {
			return fmt.Errorf("not a whole HTML page (%d bytes)", len(body))
		}
		if !bytes.Contains(body, []byte(`action="/logout"`)) {
			return errors.New("the page is not for a signed-in person (no sign-out form)")
		}
		if !bytes.Contains(body, w) {
			return fmt.Errorf("the page lacks %q", want)
		}
		return nil
	}
}

// PageLoad is what a browser with an empty cache transfers to show a
// page: the page and every stylesheet, script and image it names.
type PageLoad struct {
	Page      string      `json:"page"`
	Path      string      `json:"path"`
	Transfers []*Transfer `json:"transfers"`
	// Bytes are all the bytes received: status lines, headers and
	// bodies as sent (compressed where the server compressed).
	Bytes int64 `json:"bytes"`
	// Sent are the bytes of the requests, cookie included.
	Sent int64 `json:"sent"`
}

// Transfer is one answer of a page load.
type Transfer struct {
	Path        string `json:"path"`
	Kind        string `json:"kind"` // page, stylesheet, script, image
	Status      int    `json:"status"`
	ContentType string `json:"content_type"`
	Encoding    string `json:"content_encoding,omitempty"`
	Body        int64  `json:"body"`  // as sent
	Plain       int64  `json:"plain"` // decompressed
	Bytes       int64  `json:"bytes"` // received in all, headers included
}

// firstLoadLimit is the web issue's bound on a first load: 100 KB.
const firstLoadLimit = 100_000

// countingConn counts the bytes that cross a connection.
type countingConn struct {
	net.Conn
	read, written *atomic.Int64
}

func (c countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.read.Add(int64(n))
	return n, err
}

func (c countingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.written.Add(int64(n))
	return n, err
}

var (
	stylesheetRef = regexp.MustCompile(`<link\b[^>]*\brel="?stylesheet"?[^>]*>`)
	hrefAttr      = regexp.MustCompile(`\bhref="([^"]+)"`)
	srcRef        = regexp.MustCompile(`<(script|img)\b[^>]*\bsrc="([^"]+)"`)
	iconRef       = regexp.MustCompile(`<link\b[^>]*\brel="?(?:icon|shortcut icon|manifest)"?[^>]*>`)
)

// assetRefs returns the same-site files a page names, in order, once
// each, with their kind: stylesheets, icons, scripts and images.
func assetRefs(page []byte) (paths, kinds []string) {
	seen := map[string]bool{}
	add := func(p, kind string) {
		p = strings.ReplaceAll(p, "&amp;", "&")
		if strings.HasPrefix(p, "data:") || seen[p] {
			return
		}
		seen[p] = true
		paths, kinds = append(paths, p), append(kinds, kind)
	}
	for _, tag := range stylesheetRef.FindAll(page, -1) {
		if m := hrefAttr.FindSubmatch(tag); m != nil {
			add(string(m[1]), "stylesheet")
		}
	}
	for _, tag := range iconRef.FindAll(page, -1) {
		if m := hrefAttr.FindSubmatch(tag); m != nil {
			add(string(m[1]), "icon")
		}
	}
	for _, m := range srcRef.FindAllSubmatch(page, -1) {
		kind := "script"
		if string(m[1]) == "img" {
			kind = "image"
		}
		add(string(m[2]), kind)
	}
	return paths, kinds
}

// firstLoad fetches the page at path as a browser with an empty cache
// would, signed in with cookie and accepting gzip, then every file it
// names, over one new connection, and counts the bytes that cross it.
func firstLoad(ctx context.Context, base, name, path, cookie string) (*PageLoad, error) {
	var read, written atomic.Int64
	d := &net.Dialer{Timeout: 5 * time.Second}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := d.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return countingConn{Conn: c, read: &read, written: &written}, nil
		},
		MaxConnsPerHost:    1,
		DisableCompression: true, // the Accept-Encoding is ours, and the bodies stay as sent
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	baseURL, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	load := &PageLoad{Page: name, Path: path}
	fetch := func(p, kind string) ([]byte, error) {
		u, err := baseURL.Parse(p)
		if err != nil {
			return nil, err
		}
		if u.Host != baseURL.Host {
			return nil, fmt.Errorf("%s names %s on another site", path, p)
		}
		req, err := http.NewRequestWithContext(ctx, "GET", u.String(), nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept-Encoding", "gzip")
		req.Header.Set("Cookie", cookie)
		before := read.Load()
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		raw, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		t := &Transfer{Path: u.RequestURI(), Kind: kind, Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"),
			Encoding: resp.Header.Get("Content-Encoding"), Body: int64(len(raw)), Plain: int64(len(raw)), Bytes: read.Load() - before}
		plain := raw
		if t.Encoding == "gzip" {
			if plain, err = gunzip(raw); err != nil {
				return nil, fmt.Errorf("%s: %w", p, err)
			}
			t.Plain = int64(len(plain))
		}
		load.Transfers = append(load.Transfers, t)
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("%s: %s", p, resp.Status)
		}
		return plain, nil
	}
	page, err := fetch(path, "page")
	if err != nil {
		return nil, err
	}
	paths, kinds := assetRefs(page)
	for i, p := range paths {
		if _, err := fetch(p, kinds[i]); err != nil {
			return nil, err
		}
	}
	load.Bytes, load.Sent = read.Load(), written.Load()
	return load, nil
}

// firstLoads measures the first load of a pitch page and of the home
// page, each with a cache of its own.
func firstLoads(ctx context.Context, f *fixture) ([]*PageLoad, error) {
	var loads []*PageLoad
	for _, p := range []struct{ name, path string }{
		{"pitch page", "/pitches/" + f.st.Pitches[0].String()},
		{"home page", "/"},
	} {
		l, err := firstLoad(ctx, f.base, p.name, p.path, f.cookies[0])
		if err != nil {
			return nil, fmt.Errorf("first load of the %s: %w", p.name, err)
		}
		loads = append(loads, l)
	}
	return loads, nil
}

func gunzip(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}
