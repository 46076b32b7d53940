package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

// TestMain lets a test re-execute this binary as the real command, to see
// main's signal handling and exit status.
func TestMain(m *testing.M) {
	if os.Getenv("IDP_SERVER_RUN_MAIN") == "1" {
		os.Args = append([]string{"idp-server"}, strings.Fields(os.Getenv("IDP_SERVER_ARGS"))...)
		main()
		os.Exit(0)
	}
	// Tests say which settings they want; a developer's own do not leak in
	// (a given secret, for one, is not printed).
	for _, v := range []string{"IDP_SERVER_LISTEN", "IDP_SERVER_DATA_DIR", "IDP_SERVER_CLIENT_ID", envSecret, envSecretFile} {
		_ = os.Unsetenv(v)
	}
	os.Exit(m.Run())
}

// syncBuffer is a goroutine-safe stderr sink.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// readEnv reads NAME=value lines until every name in want is present.
func readEnv(t *testing.T, r *bufio.Reader, want ...string) map[string]string {
	t.Helper()
	env := map[string]string{}
	for {
		missing := false
		for _, w := range want {
			if _, ok := env[w]; !ok {
				missing = true
			}
		}
		if !missing {
			return env
		}
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("reading the environment block: %v (got %v)", err, env)
		}
		name, value, ok := strings.Cut(strings.TrimSuffix(line, "\n"), "=")
		if !ok || name == "" || value == "" {
			t.Fatalf("stdout line %q is not NAME=value", line)
		}
		env[name] = value
	}
}

// started is a command running in-process.
type started struct {
	env    map[string]string
	cancel context.CancelFunc
	done   chan error
	stderr *syncBuffer
	extra  chan string // stdout lines after the block
}

func start(t *testing.T, args []string, want ...string) *started {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	s := &started{cancel: cancel, done: make(chan error, 1), stderr: &syncBuffer{}, extra: make(chan string, 16)}
	go func() {
		err := run(ctx, args, pw, s.stderr)
		pw.Close()
		s.done <- err
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-s.done; err != nil {
			t.Errorf("idp-server stopped with an error: %v", err)
		}
	})
	br := bufio.NewReader(pr)
	s.env = readEnv(t, br, want...)
	// Keep draining, so that a stray write cannot block the command, and
	// remember what came, because stdout must hold only the block.
	go func() {
		defer close(s.extra)
		for {
			line, err := br.ReadString('\n')
			if line != "" {
				s.extra <- line
			}
			if err != nil {
				return
			}
		}
	}()
	return s
}

