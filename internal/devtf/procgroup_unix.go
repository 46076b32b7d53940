//go:build unix

package devtf

import (
	"os"
	"os/exec"
	"syscall"
)

// OwnProcessGroup starts cmd in a process group of its own, so that a
// Ctrl-C in the terminal reaches the caller only, and the caller decides how
// its children stop. It keeps any other SysProcAttr settings.
func OwnProcessGroup(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
}

// interruptProcessGroup sends SIGINT to cmd's process group, as a Ctrl-C in
// a terminal does to a foreground job. When the group is gone it reports
// os.ErrProcessDone, so that exec.Cmd.Wait returns the command's own exit
// status.
func interruptProcessGroup(cmd *exec.Cmd) error {
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGINT); err != nil {
		return cmd.Process.Signal(os.Interrupt)
	}
	return nil
}

// killProcessGroup kills cmd and everything it started (Terraform's
// provider plugins).
func killProcessGroup(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); err != nil {
		return cmd.Process.Kill()
	}
	return nil
}
