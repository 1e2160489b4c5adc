// Package webhooktest is an endpoint for tests of code that delivers
// webhooks: it verifies signatures, records every request, and answers as
// it is scripted to, including by hanging until the client gives up.
package webhooktest

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare/notifications/webhook"
)

// Hang, as a step of Script, answers nothing: the request blocks until
// the client gives up or the receiver is closed.
const Hang = -1

// maxBody is the most of a request's body a Receiver reads.
const maxBody = 1 << 20

// Reply is one scripted answer.
type Reply struct {
	Status int           // the status to answer; 200 when 0
	Header http.Header   // headers to add to the answer
	Body   string        // the answer's body
	Delay  time.Duration // how long to wait before answering
	Hang   bool          // answer nothing (see Hang)
}

// Request is one request a Receiver received.
type Request struct {
	At       time.Time
	Method   string
	Path     string
	Header   http.Header
	Body     []byte
	ID       string // the webhook-id header
	Verified bool   // the signature matched the Receiver's secret
	Err      error  // why it did not, when the Receiver has a secret
	Status   int    // what it was answered; 0 until answered, or when it hung
}

// Accepted reports whether the request was answered with a 2xx.
func (r Request) Accepted() bool { return r.Status >= 200 && r.Status < 300 }

// Receiver is a webhook endpoint on a local httptest server.
type Receiver struct {
	URL string // the endpoint's URL, http://127.0.0.1:port

	srv     *httptest.Server
	secret  string
	release chan struct{} // closed by Close, to end the hangs
	once    sync.Once

	mu      sync.Mutex
	script  []Reply
	reqs    []Request
	conns   int
	changed chan struct{} // closed and replaced on each change of reqs
}

// New starts a Receiver that is closed when the test ends. With a secret,
// it verifies each request's signature and answers 401 to those that do
// not match, without taking a scripted reply; with "", it verifies
// nothing. Once its script is used up it answers 200.
func New(t testing.TB, secret string) *Receiver {
	t.Helper()
	r := &Receiver{secret: secret, release: make(chan struct{}), changed: make(chan struct{})}
	r.srv = httptest.NewUnstartedServer(http.HandlerFunc(r.serve))
	r.srv.Config.ConnState = r.connState
	r.srv.Start()
	r.URL = r.srv.URL
	t.Cleanup(r.Close)
	return r
}

// Close ends any hanging request, then stops the server. It is called
// when the test ends; calling it again does nothing.
func (r *Receiver) Close() {
	r.once.Do(func() {
		close(r.release)
		r.srv.Close()
	})
}

// Script adds answers to give in turn, one per request: a status, or
// Hang. A 429 or 503 comes with "Retry-After: 1", a 3xx with a Location
// on the same server ("/redirected").
func (r *Receiver) Script(steps ...int) {
	replies := make([]Reply, len(steps))
	for i, s := range steps {
		replies[i] = replyFor(s)
	}
	r.ScriptReplies(replies...)
}

func replyFor(status int) Reply {
	switch {
	case status == Hang:
		return Reply{Hang: true}
	case status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable:
		return Reply{Status: status, Header: http.Header{"Retry-After": {"1"}}}
	case status >= 300 && status < 400:
		return Reply{Status: status, Header: http.Header{"Location": {"/redirected"}}}
	}
	return Reply{Status: status}
}

// ScriptReplies adds answers to give in turn, one per request.
func (r *Receiver) ScriptReplies(replies ...Reply) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.script = append(r.script, replies...)
}

func (r *Receiver) connState(_ net.Conn, s http.ConnState) {
	if s == http.StateNew {
		r.mu.Lock()
		r.conns++
		r.mu.Unlock()
	}
}

func (r *Receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(req.Body, maxBody))
	rec := Request{
		At: time.Now(), Method: req.Method, Path: req.URL.Path,
		Header: req.Header.Clone(), Body: body, ID: req.Header.Get(webhook.HeaderID),
	}
	reply := Reply{Status: http.StatusUnauthorized, Body: "signature refused"}
	r.mu.Lock()
	secret := r.secret
	r.mu.Unlock()
	if secret != "" {
		rec.Err = webhook.Verify(secret, req.Header, body, 0, rec.At)
		rec.Verified = rec.Err == nil
	}
	if secret == "" || rec.Verified {
		reply = r.next()
	}
	// The request is recorded on arrival, its status once it is
	// answered: a request the client gave up on is not counted as
	// answered.
	i := r.record(rec)
	if reply.Hang || (reply.Delay > 0 && !r.wait(req, reply.Delay)) {
		if reply.Hang {
			r.wait(req, 0)
		}
		// Drop the connection without a word, rather than let net/http
		// answer an implicit 200.
		panic(http.ErrAbortHandler)
	}
	r.answered(i, orDefault(reply.Status, http.StatusOK))
	r.answer(w, reply)
}

// next takes the next scripted reply, or a 200 when none is left.
func (r *Receiver) next() Reply {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.script) == 0 {
		return Reply{Status: http.StatusOK}
	}
	reply := r.script[0]
	r.script = r.script[1:]
	return reply
}

// record keeps rec and returns its index.
func (r *Receiver) record(rec Request) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs = append(r.reqs, rec)
	r.notify()
	return len(r.reqs) - 1
}

// answered sets the status request i is answered.
func (r *Receiver) answered(i, status int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs[i].Status = status
	r.notify()
}

// notify wakes the waiters; r.mu is held.
func (r *Receiver) notify() {
	close(r.changed)
	r.changed = make(chan struct{})
}

func (r *Receiver) answer(w http.ResponseWriter, reply Reply) {
	for k, vs := range reply.Header {
		w.Header()[http.CanonicalHeaderKey(k)] = vs
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(reply.Body)))
	w.WriteHeader(orDefault(reply.Status, http.StatusOK))
	_, _ = io.WriteString(w, reply.Body)
}

// wait waits for d (forever when 0) and reports whether it did: false
// when the client gave up or the receiver closed first.
func (r *Receiver) wait(req *http.Request, d time.Duration) bool {
	var timer <-chan time.Time
	if d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timer = t.C
	}
	select {
	case <-timer:
		return true
	case <-req.Context().Done():
	case <-r.release:
	}
	return false
}

func orDefault(v, otherwise int) int {
	if v == 0 {
		return otherwise
	}
	return v
}

// SetSecret sets the secret the Receiver verifies signatures with, for an
// endpoint whose secret comes once it is registered.
func (r *Receiver) SetSecret(secret string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.secret = secret
}

// ClearScript drops the answers not given yet: from now on the Receiver
// answers 200.
func (r *Receiver) ClearScript() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.script = nil
}