// stop cancels the command and checks that it exits cleanly with nothing
// else on stdout.
func (s *started) stop(t *testing.T) {
	t.Helper()
	s.cancel()
	select {
	case err := <-s.done:
		s.done <- err // for the cleanup
		if err != nil {
			t.Fatalf("run returned %v; stderr:\n%s", err, s.stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("run did not return after cancellation")
	}
	for line := range s.extra {
		t.Errorf("unexpected stdout line after the environment block: %q", line)
	}
}

// getToken asks the token endpoint with raw net/http.
func getToken(t *testing.T, client *http.Client, env map[string]string) {
	t.Helper()
	form := url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {env["IDP_CLIENT_ID"]},
		"client_secret": {env["IDP_CLIENT_SECRET"]},
		"audience":      {env["IDP_DOMAIN"] + "/api/v2/"},
	}
	resp, err := client.PostForm(env["IDP_DOMAIN"]+"/oauth/token", form)
	if err != nil {
		t.Fatalf("token request: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("token request: %d %s", resp.StatusCode, body)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		Scope       string `json:"scope"`
	}
	if err := json.Unmarshal(body, &tok); err != nil {
		t.Fatalf("decoding %s: %v", body, err)
	}
	if tok.AccessToken == "" || tok.TokenType != "Bearer" || !strings.Contains(tok.Scope, "create:tenants") {
		t.Fatalf("unexpected token response %s", body)
	}

	// The token works on the Management API.
	req, _ := http.NewRequest(http.MethodGet, env["IDP_DOMAIN"]+"/api/v2/clients", nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	resp2, err := client.Do(req)
	if err != nil {
		t.Fatalf("listing clients: %v", err)
	}
	defer resp2.Body.Close()
	if resp2.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp2.Body)
		t.Fatalf("listing clients: %d %s", resp2.StatusCode, b)
	}
}

func TestRunPlain(t *testing.T) {
	t.Setenv(envSecret, "")
	t.Setenv(envSecretFile, "")
	const secret = "s3cret/with+chars-0123456789-0123456789"
	s := start(t, []string{"-listen", "127.0.0.1:0", "-client-id", "MyAdminClient0000000000000000001", "-client-secret", secret},
		"IDP_DOMAIN", "IDP_CLIENT_ID")
	if !strings.HasPrefix(s.env["IDP_DOMAIN"], "http://127.0.0.1:") || strings.HasSuffix(s.env["IDP_DOMAIN"], ":0") {
		t.Errorf("IDP_DOMAIN = %q", s.env["IDP_DOMAIN"])
	}
	if s.env["IDP_CLIENT_ID"] != "MyAdminClient0000000000000000001" {
		t.Errorf("IDP_CLIENT_ID = %q", s.env["IDP_CLIENT_ID"])
	}
	s.env["IDP_CLIENT_SECRET"] = secret
	getToken(t, &http.Client{Timeout: 30 * time.Second}, s.env)
	s.stop(t) // also: no IDP_CLIENT_SECRET line
	stderr := s.stderr.String()
	if !strings.Contains(stderr, "listening on") {
		t.Errorf("stderr lacks the listening line:\n%s", stderr)
	}
	if !strings.Contains(stderr, "warning: -client-secret is visible to every user of this machine") {
		t.Errorf("stderr lacks the warning about -client-secret:\n%s", stderr)
	}
	if strings.Contains(stderr, secret) {
		t.Errorf("stderr shows the secret:\n%s", stderr)
	}
}

// A secret given in a file or the environment is taken as the admin's,
// without a warning, and is never printed; a flag wins over the
// environment. The file's line end is dropped.
func TestRunGivenSecretNotPrinted(t *testing.T) {
	const secret, other = "given-secret-0123456789-0123456789", "other-secret-0123456789-0123456789"
	file := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(file, []byte(secret+"\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	otherFile := filepath.Join(t.TempDir(), "other")
	if err := os.WriteFile(otherFile, []byte(other), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		args         []string
		env, envFile string
	}{
		"-client-secret-file":                         {args: []string{"-client-secret-file", file}},
		"$IDP_SERVER_CLIENT_SECRET_FILE":              {envFile: file},
		"$IDP_SERVER_CLIENT_SECRET":                   {env: secret},
		"-client-secret-file over $..._FILE and $...": {args: []string{"-client-secret-file", file}, env: other, envFile: otherFile},
	} {
		t.Run(name, func(t *testing.T) {
			t.Setenv(envSecret, c.env)
			t.Setenv(envSecretFile, c.envFile)
			s := start(t, append([]string{"-listen", "127.0.0.1:0"}, c.args...), "IDP_DOMAIN", "IDP_CLIENT_ID")
			s.env["IDP_CLIENT_SECRET"] = secret
			getToken(t, &http.Client{Timeout: 30 * time.Second}, s.env)
			s.stop(t) // also: no IDP_CLIENT_SECRET line
			stderr := s.stderr.String()
			if strings.Contains(stderr, secret) || strings.Contains(stderr, "warning") {
				t.Errorf("stderr shows the secret or a warning:\n%s", stderr)
			}
			if !strings.Contains(stderr, "it is not printed") {
				t.Errorf("stderr does not say where the secret is:\n%s", stderr)
			}
		})
	}
}

// Ambiguous, unreadable, empty or short secrets are refused before the
// server starts, with a message naming where the secret came from.
func TestRunRefusesBadSecrets(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	long := strings.Repeat("x", 32)
	short, empty := write("short", "0123456789\n"), write("empty", "\n")
	for name, c := range map[string]struct {
		args          []string
		env, envFile  string
		usage         bool
		message, from string
	}{
		"both flags":     {args: []string{"-client-secret", long, "-client-secret-file", short}, usage: true},
		"both variables": {env: long, envFile: short, usage: true},
		"short flag":     {args: []string{"-client-secret", "x"}, message: "has 1 characters; it needs at least 32", from: "-client-secret"},
		"short file":     {args: []string{"-client-secret-file", short}, message: "has 10 characters", from: short},
		"short variable": {env: "0123456789", message: "has 10 characters", from: "$IDP_SERVER_CLIENT_SECRET"},
		"empty file":     {envFile: empty, message: "is empty", from: empty},
		"missing file":   {args: []string{"-client-secret-file", filepath.Join(dir, "nope")}, message: "no such file", from: "nope"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Setenv(envSecret, c.env)
			t.Setenv(envSecretFile, c.envFile)
			var stdout, stderr syncBuffer
			err := run(t.Context(), append([]string{"-listen", "127.0.0.1:0"}, c.args...), &stdout, &stderr)
			switch {
			case c.usage && !errors.Is(err, errUsage):
				t.Errorf("run = %v, want a usage error", err)
			case !c.usage && (err == nil || !strings.Contains(err.Error(), c.message) || !strings.Contains(err.Error(), c.from)):
				t.Errorf("run = %v, want an error saying %q about %s", err, c.message, c.from)
			}
			if stdout.String() != "" {
				t.Errorf("stdout: %q", stdout.String())
			}
		})
	}
}

// A generated secret is printed by the start that generated it: with a data
// dir, the first only; later starts keep it without printing it, and a
// secret given later replaces it.
func TestRunGeneratedSecretPrintedOnce(t *testing.T) {
	t.Setenv(envSecret, "")
	t.Setenv(envSecretFile, "")
	dir := t.TempDir()
	args := []string{"-listen", "127.0.0.1:0", "-data-dir", dir}
	client := &http.Client{Timeout: 30 * time.Second}

	first := start(t, args, "IDP_DOMAIN", "IDP_CLIENT_ID", "IDP_CLIENT_SECRET")
	secret := first.env["IDP_CLIENT_SECRET"]
	first.stop(t)
	if !strings.Contains(first.stderr.String(), "printed on this start only") {
		t.Errorf("the first start does not say the secret is printed once:\n%s", first.stderr.String())
	}

	second := start(t, args, "IDP_DOMAIN", "IDP_CLIENT_ID")
	second.env["IDP_CLIENT_SECRET"] = secret
	getToken(t, client, second.env)
	second.stop(t) // also: no IDP_CLIENT_SECRET line
	if msg := second.stderr.String(); strings.Contains(msg, secret) || !strings.Contains(msg, "it is not printed again") {
		t.Errorf("the second start's stderr:\n%s", msg)
	}

	file := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(file, []byte("replaced-secret-0123456789-0123456789"), 0o600); err != nil {
		t.Fatal(err)
	}
	third := start(t, append(args, "-client-secret-file", file), "IDP_DOMAIN", "IDP_CLIENT_ID")
	third.env["IDP_CLIENT_SECRET"] = "replaced-secret-0123456789-0123456789"
	if third.env["IDP_CLIENT_ID"] != first.env["IDP_CLIENT_ID"] {
		t.Errorf("the admin id changed: %s, then %s", first.env["IDP_CLIENT_ID"], third.env["IDP_CLIENT_ID"])
	}
	getToken(t, client, third.env)
	client.CloseIdleConnections()
	third.stop(t)
}

// -client-id and $IDP_SERVER_CLIENT_ID take a client ID as Auth0 issues them, 32 letters and
// digits: any other is a usage error naming the value and the form, before anything starts.
func TestRunRefusesBadClientID(t *testing.T) {
	t.Setenv(envSecret, "")
	t.Setenv(envSecretFile, "")
	for name, c := range map[string]struct {
		args []string
		env  string
	}{
		"flag":          {args: []string{"-client-id", "admin"}},
		"variable":      {env: "admin"},
		"31 characters": {args: []string{"-client-id", strings.Repeat("a", 31)}},
		"a dash":        {args: []string{"-client-id", "my-admin-client-0123456789abcdef"}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Setenv("IDP_SERVER_CLIENT_ID", c.env)
			id := c.env
			if c.args != nil {
				id = c.args[1]
			}
			var stdout, stderr syncBuffer
			err := run(t.Context(), append([]string{"-listen", "127.0.0.1:0"}, c.args...), &stdout, &stderr)
			want := fmt.Sprintf("idp-server: -client-id (default $IDP_SERVER_CLIENT_ID) %q is not a client ID as Auth0 issues them: "+
				"give 32 letters and digits, or none to have one generated\n", id)
			if !errors.Is(err, errUsage) || stderr.String() != want {
				t.Errorf("run = %v, stderr %q; want a usage error saying %q", err, stderr.String(), want)
			}
			if stdout.String() != "" {
				t.Errorf("stdout: %q", stdout.String())
			}
		})
	}
}

func TestRunGeneratedCredentialsFromEnv(t *testing.T) {
	t.Setenv("IDP_SERVER_CLIENT_ID", "FromEnvAdminClient00000000000001")
	t.Setenv("IDP_SERVER_CLIENT_SECRET", "")
	s := start(t, []string{"-listen", "127.0.0.1:0"}, "IDP_DOMAIN", "IDP_CLIENT_ID", "IDP_CLIENT_SECRET")
	if s.env["IDP_CLIENT_ID"] != "FromEnvAdminClient00000000000001" {
		t.Errorf("IDP_CLIENT_ID = %q, want the environment's", s.env["IDP_CLIENT_ID"])
	}
	if len(s.env["IDP_CLIENT_SECRET"]) != 64 {
		t.Errorf("generated secret %q is not 64 characters", s.env["IDP_CLIENT_SECRET"])
	}
	getToken(t, &http.Client{Timeout: 30 * time.Second}, s.env)
	s.stop(t)
}

func tlsClient(t *testing.T, caFile string) *http.Client {
	t.Helper()
	pem, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatalf("reading the CA: %v", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("%s holds no certificate", caFile)
	}
	return &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
	}
}

