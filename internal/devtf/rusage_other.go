//go:build !unix

package devtf

import (
	"os"
	"time"
)

// PeakRSS is unknown (0) without getrusage.
func PeakRSS(*os.ProcessState) int64 { return 0 }

// SelfCPUTime is unknown (0) without getrusage.
func SelfCPUTime() time.Duration { return 0 }
