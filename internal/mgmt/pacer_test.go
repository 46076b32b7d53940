package mgmt

import (
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

func TestPacerAdapts(t *testing.T) {
	t.Parallel()
	h := func(limit, remaining int) http.Header {
		return http.Header{
			"X-Ratelimit-Limit":     {strconv.Itoa(limit)},
			"X-Ratelimit-Remaining": {strconv.Itoa(remaining)},
			"X-Ratelimit-Reset":     {strconv.FormatInt(time.Now().Unix()+1, 10)},
		}
	}
	p := newPacer(0)
	if p.limit() != unlimited {
		t.Fatalf("initial limit %v", p.limit())
	}
	p.observe(200, h(50, 40))
	if p.limit() != 50 {
		t.Errorf("after Limit 50: %v", p.limit())
	}
	p.observe(200, h(50, 1))
	if p.limit() != 25 {
		t.Errorf("with remaining low: %v", p.limit())
	}
	p.observe(429, h(50, 0))
	if p.limit() != 25 {
		t.Errorf("after a 429: %v", p.limit())
	}
	p.observe(200, h(50, 30))
	if p.limit() != 50 {
		t.Errorf("recovered: %v", p.limit())
	}
	p.observe(200, http.Header{})
	if p.limit() != unlimited {
		t.Errorf("limit gone: %v", p.limit())
	}

	capped := newPacer(10)
	if capped.limit() != 10 {
		t.Errorf("hard cap: %v", capped.limit())
	}
	capped.observe(200, h(50, 40))
	if capped.limit() != 10 {
		t.Errorf("cap under a higher server limit: %v", capped.limit())
	}
	capped.observe(200, h(8, 8))
	if capped.limit() != rate.Limit(8) {
		t.Errorf("server limit under the cap: %v", capped.limit())
	}
	capped.observe(200, http.Header{})
	if capped.limit() != 10 {
		t.Errorf("back to the cap: %v", capped.limit())
	}
}

func TestLimiterStaysUnderServerRateLimit(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, server.Options{}, nil)
	ctx := t.Context()
	setup := env.client(t)
	rs, err := setup.CreateResourceServer(ctx, &ResourceServer{Name: String("paced"), Identifier: String("https://paced.example.com")})
	if err != nil {
		t.Fatal(err)
	}
	env.srv.SetRateLimit(50)
	env.srv.ResetCounts()

	c := env.client(t, func(cfg *Config) { cfg.RetryTimeout = 20 * time.Second; cfg.Logger = nil })
	var wg sync.WaitGroup
	var failed atomic.Int64
	errs := make(chan error, 200)
	for g := range 20 {
		wg.Go(func() {
			for i := range 10 {
				var err error
				if (g+i)%2 == 0 {
					_, err = c.GetResourceServer(ctx, *rs.ID)
				} else {
					_, err = c.GetResourceServer(ctx, *rs.Identifier)
				}
				if err != nil {
					failed.Add(1)
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("call failed: %v", err)
	}
	seen429 := env.countStatus(http.StatusTooManyRequests)
	ok := env.count("", "GET", "/api/v2/resource-servers/{id}", 200)
	t.Logf("200 calls at a server limit of 50/s: %d answered 200, %d 429s seen on the wire, pacer at %v/s",
		ok, seen429, c.pacer.limit())
	if ok != 200 || failed.Load() != 0 {
		env.dumpCounts(t)
		t.Fatalf("%d calls answered 200, %d failed", ok, failed.Load())
	}
	if seen429 > 10 {
		env.dumpCounts(t)
		t.Errorf("%d 429s on the wire: the limiter does not keep under the server's budget", seen429)
	}
}

// TestLimiterRecoversFromAnUnknownLimit starts a burst larger than the
// server's whole bucket before the client has seen any rate-limit header:
// the first wave bounces (429, Retry-After), the pacer adapts, and no 429
// reaches a caller.
func TestLimiterRecoversFromAnUnknownLimit(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, server.Options{}, nil)
	ctx := t.Context()
	c := env.client(t, func(cfg *Config) { cfg.RetryTimeout = 20 * time.Second; cfg.Logger = nil })
	if _, err := c.ListApplications(ctx, ApplicationFilter{}); err != nil { // token first, before any limit exists
		t.Fatal(err)
	}
	// A limit the first wave of 20 concurrent calls exceeds.
	env.srv.SetRateLimit(10)
	env.srv.ResetCounts()
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for range 20 {
		wg.Go(func() {
			for range 2 {
				if _, err := c.GetApplication(ctx, env.srv.AdminClientID()); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("call failed: %v", err)
	}
	ok := env.count("", "GET", "/api/v2/clients/{id}", 200)
	t.Logf("40 calls at a server limit of 10/s, limit unknown at first: %d answered 200, %d 429s seen on the wire",
		ok, env.countStatus(http.StatusTooManyRequests))
	if ok != 40 {
		env.dumpCounts(t)
		t.Errorf("%d calls answered 200, want 40", ok)
	}
}
