# A tenant that the provisioning pipeline created, found by its name. The
# provider is configured for the root tenant, with the read:tenants scope.
data "idp_tenant" "customer" {
  name = "customer-1"
}

# The tenant's URLs, for the services that verify its tokens.
data "idp_endpoints" "customer" {
  domain = data.idp_tenant.customer.domain
}

output "customer_issuer" {
  value = data.idp_endpoints.customer.issuer
}

output "customer_jwks_uri" {
  value = data.idp_endpoints.customer.jwks_uri
}
