// Command idp-bench is what `make bench` and `make chaos` run: the
// measurements of DESIGN.md ("Performance method"), reported, never
// asserted. It serves the Management API emulator in process and points
// Terraform at the provider through dev_overrides, where a copy of itself
// is the provider (devtf.Wrapper) and measures the real one.
//
// The exit code is 0 when every command succeeded (with -chaos: when every
// seed was measured, whatever Terraform's exit codes), 1 on a failure, 2 on
// a usage error and 130 when interrupted; temporary files and the server
// go however the run ends.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/idp-terraform/terraform-provider-idp/internal/devtf"
)

func main() {
	if code, ok := devtf.RunAsWrapper(); ok {
		os.Exit(code)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
