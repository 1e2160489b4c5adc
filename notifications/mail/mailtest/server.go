// Package mailtest runs an SMTP server on the loopback interface for
// tests: it keeps every message it accepts, decoded, and can require
// AUTH, speak TLS and refuse messages on demand.
package mailtest

import (
	"crypto/tls"
	"io"
	"log"
	"net"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// ioTimeout bounds every read and write of the server, so that a test
// that forgets a connection does not hang.
const ioTimeout = 10 * time.Second

// tlsMode is how the server speaks TLS.
type tlsMode int

const (
	plain    tlsMode = iota // no TLS at all
	startTLS                // STARTTLS offered
	implicit                // TLS from the first byte (smtps)
)

// Server is a running test SMTP server.
type Server struct {
	srv      *smtp.Server
	addr     string
	user     string
	password string
	tls      tlsMode
	reject   func(Received) string

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced on every new message
	msgs     []Received
	conns    map[string]int // remote address → connection number
	nconns   int
	attempts int      // AUTH attempts
	failures []string // replies for the next messages
}

// ServerOption configures a Server.
type ServerOption func(*Server)

// WithAuth makes the server offer AUTH PLAIN and refuse MAIL until the
// client signed in as user with password; other credentials get
// "535 5.7.8 Authentication failed".
func WithAuth(user, password string) ServerOption {
	return func(s *Server) { s.user, s.password = user, password }
}

// WithSTARTTLS makes the server offer STARTTLS with a self-signed
// certificate; TLSConfig trusts it. With WithAuth, AUTH is offered only
// after STARTTLS.
func WithSTARTTLS() ServerOption {
	return func(s *Server) { s.tls = startTLS }
}

// WithImplicitTLS makes the server speak TLS from the first byte, as
// on port 465 (smtps); TLSConfig trusts its certificate.
func WithImplicitTLS() ServerOption {
	return func(s *Server) { s.tls = implicit }
}

// WithReject calls fn for each message once its data arrived: a
// non-empty reply such as "550 5.1.1 No such user" refuses the message
// with it; "" accepts it.
func WithReject(fn func(Received) string) ServerOption {
	return func(s *Server) { s.reject = fn }
}

// Start runs a server on 127.0.0.1 on a free port until the test ends.
func Start(t testing.TB, opts ...ServerOption) *Server {
	t.Helper()
	s := &Server{changed: make(chan struct{}), conns: map[string]int{}}
	for _, o := range opts {
		o(s)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: listen: %v", err)
	}
	s.addr = ln.Addr().String()
	s.srv = s.newSMTPServer(t)
	var l net.Listener = &countingListener{Listener: ln, s: s}
	if s.tls == implicit {
		l = tls.NewListener(l, serverTLS(t))
	}
	go func() { _ = s.srv.Serve(l) }()
	t.Cleanup(func() { _ = s.srv.Close() })
	return s
}

// newSMTPServer configures go-smtp for s.
func (s *Server) newSMTPServer(t testing.TB) *smtp.Server {
	srv := smtp.NewServer(&backend{s: s})
	srv.Domain = "mailtest.localhost"
	srv.ReadTimeout = ioTimeout
	srv.WriteTimeout = ioTimeout
	srv.MaxMessageBytes = 10 << 20
	srv.MaxRecipients = 50
	srv.ErrorLog = log.New(io.Discard, "", 0)
	srv.AllowInsecureAuth = s.tls == plain
	if s.tls == startTLS {
		srv.TLSConfig = serverTLS(t)
	}
	return srv
}

// Addr returns the server's host:port.
func (s *Server) Addr() string { return s.addr }

// URL returns the URL that reaches the server, such as
// "smtp://127.0.0.1:PORT", with the credentials of WithAuth and the
// scheme smtps with WithImplicitTLS.
func (s *Server) URL() string {
	u := url.URL{Scheme: "smtp", Host: s.addr}
	if s.tls == implicit {
		u.Scheme = "smtps"
	}
	if s.user != "" {
		u.User = url.UserPassword(s.user, s.password)
	}
	return u.String()
}

// TLSConfig returns a client configuration that trusts the server's
// certificate.
func (s *Server) TLSConfig() *tls.Config { return clientTLS() }

// Messages returns a copy of the accepted messages, in arrival order.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.msgs...)
}

// Connections returns how many connections the server accepted.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nconns
}

// AuthAttempts returns how many times a client sent credentials.
func (s *Server) AuthAttempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts
}

// FailNext refuses the next n messages, after their data, with reply
// such as "451 4.3.0 Try again later" (temporary) or "550 5.7.1
// Refused" (permanent). The client gets reply exactly.
func (s *Server) FailNext(n int, reply string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.failures = append(s.failures, reply)
	}
}

// Wait waits until at least n messages arrived and returns them; it
// fails the test when they have not after timeout.
func (s *Server) Wait(t testing.TB, n int, timeout time.Duration) []Received {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		got, changed := len(s.msgs), s.changed
		s.mu.Unlock()
		if got >= n {
			return s.Messages()
		}
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("mailtest: %d of %d messages arrived within %v", got, n, timeout)
			return nil
		}
	}
}

// accept keeps a message and wakes the waiters.
func (s *Server) accept(r Received) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, r)
	close(s.changed)
	s.changed = make(chan struct{})
}

// refusal returns the reply that refuses r, or "".
func (s *Server) refusal(r Received) string {
	s.mu.Lock()
	if len(s.failures) > 0 {
		reply := s.failures[0]
		s.failures = s.failures[1:]
		s.mu.Unlock()
		return reply
	}
	s.mu.Unlock()
	if s.reject != nil {
		return s.reject(r)
	}
	return ""
}

// connNumber returns the number of the connection from remote.
func (s *Server) connNumber(remote string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns[remote]
}

// countingListener numbers the TCP connections it accepts.
type countingListener struct {
	net.Listener
	s *Server
}

// Accept implements net.Listener.
func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.s.mu.Lock()
	l.s.nconns++
	l.s.conns[c.RemoteAddr().String()] = l.s.nconns
	l.s.mu.Unlock()
	return c, nil
}

// smtpError turns a reply such as "451 4.3.0 Try again" into the error
// that makes go-smtp send it as it is.
func smtpError(reply string) *smtp.SMTPError {
	code, rest := 554, reply
	if len(reply) >= 3 {
		if n, err := strconv.Atoi(reply[:3]); err == nil {
			code, rest = n, trimSpace(reply[3:])
		}
	}
	e := &smtp.SMTPError{Code: code, EnhancedCode: smtp.NoEnhancedCode, Message: rest}
	if enh, msg, ok := enhancedCode(rest); ok {
		e.EnhancedCode, e.Message = enh, msg
	}
	return e
}
