package devtf

import (
	"os/exec"
	"syscall"
)

// dieWithParent: Terraform kills a wrapper that does not stop in time, and its provider must die too.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
