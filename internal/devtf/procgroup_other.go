//go:build !unix

package devtf

import "os/exec"

// OwnProcessGroup does nothing where process groups are not available.
func OwnProcessGroup(*exec.Cmd) {}

// KillProcessGroup kills cmd.
func KillProcessGroup(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	return cmd.Process.Kill()
}
