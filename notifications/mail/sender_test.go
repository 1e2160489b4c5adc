package mail

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare/notifications/mail/mailtest"
)

const testFrom = "Wayfare <wayfare@example.org>"

// senderFor returns a Sender for the server's URL that trusts its
// certificate; change edits the Config first.
func senderFor(t testing.TB, srv *mailtest.Server, change func(*Config), opts ...Option) *Sender {
	t.Helper()
	cfg, err := ParseURL(srv.URL())
	if err != nil {
		t.Fatalf("ParseURL(%q): %v", srv.URL(), err)
	}
	if change != nil {
		change(&cfg)
	}
	opts = append([]Option{WithTLSConfig(srv.TLSConfig()), WithHELO("wayfare.test"), WithDialTimeout(5 * time.Second)}, opts...)
	s, err := NewSender(cfg, testFrom, opts...)
	if err != nil {
		t.Fatalf("NewSender: %v", err)
	}
	return s
}

// testMessages returns n messages to rider0@example.org, rider1@…
func testMessages(n int) []*Message {
	msgs := make([]*Message, n)
	for i := range msgs {
		msgs[i] = &Message{
			To:        Address{Name: fmt.Sprintf("Rider %d", i), Email: fmt.Sprintf("rider%d@example.org", i)},
			Subject:   fmt.Sprintf("Update %d", i),
			Text:      fmt.Sprintf("Update number %d.", i),
			HTML:      fmt.Sprintf("<p>Update number %d.</p>", i),
			MessageID: MessageID("notice", int64(i), "wayfare.example.org"),
		}
	}
	return msgs
}

// sendOne sends one message and checks that it got one result.
func sendOne(t *testing.T, s *Sender, m *Message) Result {
	t.Helper()
	results := s.Send(context.Background(), []*Message{m})
	if len(results) != 1 {
		t.Fatalf("%d results for 1 message", len(results))
	}
	return results[0]
}

// wantOK fails unless r is a success with a 250 answer.
func wantOK(t *testing.T, r Result) {
	t.Helper()
	if r.Err != nil || !r.OK() {
		t.Fatalf("send failed: %+v", r)
	}
	if !strings.HasPrefix(r.Answer, "250 ") {
		t.Fatalf("answer %q does not start with 250", r.Answer)
	}
}

func TestSendPlainRelay(t *testing.T) {
	srv := mailtest.Start(t)
	r := sendOne(t, senderFor(t, srv, nil), testMessages(1)[0])
	wantOK(t, r)
	if r.Answer != "250 2.0.0 OK: queued" {
		t.Errorf("answer %q, want the server's exact reply", r.Answer)
	}
	got := srv.Wait(t, 1, 5*time.Second)[0]
	if got.From != "wayfare@example.org" || len(got.To) != 1 || got.To[0] != "rider0@example.org" {
		t.Errorf("envelope %q → %q", got.From, got.To)
	}
	if got.TLS || got.User != "" {
		t.Errorf("TLS %v, user %q on a plain relay", got.TLS, got.User)
	}
}

func TestSendStartsTLSWhenOffered(t *testing.T) {
	srv := mailtest.Start(t, mailtest.WithSTARTTLS())
	wantOK(t, sendOne(t, senderFor(t, srv, nil), testMessages(1)[0]))
	if got := srv.Wait(t, 1, 5*time.Second)[0]; !got.TLS {
		t.Error("the message went in clear although the server offers STARTTLS")
	}
}

func TestSendSTARTTLSWithCredentials(t *testing.T) {
	srv := mailtest.Start(t, mailtest.WithSTARTTLS(), mailtest.WithAuth("bot", "s3cret:@/"))
	wantOK(t, sendOne(t, senderFor(t, srv, nil), testMessages(1)[0]))
	got := srv.Wait(t, 1, 5*time.Second)[0]
	if !got.TLS || got.User != "bot" {
		t.Errorf("TLS %v, user %q; want TLS and bot", got.TLS, got.User)
	}
}

