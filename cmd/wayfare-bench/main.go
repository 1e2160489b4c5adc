// Command wayfare-bench measures Wayfare's speed on the machine it runs on:
// it seeds a data set through the API, drives a running server from its
// own process over keep-alive connections and compares the figures with a
// bare net/http handler (the ceiling) measured in the same run. See
// docs/BENCHMARKS.md and "wayfare-bench help".
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "wayfare-bench:", err)
		os.Exit(1)
	}
}
