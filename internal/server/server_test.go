package server_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

// TestConcurrentControl changes limits and faults and reads counters while requests run.
func TestConcurrentControl(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	stop := make(chan struct{})
	var ctl sync.WaitGroup
	ctl.Add(1)
	go func() {
		defer ctl.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if i%2 == 0 {
				h.srv.SetRateLimit(1_000_000)
			} else {
				h.srv.SetRateLimit(0)
			}
			h.srv.SetFaults(server.Faults{Seed: int64(i)})
			_ = h.srv.Counts()
			if i%10 == 0 {
				h.srv.ResetCounts()
			}
			if r, err := h.send(http.MethodGet, h.base+"/_idp/requests", h.adminBasic(), nil); err != nil || r.Status != http.StatusOK {
				t.Errorf("GET /_idp/requests: %v %v", r, err)
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for w := 0; w < 6; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 15; i++ {
				r, err := h.send(http.MethodPost, h.base+"/api/v2/clients", bearer(h.tok), map[string]any{"name": fmt.Sprintf("c%d-%d", w, i)})
				if err != nil || r.Status != http.StatusCreated {
					t.Errorf("POST: %v %v", r, err)
					return
				}
				r, err = h.send(http.MethodGet, h.base+"/api/v2/clients?per_page=5", bearer(h.tok), nil)
				if err != nil || r.Status != http.StatusOK {
					t.Errorf("GET: %v %v", r, err)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(stop)
	ctl.Wait()
}

func TestEntityCapOptions(t *testing.T) {
	t.Parallel()
	for _, o := range []server.Options{{MaxTenants: -1}, {MaxObjects: -1}} {
		if _, err := server.New(o); err == nil {
			t.Errorf("server.New(%+v) accepted a negative cap", o)
		}
	}
	// The zero value means the defaults, which leave room for far more than a test makes.
	h := newHarness(t)
	for range 5 {
		h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": unique("c")})
	}
	if server.DefaultMaxTenants < 1000 || server.DefaultMaxObjects < 10000 {
		t.Errorf("defaults %d tenants, %d objects are below what make bench needs", server.DefaultMaxTenants, server.DefaultMaxObjects)
	}
}

// The root admin's client ID has the one form the real service issues, 32 letters and digits:
// any other is refused with a message saying so; one of that form, and none (generated), start.
func TestAdminClientIDForm(t *testing.T) {
	t.Parallel()
	const secret = "admin-secret-0123456789-0123456789"
	for _, id := range []string{"admin", "a", "AdminClient00000000000000000001", "AdminClient0000000000000000000001",
		"Admin-Client-000000000000000001", "AdminClient00000000000000000000é"} {
		_, err := server.New(server.Options{AdminClientID: id, AdminClientSecret: secret})
		want := fmt.Sprintf("server: the admin client ID %q is not a client ID as the real service issues them: "+
			"it must be 32 letters and digits (leave it empty to have one generated)", id)
		if err == nil || err.Error() != want {
			t.Errorf("server.New with admin client ID %q: %v, want %q", id, err, want)
		}
	}
	for _, id := range []string{"AdminClient000000000000000000001", ""} {
		srv, err := server.New(server.Options{AdminClientID: id, AdminClientSecret: secret})
		if err != nil {
			t.Fatalf("server.New with admin client ID %q: %v", id, err)
		}
		if got := srv.AdminClientID(); !server.ValidClientID(got) || (id != "" && got != id) {
			t.Errorf("admin client ID %q, configured %q", got, id)
		}
	}
}
