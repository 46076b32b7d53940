package main

import (
	"bytes"
	"errors"
	"flag"
	"strings"
	"testing"
)

// `idp-server -h` describes every flag, in words of its own, and never
// prints the admin credentials it may have taken from the environment.
func TestUsage(t *testing.T) {
	t.Setenv("IDP_SERVER_CLIENT_ID", "usage-test-admin-id")
	t.Setenv("IDP_SERVER_CLIENT_SECRET", "usage-test-admin-secret-0123456789")
	var stderr bytes.Buffer
	if _, err := parseFlags([]string{"-h"}, &stderr); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("parseFlags(-h) = %v, want flag.ErrHelp", err)
	}
	help := stderr.String()
	if strings.Contains(help, undescribed) {
		t.Errorf("a flag lacks a description in flagHelp:\n%s", help)
	}
	for _, h := range flagHelp {
		if !strings.Contains(help, "\n  -"+h.name) {
			t.Errorf("-h does not show -%s (is it still a flag?):\n%s", h.name, help)
		}
	}
	for _, secret := range []string{"usage-test-admin-id", "usage-test-admin-secret-0123456789"} {
		if strings.Contains(help, secret) {
			t.Errorf("-h prints %q from the environment", secret)
		}
	}
	for _, line := range strings.Split(help, "\n") {
		if len(line) > 80 {
			t.Errorf("line longer than 80 characters: %q", line)
		}
	}
}
