package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

type config struct {
	listen           string
	clientID         string
	clientSecret     string
	clientSecretFile string
	secretFrom       string // where a given secret comes from, for messages
	publicKeyFile    string
	publicKey        string // read from publicKeyFile
	publicURL        string
	tls              bool
	tlsCAFile        string
	rateLimit        int
	maxTenants       int
	maxObjects       int
	faults           server.Faults
	dataDir          string
	version          bool
	healthcheck      bool
}

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	cfg := &config{}
	fs := flag.NewFlagSet("idp-server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { usage(fs) }
	fs.StringVar(&cfg.listen, "listen", envOr("IDP_SERVER_LISTEN", "127.0.0.1:8080"), "address to listen on (`host:port`; port 0 picks a free port)")
	fs.StringVar(&cfg.dataDir, "data-dir", os.Getenv("IDP_SERVER_DATA_DIR"), "keep tenants, objects and keys in `dir` across restarts (default: in memory)")
	fs.BoolVar(&cfg.version, "version", false, "print the version and exit")
	fs.BoolVar(&cfg.healthcheck, "healthcheck", false, "check the health endpoint of the server at -listen and exit 0 or 1")
	fs.StringVar(&cfg.clientID, "client-id", os.Getenv("IDP_SERVER_CLIENT_ID"), "root admin client id (default $IDP_SERVER_CLIENT_ID, else generated)")
	fs.StringVar(&cfg.clientSecret, "client-secret", "", "root admin client secret (visible to other users: prefer -client-secret-file)")
	fs.StringVar(&cfg.clientSecretFile, "client-secret-file", "", "read the root admin client secret from `path` (default $IDP_SERVER_CLIENT_SECRET_FILE)")
	fs.StringVar(&cfg.publicKeyFile, "client-public-key-file", os.Getenv("IDP_SERVER_CLIENT_PUBLIC_KEY_FILE"), "the root admin signs in at the token endpoint only with the private key of the public key (PEM) at `path`")
	fs.StringVar(&cfg.publicURL, "public-url", "", "pin the root base `URL` instead of deriving it from each request's Host")
	fs.BoolVar(&cfg.tls, "tls", false, "serve HTTPS with a CA and server certificate generated at start")
	fs.StringVar(&cfg.tlsCAFile, "tls-ca-file", "", "with -tls, write the CA certificate (PEM) to `path` (default: a temporary file removed at shutdown)")
	fs.IntVar(&cfg.rateLimit, "rate-limit", 0, "requests per second allowed per tenant (`N`, burst N); 0 = unlimited")
	fs.IntVar(&cfg.maxTenants, "max-tenants", server.DefaultMaxTenants, "most hosted tenants (`N`)")
	fs.IntVar(&cfg.maxObjects, "max-objects", server.DefaultMaxObjects, "most resource servers, clients, client grants and connections per tenant, each (`N`)")
	fs.Float64Var(&cfg.faults.Rate429, "fault-429", 0, "fraction `F` of requests answered 429")
	fs.Float64Var(&cfg.faults.Rate5xx, "fault-5xx", 0, "fraction `F` of requests answered 503")
	fs.DurationVar(&cfg.faults.Latency, "fault-latency", 0, "latency `D` added to every request")
	fs.Float64Var(&cfg.faults.DropAfterCommit, "fault-drop", 0, "fraction `F` of writes committed and then answered by closing the connection")
	fs.Int64Var(&cfg.faults.Seed, "fault-seed", 1, "seed `N` of the fault RNG")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "idp-server: unexpected arguments: %s\n", strings.Join(fs.Args(), " "))
		fs.Usage()
		return nil, errUsage
	}
	if err := cfg.secretSource(fs, stderr); err != nil {
		return nil, err
	}
	if cfg.clientID != "" && !server.ValidClientID(cfg.clientID) {
		fmt.Fprintf(stderr, "idp-server: -client-id (default $IDP_SERVER_CLIENT_ID) %q is not a client ID as Auth0 issues them: "+
			"give %d letters and digits, or none to have one generated\n", cfg.clientID, server.ClientIDLength)
		return nil, errUsage
	}
	if cfg.tlsCAFile != "" && !cfg.tls {
		fmt.Fprintln(stderr, "idp-server: -tls-ca-file needs -tls")
		return nil, errUsage
	}
	if cfg.rateLimit < 0 {
		fmt.Fprintln(stderr, "idp-server: -rate-limit must not be negative")
		return nil, errUsage
	}
	if cfg.maxTenants < 1 || cfg.maxObjects < 1 {
		fmt.Fprintln(stderr, "idp-server: -max-tenants and -max-objects must be at least 1")
		return nil, errUsage
	}
	return cfg, nil
}

// Where a given admin secret may come from, besides -client-secret.
const (
	envSecret     = "IDP_SERVER_CLIENT_SECRET"
	envSecretFile = "IDP_SERVER_CLIENT_SECRET_FILE"
)