func TestRunTLS(t *testing.T) {
	s := start(t, []string{"-listen", "127.0.0.1:0", "-tls"},
		"IDP_DOMAIN", "IDP_CLIENT_ID", "IDP_CLIENT_SECRET", "SSL_CERT_FILE")
	if !strings.HasPrefix(s.env["IDP_DOMAIN"], "https://127.0.0.1:") {
		t.Errorf("IDP_DOMAIN = %q", s.env["IDP_DOMAIN"])
	}
	caFile := s.env["SSL_CERT_FILE"]
	client := tlsClient(t, caFile)
	getToken(t, client, s.env)

	// The certificate also covers localhost.
	local := map[string]string{}
	for k, v := range s.env {
		local[k] = v
	}
	local["IDP_DOMAIN"] = strings.Replace(s.env["IDP_DOMAIN"], "127.0.0.1", "localhost", 1)
	getToken(t, client, local)

	// Without trusting the CA, the connection is refused.
	_, err := (&http.Client{Timeout: 30 * time.Second}).Get(s.env["IDP_DOMAIN"] + "/.well-known/jwks.json")
	var unknown x509.UnknownAuthorityError
	if !errors.As(err, &unknown) {
		t.Errorf("untrusted request: err = %v, want an unknown authority error", err)
	}

	client.CloseIdleConnections()
	s.stop(t)
	if _, err := os.Stat(caFile); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temporary CA file %s still there after shutdown (err %v)", caFile, err)
	}
}

