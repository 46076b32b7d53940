package provider

import (
	"runtime/debug"
	"testing"
)

// TestTuneGC: without GOGC the provider runs with gcPercent; a GOGC the
// user sets is left to decide.
func TestTuneGC(t *testing.T) {
	before := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(before) })

	t.Setenv("GOGC", "")
	if !TuneGC() {
		t.Fatal("TuneGC left the collector alone without GOGC")
	}
	if got := debug.SetGCPercent(100); got != gcPercent {
		t.Fatalf("GC percent %d, want %d", got, gcPercent)
	}

	t.Setenv("GOGC", "50")
	debug.SetGCPercent(50) // as the runtime does at start with GOGC=50
	if TuneGC() {
		t.Fatal("TuneGC overrode GOGC=50")
	}
	if got := debug.SetGCPercent(100); got != 50 {
		t.Fatalf("GC percent %d with GOGC=50", got)
	}
}
