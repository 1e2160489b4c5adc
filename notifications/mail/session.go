package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// quitTimeout bounds the QUIT that closes a connection.
const quitTimeout = 5 * time.Second

// session is one open connection to the server.
type session struct {
	client  *smtp.Client
	raw     net.Conn // the connection under client, for deadlines
	stop    func() bool
	timeout time.Duration
	broken  error // set once the connection cannot carry another message
}

// client returns a go-mail client for cfg that dials with dial (none
// when nil) and gives up after timeout.
func (s *Sender) client(dial gomail.DialContextFunc, timeout time.Duration) (*gomail.Client, error) {
	// smtps: the dialer made the TLS connection already and go-mail
	// sees it; smtp: STARTTLS when offered, and required when a
	// password is to be sent.
	policy := gomail.TLSOpportunistic
	if s.cfg.HasCredentials() && s.cfg.Scheme == SchemeSMTP {
		policy = gomail.TLSMandatory
	}
	opts := []gomail.Option{
		gomail.WithPort(s.cfg.Port),
		gomail.WithTLSConfig(s.tlsConfig()),
		gomail.WithTLSPolicy(policy),
	}
	if timeout > 0 {
		opts = append(opts, gomail.WithTimeout(timeout))
	}
	if s.cfg.HasCredentials() {
		opts = append(opts,
			gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.cfg.Username),
			gomail.WithPassword(s.cfg.Password))
	}
	if s.opts.helo != "" {
		opts = append(opts, gomail.WithHELO(s.opts.helo))
	}
	if dial != nil {
		opts = append(opts, gomail.WithDialContextFunc(dial))
	}
	return gomail.NewClient(s.cfg.Host, opts...)
}

// tlsConfig is the TLS client configuration, checking the server's name.
func (s *Sender) tlsConfig() *tls.Config {
	c := &tls.Config{MinVersion: tls.VersionTLS12}
	if s.opts.tlsConfig != nil {
		c = s.opts.tlsConfig.Clone()
	}
	if c.ServerName == "" {
		c.ServerName = s.cfg.Host
	}
	return c
}

