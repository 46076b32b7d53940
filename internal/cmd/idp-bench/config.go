package main

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/idp-terraform/terraform-provider-idp/internal/devtf"
)

// mix is how a configuration of n resources splits into the three resource
// types: a third each, the APIs taking the remainder first and the clients
// the rest, so that every grant has a client and an API of the same index.
// The kill benchmark adds the seed flow's kinds (seedMix).
type mix struct {
	APIs    int `json:"apis"`
	Clients int `json:"clients"`
	Grants  int `json:"grants"`
	// Tenants are created on the root tenant; each organization has an
	// idp_organization_connections (not counted in n) enabling connection i.
	Tenants       int `json:"tenants,omitempty"`
	Connections   int `json:"connections,omitempty"`
	Organizations int `json:"organizations,omitempty"`
}

func splitMix(n int) mix {
	grants := n / 3
	clients := (n + 1) / 3
	return mix{APIs: n - clients - grants, Clients: clients, Grants: grants}
}

// seedMix splits n six ways, a sixth each of APIs, clients, grants, tenants,
// connections and organizations, the remainder going to APIs, clients,
// connections and tenants first, so that every grant has a client and an
// API, and every organization a connection, of its index.
func seedMix(n int) mix {
	counts := [6]int{}
	for i := range counts {
		counts[i] = n / 6
		if i < n%6 {
			counts[i]++
		}
	}
	return mix{APIs: counts[0], Clients: counts[1], Connections: counts[2], Tenants: counts[3], Grants: counts[4], Organizations: counts[5]}
}

// describe is "67 APIs, 67 clients, 67 grants", with the seed flow's kinds when there are any.
func (m mix) describe() string {
	s := fmt.Sprintf("%d APIs, %d clients, %d grants", m.APIs, m.Clients, m.Grants)
	if m.Tenants+m.Connections+m.Organizations > 0 {
		s += fmt.Sprintf(", %d tenants, %d connections, %d organizations, each with its idp_organization_connections",
			m.Tenants, m.Connections, m.Organizations)
	}
	return s
}

type providerSettings struct {
	Domain       string
	ClientID     string
	ClientSecret string
}

// idpConfig is n mixed resources: APIs with one scope each, clients, and
// grants of client i to API i. Identifiers carry prefix so that several
// configurations can share a server. The credentials are in the file (in the
// harness's private temporary directory), so that nothing depends on the
// environment Terraform passes on.
func idpConfig(n int, prefix string, p providerSettings) string {
	return mixConfig(splitMix(n), prefix, p)
}

// mixConfig is idpConfig for any mix. The seed flow's kinds are on the root
// tenant: tenants (nothing inside them), database connections, and
// organizations each with idp_organization_connections enabling the
// connection of its index. No idp_connection_clients: the tenant enables
// every new client on every existing connection, so an authoritative set
// would see the clients created after it as drift.
func mixConfig(m mix, prefix string, p providerSettings) string {
	var b strings.Builder
	fmt.Fprintf(&b, `terraform {
  required_providers {
    idp = {
      source = %q
    }
  }
}

provider "idp" {
  domain        = %q
  client_id     = %q
  client_secret = %q
}
`, strings.TrimPrefix(devtf.ProviderAddress, "registry.terraform.io/"), p.Domain, p.ClientID, p.ClientSecret)
	for i := range m.APIs {
		fmt.Fprintf(&b, `
resource "idp_resource_server" "api_%[1]d" {
  name       = "Bench API %[1]d"
  identifier = "https://%[2]s.bench.example/api/%[1]d/"
  scopes = [
    { value = "read:items", description = "Read items" },
  ]
}
`, i, prefix)
	}
	for i := range m.Clients {
		fmt.Fprintf(&b, `
resource "idp_client" "client_%[1]d" {
  name = "Bench Client %[1]d"
}
`, i)
	}
	for i := range m.Grants {
		fmt.Fprintf(&b, `
resource "idp_client_grant" "grant_%[1]d" {
  client_id = idp_client.client_%[1]d.client_id
  audience  = idp_resource_server.api_%[1]d.identifier
  scope     = ["read:items"]
}
`, i)
	}
	for i := range m.Tenants {
		fmt.Fprintf(&b, `
resource "idp_tenant" "tenant_%[1]d" {
  name         = "%[2]s-tenant-%[1]d"
  display_name = "Bench Tenant %[1]d"
  metadata = {
    bench = "kill"
  }
}
`, i, prefix)
	}
	for i := range m.Connections {
		fmt.Fprintf(&b, `
resource "idp_connection" "connection_%[1]d" {
  name           = "%[2]s-connection-%[1]d"
  disable_signup = true
}
`, i, prefix)
	}
	for i := range m.Organizations {
		fmt.Fprintf(&b, `
resource "idp_organization" "org_%[1]d" {
  name         = "%[2]s-org-%[1]d"
  display_name = "Bench Organization %[1]d"
  metadata = {
    bench = "kill"
  }
}

resource "idp_organization_connections" "org_%[1]d" {
  organization_id = idp_organization.org_%[1]d.id
  enabled_connections = [
    { connection_id = idp_connection.connection_%[1]d.id },
  ]
}
`, i, prefix)
	}
	return b.String()
}

// floorConfig is idpConfig(n) as built-in terraform_data resources with the
// same dependency graph: the ratio between the two isolates what the
// provider and the API add.
func floorConfig(n int) string {
	m := splitMix(n)
	var b strings.Builder
	b.WriteString("# Terraform's floor: built-in terraform_data resources, no provider plugin.\n")
	for i := range m.APIs {
		fmt.Fprintf(&b, "\nresource \"terraform_data\" \"api_%[1]d\" {\n  input = \"api-%[1]d\"\n}\n", i)
	}
	for i := range m.Clients {
		fmt.Fprintf(&b, "\nresource \"terraform_data\" \"client_%[1]d\" {\n  input = \"client-%[1]d\"\n}\n", i)
	}
	for i := range m.Grants {
		fmt.Fprintf(&b, `
resource "terraform_data" "grant_%[1]d" {
  input = {
    client = terraform_data.client_%[1]d.id
    api    = terraform_data.api_%[1]d.id
  }
}
`, i)
	}
	return b.String()
}

// parseSizes returns -n's counts sorted and without duplicates.
func parseSizes(s string) ([]int, error) {
	seen := map[int]bool{}
	var out []int
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		n, err := strconv.Atoi(part)
		if err != nil || n < 3 {
			return nil, fmt.Errorf("%q is not a resource count of at least 3 (one of each type)", part)
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no resource counts given")
	}
	sort.Ints(out)
	return out, nil
}
