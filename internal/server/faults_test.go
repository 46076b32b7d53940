package server_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

func TestFaults(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	tokenBody := jsonOf(credentials(h.srv.AdminClientID(), h.srv.AdminClientSecret(), h.mgmtAudience(h.base), ""))

	h.srv.SetFaults(server.Faults{Rate429: 1})
	for i := 0; i < 5; i++ {
		r := h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients", nil)
		expectAPIError(t, r, http.StatusTooManyRequests, "too_many_requests")
		if ra := r.Header.Get("Retry-After"); ra != "1" {
			t.Errorf("Retry-After = %q, want 1", ra)
		}
	}
	expectStatus(t, h.postToken(h.base, "application/json", tokenBody, nil), http.StatusTooManyRequests)
	expectStatus(t, h.call(h.base, h.tok, http.MethodPost, "/api/v2/clients", map[string]any{"name": "never"}), http.StatusTooManyRequests)
	expectStatus(t, h.call(h.base, "", http.MethodGet, "/_idp/requests", nil, h.adminBasic()), http.StatusOK)

	h.srv.SetFaults(server.Faults{Rate5xx: 1})
	for i := 0; i < 5; i++ {
		r := h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients", nil)
		expectAPIError(t, r, http.StatusServiceUnavailable, "temporarily_unavailable")
	}
	expectStatus(t, h.postToken(h.base, "application/json", tokenBody, nil), http.StatusServiceUnavailable)
	expectStatus(t, h.call(h.base, "", http.MethodGet, "/_idp/requests", nil, h.adminBasic()), http.StatusOK)

	h.srv.SetFaults(server.Faults{})
	list := h.mustList(h.base, h.tok, "/api/v2/clients")
	if findBy(list, "name", "never") != nil {
		t.Errorf("a request refused by a fault was executed")
	}

	const latency = 150 * time.Millisecond
	h.srv.SetFaults(server.Faults{Latency: latency})
	start := time.Now()
	expectStatus(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients", nil), http.StatusOK)
	if d := time.Since(start); d < latency {
		t.Errorf("request took %v under Latency %v", d, latency)
	}
	h.srv.SetFaults(server.Faults{})
}

func TestFaultSequenceReproducible(t *testing.T) {
	t.Parallel()
	faults := server.Faults{Rate429: 0.3, Rate5xx: 0.3, Seed: 42}
	const n = 60
	run := func(h *harness, tok string) []int {
		out := make([]int, 0, n)
		for i := 0; i < n; i++ {
			out = append(out, h.call(h.base, tok, http.MethodGet, "/api/v2/clients", nil).Status)
		}
		return out
	}
	h1 := newHarness(t)
	h2 := newHarness(t)
	h1.srv.SetFaults(faults)
	h2.srv.SetFaults(faults)
	s1 := run(h1, h1.tok)
	s2 := run(h2, h2.tok)
	if !slices.Equal(s1, s2) {
		t.Errorf("same seed, different sequences:\n%v\n%v", s1, s2)
	}
	for _, want := range []int{200, 429, 503} {
		if !slices.Contains(s1, want) {
			t.Errorf("no %d among %v with 30%%/30%% faults", want, s1)
		}
	}
	// Setting the same faults again restarts the sequence.
	h1.srv.SetFaults(faults)
	if s3 := run(h1, h1.tok); !slices.Equal(s1, s3) {
		t.Errorf("SetFaults with the same seed again:\n%v\n%v", s1, s3)
	}
	// Another seed gives another sequence.
	other := faults
	other.Seed = 43
	h2.srv.SetFaults(other)
	if s4 := run(h2, h2.tok); slices.Equal(s1, s4) {
		t.Errorf("seeds 42 and 43 give the same %d statuses", n)
	}

	// Options.Faults seeds the same way (the requests are unauthenticated: faults come first).
	srv, err := server.New(server.Options{Faults: faults})
	if err != nil {
		t.Fatal(err)
	}
	ts := newTestServer(t, srv)
	h3 := &harness{t: t, srv: srv, ts: ts, client: ts.Client(), base: ts.URL}
	s5 := run(h3, "")
	for i := range s5 {
		if s5[i] == http.StatusUnauthorized {
			s5[i] = http.StatusOK
		}
	}
	if !slices.Equal(s1, s5) {
		t.Errorf("Options.Faults and SetFaults with the same seed differ:\n%v\n%v", s1, s5)
	}
}

func TestFaultDropAfterCommit(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	toPatch := strField(t, h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "to patch"}), "client_id")
	toDelete := strField(t, h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "to delete"}), "client_id")

	h.srv.SetFaults(server.Faults{DropAfterCommit: 1})
	// Reads are never dropped.
	expectStatus(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients", nil), http.StatusOK)

	writes := []struct {
		method, path string
		body         any
	}{
		{http.MethodPost, "/api/v2/clients", map[string]any{"name": "dropped but created"}},
		{http.MethodPatch, "/api/v2/clients/" + toPatch, map[string]any{"description": "patched"}},
		{http.MethodDelete, "/api/v2/clients/" + toDelete, nil},
	}
	for _, w := range writes {
		r, err := h.send(w.method, h.base+w.path, bearer(h.tok), w.body)
		if !isConnError(err) {
			t.Errorf("%s %s under DropAfterCommit=1: want a connection error, got %v %v", w.method, w.path, r, err)
		}
	}

	h.srv.SetFaults(server.Faults{})
	if findBy(h.mustList(h.base, h.tok, "/api/v2/clients"), "name", "dropped but created") == nil {
		t.Errorf("the dropped POST was not committed")
	}
	if got := h.mustGet(h.base, h.tok, "/api/v2/clients/"+toPatch); got["description"] != "patched" {
		t.Errorf("the dropped PATCH was not committed: %v", got)
	}
	expectAPIError(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients/"+toDelete, nil), http.StatusNotFound, "inexistent_client")
}
