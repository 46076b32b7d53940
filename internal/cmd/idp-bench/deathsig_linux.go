package main

import (
	"os/exec"
	"syscall"
)

// dieWithParent has the kernel kill the provider if the wrapper dies first
// (Terraform kills a plugin that does not stop in time), so that no
// provider outlives a benchmark.
func dieWithParent(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
}
