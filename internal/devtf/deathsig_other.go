//go:build !linux

package devtf

import "os/exec"

// dieWithParent needs Linux's parent-death signal; elsewhere a provider
// whose wrapper was killed is left to the caller's process group sweep.
func dieWithParent(*exec.Cmd) {}
