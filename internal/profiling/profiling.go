// Package profiling serves `idp-bench -cpuprofile` only in `-tags idpprofile` builds: releases have no such switch.
package profiling

// EnvDir names the directory a profiling build writes cpu-<pid>.pprof files to.
const EnvDir = "IDP_BENCH_CPUPROFILE_DIR"
