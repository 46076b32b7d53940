// Command idp-server runs the local Management API emulator: a multi-tenant, Auth0-compatible
// Management API v2 and token endpoint for trying the provider and testing modules offline.
// On start it prints the environment a client needs to standard output, for
//
//	eval "$(idp-server -tls &)"
//
// and logs to standard error. `idp-server -h` lists its flags; docs/guides/idp-server.md is the guide.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case errors.Is(err, errUsage):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "idp-server:", err)
		os.Exit(1)
	}
}

// version is set by GoReleaser with -ldflags "-X main.version=...".
var version = "dev"

// currentVersion falls back to the module's version for a `go install module@version` binary.
func currentVersion() string {
	if version != "dev" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return version
}

// errUsage marks a bad command line, which the flag package has already reported.
var errUsage = errors.New("usage error")

const usageIntro = `Usage: idp-server [flags]

A local, multi-tenant emulator of an Auth0-style Management API v2 and its
OAuth 2.0 token endpoint, for trying terraform-provider-idp and testing
Terraform modules offline. Everything is kept in memory unless -data-dir
names a directory to keep it in.

The root tenant is served at the root URL, tenant t at <root>/tenants/t, each
with its own /oauth/token, /.well-known/jwks.json and /api/v2/. On start the
server prints what a client needs on standard output, logs go to standard
error, and it serves until SIGINT or SIGTERM, then shuts down gracefully:

  IDP_DOMAIN=http://127.0.0.1:8080
  IDP_CLIENT_ID=<the root admin client's id>
  IDP_CLIENT_SECRET=<its secret, only when this start generated it>
  IDP_SERVER_CLIENT_SECRET=<instead, with -client-public-key-file>
  SSL_CERT_FILE=<the CA certificate, with -tls only>

A secret you give is never printed. A generated one is printed by the start
that generates it: every start when everything is in memory, only the first
one with -data-dir (later starts keep it; give one with -client-secret-file
to replace it).

Flags:
`

const usageOutro = `
Server endpoints, under <root>/_idp/, never counted, limited or faulted:
  GET    /_idp/requests         request counts by tenant, method, route and
                                status; DELETE zeroes them.
  POST   /_idp/reset            the whole server back to its start state:
                                hosted tenants gone, the root's objects and
                                admin client as at start, counters zero.
  POST   /_idp/reset/<tenant>   one hosted tenant back to what its create
                                left, its management client included.
  GET    /_idp/health           200 {"status":"ok"}; needs no credentials.
All but the health check need the admin's id and secret as HTTP Basic
credentials (curl -u "$IDP_CLIENT_ID:$IDP_CLIENT_SECRET").

A failed login (a wrong client secret on a token endpoint, or wrong admin
credentials on /_idp/) is answered late: 125 ms, doubling with each further
failure of that client id from that address up to 1 s; a success clears it.

Guide: docs/guides/idp-server.md in the terraform-provider-idp repository.
`