// secretSource settles where the admin secret comes from: a flag wins over the environment, two
// of one kind are a usage error, none means generated. -client-secret is kept with a warning:
// every user of the machine can read a command line.
func (cfg *config) secretSource(fs *flag.FlagSet, stderr io.Writer) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case set["client-secret"] && set["client-secret-file"]:
		fmt.Fprintln(stderr, "idp-server: give -client-secret or -client-secret-file, not both")
		return errUsage
	case set["client-secret"]:
		cfg.clientSecretFile, cfg.secretFrom = "", "-client-secret"
		if cfg.clientSecret != "" {
			fmt.Fprintln(stderr, "idp-server: warning: -client-secret is visible to every user of this machine "+
				"(ps, /proc); use -client-secret-file or $"+envSecret+" instead")
		}
	case set["client-secret-file"]:
		cfg.secretFrom = "-client-secret-file " + cfg.clientSecretFile
	default:
		file, secret := os.Getenv(envSecretFile), os.Getenv(envSecret)
		switch {
		case file != "" && secret != "":
			fmt.Fprintf(stderr, "idp-server: set $%s or $%s, not both\n", envSecret, envSecretFile)
			return errUsage
		case file != "":
			cfg.clientSecretFile, cfg.secretFrom = file, "$"+envSecretFile+" ("+file+")"
		case secret != "":
			cfg.clientSecret, cfg.secretFrom = secret, "$"+envSecret
		}
	}
	return nil
}

// loadSecret drops the line end an editor leaves, and checks a given secret's length; it also
// reads the admin's public key, which server.New checks.
func (cfg *config) loadSecret() error {
	if cfg.publicKeyFile != "" {
		b, err := os.ReadFile(cfg.publicKeyFile) //nolint:gosec // the file the operator named for the key
		if err != nil {
			return fmt.Errorf("reading the admin public key: %w", err)
		}
		cfg.publicKey = string(b)
	}
	if cfg.clientSecretFile != "" {
		b, err := os.ReadFile(cfg.clientSecretFile) //nolint:gosec // the file the operator named for the secret
		if err != nil {
			return fmt.Errorf("reading the admin secret (%s): %w", cfg.secretFrom, err)
		}
		cfg.clientSecret = strings.TrimRight(string(b), "\r\n")
		if cfg.clientSecret == "" {
			return fmt.Errorf("the admin secret file is empty (%s)", cfg.secretFrom)
		}
	}
	if n := utf8.RuneCountInString(cfg.clientSecret); n > 0 && n < server.MinAdminSecretLength {
		return fmt.Errorf("the admin secret (%s) has %d characters; it needs at least %d, or give none to have one generated",
			cfg.secretFrom, n, server.MinAdminSecretLength)
	}
	return nil
}

