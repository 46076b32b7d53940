//go:build !unix

package main

import (
	"os"
	"time"
)

// maxRSSBytes is unknown where there is no getrusage.
func maxRSSBytes(*os.ProcessState) int64 { return 0 }

// cpuTime is a finished process's CPU time, user plus system.
func cpuTime(ps *os.ProcessState) time.Duration { return ps.UserTime() + ps.SystemTime() }

// selfCPUTime is unknown where there is no getrusage.
func selfCPUTime() time.Duration { return 0 }