func TestSendWrongPassword(t *testing.T) {
	srv := mailtest.Start(t, mailtest.WithSTARTTLS(), mailtest.WithAuth("bot", "s3cret"))
	s := senderFor(t, srv, func(c *Config) { c.Password = "wrong" })
	results := s.Send(context.Background(), testMessages(3))
	for i, r := range results {
		if r.Err == nil || r.Answer != "535 5.7.8 Authentication failed" || r.Temporary {
			t.Errorf("result %d = %+v, want the 535 answer, an error, permanent", i, r)
		}
	}
	if srv.AuthAttempts() != 1 {
		t.Errorf("%d AUTH attempts, want 1", srv.AuthAttempts())
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages arrived", n)
	}
}

func TestCredentialsNeedTLS(t *testing.T) {
	srv := mailtest.Start(t, mailtest.WithAuth("bot", "s3cret")) // AUTH offered in clear
	r := sendOne(t, senderFor(t, srv, nil), testMessages(1)[0])
	if r.Err == nil || r.Answer != "" || r.Temporary {
		t.Fatalf("result %+v, want a permanent error with no answer", r)
	}
	if !strings.Contains(r.Err.Error(), "STARTTLS") {
		t.Errorf("error %q does not say why", r.Err)
	}
	if n := srv.AuthAttempts(); n != 0 {
		t.Errorf("the password was sent in clear (%d AUTH attempts)", n)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages arrived", n)
	}
}

func TestSendImplicitTLS(t *testing.T) {
	srv := mailtest.Start(t, mailtest.WithImplicitTLS(), mailtest.WithAuth("bot", "s3cret"))
	if !strings.HasPrefix(srv.URL(), "smtps://") {
		t.Fatalf("URL %q", srv.URL())
	}
	wantOK(t, sendOne(t, senderFor(t, srv, nil), testMessages(1)[0]))
	got := srv.Wait(t, 1, 5*time.Second)[0]
	if !got.TLS || got.User != "bot" {
		t.Errorf("TLS %v, user %q; want TLS and bot", got.TLS, got.User)
	}
}

func TestSendUntrustedCertificate(t *testing.T) {
	for name, opt := range map[string]mailtest.ServerOption{
		"starttls": mailtest.WithSTARTTLS(),
		"smtps":    mailtest.WithImplicitTLS(),
	} {
		t.Run(name, func(t *testing.T) {
			srv := mailtest.Start(t, opt, mailtest.WithAuth("bot", "s3cret"))
			s := senderFor(t, srv, nil, WithTLSConfig(nil)) // the system's roots
			r := sendOne(t, s, testMessages(1)[0])
			if r.Err == nil || r.Temporary {
				t.Fatalf("result %+v, want a permanent TLS error", r)
			}
			if srv.AuthAttempts() != 0 || len(srv.Messages()) != 0 {
				t.Error("the client went on after a bad certificate")
			}
		})
	}
}

func TestSendBatchOverOneConnection(t *testing.T) {
	srv := mailtest.Start(t)
	const n = 200
	results := senderFor(t, srv, nil).Send(context.Background(), testMessages(n))
	for i, r := range results {
		if r.Err != nil || !strings.HasPrefix(r.Answer, "250") {
			t.Fatalf("result %d = %+v", i, r)
		}
	}
	got := srv.Wait(t, n, 10*time.Second)
	if c := srv.Connections(); c != 1 {
		t.Errorf("%d connections, want 1", c)
	}
	for i, m := range got {
		if m.Conn != 1 || m.Subject() != fmt.Sprintf("Update %d", i) {
			t.Fatalf("message %d: connection %d, subject %q", i, m.Conn, m.Subject())
		}
	}
}

func TestSendOneRefused(t *testing.T) {
	tests := []struct {
		reply     string
		temporary bool
	}{
		{"451 4.3.0 Try again later", true},
		{"550 5.7.1 Refused by policy", false},
	}
	for _, tt := range tests {
		t.Run(tt.reply, func(t *testing.T) {
			srv := mailtest.Start(t, mailtest.WithReject(func(m mailtest.Received) string {
				if m.To[0] == "rider2@example.org" {
					return tt.reply
				}
				return ""
			}))
			results := senderFor(t, srv, nil).Send(context.Background(), testMessages(5))
			for i, r := range results {
				if i == 2 {
					if r.Err == nil || r.Answer != tt.reply || r.Temporary != tt.temporary {
						t.Errorf("refused result = %+v, want answer %q, temporary %v", r, tt.reply, tt.temporary)
					}
					continue
				}
				wantOK(t, r)
			}
			if got := srv.Wait(t, 4, 5*time.Second); len(got) != 4 || srv.Connections() != 1 {
				t.Errorf("%d messages over %d connections, want 4 over 1", len(got), srv.Connections())
			}
		})
	}
}