func TestRunTLSCAFile(t *testing.T) {
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	s := start(t, []string{"-listen", "127.0.0.1:0", "-tls", "-tls-ca-file", caFile},
		"IDP_DOMAIN", "IDP_CLIENT_ID", "IDP_CLIENT_SECRET", "SSL_CERT_FILE")
	if s.env["SSL_CERT_FILE"] != caFile {
		t.Errorf("SSL_CERT_FILE = %q, want %q", s.env["SSL_CERT_FILE"], caFile)
	}
	client := tlsClient(t, caFile)
	getToken(t, client, s.env)
	client.CloseIdleConnections()
	s.stop(t)
	if _, err := os.Stat(caFile); err != nil {
		t.Errorf("requested CA file removed at shutdown: %v", err)
	}
}

// Every start makes the data directory and file private, whatever modes
// they had: the file holds every secret and signing key.
func TestRunTightensDataDir(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix file modes")
	}
	dir := filepath.Join(t.TempDir(), "data")
	file := filepath.Join(dir, server.DataFileName)
	args := []string{"-listen", "127.0.0.1:0", "-data-dir", dir, "-client-secret-file", filepath.Join(t.TempDir(), "secret")}
	if err := os.WriteFile(args[len(args)-1], []byte(strings.Repeat("s", 40)), 0o600); err != nil {
		t.Fatal(err)
	}
	start(t, args, "IDP_DOMAIN", "IDP_CLIENT_ID").stop(t)
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(file, 0o644); err != nil {
		t.Fatal(err)
	}
	start(t, args, "IDP_DOMAIN", "IDP_CLIENT_ID").stop(t)
	for path, want := range map[string]os.FileMode{dir: 0o700, file: 0o600} {
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s after a start: %v, %v; want mode %o", path, fi.Mode(), err, want)
		}
	}
}

