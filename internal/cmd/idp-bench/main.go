// Command idp-bench is what `make bench` runs: the measurements described
// in DESIGN.md ("Performance method"), taken in one run and reported as
// ratios.
//
//  1. Scale: for each N in -n, a configuration of N mixed resources (a third
//     each of idp_resource_server with a scope, idp_client, and
//     idp_client_grant linking client i to API i) is applied and then
//     refreshed against the in-process Management API emulator, and so is
//     Terraform's own floor, the same number of built-in terraform_data
//     resources with the same dependency graph. The refresh, a command of
//     a few seconds whose times move a lot between runs, runs
//     -refresh-runs times and its figures are the medians. It reports the idp/floor
//     ratio of wall times, the server's request counts per resource on the
//     refresh (target: exactly one GET each) and per provider configuration
//     (target: one token request), and the provider's peak memory.
//  2. Rate limit: -rate-runs applies and refreshes of -rate-n resources
//     against the same server with a -rate-limit requests/s bucket: failed
//     runs (target 0), 429s on the wire, and the refresh's wall time against
//     N ÷ limit.
//  3. Server throughput is measured by the Go benchmarks in internal/server
//     (go test -bench), not here.
//
// With -chaos (`make chaos`) it measures something else instead: what a
// server that fails requests leaves behind. For each of -chaos-seeds, on a
// fresh server, it applies -chaos-n mixed resources while the server
// answers 15 % of requests 429, 15 % 503 and commits 5 % of writes before
// dropping the connection; compares, faults off, the server's objects with
// the state's (orphans, lost objects); plans under faults again (which
// must show no changes); and destroys. See chaos.go. Missing that target
// is reported, not an exit code.
//
// The server runs inside the harness on a free loopback port. Terraform
// finds the provider through a temporary CLI configuration with
// dev_overrides, so no terraform init and no registry are involved. The
// dev_overrides directory holds a copy of this program under the provider's
// name: started by Terraform (and told so by the environment), it runs the
// real provider from -provider-dir as a child with the same standard
// streams and environment, and records the child's peak RSS when it ends.
//
// Temporary files are removed and the server stopped however the run ends;
// an interrupt stops Terraform gracefully first. The exit code is 0 when
// every command succeeded (with -chaos: when every seed was measured,
// whatever Terraform's exit codes), 1 on any failure, 2 on a usage error
// and 130 when interrupted.
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
