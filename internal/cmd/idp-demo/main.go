// Command idp-demo is what `make demo` runs: it starts idp-server on a free
// loopback port, points Terraform at a locally built provider through a
// temporary CLI configuration with dev_overrides (no terraform init, no
// registry), applies examples/quickstart, prints a summary of what was
// created without any secret, destroys it all and stops the server, leaving
// nothing behind.
//
// It builds nothing itself: the Makefile builds the provider and the server
// first. The first Ctrl-C (or SIGTERM) stops the apply and still destroys
// what was created; a second one aborts the destroy but still stops the
// server and removes the temporary files.
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
