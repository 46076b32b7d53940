// Package profiling lets `idp-bench -cpuprofile DIR` profile the provider
// during a Terraform command. Only a build with `-tags idpprofile` reads
// EnvDir, so a released provider has no such switch.
package profiling

// EnvDir names the directory a profiling build writes its CPU profile to,
// one file per process (cpu-<pid>.pprof).
const EnvDir = "IDP_BENCH_CPUPROFILE_DIR"