// dial connects, says EHLO, starts TLS and signs in.
func (s *Sender) dial(ctx context.Context) (*session, error) {
	timeout := s.opts.dialTimeout
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < timeout {
		timeout = time.Until(dl)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if timeout <= 0 {
		return nil, context.DeadlineExceeded
	}
	var raw net.Conn
	dial := func(ctx context.Context, _, _ string) (net.Conn, error) {
		c, err := s.dialRaw(ctx)
		raw = c
		return c, err
	}
	gc, err := s.client(dial, timeout)
	if err != nil {
		return nil, err
	}
	client, err := gc.DialToSMTPClientWithContext(ctx)
	if err != nil {
		if raw != nil {
			_ = raw.Close() // go-mail leaves it open when EHLO or TLS fail
		}
		return nil, s.dialError(err)
	}
	stop := context.AfterFunc(ctx, func() { _ = raw.SetDeadline(time.Unix(1, 0)) })
	return &session{client: client, raw: raw, stop: stop, timeout: s.opts.sendTimeout}, nil
}

// dialRaw opens the TCP connection, with TLS at once for smtps.
func (s *Sender) dialRaw(ctx context.Context) (net.Conn, error) {
	d := &net.Dialer{}
	if s.cfg.Scheme == SchemeSMTPS {
		td := &tls.Dialer{NetDialer: d, Config: s.tlsConfig()}
		return td.DialContext(ctx, "tcp", s.cfg.addr())
	}
	return d.DialContext(ctx, "tcp", s.cfg.addr())
}

// dialError says what failed while connecting.
func (s *Sender) dialError(err error) error {
	if s.cfg.HasCredentials() && strings.Contains(err.Error(), "does not support STARTTLS") {
		return fmt.Errorf("mail: %s offers no STARTTLS, and the password is sent only over TLS (use a server with STARTTLS, or smtps://): %w", s.cfg.addr(), err)
	}
	return fmt.Errorf("mail: connect to %s: %w", s.cfg.addr(), err)
}

// send sends one message and tells the server's answer.
func (c *session) send(ctx context.Context, msg *gomail.Msg) Result {
	from, err := msg.GetSender(false)
	if err != nil {
		return Result{Err: err}
	}
	rcpts, err := msg.GetRecipients()
	if err != nil {
		return Result{Err: err}
	}
	r := c.transact(ctx, msg, from, rcpts)
	if r.Err != nil {
		r.Err = fmt.Errorf("mail: send to %s: %w", strings.Join(rcpts, ", "), r.Err)
	}
	return r
}

// transact is the SMTP transaction of one message.
func (c *session) transact(ctx context.Context, msg *gomail.Msg, from string, rcpts []string) Result {
	if err := c.deadline(ctx); err != nil {
		return c.abort(ctx, err)
	}
	if err := c.client.Mail(from); err != nil {
		return c.fail(ctx, err)
	}
	for _, rcpt := range rcpts {
		if err := c.client.Rcpt(rcpt); err != nil {
			return c.fail(ctx, err)
		}
	}
	w, err := c.client.Data()
	if err != nil {
		return c.fail(ctx, err)
	}
	if _, err := msg.WriteTo(w); err != nil {
		return c.abort(ctx, err)
	}
	if err := w.Close(); err != nil {
		return c.fail(ctx, err)
	}
	answer := "250"
	if dc, ok := w.(*smtp.DataCloser); ok && dc.ServerResponse() != "" {
		answer += " " + dc.ServerResponse()
	}
	return Result{Answer: answer}
}

// deadline bounds the next message by the send timeout and ctx.
func (c *session) deadline(ctx context.Context) error {
	d := time.Now().Add(c.timeout)
	if dl, ok := ctx.Deadline(); ok && dl.Before(d) {
		d = dl
	}
	if err := c.raw.SetDeadline(d); err != nil {
		return err
	}
	return ctx.Err() // after SetDeadline, so that a cancel is never undone
}

// fail handles an error of one message: a reply of the server ends its
// transaction (RSET), anything else ends the connection.
func (c *session) fail(ctx context.Context, err error) Result {
	var te *textproto.Error
	if !errors.As(err, &te) || te.Code == 421 {
		return c.abort(ctx, err)
	}
	if rerr := c.client.Reset(); rerr != nil {
		c.broken = rerr
	}
	return classify(err)
}

// abort marks the connection broken by err.
func (c *session) abort(ctx context.Context, err error) Result {
	if ctx.Err() != nil {
		err = fmt.Errorf("%w (%w)", ctx.Err(), err)
	}
	c.broken = err
	return classify(err)
}

// close says QUIT when it still can and closes the connection.
func (c *session) close() {
	if c.stop() && c.broken == nil {
		if c.raw.SetDeadline(time.Now().Add(quitTimeout)) == nil {
			_ = c.client.Quit()
		}
	}
	_ = c.raw.Close()
}

// classify turns an error into a Result: the server's reply when there
// is one, and whether to try again later.
func classify(err error) Result {
	var te *textproto.Error
	if errors.As(err, &te) {
		// Not te.Error(), which quotes the text.
		answer := fmt.Sprintf("%03d %s", te.Code, te.Msg)
		return Result{Answer: answer, Err: err, Temporary: te.Code/100 == 4}
	}
	return Result{Err: err, Temporary: temporary(err)}
}

// temporary tells a network failure (try again) from a configuration
// or TLS failure (fix the settings first).
func temporary(err error) bool {
	var (
		verify   *tls.CertificateVerificationError
		record   tls.RecordHeaderError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
	)
	switch {
	case errors.As(err, &verify), errors.As(err, &record), errors.As(err, &unknown),
		errors.As(err, &hostname), errors.As(err, &invalid):
		return false
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return true
	}
	var ne net.Error
	return errors.As(err, &ne)
}
