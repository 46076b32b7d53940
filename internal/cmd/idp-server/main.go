// Command idp-server runs the local Management API emulator: a multi-tenant,
// Auth0-compatible Management API v2 and token endpoint for trying the
// provider and testing Terraform modules offline.
//
// On start it prints to standard output the environment a client needs
// (IDP_DOMAIN, IDP_CLIENT_ID, IDP_CLIENT_SECRET and, with -tls,
// SSL_CERT_FILE), so that
//
//	eval "$(idp-server -tls &)"
//
// style wrappers can consume it; logs go to standard error. It serves until
// SIGINT or SIGTERM and then shuts down gracefully.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case errors.Is(err, errUsage):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "idp-server:", err)
		os.Exit(1)
	}
}

// errUsage marks a bad command line, which the flag package has already
// reported.
var errUsage = errors.New("usage error")
