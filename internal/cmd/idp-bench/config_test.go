package main

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestSplitMix(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		n    int
		want mix
	}{
		{3, mix{APIs: 1, Clients: 1, Grants: 1}},
		{4, mix{APIs: 2, Clients: 1, Grants: 1}},
		{5, mix{APIs: 2, Clients: 2, Grants: 1}},
		{100, mix{APIs: 34, Clients: 33, Grants: 33}},
		{101, mix{APIs: 34, Clients: 34, Grants: 33}},
		{102, mix{APIs: 34, Clients: 34, Grants: 34}},
		{1000, mix{APIs: 334, Clients: 333, Grants: 333}},
	} {
		got := splitMix(tc.n)
		if got != tc.want {
			t.Errorf("splitMix(%d) = %+v, want %+v", tc.n, got, tc.want)
		}
		if total := got.APIs + got.Clients + got.Grants; total != tc.n {
			t.Errorf("splitMix(%d) adds up to %d", tc.n, total)
		}
		// Every grant needs a client and an API of its index.
		if got.Grants > got.Clients || got.Grants > got.APIs {
			t.Errorf("splitMix(%d) = %+v has grants without a client or an API", tc.n, got)
		}
	}
}

// blocks counts the resource blocks of each type in a configuration.
func blocks(config string) map[string]int {
	out := map[string]int{}
	for _, m := range regexp.MustCompile(`(?m)^resource "([a-z_]+)" "`).FindAllStringSubmatch(config, -1) {
		out[m[1]]++
	}
	return out
}

func TestIDPConfig(t *testing.T) {
	t.Parallel()
	p := providerSettings{Domain: "http://127.0.0.1:4321", ClientID: "admin-id", ClientSecret: `se"cret`}
	config := idpConfig(100, "scale100", p)

	want := map[string]int{"idp_resource_server": 34, "idp_client": 33, "idp_client_grant": 33}
	if got := blocks(config); !maps.Equal(got, want) {
		t.Errorf("resource blocks = %v, want %v", got, want)
	}
	for _, s := range []string{
		`source = "idp-terraform/idp"`,
		`domain        = "http://127.0.0.1:4321"`,
		`client_id     = "admin-id"`,
		`client_secret = "se\"cret"`, // quoted for HCL, not pasted raw
		`identifier = "https://scale100.bench.example/api/33/"`,
		`{ value = "read:items", description = "Read items" }`,
		"client_id = idp_client.client_32.client_id\n  audience  = idp_resource_server.api_32.identifier",
	} {
		if !strings.Contains(config, s) {
			t.Errorf("the configuration lacks %q", s)
		}
	}
	// The prefix keeps identifiers of configurations sharing a server apart.
	if strings.Contains(idpConfig(100, "rate1", p), "scale100") {
		t.Error("the prefix does not reach the identifiers")
	}
	ids := regexp.MustCompile(`identifier = "([^"]+)"`).FindAllStringSubmatch(config, -1)
	seen := map[string]bool{}
	for _, m := range ids {
		if seen[m[1]] {
			t.Errorf("identifier %s appears twice", m[1])
		}
		seen[m[1]] = true
	}
}

func TestSeedMix(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		n    int
		want mix
	}{
		{12, mix{APIs: 2, Clients: 2, Grants: 2, Tenants: 2, Connections: 2, Organizations: 2}},
		{13, mix{APIs: 3, Clients: 2, Grants: 2, Tenants: 2, Connections: 2, Organizations: 2}},
		{16, mix{APIs: 3, Clients: 3, Grants: 2, Tenants: 3, Connections: 3, Organizations: 2}},
		{201, mix{APIs: 34, Clients: 34, Grants: 33, Tenants: 33, Connections: 34, Organizations: 33}},
	} {
		got := seedMix(tc.n)
		if got != tc.want {
			t.Errorf("seedMix(%d) = %+v, want %+v", tc.n, got, tc.want)
		}
		if total := got.APIs + got.Clients + got.Grants + got.Tenants + got.Connections + got.Organizations; total != tc.n {
			t.Errorf("seedMix(%d) adds up to %d", tc.n, total)
		}
	}
	for n := 6; n < 40; n++ {
		// Every grant needs a client and an API of its index, every organization a connection.
		if m := seedMix(n); m.Grants > min(m.Clients, m.APIs) || m.Organizations > m.Connections {
			t.Errorf("seedMix(%d) = %+v has a grant or an organization without its peers", n, m)
		}
	}
	if got, want := seedMix(201).describe(), "34 APIs, 34 clients, 33 grants, 33 tenants, 34 connections, 33 organizations, "+
		"each with its idp_organization_connections"; got != want {
		t.Errorf("describe = %q, want %q", got, want)
	}
	if got := splitMix(201).describe(); got != "67 APIs, 67 clients, 67 grants" {
		t.Errorf("describe without the seed kinds = %q", got)
	}
}

