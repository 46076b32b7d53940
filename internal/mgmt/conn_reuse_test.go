package mgmt

import (
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

// TestParallelCallsReuseConnections: Terraform calls a provider with up to
// ten operations at once (-parallelism=10), and each is one request. The
// client keeps enough idle connections for all of them, so that a refresh
// of many resources opens about ten connections in all, not a new one (and
// over HTTPS a new TLS handshake) for many of its requests.
func TestParallelCallsReuseConnections(t *testing.T) {
	t.Parallel()
	srv, err := server.New(server.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(srv)
	var opened atomic.Int64
	ts.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	}
	ts.Start()
	t.Cleanup(ts.Close)
	c, err := New(Config{Domain: ts.URL, ClientID: srv.AdminClientID(), ClientSecret: srv.AdminClientSecret()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	// Rounds of ten parallel calls, as Terraform's walk makes them: after
	// each round all ten connections are idle at once, which is when a pool
	// that keeps fewer closes the rest.
	const workers, rounds = 10, 20
	for range rounds {
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for range workers {
			wg.Go(func() {
				if _, err := c.ListResourceServers(ctx); err != nil {
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
	}
	// About one connection per worker. The first burst may dial a few
	// more (a dial that loses the race to a freed connection is kept as an
	// idle one), but none are opened after it.
	if n := opened.Load(); n > 2*workers {
		t.Fatalf("%d rounds of %d parallel calls opened %d connections, want at most %d", rounds, workers, n, 2*workers)
	}
}
