package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/wayfare-org/wayfare/api"
	"github.com/wayfare-org/wayfare/edge"
	"github.com/wayfare-org/wayfare/scim"
	"github.com/wayfare-org/wayfare/store"
	"github.com/wayfare-org/wayfare/web"
)

// serve serves an organization that init, import or restore made: it
// refuses a directory that holds none, one it may not write, and one that
// another server holds.
func (e *env) serve(ctx context.Context, args []string) error {
	fs, data := e.flags("serve")
	o := e.serveFlags(fs)
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if err := o.signIn.prepare(ctx); err != nil {
		return err
	}
	if err := e.requireData(*data); err != nil {
		return err
	}
	if err := e.requireDatabase(*data); err != nil {
		return err
	}
	lock, err := e.holdUnlessShared(*data)
	if err != nil {
		return err
	}
	defer lock.release()
	db, err := e.open(ctx, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := e.requirePeople(ctx, db, *data); err != nil {
		return err
	}
	return e.listen(ctx, db, o, func(url string) {
		fmt.Fprintf(e.stdout, "Wayfare is serving at %s\n", url)
	})
}

// serveOptions are the flags of the verbs that serve.
type serveOptions struct {
	addr, trustedProxies, metricsAddr, metricsToken *string
	signIn                                          *signInOptions
	mail                                            *mailOptions
}

// serveFlags binds the flags of the verbs that serve, each also read from
// the environment.
func (e *env) serveFlags(fs *flag.FlagSet) *serveOptions {
	o := &serveOptions{
		addr: e.addrFlag(fs, "127.0.0.1:8080"),
		trustedProxies: fs.String("trusted-proxies", e.getenv("WAYFARE_TRUSTED_PROXIES"),
			"`CIDRs` of reverse proxies whose X-Forwarded-For is believed, comma-separated (env WAYFARE_TRUSTED_PROXIES)"),
		metricsAddr: fs.String("metrics-addr", e.getenv("WAYFARE_METRICS_ADDR"),
			"serve /metrics only on this `address` of its own (env WAYFARE_METRICS_ADDR)"),
		metricsToken: fs.String("metrics-token", e.getenv("WAYFARE_METRICS_TOKEN"),
			"require Authorization: Bearer `token` for /metrics (env WAYFARE_METRICS_TOKEN)"),
		signIn: e.signInFlags(fs),
	}
	e.replica = fs.String("replica", e.getenv("WAYFARE_REPLICA"),
		"with --database, a streaming replica's `URL` that takes reads once it has caught up (env WAYFARE_REPLICA)")
	o.mail = e.mailFlags(fs, o.signIn.baseURL)
	return o
}

// handler puts the API, provisioning and the pages behind one handler, and returns the
// metrics' own handler when they have a listener of their own. Every
// answer carries the security headers.
func (e *env) handler(db *store.DB, o *serveOptions) (main, metrics http.Handler, err error) {
	proxies, err := edge.ParseProxies(*o.trustedProxies)
	if err != nil {
		return nil, nil, fmt.Errorf("--trusted-proxies: %w", err)
	}
	secure := e.getenv("WAYFARE_SECURE_COOKIES") == "1"
	apiServer := api.New(db, e.log, Version)
	apiServer.WebhooksAllowPrivate = *o.mail.allowPrivate
	pages, err := web.New(db, e.log, o.signIn.config(web.Config{SecureCookies: secure, TrustedProxies: proxies, SCIMPath: scim.Prefix,
		Mail: *o.mail.smtpURL != "", WebhooksAllowPrivate: *o.mail.allowPrivate}))
	if err != nil {
		return nil, nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", apiServer)
	mux.Handle(scim.Prefix+"/", scim.New(db, e.log, scim.Config{TLS: secure}))
	mux.Handle("GET /healthz", apiServer)
	mux.Handle("/", pages.Handler())
	if *o.metricsAddr != "" {
		own := http.NewServeMux()
		own.Handle("GET /metrics", apiServer.Metrics(*o.metricsToken))
		metrics = edge.Headers(own, secure)
	} else if *o.metricsToken != "" {
		mux.Handle("GET /metrics", apiServer.Metrics(*o.metricsToken))
	}
	return edge.Headers(mux, secure), metrics, nil
}

// listen serves the application on its address, and the metrics on
// theirs when they have one, until ctx ends; then it shuts down
// gracefully: open requests finish, event streams close.
func (e *env) listen(ctx context.Context, db *store.DB, o *serveOptions, ready func(url string)) error {
	handler, metrics, err := e.handler(db, o)
	if err != nil {
		return err
	}
	worker, err := e.worker(db, o.mail, holderName())
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *o.addr)
	if err != nil {
		return err
	}
	streams, stopStreams := context.WithCancel(context.Background())
	defer stopStreams()
	srv := newHTTPServer(handler, streams)
	srv.RegisterOnShutdown(stopStreams)
	servers := map[*http.Server]net.Listener{srv: ln}
	var mln net.Listener
	if metrics != nil {
		if mln, err = net.Listen("tcp", *o.metricsAddr); err != nil {
			ln.Close()
			return fmt.Errorf("--metrics-addr: %w", err)
		}
		servers[newHTTPServer(metrics, context.Background())] = mln
	}
	db.WarmInfluence()
	work, stopWork := context.WithCancel(context.Background())
	workDone := make(chan struct{})
	wake := db.Hub().Subscribe(64)
	go func() {
		defer close(workDone)
		defer wake.Close()
		worker.Run(work, wake.C)
	}()
	defer func() { stopWork(); <-workDone }()
	errc := make(chan error, len(servers))
	for s, l := range servers {
		go func() { errc <- s.Serve(l) }()
	}
	ready("http://" + ln.Addr().String())
	e.log.Info("serving", "addr", ln.Addr().String(), "version", Version)
	if mln != nil {
		fmt.Fprintf(e.stdout, "Metrics are served at http://%s/metrics\n", mln.Addr())
	}
	return e.shutdown(ctx, servers, errc)
}

func newHTTPServer(h http.Handler, base context.Context) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       120 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return base },
	}
}

// shutdown waits for ctx to end or a server to fail, then shuts every
// server down.
func (e *env) shutdown(ctx context.Context, servers map[*http.Server]net.Listener, errc chan error) error {
	var failed error
	select {
	case failed = <-errc:
	case <-ctx.Done():
	}
	e.log.Info("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var errs []error
	for s := range servers {
		errs = append(errs, s.Shutdown(shutdown))
	}
	pending := len(servers)
	if failed != nil {
		errs = append(errs, failed)
		pending--
	}
	for range pending {
		if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
