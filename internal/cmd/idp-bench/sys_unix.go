//go:build unix

package main

import (
	"os"
	"runtime"
	"syscall"
)

// maxRSSBytes is a finished process's peak resident set size. getrusage
// reports it in KiB on Linux and the BSDs, in bytes on Darwin.
func maxRSSBytes(ps *os.ProcessState) int64 {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok || ru == nil {
		return 0
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		return asInt64(ru.Maxrss)
	}
	return asInt64(ru.Maxrss) * 1024
}

// asInt64 widens Rusage.Maxrss, which is an int64 on some platforms and an
// int32 on others.
func asInt64[T ~int32 | ~int64](v T) int64 { return int64(v) }
