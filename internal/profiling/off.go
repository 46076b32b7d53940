//go:build !idpprofile

package profiling

// Start does nothing without the idpprofile tag.
func Start() (stop func()) { return func() {} }
