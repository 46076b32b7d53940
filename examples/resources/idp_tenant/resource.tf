# A tenant per customer. The provider's application needs the create:tenants
# scope on the root tenant's Management API. The new tenant's domain,
# management_client_id and management_client_secret can configure a second
# provider (with an alias) that manages the tenant in the same run.
resource "idp_tenant" "customer" {
  name         = "customer-1"
  display_name = "Customer One"
  owners       = ["admin@customer-1.example"]
  metadata = {
    company = "Customer One Ltd"
    plan    = "enterprise"
  }
}
