package webhook

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/wayfare-org/wayfare"
)

// DefaultTimeout bounds one attempt, from dialling to reading the excerpt.
const DefaultTimeout = 10 * time.Second

// maxExcerpt is how much of an answer an Outcome keeps; maxDrain is how
// much more is read so that the connection can serve again.
const (
	maxExcerpt = 256
	maxDrain   = 64 << 10
)

// errTimeout is the cause of an attempt's context when its time is up.
var errTimeout = errors.New("webhook: attempt timed out")

// Client delivers requests to endpoints. It keeps connections alive
// between deliveries: make one and share it. It is safe for concurrent
// use.
type Client struct {
	http         *http.Client
	transport    *http.Transport
	allowPrivate bool
	timeout      time.Duration
}

// Option changes a Client made by NewClient.
type Option func(*Client)

// WithTimeout bounds each attempt to d instead of DefaultTimeout.
func WithTimeout(d time.Duration) Option {
	return func(c *Client) {
		if d > 0 {
			c.timeout = d
		}
	}
}

// NewClient returns a Client that never follows redirects, uses no proxy,
// and refuses to connect to link-local, cloud metadata, unspecified,
// multicast and broadcast addresses, nor, unless allowPrivate, to
// loopback, private and shared (CGNAT) ones. The check is made on the
// address each connection actually dials, after name resolution.
func NewClient(allowPrivate bool, opts ...Option) *Client {
	dialer := &net.Dialer{
		Timeout:   5 * time.Second,
		KeepAlive: 30 * time.Second,
		Control:   control(allowPrivate),
	}
	t := &http.Transport{
		Proxy:                  nil, // a proxy would dial for us, unchecked
		DialContext:            dialer.DialContext,
		TLSClientConfig:        &tls.Config{MinVersion: tls.VersionTLS12},
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           64,
		MaxIdleConnsPerHost:    4,
		MaxConnsPerHost:        16,
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    5 * time.Second,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: 64 << 10,
	}
	c := &Client{transport: t, allowPrivate: allowPrivate, timeout: DefaultTimeout}
	for _, o := range opts {
		o(c)
	}
	c.http = &http.Client{
		Transport: t,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse // a 3xx is the answer
		},
	}
	return c
}

// CloseIdleConnections closes the connections kept alive, as on shutdown.
func (c *Client) CloseIdleConnections() { c.transport.CloseIdleConnections() }

// Outcome is what one attempt came to.
type Outcome struct {
	Status     int           // 0 when no answer
	Latency    time.Duration // from sending to having read the excerpt, or to the failure
	Excerpt    string        // first 256 bytes of the response body, valid UTF-8
	Err        string        // human error when no 2xx ("timeout after 10s", "redirect not followed (302)", …)
	OK         bool          // 2xx
	Gone       bool          // 410: the endpoint must be disabled
	RetryAfter time.Duration // from a 429's or 503's Retry-After; 0 if absent
}

// Deliver POSTs body with headers h (see Headers) to rawURL, once, and
// tells what came of it. It never returns an error: a failure is an
// Outcome with OK false and Err telling why.
func (c *Client) Deliver(ctx context.Context, rawURL string, body []byte, h http.Header) Outcome {
	u, err := parseURL(rawURL)
	if err != nil {
		return Outcome{Err: "invalid URL: " + fieldMessage(err)}
	}
	if err := checkLiteral(u, c.allowPrivate); err != nil {
		return Outcome{Err: err.Error()}
	}
	ctx, cancel := context.WithTimeoutCause(ctx, c.timeout, errTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rawURL, bytes.NewReader(body))
	if err != nil {
		return Outcome{Err: "invalid request: " + err.Error()}
	}
	req.Header = requestHeader(h)
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		return Outcome{Latency: time.Since(start), Err: c.describe(ctx, err)}
	}
	defer resp.Body.Close()
	o := answer(resp, time.Now())
	// A failure to read the answer's body changes nothing: its status
	// is what tells.
	o.Excerpt = readExcerpt(resp.Body)
	o.Latency = time.Since(start)
	return o
}

// requestHeader returns a copy of h with Content-Type and User-Agent set
// when h lacks them.
func requestHeader(h http.Header) http.Header {
	out := h.Clone()
	if out == nil {
		out = make(http.Header)
	}
	if out.Get("Content-Type") == "" {
		out.Set("Content-Type", ContentType)
	}
	if out.Get("User-Agent") == "" {
		out.Set("User-Agent", UserAgent)
	}
	return out
}

// answer reads the Outcome of a response, without its body.
func answer(resp *http.Response, now time.Time) Outcome {
	code := resp.StatusCode
	o := Outcome{Status: code, OK: code >= 200 && code < 300, Gone: code == http.StatusGone}
	switch {
	case o.OK:
	case code >= 300 && code < 400:
		o.Err = fmt.Sprintf("redirect not followed (%d)", code)
	default:
		o.Err = strings.TrimSpace(fmt.Sprintf("status %d %s", code, http.StatusText(code)))
	}
	if code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable {
		o.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), now)
	}
	return o
}

// readExcerpt reads the first maxExcerpt bytes of body as valid UTF-8,
// then drains some more so that the connection may be reused.
func readExcerpt(body io.Reader) string {
	b, err := io.ReadAll(io.LimitReader(body, maxExcerpt))
	if err == nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(body, maxDrain))
	}
	return validPrefix(b, maxExcerpt)
}

// validPrefix returns b as valid UTF-8 of at most n bytes: a character
// cut by the limit is dropped, invalid bytes become U+FFFD.
func validPrefix(b []byte, n int) string {
	if len(b) >= n {
		b = dropCutRune(b[:n])
	}
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	for len(s) > n {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}

// dropCutRune drops the end of b when it is the start of a character
// whose other bytes are missing.
func dropCutRune(b []byte) []byte {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return b[:i]
			}
			break
		}
	}
	return b
}

// describe tells in words why an attempt got no answer.
func (c *Client) describe(ctx context.Context, err error) string {
	var blocked *blockedError
	var dns *net.DNSError
	var u *url.Error
	switch {
	case errors.As(err, &blocked):
		return blocked.Error()
	case errors.Is(context.Cause(ctx), errTimeout):
		return "timeout after " + c.timeout.String()
	case ctx.Err() != nil:
		return "canceled"
	case errors.As(err, &dns):
		return "cannot resolve " + dns.Name + ": " + dns.Err
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.As(err, &u):
		return u.Err.Error() // without Go's "Post \"url\": "
	}
	return err.Error()
}

// fieldMessage returns the message of a field error, without its code
// and field.
func fieldMessage(err error) string {
	if e, ok := wayfare.AsError(err); ok {
		return e.Message
	}
	return err.Error()
}
