package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/idp-terraform/terraform-provider-idp/internal/devtf"
)

// serverEnv is idp-server's start block plus the admin secret the demo gave it (idp-server
// never prints a secret it was given).
type serverEnv struct {
	Domain       string // IDP_DOMAIN
	ClientID     string // IDP_CLIENT_ID
	ClientSecret string // the demo's, IDP_CLIENT_SECRET to Terraform
	SSLCertFile  string // SSL_CERT_FILE, only under -tls
}

// parseEnvBlock stops once IDP_DOMAIN and IDP_CLIENT_ID have been seen: the stream stays open
// while the server runs.
func parseEnvBlock(r io.Reader) (serverEnv, error) {
	var env serverEnv
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		key, value, ok := strings.Cut(strings.TrimSpace(sc.Text()), "=")
		if !ok {
			continue
		}
		switch key {
		case "IDP_DOMAIN":
			env.Domain = value
		case "IDP_CLIENT_ID":
			env.ClientID = value
		case "SSL_CERT_FILE":
			env.SSLCertFile = value
		}
		if env.Domain != "" && env.ClientID != "" {
			return env, nil
		}
	}
	if err := sc.Err(); err != nil {
		return env, err
	}
	var missing []string
	for _, v := range []struct{ name, value string }{
		{"IDP_DOMAIN", env.Domain}, {"IDP_CLIENT_ID", env.ClientID},
	} {
		if v.value == "" {
			missing = append(missing, v.name)
		}
	}
	return env, fmt.Errorf("the output ended without %s", strings.Join(missing, ", "))
}

// terraformEnv is the caller's environment, scrubbed, plus the CLI configuration and the variables.
func terraformEnv(environ []string, cliConfigPath string, env serverEnv) []string {
	out := devtf.ScrubEnv(environ)
	out = append(out,
		"TF_CLI_CONFIG_FILE="+cliConfigPath,
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
		"CHECKPOINT_DISABLE=1",
		"TF_VAR_domain="+env.Domain,
		"TF_VAR_client_id="+env.ClientID,
		"TF_VAR_client_secret="+env.ClientSecret,
	)
	if env.SSLCertFile != "" {
		out = append(out, "SSL_CERT_FILE="+env.SSLCertFile)
	}
	return out
}

// copyConfig leaves out what a previous run left (.terraform, state, lock file). Both directories
// are opened as an os.Root, so that no name can resolve outside them (a symlink swapped in, say).
func copyConfig(src, dst string) error {
	from, err := os.OpenRoot(src)
	if err != nil {
		return err
	}
	defer from.Close()
	if err := os.MkdirAll(dst, 0o700); err != nil {
		return err
	}
	to, err := os.OpenRoot(dst)
	if err != nil {
		return err
	}
	defer to.Close()
	return fs.WalkDir(from.FS(), ".", func(rel string, entry fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := entry.Name()
		if rel != "." && (name == ".terraform" || name == ".terraform.lock.hcl" ||
			strings.HasPrefix(name, "terraform.tfstate")) {
			if entry.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if entry.IsDir() {
			return to.MkdirAll(rel, 0o700)
		}
		if !entry.Type().IsRegular() {
			return nil
		}
		b, err := from.ReadFile(rel)
		if err != nil {
			return err
		}
		return to.WriteFile(rel, b, 0o600)
	})
}

// quickstartOutputs are the outputs of examples/quickstart.
type quickstartOutputs struct {
	TenantDomain   string   `json:"tenant_domain"`
	APIIdentifier  string   `json:"api_identifier"`
	GrantScopes    []string `json:"grant_scopes"`
	Token          string   `json:"token"`
	TokenExpiresAt string   `json:"token_expires_at"`
}

// parseOutputs reads `terraform output -json`.
func parseOutputs(raw []byte) (quickstartOutputs, error) {
	var all map[string]struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(raw, &all); err != nil {
		return quickstartOutputs{}, fmt.Errorf("reading terraform output -json: %w", err)
	}
	values := map[string]json.RawMessage{}
	for _, name := range []string{"tenant_domain", "api_identifier", "grant_scopes", "token", "token_expires_at"} {
		o, ok := all[name]
		if !ok {
			return quickstartOutputs{}, fmt.Errorf("the configuration has no output %q", name)
		}
		values[name] = o.Value
	}
	b, err := json.Marshal(values)
	if err != nil {
		return quickstartOutputs{}, err
	}
	var out quickstartOutputs
	if err := json.Unmarshal(b, &out); err != nil {
		return quickstartOutputs{}, fmt.Errorf("reading the outputs: %w", err)
	}
	return out, nil
}

// decodeJWT decodes a JWT's header and claims for display, without verifying it.
func decodeJWT(token string) (header, claims map[string]any, err error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, nil, fmt.Errorf("the token is not a JWT (%d parts, want 3)", len(parts))
	}
	decode := func(part, what string) (map[string]any, error) {
		b, err := base64.RawURLEncoding.DecodeString(part)
		if err != nil {
			return nil, fmt.Errorf("the token's %s is not base64url: %w", what, err)
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			return nil, fmt.Errorf("the token's %s is not a JSON object: %w", what, err)
		}
		return m, nil
	}
	if header, err = decode(parts[0], "header"); err != nil {
		return nil, nil, err
	}
	if claims, err = decode(parts[1], "claims"); err != nil {
		return nil, nil, err
	}
	return header, claims, nil
}

// claimString formats a claim for display: lists joined, numbers as numbers.
func claimString(v any) string {
	switch v := v.(type) {
	case nil:
		return "(none)"
	case string:
		return v
	case []any:
		parts := make([]string, 0, len(v))
		for _, e := range v {
			parts = append(parts, claimString(e))
		}
		return strings.Join(parts, ", ")
	default:
		return fmt.Sprint(v)
	}
}

