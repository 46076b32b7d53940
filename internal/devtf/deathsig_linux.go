package devtf

import (
	"os/exec"
	"syscall"
)

// dieWithParent has the kernel kill the provider when its wrapper dies
// (Terraform kills a plugin that does not stop in time), so that no
// provider outlives the wrapper.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
