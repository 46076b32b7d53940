package provider

import (
	"os"
	"runtime/debug"
)

// gcPercent lets the heap grow to three times what is live (DESIGN.md, "The
// collector").
const gcPercent = 200

// TuneGC sets the collector's target to gcPercent unless GOGC is set, and
// reports whether it did. The benchmark's no-op provider calls it too, so
// that the floor it measures runs with the same collector.
func TuneGC() bool {
	if os.Getenv("GOGC") != "" {
		return false
	}
	debug.SetGCPercent(gcPercent)
	return true
}
