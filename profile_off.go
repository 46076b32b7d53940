//go:build !idpprofile

package main

// startProfile does nothing in ordinary builds; see profile_on.go.
func startProfile() (stop func()) { return func() {} }
