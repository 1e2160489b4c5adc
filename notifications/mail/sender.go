package mail

import (
	"context"
	"crypto/tls"
	netmail "net/mail"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/wayfare-org/wayfare"
)

// Default timeouts.
const (
	// DefaultDialTimeout bounds connecting, TLS, EHLO and AUTH.
	DefaultDialTimeout = 15 * time.Second
	// DefaultSendTimeout bounds the exchange of one message.
	DefaultSendTimeout = time.Minute
)

// Sender sends messages through one SMTP server from one address. It is
// safe for concurrent use; each Send has its own connection.
type Sender struct {
	cfg  Config
	from *netmail.Address
	opts options
}

// options are what an Option sets.
type options struct {
	dialTimeout time.Duration
	sendTimeout time.Duration
	tlsConfig   *tls.Config
	helo        string
}

// Option changes how a Sender connects.
type Option func(*options)

// WithDialTimeout bounds connecting, TLS, EHLO and AUTH (default 15 s).
func WithDialTimeout(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.dialTimeout = d
		}
	}
}

// WithSendTimeout bounds the exchange of one message (default 1 min).
func WithSendTimeout(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.sendTimeout = d
		}
	}
}

// WithTLSConfig sets the TLS client configuration, for example to trust
// a private CA. Its ServerName defaults to the Config's Host.
func WithTLSConfig(c *tls.Config) Option {
	return func(o *options) { o.tlsConfig = c }
}

// WithHELO sets the name the Sender gives in EHLO (default: this
// machine's host name).
func WithHELO(name string) Option {
	return func(o *options) { o.helo = name }
}

// Result is what became of one message.
type Result struct {
	// Answer is the server's exact final reply about the message, such
	// as "250 2.0.0 Ok: queued as 1234" or "535 5.7.8 authentication
	// failed"; empty when the server said nothing (a network error, or
	// a message refused before it was sent).
	Answer string
	// Err is nil when the server accepted the message.
	Err error
	// Temporary tells that sending again later may work: a 4xx answer
	// or a network error. A 5xx answer or a bad message is permanent.
	Temporary bool
}

// OK reports whether the server accepted the message.
func (r Result) OK() bool { return r.Err == nil }

// NewSender returns a Sender for the server cfg names, sending from the
// address from ("wayfare@example.org" or "Wayfare <wayfare@example.org>").
func NewSender(cfg Config, from string, opts ...Option) (*Sender, error) {
	if err := checkConfig(cfg); err != nil {
		return nil, err
	}
	addr, err := checkFrom(from)
	if err != nil {
		return nil, err
	}
	s := &Sender{cfg: cfg, from: addr, opts: options{
		dialTimeout: DefaultDialTimeout,
		sendTimeout: DefaultSendTimeout,
	}}
	for _, o := range opts {
		if o != nil {
			o(&s.opts)
		}
	}
	if _, err := s.client(nil, 0); err != nil {
		return nil, wayfare.FieldError("smtp-url", "cannot be used: %v", err)
	}
	return s, nil
}

// checkConfig validates a Config that did not come from ParseURL.
func checkConfig(cfg Config) error {
	switch {
	case cfg.Scheme != SchemeSMTP && cfg.Scheme != SchemeSMTPS:
		return urlError("must start with smtp:// or smtps://")
	case cfg.Host == "":
		return urlError("names no host")
	case cfg.Port < 1 || cfg.Port > 65535:
		return urlError("has a bad port %d: give a number from 1 to 65535", cfg.Port)
	case cfg.HasCredentials() && (cfg.Username == "" || cfg.Password == ""):
		return urlError("needs both a user name and a password")
	}
	return nil
}

// Config returns the server configuration of s.
func (s *Sender) Config() Config { return s.cfg }

// From returns the sender address of s.
func (s *Sender) From() Address {
	return Address{Name: s.from.Name, Email: s.from.Address}
}

// Send sends msgs over one connection: it dials once, sends each message
// and closes. The results are in the order of msgs. When the connection
// or the sign-in fails, every message gets that failure.
func (s *Sender) Send(ctx context.Context, msgs []*Message) []Result {
	results := make([]Result, len(msgs))
	built := make([]*gomail.Msg, len(msgs))
	pending := 0
	for i, m := range msgs {
		msg, err := build(m, s.from)
		if err != nil {
			results[i] = Result{Err: err}
			continue
		}
		built[i] = msg
		pending++
	}
	if pending == 0 {
		return results
	}
	conn, err := s.dial(ctx)
	if err != nil {
		fill(results, built, 0, classify(err))
		return results
	}
	defer conn.close()
	for i, msg := range built {
		if msg == nil {
			continue
		}
		results[i] = conn.send(ctx, msg)
		if conn.broken != nil {
			fill(results, built, i+1, classify(conn.broken))
			break
		}
	}
	return results
}

// fill gives the result r to every message from index on that was built.
func fill(results []Result, built []*gomail.Msg, from int, r Result) {
	for i := from; i < len(built); i++ {
		if built[i] != nil {
			results[i] = r
		}
	}
}

// Test sends one short test message to the address to and returns the
// server's exact answer, so that an admin can check the settings.
func (s *Sender) Test(ctx context.Context, to string) (answer string, err error) {
	a, err := netmail.ParseAddress(to)
	if err != nil {
		return "", wayfare.FieldError("mail-to", "is not a mail address: %q", to)
	}
	msg := &Message{
		To:      Address{Name: a.Name, Email: a.Address},
		Subject: "Wayfare test message",
		Text: "This is a test message from Wayfare.\n\n" +
			"It was sent to check the mail settings. If you can read it, Wayfare can send you notifications.\n",
		HTML: `<p style="font-family:sans-serif">This is a test message from Wayfare.</p>` +
			`<p style="font-family:sans-serif">It was sent to check the mail settings. ` +
			`If you can read it, Wayfare can send you notifications.</p>`,
	}
	r := s.Send(ctx, []*Message{msg})[0]
	return r.Answer, r.Err
}
