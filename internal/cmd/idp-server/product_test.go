package main

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestVersion(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run(t.Context(), []string{"-version"}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if got := stdout.String(); got != "idp-server dev\n" {
		t.Errorf("-version printed %q", got)
	}
	old := version
	version = "1.2.3"
	defer func() { version = old }()
	stdout.Reset()
	if err := run(t.Context(), []string{"-version"}, &stdout, &stderr); err != nil || stdout.String() != "idp-server 1.2.3\n" {
		t.Errorf("-version with ldflags printed %q, %v", stdout.String(), err)
	}
}

func TestHealthcheck(t *testing.T) {
	for _, tls := range []bool{false, true} {
		args := []string{"-listen", "127.0.0.1:0"}
		if tls {
			args = append(args, "-tls")
		}
		want := []string{"IDP_DOMAIN", "IDP_CLIENT_ID", "IDP_CLIENT_SECRET"}
		if tls {
			want = append(want, "SSL_CERT_FILE")
		}
		s := start(t, args, want...)
		u, err := url.Parse(s.env["IDP_DOMAIN"])
		if err != nil {
			t.Fatal(err)
		}
		check := []string{"-healthcheck", "-listen", "0.0.0.0:" + u.Port()}
		if tls {
			check = append(check, "-tls")
		}
		if err := run(t.Context(), check, io.Discard, io.Discard); err != nil {
			t.Errorf("-healthcheck (tls %v) against a running server: %v", tls, err)
		}
		s.stop(t)
		if err := run(t.Context(), check, io.Discard, io.Discard); err == nil {
			t.Errorf("-healthcheck (tls %v) against a stopped server succeeded", tls)
		}
	}
	if err := run(t.Context(), []string{"-healthcheck", "-listen", "127.0.0.1:0"}, io.Discard, io.Discard); err == nil {
		t.Error("-healthcheck with port 0 succeeded")
	}
}

// With -data-dir, a restart keeps the objects and the same admin
// credentials; a second server on the same directory is refused.
func TestRunDataDir(t *testing.T) {
	dir := t.TempDir()
	client := &http.Client{Timeout: 30 * time.Second}
	s := start(t, []string{"-listen", "127.0.0.1:0", "-data-dir", dir}, "IDP_DOMAIN", "IDP_CLIENT_ID", "IDP_CLIENT_SECRET")
	tok := rootToken(t, client, s.env)
	req, _ := http.NewRequest(http.MethodPost, s.env["IDP_DOMAIN"]+"/api/v2/clients", strings.NewReader(`{"name":"survivor"}`))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: %s", resp.Status)
	}

	var stderr bytes.Buffer
	err = run(t.Context(), []string{"-listen", "127.0.0.1:0", "-data-dir", dir}, io.Discard, &stderr)
	if err == nil || !strings.Contains(err.Error(), "is in use by another idp-server") {
		t.Errorf("a second server on the same data dir: %v", err)
	}
	s.stop(t)

	// The restart keeps the admin's credentials and prints the secret no
	// more: the first start did.
	s2 := start(t, []string{"-listen", "127.0.0.1:0", "-data-dir", dir}, "IDP_DOMAIN", "IDP_CLIENT_ID")
	if s2.env["IDP_CLIENT_ID"] != s.env["IDP_CLIENT_ID"] {
		t.Errorf("the admin client id changed across a restart")
	}
	s2.env["IDP_CLIENT_SECRET"] = s.env["IDP_CLIENT_SECRET"]
	req, _ = http.NewRequest(http.MethodGet, s2.env["IDP_DOMAIN"]+"/api/v2/clients", nil)
	req.Header.Set("Authorization", "Bearer "+rootToken(t, client, s2.env))
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `"survivor"`) {
		t.Errorf("the client did not survive the restart: %s", body)
	}
	s2.stop(t)
}
