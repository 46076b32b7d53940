//go:build idpprofile

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
)

// envProfileDir names the directory a provider built with
// `-tags idpprofile` writes its CPU profile to, one file per process
// (cpu-<pid>.pprof). It is how `idp-bench -cpuprofile DIR` profiles the
// provider during a Terraform command: only a profiling build reads it, so
// a released provider has no such switch.
const envProfileDir = "IDP_BENCH_CPUPROFILE_DIR"

// startProfile starts a CPU profile when envProfileDir is set; stop ends it
// when the provider is told to stop (providerserver.Serve returned).
func startProfile() (stop func()) {
	dir := os.Getenv(envProfileDir)
	if dir == "" {
		return func() {}
	}
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("cpu-%d.pprof", os.Getpid())))
	if err != nil {
		fmt.Fprintf(os.Stderr, "[WARN] CPU profile: %v\n", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintf(os.Stderr, "[WARN] CPU profile: %v\n", err)
		_ = f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	}
}
