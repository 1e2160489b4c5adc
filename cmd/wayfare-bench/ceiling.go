package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ceilingSize is the size of the ceiling's answer: about a pitch's.
const ceilingSize = 2048

// ceilingBody returns a fixed JSON object of exactly ceilingSize bytes.
func ceilingBody() []byte {
	head := `{"id":"1","group_id":"2","author_id":"3","kind":"proposal","title":"Publish the on-call handbook as a living document",` +
		`"status":"selling","tickets_sold":20,"tickets_wanted":25,"ready_for_decision":false,` +
		`"origin":{"relation":"below","levels":2},"created_at":"2025-01-02T03:04:05Z","better_way":"`
	tail := `"}`
	pad := ceilingSize - len(head) - len(tail)
	const words = "a plainly factual and evidence based better way to work together "
	body := strings.Repeat(words, pad/len(words)+1)[:pad]
	return []byte(head + body + tail)
}

// ceilingHandler answers every request with the fixed body, the way the
// API answers a read: a JSON content type and a length.
func ceilingHandler() http.Handler {
	body := ceilingBody()
	length := strconv.Itoa(len(body))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", length)
		w.WriteHeader(http.StatusOK)
		w.Write(body)
	})
}

// ceiling serves the bare handler until ctx ends: the machine's ceiling
// for a net/http server answering 2 KB of JSON.
func ceiling(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("wayfare-bench ceiling", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "listen `address`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: ceilingHandler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Fprintf(stdout, "ceiling serving at http://%s\n", ln.Addr())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
