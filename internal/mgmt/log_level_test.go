package mgmt

import (
	"context"
	"net/http"
	"testing"

	"golang.org/x/time/rate"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

// levelLogger records lines like recLogger and says, through
// LevelEnabler, that it wants only min and above.
type levelLogger struct {
	recLogger
	min Level
}

func (l *levelLogger) Enabled(_ context.Context, level Level) bool { return level >= l.min }

// A logger that turns DEBUG and TRACE off gets none of those lines (the
// client does not even build them), while the client works as before:
// attempts are still counted for a retried 429 and the pacer still learns
// the server's limit.
func TestLevelEnabler_skipsDisabledLevels(t *testing.T) {
	t.Parallel()
	var inj *injector
	env := newTestEnv(t, server.Options{RateLimit: 1000}, func(h http.Handler) http.Handler { inj = newInjector(h); return inj })
	ll := &levelLogger{min: LevelInfo}
	c := env.client(t, func(cfg *Config) { cfg.Logger = ll })
	ctx := t.Context()
	app, err := c.CreateApplication(ctx, &Application{Name: String("quiet")})
	if err != nil {
		t.Fatal(err)
	}
	inj.once("GET", "/api/v2/clients/"+*app.ClientID, http.StatusTooManyRequests, map[string]string{"Retry-After": "0"})
	if _, err := c.GetApplication(ctx, *app.ClientID); err != nil {
		t.Fatalf("the retried GET: %v", err)
	}
	if n := env.count("", "GET", "/api/v2/clients/{id}", 0); n != 1 {
		// The injector answered the first attempt; the server saw the retry.
		t.Errorf("the server saw %d GETs, want 1 (the retry)", n)
	}
	for _, line := range ll.snapshot() {
		if line.level < LevelInfo {
			t.Errorf("a %s line reached a logger that turned the level off: %s", line.level, line)
		}
	}
	if lim := c.pacer.limit(); lim == rate.Inf {
		t.Errorf("the pacer did not learn the server's limit: %v", lim)
	}

	// The same calls with everything on do log DEBUG and TRACE lines, so
	// that the check above is not vacuous.
	ll.min = LevelTrace
	if _, err := c.GetApplication(ctx, *app.ClientID); err != nil {
		t.Fatal(err)
	}
	if len(ll.find("HTTP response")) == 0 || len(ll.find("HTTP response body")) == 0 {
		t.Errorf("with TRACE on, no DEBUG response or TRACE body lines: %v", ll.snapshot())
	}
}
