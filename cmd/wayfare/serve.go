package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/wayfare-org/wayfare/api"
	"github.com/wayfare-org/wayfare/store"
	"github.com/wayfare-org/wayfare/web"
)

// serve serves an organization that init, import or restore made: it
// refuses a directory that holds none, one it may not write, and one that
// another server holds.
func (e *env) serve(ctx context.Context, args []string) error {
	fs, data := e.flags("serve")
	addr := e.addrFlag(fs, "127.0.0.1:8080")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if err := requireData(*data); err != nil {
		return err
	}
	if err := requireDatabase(*data); err != nil {
		return err
	}
	lock, err := hold(*data)
	if err != nil {
		return err
	}
	defer lock.release()
	db, err := e.open(ctx, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := requirePeople(ctx, db, *data); err != nil {
		return err
	}
	return e.listen(ctx, db, *addr, func(url string) {
		fmt.Fprintf(e.stdout, "Wayfare is serving at %s\n", url)
	})
}

// handler puts the API and the pages behind one handler.
func (e *env) handler(db *store.DB) (http.Handler, error) {
	apiServer := api.New(db, e.log, Version)
	pages, err := web.New(db, e.log, web.Config{SecureCookies: e.getenv("WAYFARE_SECURE_COOKIES") == "1"})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", apiServer)
	mux.Handle("GET /healthz", apiServer)
	mux.Handle("GET /metrics", apiServer)
	mux.Handle("/", pages.Handler())
	return mux, nil
}

// listen serves the application on addr until ctx ends, then shuts down
// gracefully: open requests finish, event streams close.
func (e *env) listen(ctx context.Context, db *store.DB, addr string, ready func(url string)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	handler, err := e.handler(db)
	if err != nil {
		ln.Close()
		return err
	}
	streams, stopStreams := context.WithCancel(context.Background())
	defer stopStreams()
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       120 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return streams },
	}
	srv.RegisterOnShutdown(stopStreams)
	db.WarmInfluence()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	ready("http://" + ln.Addr().String())
	e.log.Info("serving", "addr", ln.Addr().String(), "version", Version)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	e.log.Info("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