func TestRunPublicURL(t *testing.T) {
	s := start(t, []string{"-listen", "127.0.0.1:0", "-public-url", "https://idp.example:8443/"},
		"IDP_DOMAIN", "IDP_CLIENT_ID", "IDP_CLIENT_SECRET")
	if s.env["IDP_DOMAIN"] != "https://idp.example:8443" {
		t.Errorf("IDP_DOMAIN = %q", s.env["IDP_DOMAIN"])
	}
	s.stop(t)
}

func TestRunBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-no-such-flag"},
		{"-tls-ca-file", "x.pem"},
		{"-rate-limit", "-1"},
		{"-max-tenants", "0"},
		{"-max-objects", "-1"},
		{"extra"},
	} {
		var stderr syncBuffer
		err := run(t.Context(), args, io.Discard, &stderr)
		if !errors.Is(err, errUsage) {
			t.Errorf("run(%q) = %v, want a usage error", args, err)
		}
	}
	var stderr syncBuffer
	if err := run(t.Context(), []string{"-fault-429", "2", "-listen", "127.0.0.1:0"}, io.Discard, &stderr); err == nil {
		t.Error("run accepted -fault-429 2")
	}
}

// -max-objects and -max-tenants reach the server: with room for two clients, the admin
// client and one more fill the root tenant, and the next create is refused as the real
// service refuses it; likewise the second tenant with room for one.
func TestRunMaxObjects(t *testing.T) {
	s := start(t, []string{"-listen", "127.0.0.1:0", "-max-objects", "2", "-max-tenants", "1"},
		"IDP_DOMAIN", "IDP_CLIENT_ID", "IDP_CLIENT_SECRET")
	client := &http.Client{Timeout: 30 * time.Second}
	tok := rootToken(t, client, s.env)
	post := func(path, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, s.env["IDP_DOMAIN"]+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("POST %s: %v", path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if status, body := post("/api/v2/clients", `{"name":"second"}`); status != http.StatusCreated {
		t.Fatalf("second client: %d %s", status, body)
	}
	if status, body := post("/api/v2/clients", `{"name":"third"}`); status != http.StatusForbidden || !strings.Contains(body, `"errorCode":"too_many_entities"`) {
		t.Errorf("third client: %d %s, want 403 too_many_entities", status, body)
	}
	if status, body := post("/api/v2/tenants", `{"name":"first"}`); status != http.StatusCreated {
		t.Fatalf("first tenant: %d %s", status, body)
	}
	if status, body := post("/api/v2/tenants", `{"name":"second"}`); status != http.StatusForbidden || !strings.Contains(body, `"errorCode":"too_many_entities"`) {
		t.Errorf("second tenant: %d %s, want 403 too_many_entities", status, body)
	}
	s.stop(t)
}

// rootToken gets a root management token with the printed credentials.
func rootToken(t *testing.T, client *http.Client, env map[string]string) string {
	t.Helper()
	resp, err := client.PostForm(env["IDP_DOMAIN"]+"/oauth/token", url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {env["IDP_CLIENT_ID"]},
		"client_secret": {env["IDP_CLIENT_SECRET"]},
		"audience":      {env["IDP_DOMAIN"] + "/api/v2/"},
	})
	if err != nil {
		t.Fatalf("token request: %v", err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("token response %d: %v", resp.StatusCode, err)
	}
	return tok.AccessToken
}

// A request whose body trickles in is cut off once the read timeout has passed, instead of
// holding its connection for ever; an honest request on the same server is answered.
func TestReadTimeoutCutsSlowBody(t *testing.T) {
	srv, err := server.New(server.Options{})
	if err != nil {
		t.Fatal(err)
	}
	to := defaultTimeouts(0)
	to.read = 300 * time.Millisecond
	hs := newHTTPServer(srv, to, log.New(io.Discard, "", 0))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	t.Cleanup(func() {
		_ = hs.Close()
		if err := <-served; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("Serve: %v", err)
		}
	})
	addr := ln.Addr().String()

	// The honest request: a whole form body at once.
	form := "grant_type=client_credentials&client_id=" + url.QueryEscape(srv.AdminClientID()) +
		"&client_secret=" + url.QueryEscape(srv.AdminClientSecret()) + "&audience=" + url.QueryEscape("http://"+addr+"/api/v2/")
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Post("http://"+addr+"/oauth/token", "application/x-www-form-urlencoded", strings.NewReader(form))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("honest token request: %d", resp.StatusCode)
	}

	// The slow one: headers and a tenth of the body, then nothing more.
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	head := "POST /oauth/token HTTP/1.1\r\nHost: " + addr + "\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
		"Content-Length: " + strconv.Itoa(len(form)) + "\r\n\r\n"
	if _, err := io.WriteString(conn, head+form[:len(form)/10]); err != nil {
		t.Fatal(err)
	}
	// Read until the server closes the connection. The deadline only keeps a broken
	// server from hanging the test; the server's own timeout is what ends the read.
	start := time.Now()
	if err := conn.SetReadDeadline(start.Add(30 * time.Second)); err != nil {
		t.Fatal(err)
	}
	answer, err := io.ReadAll(conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the server still held the connection after %v; it answered %q", time.Since(start), answer)
	}
	if strings.Contains(string(answer), " 200 ") {
		t.Errorf("the cut-off request was answered as a success: %q", answer)
	}
}

