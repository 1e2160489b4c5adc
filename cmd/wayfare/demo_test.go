package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a buffer that the program writes while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startDemo runs "wayfare demo" in-process and waits until it has printed
// how to get in. stop ends it and returns what run returned.
func startDemo(t *testing.T, dir string) (out string, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var buf syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"demo", "--addr", "127.0.0.1:0", "--data", dir}, func(string) string { return "" },
			nil, &buf, io.Discard)
	}()
	stop = func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(15 * time.Second):
			t.Fatal("demo did not shut down")
			return nil
		}
	}
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(buf.String(), "Stop with Ctrl-C.") {
		select {
		case err := <-done:
			t.Fatalf("demo ended early: %v\n%s", err, buf.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("demo printed no URL in time:\n%s", buf.String())
		}
	}
	return buf.String(), stop
}

func TestDemo(t *testing.T) {
	dir := t.TempDir()
	start := time.Now()
	out, stop := startDemo(t, dir)
	t.Logf("ready in %s:\n%s", time.Since(start), out)
	url := regexp.MustCompile(`serving at (http://\S+)`).FindStringSubmatch(out)
	tokens := regexp.MustCompile(`token (wf_\S+)`).FindAllStringSubmatch(out, -1)
	if url == nil || len(tokens) != 6 {
		t.Fatalf("want a URL and six tokens in:\n%s", out)
	}
	for _, want := range []string{"Generated in", "@demo.test", "admin@demo.test", "front-line engineer", "CEO",
		"curl -H \"Authorization: Bearer " + tokens[0][1], "wayfare token create --data " + dir, `"wayfare-demo"`} {
		if !strings.Contains(out, want) {
			t.Errorf("the output lacks %q", want)
		}
	}
	if res, err := http.Get(url[1] + "/healthz"); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %v %v", res, err)
	}
	for _, tok := range tokens {
		if n := countPitches(t, url[1], tok[1]); n != 5 {
			t.Errorf("%d pitches on the first page, want 5", n)
		}
	}
	if err := stop(); err != nil {
		t.Fatalf("demo returned %v", err)
	}

	// Run again: the organization is kept, and new tokens are made.
	again, stop := startDemo(t, dir)
	if !strings.Contains(again, "Using the organization already in") || strings.Contains(again, "Generated in") {
		t.Errorf("a second run generated again:\n%s", again)
	}
	if err := stop(); err != nil {
		t.Fatalf("second demo returned %v", err)
	}
}

func countPitches(t *testing.T, url, token string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url+"/api/v1/pitches?limit=5", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET pitches: %s", res.Status)
	}
	var page struct {
		Items []json.RawMessage `json:"items"`
	}
	if err := json.NewDecoder(res.Body).Decode(&page); err != nil {
		t.Fatal(err)
	}
	return len(page.Items)
}