// flagHelp describes every flag for -h, in order. The admin credentials' defaults may come
// from the environment and must not be printed.
var flagHelp = []struct{ name, arg, text string }{
	{"listen", "host:port", "Address to listen on. Port 0 picks a free port; the printed IDP_DOMAIN says which. Default: $IDP_SERVER_LISTEN, else 127.0.0.1:8080."},
	{"data-dir", "dir", "Keep tenants, objects, secrets and signing keys in dir (a single file, idp-server.db) across restarts; admin credentials not given are then those of the first start (or the secret it was last rotated to). At every start dir is made 0700 and the file 0600. Every acknowledged write is on disk. One server per directory. Default: $IDP_SERVER_DATA_DIR, else everything in memory."},
	{"public-url", "URL", "Pin the root base URL (e.g. https://idp.example:8443) instead of deriving it from each request's scheme and Host; for a server behind a proxy or port forward."},
	{"client-id", "id", "Client ID of the root tenant's admin application, which has every management scope: 32 letters and digits, as Auth0 issues client IDs. Default: $IDP_SERVER_CLIENT_ID, else generated."},
	{"client-secret", "secret", "Its client secret, at least 32 characters. Every user of the machine can read a command line (ps): prefer -client-secret-file or $IDP_SERVER_CLIENT_SECRET; this flag is kept for compatibility and warns. Default: $IDP_SERVER_CLIENT_SECRET, else generated."},
	{"client-secret-file", "path", "Read the client secret from the file at path (a trailing line end is dropped). Default: $IDP_SERVER_CLIENT_SECRET_FILE. A flag wins over the environment; give at most one of -client-secret and -client-secret-file, and set at most one of the two variables."},
	{"client-public-key-file", "path", "Make the admin application sign in at the token endpoint only with the private key of the RSA public key (PEM) in the file at path (private_key_jwt, RS256), so that no secret is used there; its secret then guards the /_idp/ endpoints alone, and a generated one is printed as IDP_SERVER_CLIENT_SECRET. Default: $IDP_SERVER_CLIENT_PUBLIC_KEY_FILE."},
	{"tls", "", "Serve HTTPS with a CA and a server certificate generated at start; the environment block then also has SSL_CERT_FILE, the CA to trust."},
	{"tls-ca-file", "path", "With -tls, write the CA certificate (PEM) to path and keep it. Default: a temporary file removed at shutdown."},
	{"rate-limit", "N", "Allow N requests per second per tenant (burst N). Every response then carries X-RateLimit-Limit, -Remaining and -Reset, and a refusal is a 429 with Retry-After. 0 is unlimited."},
	{"max-tenants", "N", "Refuse to create more than N hosted tenants (the root tenant aside): a create past it is answered 403 too_many_entities, as the real service answers one past its entity limits."},
	{"max-objects", "N", "Refuse to create more than N resource servers, N clients, N client grants or N connections in one tenant, counting the seeded Management API, its client and grant and the default connection; 403 too_many_entities too."},
	{"fault-429", "F", "Answer a fraction F (0 to 1) of requests with 429 and Retry-After: 1."},
	{"fault-5xx", "F", "Answer a fraction F (0 to 1) of requests with 503."},
	{"fault-latency", "D", "Add latency D (e.g. 50ms) to every request."},
	{"fault-drop", "F", "Commit a fraction F (0 to 1) of writes (POST, PATCH, DELETE), then close the connection without an answer."},
	{"fault-seed", "N", "Seed of the fault generator, so that a faulty run can be repeated."},
	{"healthcheck", "", "Do not serve: GET the health endpoint of the server at -listen (over HTTPS with -tls, certificate unchecked) and exit 0 if it answers 200, else 1. For container health checks."},
	{"version", "", "Print the version and exit."},
}

func usage(fs *flag.FlagSet) {
	w := fs.Output()
	fmt.Fprint(w, usageIntro)
	described := map[string]bool{}
	for _, h := range flagHelp {
		f := fs.Lookup(h.name)
		if f == nil {
			continue
		}
		described[h.name] = true
		text := h.text
		if def := f.DefValue; !envDefault[h.name] && def != "" && def != "0" && def != "0s" && def != "false" {
			text += " Default: " + def + "."
		}
		fmt.Fprintf(w, "  -%s\n", strings.TrimSpace(h.name+" "+h.arg))
		fmt.Fprintf(w, "%s", wrap(text, "      ", 78))
	}
	// A flag added without a description here still shows, marked.
	fs.VisitAll(func(f *flag.Flag) {
		if !described[f.Name] {
			fmt.Fprintf(w, "  -%s\n%s", f.Name, wrap(f.Usage+" "+undescribed, "      ", 78))
		}
	})
	fmt.Fprint(w, usageOutro)
}

// envDefault flags may default from the environment, which -h never prints (it may be a secret).
var envDefault = map[string]bool{"client-id": true, "client-secret": true, "client-secret-file": true, "listen": true, "data-dir": true,
	"client-public-key-file": true}

const undescribed = "(not described in -h yet)"

// wrap breaks text into lines of at most width characters, each indented.
func wrap(text, indent string, width int) string {
	var b, line strings.Builder
	for _, word := range strings.Fields(text) {
		if line.Len() > 0 && len(indent)+line.Len()+1+len(word) > width {
			b.WriteString(indent + line.String() + "\n")
			line.Reset()
		}
		if line.Len() > 0 {
			line.WriteByte(' ')
		}
		line.WriteString(word)
	}
	if line.Len() > 0 {
		b.WriteString(indent + line.String() + "\n")
	}
	return b.String()
}