// run is the whole command minus process concerns, so that tests can drive it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	if cfg.version {
		_, err := fmt.Fprintf(stdout, "idp-server %s\n", currentVersion())
		return err
	}
	if cfg.healthcheck {
		return healthcheck(ctx, cfg)
	}
	if err := cfg.loadSecret(); err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	var store server.Store
	if cfg.dataDir != "" {
		st, err := server.OpenBoltStore(cfg.dataDir)
		if err != nil {
			return err
		}
		// Closed last, after the HTTP server has answered its last request.
		defer st.Close()
		store = st
		fmt.Fprintf(stderr, "idp-server: keeping data in %s\n", st.Path())
	}
	srv, err := server.New(serverOptions(cfg, store, logger))
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", cfg.listen)
	if err != nil {
		return err
	}
	defer ln.Close()
	addr := ln.Addr().(*net.TCPAddr)

	httpServer := newHTTPServer(srv, defaultTimeouts(cfg.faults.Latency), log.New(stderr, "http: ", log.LstdFlags))
	scheme := "http"
	var caFile string
	if cfg.tls {
		scheme = "https"
		host, _, _ := net.SplitHostPort(cfg.listen)
		cert, caPEM, err := generateCertificates(host)
		if err != nil {
			return err
		}
		caFile, err = writeCA(cfg.tlsCAFile, caPEM)
		if err != nil {
			return err
		}
		if cfg.tlsCAFile == "" {
			// Nobody asked for the file, so nobody keeps it.
			defer os.Remove(caFile)
		}
		httpServer.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}

	domain := cfg.publicURL
	if domain == "" {
		domain = scheme + "://" + net.JoinHostPort(displayHost(addr.IP), strconv.Itoa(addr.Port))
	}
	domain = strings.TrimSuffix(domain, "/")
	env := fmt.Sprintf("IDP_DOMAIN=%s\nIDP_CLIENT_ID=%s\n", domain, srv.AdminClientID())
	switch {
	case srv.AdminSecretGenerated() && cfg.publicKey != "":
		// Not a credential of the token endpoint: the provider would refuse it beside a key.
		env += envSecret + "=" + srv.AdminClientSecret() + "\n"
	case srv.AdminSecretGenerated():
		env += "IDP_CLIENT_SECRET=" + srv.AdminClientSecret() + "\n"
	}
	if caFile != "" {
		env += "SSL_CERT_FILE=" + caFile + "\n"
	}
	if _, err := io.WriteString(stdout, env); err != nil {
		return fmt.Errorf("writing the environment block: %w", err)
	}
	flush(stdout)
	fmt.Fprintln(stderr, "idp-server: "+secretNote(cfg, srv.AdminSecretGenerated()))
	fmt.Fprintf(stderr, "idp-server: listening on %s://%s\n", scheme, addr)

	serveErr := make(chan error, 1)
	go func() {
		if cfg.tls {
			serveErr <- httpServer.ServeTLS(ln, "", "")
		} else {
			serveErr <- httpServer.Serve(ln)
		}
	}()

	select {
	case err := <-serveErr:
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(stderr, "idp-server: shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := httpServer.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	if err := <-serveErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// serverOptions: unlike a server built in a test, the command slows down failed logins.
func serverOptions(cfg *config, store server.Store, logger *slog.Logger) server.Options {
	return server.Options{
		Store:             store,
		AdminClientID:     cfg.clientID,
		AdminClientSecret: cfg.clientSecret,
		AdminPublicKey:    cfg.publicKey,
		PublicURL:         cfg.publicURL,
		RateLimit:         cfg.rateLimit,
		MaxTenants:        cfg.maxTenants,
		MaxObjects:        cfg.maxObjects,
		Faults:            cfg.faults,
		Logger:            logger,
		FailedLoginDelay:  server.DefaultFailedLoginDelay,
	}
}

// secretNote says where the admin secret is. Only the start that generated it prints it, so that
// logs of other starts never hold a live one: in memory every start, with a data dir the first.
func secretNote(cfg *config, generated bool) string {
	switch {
	case generated && cfg.dataDir != "":
		return "the admin secret was generated and is kept in " + cfg.dataDir +
			"; it is printed on this start only: keep it, or give one with -client-secret-file"
	case generated:
		return "the admin secret was generated for this process and dies with it"
	case cfg.clientSecret != "":
		return "IDP_CLIENT_SECRET is the admin secret given by " + cfg.secretFrom + "; it is not printed"
	default:
		return "IDP_CLIENT_SECRET is the admin secret kept in " + cfg.dataDir +
			" (printed by the start that generated it, or the one last rotated to); it is not printed again. " +
			"Give one with -client-secret-file to replace it"
	}
}

// timeouts bound how long a connection may hold the server up.
type timeouts struct {
	readHeader time.Duration // the request line and headers
	read       time.Duration // the whole request, body included
	write      time.Duration // from the end of the headers to the end of the response
	idle       time.Duration // between requests on a kept-alive connection
}

// defaultTimeouts suit any honest local client: a body (at most 1 MiB) taking 30 s trickles on
// purpose. The write timeout allows a minute beyond the injected latency.
func defaultTimeouts(latency time.Duration) timeouts {
	return timeouts{
		readHeader: 10 * time.Second,
		read:       30 * time.Second,
		write:      time.Minute + latency,
		idle:       2 * time.Minute,
	}
}

// Without a read timeout, a trickling body would hold its connection and goroutine for ever.
func newHTTPServer(h http.Handler, t timeouts, errorLog *log.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: t.readHeader,
		ReadTimeout:       t.read,
		WriteTimeout:      t.write,
		IdleTimeout:       t.idle,
		ErrorLog:          errorLog,
	}
}

// displayHost: an unspecified address (listening everywhere) is reached through the loopback.
func displayHost(ip net.IP) string {
	switch {
	case ip == nil || (ip.IsUnspecified() && ip.To4() != nil):
		return "127.0.0.1"
	case ip.IsUnspecified():
		return "::1"
	}
	return ip.String()
}

// flush: whoever reads the environment block waits for it before doing anything.
func flush(w io.Writer) {
	switch f := w.(type) {
	case interface{ Flush() error }:
		_ = f.Flush()
	case interface{ Flush() }:
		f.Flush()
	}
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// healthcheck is for a container's HEALTHCHECK (distroless images have no curl). With -tls it
// does not verify the certificate: the CA is made at the server's start, and nothing secret is sent.
func healthcheck(ctx context.Context, cfg *config) error {
	host, port, err := net.SplitHostPort(cfg.listen)
	if err != nil {
		return fmt.Errorf("healthcheck: -listen %q: %w", cfg.listen, err)
	}
	if port == "0" {
		return errors.New("healthcheck: -listen must name the server's port, not 0")
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = displayHost(ip)
	}
	scheme := "http"
	transport := http.DefaultTransport.(*http.Transport).Clone()
	if cfg.tls {
		scheme = "https"
		transport.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // a liveness probe of our own address; see above
	}
	client := &http.Client{Timeout: 5 * time.Second, Transport: transport}
	url := scheme + "://" + net.JoinHostPort(host, port) + "/_idp/health"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %s", url, resp.Status)
	}
	return nil
}
