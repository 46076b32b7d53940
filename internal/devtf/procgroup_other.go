//go:build !unix

package devtf

import (
	"os"
	"os/exec"
)

// OwnProcessGroup does nothing where process groups are not available.
func OwnProcessGroup(*exec.Cmd) {}

// interruptProcessGroup interrupts cmd alone; on Windows, which cannot, WaitDelay kills it.
func interruptProcessGroup(cmd *exec.Cmd) error {
	return cmd.Process.Signal(os.Interrupt)
}

func killProcessGroup(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	return cmd.Process.Kill()
}