func TestSendFailNext(t *testing.T) {
	srv := mailtest.Start(t)
	srv.FailNext(2, "452 4.2.2 Mailbox full")
	results := senderFor(t, srv, nil).Send(context.Background(), testMessages(3))
	for i, r := range results[:2] {
		if !r.Temporary || r.Answer != "452 4.2.2 Mailbox full" {
			t.Errorf("result %d = %+v", i, r)
		}
	}
	wantOK(t, results[2])
}

func TestSendServerDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().(*net.TCPAddr)
	ln.Close() // nobody listens there now
	s, err := NewSender(Config{Scheme: "smtp", Host: "127.0.0.1", Port: addr.Port}, testFrom)
	if err != nil {
		t.Fatal(err)
	}
	results := s.Send(context.Background(), testMessages(3))
	for i, r := range results {
		if r.Err == nil || !r.Temporary || r.Answer != "" {
			t.Errorf("result %d = %+v, want a temporary error", i, r)
		}
	}
}

func TestSendBadMessageDoesNotStopTheBatch(t *testing.T) {
	srv := mailtest.Start(t)
	msgs := testMessages(3)
	msgs[1].To.Email = "not an address"
	results := senderFor(t, srv, nil).Send(context.Background(), msgs)
	if r := results[1]; r.Err == nil || r.Temporary || r.Answer != "" {
		t.Errorf("bad message result = %+v", r)
	}
	wantOK(t, results[0])
	wantOK(t, results[2])
	srv.Wait(t, 2, 5*time.Second)
}

func TestSendCanceled(t *testing.T) {
	srv := mailtest.Start(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for i, r := range senderFor(t, srv, nil).Send(ctx, testMessages(2)) {
		if !errors.Is(r.Err, context.Canceled) || !r.Temporary {
			t.Errorf("result %d = %+v, want canceled and temporary", i, r)
		}
	}
	if srv.Connections() != 0 {
		t.Error("a canceled send connected")
	}
}

func TestSenderTest(t *testing.T) {
	srv := mailtest.Start(t, mailtest.WithSTARTTLS(), mailtest.WithAuth("bot", "s3cret"))
	answer, err := senderFor(t, srv, nil).Test(context.Background(), "Admin <admin@example.org>")
	if err != nil || !strings.HasPrefix(answer, "250") {
		t.Fatalf("Test = %q, %v", answer, err)
	}
	got := srv.Wait(t, 1, 5*time.Second)[0]
	if got.Subject() != "Wayfare test message" || got.To[0] != "admin@example.org" {
		t.Errorf("subject %q to %q", got.Subject(), got.To)
	}
	if !strings.Contains(got.Text, "test message from Wayfare") || !strings.Contains(got.HTML, "test message from Wayfare") {
		t.Errorf("parts: text %q html %q", got.Text, got.HTML)
	}

	bad := senderFor(t, srv, func(c *Config) { c.Password = "nope" })
	answer, err = bad.Test(context.Background(), "admin@example.org")
	if err == nil || !strings.HasPrefix(answer, "535") {
		t.Errorf("Test with a wrong password = %q, %v", answer, err)
	}
}

func TestSend421EndsTheBatch(t *testing.T) {
	srv := mailtest.Start(t)
	srv.FailNext(1, "421 4.3.2 Shutting down")
	for i, r := range senderFor(t, srv, nil).Send(context.Background(), testMessages(3)) {
		if r.Err == nil || !r.Temporary || r.Answer != "421 4.3.2 Shutting down" {
			t.Errorf("result %d = %+v, want the temporary 421", i, r)
		}
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages sent after a 421", n)
	}
}
