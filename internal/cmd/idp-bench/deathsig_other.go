//go:build !linux

package main

import "os/exec"

// dieWithParent does nothing without Linux's parent-death signal; the
// harness kills Terraform's whole process group instead when it has to.
func dieWithParent(*exec.Cmd) {}
