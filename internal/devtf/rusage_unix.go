//go:build unix

package devtf

import (
	"os"
	"runtime"
	"syscall"
	"time"
)

// PeakRSS is a finished process's peak resident set size in bytes.
func PeakRSS(ps *os.ProcessState) int64 {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok || ru == nil {
		return 0
	}
	rss := int64(ru.Maxrss) //nolint:unconvert // an int32 on some platforms
	// getrusage reports KiB on Linux and the BSDs, bytes on Darwin.
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		return rss
	}
	return rss * 1024
}

// SelfCPUTime is this process's own CPU time so far, without its children's.
func SelfCPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
