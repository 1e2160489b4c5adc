// Package mail sends Wayfare's notification e-mails over SMTP and renders
// their text and HTML from the templates it embeds.
//
// A Sender is made from a Config (usually parsed from an smtp:// or
// smtps:// URL) and sends a batch of Messages over one connection,
// telling for each message the server's exact answer.
package mail

import (
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/wayfare-org/wayfare"
)

// URL schemes a Config accepts.
const (
	// SchemeSMTP is plain SMTP that upgrades with STARTTLS: when the
	// server offers it, or always when credentials are given.
	SchemeSMTP = "smtp"
	// SchemeSMTPS is SMTP over implicit TLS (RFC 8314).
	SchemeSMTPS = "smtps"
)

// Default ports.
const (
	portSMTP       = 25
	portSubmission = 587
	portSMTPS      = 465
)

// Config says where and how to reach the SMTP server.
type Config struct {
	Scheme   string // SchemeSMTP or SchemeSMTPS
	Host     string // a host name or an IP address, without brackets
	Port     int
	Username string // empty for an unauthenticated relay
	Password string
}

// HasCredentials reports whether the Config signs in to the server.
func (c Config) HasCredentials() bool {
	return c.Username != "" || c.Password != ""
}

// String returns the Config as a URL with the password left out, fit
// for logs and settings pages.
func (c Config) String() string {
	u := url.URL{Scheme: c.Scheme, Host: c.addr()}
	if c.Username != "" {
		u.User = url.User(c.Username)
	}
	return u.String()
}

// addr is the server's host:port.
func (c Config) addr() string {
	return joinHostPort(c.Host, c.Port)
}

func joinHostPort(host string, port int) string {
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return host + ":" + strconv.Itoa(port)
}

// ParseURL reads a Config from smtp://[user:pass@]host[:port] or
// smtps://[user:pass@]host[:port]. User and password are
// percent-decoded. The port defaults to 465 for smtps, and for smtp to
// 587 with credentials and 25 without. Every error is a field error of
// "smtp-url", and none repeats the password.
func ParseURL(s string) (Config, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Config{}, urlError("is empty: give smtp://host or smtps://host")
	}
	u, err := url.Parse(s)
	if err != nil {
		// url's own message repeats the whole URL, password included.
		var ue *url.Error
		if errors.As(err, &ue) && strings.HasPrefix(ue.Err.Error(), "invalid port") {
			return Config{}, urlError("has a bad port: give a number from 1 to 65535")
		}
		return Config{}, urlError("is not a URL: write it as smtp://user:password@host:port, percent-encoding special characters")
	}
	cfg := Config{Scheme: u.Scheme}
	if cfg.Scheme != SchemeSMTP && cfg.Scheme != SchemeSMTPS {
		return Config{}, urlError("must start with smtp:// or smtps://")
	}
	if u.Opaque != "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return Config{}, urlError("must not have a path, query or fragment: give only the server, as %s://host:port", cfg.Scheme)
	}
	if cfg.Host = u.Hostname(); cfg.Host == "" {
		return Config{}, urlError("names no host")
	}
	if err := parseUser(u, &cfg); err != nil {
		return Config{}, err
	}
	port, err := parsePort(u.Port(), cfg)
	if err != nil {
		return Config{}, err
	}
	cfg.Port = port
	return cfg, nil
}

// parseUser fills in the credentials, which come in pairs.
func parseUser(u *url.URL, cfg *Config) error {
	if u.User == nil {
		return nil
	}
	cfg.Username = u.User.Username()
	cfg.Password, _ = u.User.Password()
	switch {
	case cfg.Username == "" && cfg.Password == "":
		return nil
	case cfg.Username == "":
		return urlError("has a password but no user name")
	case cfg.Password == "":
		return urlError("has a user name but no password")
	}
	return nil
}

// parsePort reads the port, or gives the scheme's default.
func parsePort(s string, cfg Config) (int, error) {
	if s == "" {
		switch {
		case cfg.Scheme == SchemeSMTPS:
			return portSMTPS, nil
		case cfg.HasCredentials():
			return portSubmission, nil
		}
		return portSMTP, nil
	}
	port, err := strconv.Atoi(s)
	if err != nil || port < 1 || port > 65535 {
		return 0, urlError("has a bad port %q: give a number from 1 to 65535", s)
	}
	return port, nil
}

func urlError(format string, args ...any) error {
	return wayfare.FieldError("smtp-url", format, args...)
}