// claimTime formats a NumericDate claim as a time, with how far it is from now.
func claimTime(v any, now time.Time) string {
	n, ok := v.(json.Number)
	if !ok {
		return claimString(v)
	}
	secs, err := n.Int64()
	if err != nil {
		return n.String()
	}
	t := time.Unix(secs, 0).UTC()
	d := t.Sub(now).Round(time.Second)
	switch {
	case d >= 0:
		return fmt.Sprintf("%s (in %s)", t.Format(time.RFC3339), d)
	default:
		return fmt.Sprintf("%s (%s ago)", t.Format(time.RFC3339), -d)
	}
}

// formatSummary shows the token's decoded header and claims, never the token itself.
func formatSummary(o quickstartOutputs, now time.Time) (string, error) {
	header, claims, err := decodeJWT(o.Token)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	row := func(label, value string) { fmt.Fprintf(tw, "%s\t%s\n", label, value) }
	row("Tenant domain", o.TenantDomain)
	row("API identifier", o.APIIdentifier)
	row("Grant scopes", strings.Join(o.GrantScopes, ", "))
	row("Token", fmt.Sprintf("a JWT signed with %s, key ID %s", claimString(header["alg"]), claimString(header["kid"])))
	for _, name := range []string{"iss", "sub", "aud", "scope", "azp"} {
		row("  "+name, claimString(claims[name]))
	}
	row("  exp", claimTime(claims["exp"], now))
	row("Token expires at", o.TokenExpiresAt)
	if err := tw.Flush(); err != nil {
		return "", err
	}
	fmt.Fprintf(&b, "\nThe token's signature verifies against %s/.well-known/jwks.json.\n",
		strings.TrimSuffix(o.TenantDomain, "/"))
	return b.String(), nil
}

// uiMessage is one line of Terraform's machine-readable UI (-json).
type uiMessage struct {
	Message    string `json:"@message"`
	Type       string `json:"type"`
	Diagnostic *struct {
		Severity string `json:"severity"`
		Summary  string `json:"summary"`
		Detail   string `json:"detail"`
		Address  string `json:"address"`
	} `json:"diagnostic"`
}

// renderUILine shows progress, summaries and diagnostics, or every message when verbose.
// Secrets never appear in Terraform's UI: sensitive values are omitted from it.
func renderUILine(line string, verbose bool) (string, bool) {
	var m uiMessage
	if err := json.Unmarshal([]byte(line), &m); err != nil || m.Type == "" {
		// Not a UI message; show it rather than lose it.
		return line, strings.TrimSpace(line) != ""
	}
	switch m.Type {
	case "diagnostic":
		if m.Diagnostic == nil {
			return m.Message, true
		}
		severity := "Warning"
		if m.Diagnostic.Severity == "error" {
			severity = "Error"
		}
		text := severity + ": " + m.Diagnostic.Summary
		if m.Diagnostic.Address != "" {
			text += " (" + m.Diagnostic.Address + ")"
		}
		if m.Diagnostic.Severity == "error" && m.Diagnostic.Detail != "" {
			text += "\n  " + strings.ReplaceAll(strings.TrimSpace(m.Diagnostic.Detail), "\n", "\n  ")
		}
		return text, true
	case "apply_complete", "apply_errored", "change_summary":
		return m.Message, true
	case "version", "outputs":
		return "", false
	}
	return m.Message, verbose
}

// jwtLike matches anything shaped like a JWT, so that no token slips out
// even if it was never registered as a secret.
var jwtLike = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]+`)

// output prints the demo's progress, redacting every secret it knows of.
type output struct {
	mu      sync.Mutex
	stdout  io.Writer
	stderr  io.Writer
	secrets []string
}

func newOutput(stdout, stderr io.Writer) *output {
	return &output{stdout: stdout, stderr: stderr}
}

// addSecret registers a value that must never be printed.
func (o *output) addSecret(s string) {
	if len(s) < 4 {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.secrets = append(o.secrets, s)
	// Longest first, so that a secret containing another is redacted whole.
	sort.Slice(o.secrets, func(i, j int) bool { return len(o.secrets[i]) > len(o.secrets[j]) })
}

func (o *output) redact(s string) string {
	for _, secret := range o.secrets {
		s = strings.ReplaceAll(s, secret, "[redacted]")
	}
	return jwtLike.ReplaceAllString(s, "[redacted token]")
}

func (o *output) write(w io.Writer, text string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	_, _ = io.WriteString(w, o.redact(text))
}

func (o *output) step(format string, args ...any) {
	o.write(o.stdout, "==> "+fmt.Sprintf(format, args...)+"\n")
}

func (o *output) detail(format string, args ...any) {
	o.write(o.stdout, indent(fmt.Sprintf(format, args...))+"\n")
}

func (o *output) block(text string) {
	o.write(o.stdout, indent(strings.TrimRight(text, "\n"))+"\n")
}

func (o *output) note(format string, args ...any) {
	o.write(o.stderr, "idp-demo: "+fmt.Sprintf(format, args...)+"\n")
}

func (o *output) fail(err error) {
	if err == nil || errors.Is(err, errInterrupted) {
		return
	}
	o.write(o.stderr, "idp-demo: error: "+err.Error()+"\n")
}

func indent(s string) string {
	lines := strings.Split(s, "\n")
	for i, line := range lines {
		if line != "" {
			lines[i] = "    " + line
		}
	}
	return strings.Join(lines, "\n")
}