// The seed flow's kinds are in the same configuration, named after the
// prefix (their names are unique in a tenant), each organization linked to
// the connection of its index.
func TestMixConfig(t *testing.T) {
	t.Parallel()
	p := providerSettings{Domain: "http://127.0.0.1:4321", ClientID: "admin-id", ClientSecret: "secret"}
	config := mixConfig(seedMix(201), "kill1", p)
	want := map[string]int{
		"idp_resource_server": 34, "idp_client": 34, "idp_client_grant": 33,
		"idp_tenant": 33, "idp_connection": 34, "idp_organization": 33, "idp_organization_connections": 33,
	}
	if got := blocks(config); !maps.Equal(got, want) {
		t.Errorf("resource blocks = %v, want %v", got, want)
	}
	for _, s := range []string{
		`name         = "kill1-tenant-32"`,
		`name           = "kill1-connection-33"`,
		`name         = "kill1-org-32"`,
		"organization_id = idp_organization.org_32.id\n  enabled_connections = [\n    { connection_id = idp_connection.connection_32.id },",
	} {
		if !strings.Contains(config, s) {
			t.Errorf("the configuration lacks %q", s)
		}
	}
	// Names the provider's validators accept: tenants 3 to 63 lowercase
	// letters, digits and hyphens; connections letters and digits with single
	// dashes; organizations lowercase letters, digits, _ and -.
	for re, valid := range map[string]string{
		`idp_tenant" "[^"]+" \{\n  name         = "([^"]+)"`:       `^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`,
		`idp_connection" "[^"]+" \{\n  name           = "([^"]+)"`: `^[a-zA-Z0-9](-[a-zA-Z0-9]|[a-zA-Z0-9])*$`,
		`idp_organization" "[^"]+" \{\n  name         = "([^"]+)"`: `^[a-z0-9_-]{1,50}$`,
	} {
		names := regexp.MustCompile(re).FindAllStringSubmatch(config, -1)
		if len(names) == 0 {
			t.Errorf("no name matches %s", re)
		}
		for _, m := range names {
			if !regexp.MustCompile(valid).MatchString(m[1]) {
				t.Errorf("name %q does not match %s", m[1], valid)
			}
		}
	}
	// Without the seed kinds it is idpConfig.
	if got, want := mixConfig(splitMix(100), "scale100", p), idpConfig(100, "scale100", p); got != want {
		t.Error("mixConfig(splitMix(n)) differs from idpConfig(n)")
	}
}

func TestFloorConfig(t *testing.T) {
	t.Parallel()
	config := floorConfig(1000)
	if got, want := blocks(config), map[string]int{"terraform_data": 1000}; !maps.Equal(got, want) {
		t.Errorf("resource blocks = %v, want %v", got, want)
	}
	// Terraform's floor uses no plugin at all.
	for _, s := range []string{"provider", "required_providers", "idp_"} {
		if strings.Contains(strings.ReplaceAll(config, "no provider plugin", ""), s) {
			t.Errorf("the floor mentions %q", s)
		}
	}
	// The same graph as the idp configuration: grant i waits for client i
	// and API i.
	if !strings.Contains(config, "client = terraform_data.client_332.id\n    api    = terraform_data.api_332.id") {
		t.Error("the last grant does not depend on its client and API")
	}
}

func TestParseSizes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in      string
		want    []int
		wantErr string
	}{
		{in: "100,1000", want: []int{100, 1000}},
		{in: " 1000, 100 ,100,", want: []int{100, 1000}},
		{in: "3", want: []int{3}},
		{in: "", wantErr: "no resource counts"},
		{in: "100,x", wantErr: `"x" is not a resource count`},
		{in: "2", wantErr: `"2" is not a resource count of at least 3`},
		{in: "-5", wantErr: "at least 3"},
	} {
		got, err := parseSizes(tc.in)
		switch {
		case tc.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("parseSizes(%q): error %v, want one containing %q", tc.in, err, tc.wantErr)
			}
		case err != nil:
			t.Errorf("parseSizes(%q): %v", tc.in, err)
		case !slices.Equal(got, tc.want):
			t.Errorf("parseSizes(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestParseFlags(t *testing.T) {
	t.Parallel()
	var stderr strings.Builder
	o, err := parseFlags(nil, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	if o.providerDir != "./bin" || !slices.Equal(o.sizes, []int{100, 1000}) || o.rateLimit != 50 ||
		o.rateN != 100 || o.rateRuns != 3 || o.refreshRuns != 5 || o.parallelism != 10 || o.out != "" {
		t.Errorf("defaults: %+v", o)
	}
	o, err = parseFlags([]string{"-provider-dir", "/p", "-n", "30", "-rate-limit", "0", "-out", "r.json"}, &stderr)
	if err != nil || o.providerDir != "/p" || !slices.Equal(o.sizes, []int{30}) || o.rateLimit != 0 || o.out != "r.json" {
		t.Errorf("got %+v, %v", o, err)
	}
	for _, args := range [][]string{
		{"-n", "1"}, {"-rate-limit", "-1"}, {"-rate-runs", "0"}, {"-refresh-runs", "0"}, {"-parallelism", "0"}, {"-timeout", "0s"}, {"extra"},
	} {
		stderr.Reset()
		if _, err := parseFlags(args, &stderr); err == nil {
			t.Errorf("parseFlags(%q) accepted it", args)
		} else if stderr.Len() == 0 {
			t.Errorf("parseFlags(%q) said nothing on stderr", args)
		}
	}
}
