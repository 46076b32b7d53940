# The URLs of the provider's own tenant, computed from its domain without a
# request. Use them instead of building URLs from the domain: a domain may be
# host:port, a URL, or carry a path.
data "idp_endpoints" "this" {}

# An application that may create tenants: its grant is on the tenant's
# Management API, whose identifier is management_api_audience.
resource "idp_client" "provisioning" {
  name = "Tenant Provisioning"
}

resource "idp_client_grant" "provisioning" {
  client_id = idp_client.provisioning.client_id
  audience  = data.idp_endpoints.this.management_api_audience
  scope     = ["create:tenants", "read:tenants", "update:tenants", "delete:tenants"]
}

# The URLs of another tenant, from its domain in any form the provider takes
# (here host[:port], HTTPS assumed; or an idp_tenant's domain): what a
# service of that tenant needs to get and verify tokens.
data "idp_endpoints" "customer" {
  domain = "login.customer-1.example.com"
}

output "customer_token_url" {
  value = data.idp_endpoints.customer.token_url
}

output "customer_issuer" {
  value = data.idp_endpoints.customer.issuer
}
