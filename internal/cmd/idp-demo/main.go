// Command idp-demo is what `make demo` runs: it starts idp-server, applies examples/quickstart
// with the provider the Makefile built (dev_overrides: no init, no registry), prints what was
// created without any secret, and destroys it all. A first Ctrl-C stops the apply and still
// destroys; a second aborts the destroy but still stops the server and removes the files.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	interrupts := make(chan os.Signal, 2)
	signal.Notify(interrupts, os.Interrupt, syscall.SIGTERM)
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, interrupts))
}
