package idptest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"testing"

	"github.com/idp-terraform/terraform-provider-idp/idptest"
)

func token(t *testing.T, client *http.Client, srv *idptest.Server) *http.Response {
	t.Helper()
	resp, err := client.PostForm(srv.URL+"/oauth/token", url.Values{
		"grant_type": {"client_credentials"}, "client_id": {srv.ClientID}, "client_secret": {srv.ClientSecret},
		"audience": {srv.URL + "/api/v2/"},
	})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func TestNewServer(t *testing.T) {
	srv := idptest.NewServer(t)
	if srv.ClientID == "" || srv.ClientSecret == "" || srv.Certificate != nil || srv.CertPool != nil {
		t.Fatalf("server %+v", srv)
	}
	env := srv.Env()
	if env["IDP_DOMAIN"] != srv.URL || env["IDP_CLIENT_ID"] != srv.ClientID || env["IDP_CLIENT_SECRET"] != srv.ClientSecret || len(env) != 3 {
		t.Errorf("Env() = %v", env)
	}
	if resp := token(t, srv.Client(), srv); resp.StatusCode != http.StatusOK {
		t.Fatalf("token: %s", resp.Status)
	}
	if n := srv.Requests(); n != 1 {
		t.Errorf("Requests() = %d, want 1", n)
	}
	srv.ResetRequests()
	if n := srv.Requests(); n != 0 {
		t.Errorf("Requests() after ResetRequests = %d", n)
	}
	// Closed at the end of the test: nothing to do here.
}

func TestTLS(t *testing.T) {
	srv := idptest.NewServer(t, idptest.WithTLS())
	if srv.CertPool == nil || srv.Certificate == nil || srv.Env()["SSL_CERT_FILE"] == "" {
		t.Fatalf("TLS server without a certificate: %+v", srv)
	}
	if _, err := os.Stat(srv.CAFile); err != nil {
		t.Fatal(err)
	}
	if resp := token(t, srv.Client(), srv); resp.StatusCode != http.StatusOK {
		t.Fatalf("token over TLS: %s", resp.Status)
	}
	// A client that trusts nothing is refused.
	if _, err := http.Get(srv.URL + "/_idp/health"); err == nil {
		t.Error("a client without the certificate reached the server")
	}
}

func TestRateLimitAndFaults(t *testing.T) {
	srv := idptest.NewServer(t, idptest.WithRateLimit(1), idptest.WithAdminCredentials("RateLimitedAdmin0000000000000001", "a-secret-of-at-least-32-characters"))
	client := srv.Client()
	token(t, client, srv)
	if resp := token(t, client, srv); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("second request under a limit of 1/s: %s", resp.Status)
	}
	srv.SetRateLimit(0)
	srv.SetFaults(idptest.Faults{Rate5xx: 1})
	if resp := token(t, client, srv); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("with every request faulted: %s", resp.Status)
	}
	srv.SetFaults(idptest.Faults{})
	if resp := token(t, client, srv); resp.StatusCode != http.StatusOK {
		t.Errorf("faults off: %s", resp.Status)
	}
}

func TestDataDir(t *testing.T) {
	dir := t.TempDir()
	first, err := idptest.Start(idptest.WithDataDir(dir))
	if err != nil {
		t.Fatal(err)
	}
	id, secret := first.ClientID, first.ClientSecret
	if _, err := idptest.Start(idptest.WithDataDir(dir)); err == nil {
		t.Error("a second server on the same data dir started")
	}
	first.Close()
	second := idptest.NewServer(t, idptest.WithDataDir(dir))
	if second.ClientID != id || second.ClientSecret != secret {
		t.Error("admin credentials not kept in the data dir")
	}
	resp, err := second.Client().Get(second.URL + "/_idp/health")
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]string
	_ = json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if body["status"] != "ok" {
		t.Errorf("health: %v", body)
	}
}

func TestResetTenant(t *testing.T) {
	srv := idptest.NewServer(t)
	srv.Reset()
	// A tenant that does not exist fails the test; check it on a stand-in
	// that records instead of failing.
	ft := &fakeTB{TB: t}
	func() {
		defer func() { _ = recover() }()
		srv2 := idptest.NewServer(ft)
		srv2.ResetTenant("nope")
	}()
	if !ft.failed {
		t.Error("ResetTenant of an unknown tenant did not fail the test")
	}
}

// fakeTB records Fatalf instead of ending the test.
type fakeTB struct {
	testing.TB
	failed bool
}

func (f *fakeTB) Fatalf(string, ...any) { f.failed = true; panic("fatal") }
