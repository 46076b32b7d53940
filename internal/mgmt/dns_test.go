package mgmt

import (
	"errors"
	"net"
	"strings"
	"testing"
	"time"
)

// A host that does not exist fails the call at its first attempt, with one
// message that says so, instead of being retried for the whole budget.
func TestUnresolvableHostFailsAtOnce(t *testing.T) {
	t.Parallel()
	const host = "nonexistent.invalid" // .invalid never resolves (RFC 2606)
	var probe *net.DNSError
	if _, err := net.DefaultResolver.LookupHost(t.Context(), host); !errors.As(err, &probe) || !probe.IsNotFound {
		t.Skipf("this machine's resolver does not answer that %s does not exist: %v", host, err)
	}
	calls := map[string]struct {
		cfg  Config
		call func(c *Client) error
	}{
		"token request": {Config{ClientID: "id", ClientSecret: "secret"}, func(c *Client) error { return c.Verify(t.Context()) }},
		"management API": {Config{APIToken: "tok"}, func(c *Client) error {
			_, err := c.GetApplication(t.Context(), "abc")
			return err
		}},
	}
	for name, tc := range calls {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			log := &recLogger{}
			// A budget long enough that retrying would show.
			cfg := tc.cfg
			cfg.Domain, cfg.RetryTimeout, cfg.RetryWaitMin, cfg.Logger = host, time.Minute, 10*time.Millisecond, log
			c, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			err = tc.call(c)
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			var retry *RetryError
			if errors.As(err, &retry) || !IsHostNotFound(err) {
				t.Errorf("err = %v (%T), want a host-not-found error, not retried", err, err)
			}
			if !strings.Contains(msg, "the host "+host+" does not resolve (no such host)") || strings.Count(msg, host) != 1 {
				t.Errorf("message %q does not say once that %s does not resolve", msg, host)
			}
			if n := len(log.find("HTTP request failed")); n != 1 {
				t.Errorf("%d attempts, want 1", n)
			}
		})
	}
}
