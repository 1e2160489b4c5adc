package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"strconv"

	"github.com/wayfare-org/wayfare/web"
)

// signInOptions are the flags of the verbs that serve about how people
// sign in: single sign-on with an OpenID provider, and passwords.
type signInOptions struct {
	issuer, clientID, clientSecret, name *string
	groupsClaim, adminClaim, baseURL     *string
	createPeople, passwordSignIn         *bool
	problems                             []error // environment values that are not true or false
	sso                                  *web.SingleSignOn
}

// signInFlags binds the sign-in flags, each also read from the
// environment.
func (e *env) signInFlags(fs *flag.FlagSet) *signInOptions {
	o := &signInOptions{}
	str := func(name, env, usage string) *string {
		return fs.String(name, e.getenv(env), usage+" (env "+env+")")
	}
	o.issuer = str("oidc-issuer", "WAYFARE_OIDC_ISSUER", "sign in with the OpenID provider at this issuer `URL`")
	o.clientID = str("oidc-client-id", "WAYFARE_OIDC_CLIENT_ID", "this server's client `id` at the provider")
	o.clientSecret = str("oidc-client-secret", "WAYFARE_OIDC_CLIENT_SECRET", "this server's client `secret` at the provider")
	o.name = str("oidc-name", "WAYFARE_OIDC_NAME", "what the sign-in button names, \"Sign in with `name`\" (default the issuer's host)")
	o.groupsClaim = str("oidc-groups-claim", "WAYFARE_OIDC_GROUPS_CLAIM", "the `claim` that lists the group paths people are members of")
	o.adminClaim = str("oidc-admin-claim", "WAYFARE_OIDC_ADMIN_CLAIM", "the `claim` that makes people admins: claim (true) or claim=value")
	o.baseURL = str("base-url", "WAYFARE_BASE_URL", "the `URL` people reach this server at, such as https://wayfare.example.org")
	o.createPeople = e.boolFlag(fs, o, "oidc-create-people", "WAYFARE_OIDC_CREATE_PEOPLE", false,
		"add someone the organization lacks at their first single sign-on")
	o.passwordSignIn = e.boolFlag(fs, o, "password-sign-in", "WAYFARE_PASSWORD_SIGN_IN", true,
		"let people sign in with their e-mail address and password (=false needs single sign-on)")
	return o
}

// boolFlag binds a boolean flag whose default the environment may set.
func (e *env) boolFlag(fs *flag.FlagSet, o *signInOptions, name, envName string, def bool, usage string) *bool {
	if v := e.getenv(envName); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			o.problems = append(o.problems, fmt.Errorf("%s=%q: must be true or false", envName, v))
		} else {
			def = b
		}
	}
	return fs.Bool(name, def, usage+" (env "+envName+")")
}

// check refuses flags that cannot work together, naming them.
func (o *signInOptions) check() error {
	if len(o.problems) > 0 {
		return errors.Join(o.problems...)
	}
	if *o.issuer == "" {
		if !*o.passwordSignIn {
			return errors.New("--password-sign-in=false needs single sign-on (--oidc-issuer): nobody could sign in")
		}
		for _, f := range []struct{ flag, v string }{{"--oidc-client-id", *o.clientID}, {"--oidc-client-secret", *o.clientSecret},
			{"--oidc-groups-claim", *o.groupsClaim}, {"--oidc-admin-claim", *o.adminClaim}, {"--oidc-name", *o.name}} {
			if f.v != "" {
				return fmt.Errorf("%s needs --oidc-issuer", f.flag)
			}
		}
		if *o.createPeople {
			return errors.New("--oidc-create-people needs --oidc-issuer")
		}
		return nil
	}
	for _, f := range []struct{ flag, v string }{{"--oidc-client-id (env WAYFARE_OIDC_CLIENT_ID)", *o.clientID},
		{"--oidc-client-secret (env WAYFARE_OIDC_CLIENT_SECRET)", *o.clientSecret}, {"--base-url (env WAYFARE_BASE_URL)", *o.baseURL}} {
		if f.v == "" {
			return fmt.Errorf("--oidc-issuer needs %s", f.flag)
		}
	}
	if err := checkIssuer(*o.issuer); err != nil {
		return fmt.Errorf("--oidc-issuer %s: %w", *o.issuer, err)
	}
	if err := checkBaseURL(*o.baseURL); err != nil {
		return fmt.Errorf("--base-url %s: %w", *o.baseURL, err)
	}
	return nil
}

// checkIssuer accepts an https URL, or an http one on the loopback
// interface (a provider on this machine): over plain http elsewhere,
// anyone on the way could hand out keys of their own.
func checkIssuer(issuer string) error {
	u, err := url.Parse(issuer)
	switch {
	case err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "":
		return errors.New("is not an issuer URL such as https://id.example.org/realms/staff")
	case u.Scheme == "https", u.Scheme == "http" && loopback(u.Hostname()):
		return nil
	}
	return errors.New("must be an https URL (http is taken only on this machine's loopback)")
}

// checkBaseURL accepts the root URL of a server: http or https, a host,
// no path, query or fragment.
func checkBaseURL(base string) error {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return errors.New("must be the URL of this server's root, such as https://wayfare.example.org")
	}
	return nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// prepare checks the flags and, when single sign-on is configured, reads
// the provider's discovery document: a provider that cannot be reached
// stops the server at start, not a person at sign-in.
func (o *signInOptions) prepare(ctx context.Context) error {
	if err := o.check(); err != nil || *o.issuer == "" {
		return err
	}
	sso, err := web.NewSingleSignOn(ctx, web.SingleSignOnConfig{Issuer: *o.issuer, ClientID: *o.clientID,
		ClientSecret: *o.clientSecret, BaseURL: *o.baseURL, Name: *o.name, CreatePeople: *o.createPeople,
		GroupsClaim: *o.groupsClaim, AdminClaim: *o.adminClaim})
	if err != nil {
		return fmt.Errorf("single sign-on: %w", err)
	}
	o.sso = sso
	return nil
}

// config is how the pages sign people in.
func (o *signInOptions) config(cfg web.Config) web.Config {
	cfg.SingleSignOn, cfg.NoPasswordSignIn = o.sso, !*o.passwordSignIn
	return cfg
}