// The command slows down failed logins, as a server built in a test does not.
func TestServerOptionsSlowFailedLogins(t *testing.T) {
	cfg, err := parseFlags(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if got := serverOptions(cfg, nil, nil).FailedLoginDelay; got != server.DefaultFailedLoginDelay {
		t.Errorf("FailedLoginDelay = %v, want %v", got, server.DefaultFailedLoginDelay)
	}
}

func TestDefaultTimeouts(t *testing.T) {
	for _, latency := range []time.Duration{0, 5 * time.Second} {
		to := defaultTimeouts(latency)
		if to.readHeader <= 0 || to.read <= 0 || to.idle <= 0 || to.write < latency+30*time.Second {
			t.Errorf("defaultTimeouts(%v) = %+v: every timeout must be set, and writes must outlast the latency", latency, to)
		}
		hs := newHTTPServer(http.NotFoundHandler(), to, nil)
		if hs.ReadHeaderTimeout != to.readHeader || hs.ReadTimeout != to.read || hs.WriteTimeout != to.write || hs.IdleTimeout != to.idle {
			t.Errorf("newHTTPServer does not apply %+v: %+v", to, hs)
		}
	}
}

// TestMainSignal runs the real main in a child process and stops it with
// SIGTERM, as a user's shell or CI would.
func TestMainSignal(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "IDP_SERVER_RUN_MAIN=1", "IDP_SERVER_ARGS=-listen 127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	env := readEnv(t, bufio.NewReader(stdout), "IDP_DOMAIN", "IDP_CLIENT_ID", "IDP_CLIENT_SECRET")
	getToken(t, &http.Client{Timeout: 30 * time.Second}, env)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v; stderr:\n%s", err, stderr.String())
	}
}
