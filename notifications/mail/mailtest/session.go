package mailtest

import (
	"io"
	"strconv"
	"strings"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// backend makes a session per connection (and anew after STARTTLS).
type backend struct{ s *Server }

// NewSession implements smtp.Backend.
func (b *backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{s: b.s, conn: c}, nil
}

// session is one SMTP session; go-smtp calls it from one goroutine.
type session struct {
	s    *Server
	conn *smtp.Conn
	user string // signed in as
	from string
	to   []string
}

// AuthMechanisms implements smtp.AuthSession.
func (ss *session) AuthMechanisms() []string {
	if ss.s.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

// Auth implements smtp.AuthSession.
func (ss *session) Auth(mech string) (sasl.Server, error) {
	if ss.s.user == "" || mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, user, password string) error {
		ss.s.mu.Lock()
		ss.s.attempts++
		ss.s.mu.Unlock()
		if user != ss.s.user || password != ss.s.password || (identity != "" && identity != user) {
			return smtp.ErrAuthFailed
		}
		ss.user = user
		return nil
	}), nil
}

// Mail implements smtp.Session.
func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.user != "" && ss.user == "" {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

// Rcpt implements smtp.Session.
func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}

// Data implements smtp.Session.
func (ss *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, isTLS := ss.conn.TLSConnectionState()
	m := Received{
		From: ss.from,
		To:   append([]string(nil), ss.to...),
		Data: data,
		Conn: ss.s.connNumber(ss.conn.Conn().RemoteAddr().String()),
		TLS:  isTLS,
		User: ss.user,
	}
	m.parse()
	if reply := ss.s.refusal(m); reply != "" {
		return smtpError(reply)
	}
	ss.s.accept(m)
	return nil
}

// Reset implements smtp.Session.
func (ss *session) Reset() {
	ss.from, ss.to = "", nil
}

// Logout implements smtp.Session.
func (ss *session) Logout() error { return nil }

// enhancedCode splits "4.3.0 Try again" into {4,3,0} and "Try again".
func enhancedCode(s string) (smtp.EnhancedCode, string, bool) {
	word, rest, _ := strings.Cut(s, " ")
	parts := strings.Split(word, ".")
	if len(parts) != 3 {
		return smtp.EnhancedCode{}, s, false
	}
	var code smtp.EnhancedCode
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil {
			return smtp.EnhancedCode{}, s, false
		}
		code[i] = n
	}
	return code, rest, true
}

func trimSpace(s string) string { return strings.TrimSpace(s) }
