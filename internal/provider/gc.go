package provider

import (
	"os"
	"runtime/debug"
)

// gcPercent is the garbage collector's target the provider runs with: the
// heap may grow to three times what is live before a collection, instead of
// Go's default of twice. A provider process lives for one Terraform command
// and allocates for every resource it reads or writes; on a refresh of
// 1,000 resources the collector was about a quarter of its CPU time, and
// 200 cuts the provider's CPU by about a fifth for about 15 % more peak
// memory (BENCHMARKS.md).
const gcPercent = 200

// TuneGC sets the collector's target to gcPercent unless GOGC is set, which
// then decides as it always does, and reports whether it did. The provider's
// main calls it, and so does the benchmark's no-op provider, so that the
// floor it measures runs with the same collector.
func TuneGC() bool {
	if os.Getenv("GOGC") != "" {
		return false
	}
	debug.SetGCPercent(gcPercent)
	return true
}
