//go:build unix

package main

import (
	"os"
	"runtime"
	"syscall"
	"time"
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

// cpuTime is a finished process's CPU time, user plus system. wait4 reports
// it for the process and the descendants it waited for, so Terraform's
// includes its provider processes'.
func cpuTime(ps *os.ProcessState) time.Duration {
	return ps.UserTime() + ps.SystemTime()
}

// selfCPUTime is this process's own CPU time so far, user plus system, its
// children's not included. The harness takes it around each Terraform
// command: the in-process server is the only thing the harness does
// meanwhile, so the difference is the server's CPU time.
func selfCPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
