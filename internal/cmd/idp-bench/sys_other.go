//go:build !unix

package main

import (
	"os"
	"os/exec"
)

// ownProcessGroup does nothing where process groups are not available.
func ownProcessGroup(*exec.Cmd) {}

// killProcessGroup kills cmd.
func killProcessGroup(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	return cmd.Process.Kill()
}

// maxRSSBytes is unknown where there is no getrusage.
func maxRSSBytes(*os.ProcessState) int64 { return 0 }
