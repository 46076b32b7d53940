//go:build !unix

package main

import "os"

// maxRSSBytes is unknown where there is no getrusage.
func maxRSSBytes(*os.ProcessState) int64 { return 0 }
