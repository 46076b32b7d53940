# The whole tenant-provisioning flow in one apply:
#
#   root admin ──creates──▶ "Tenant Provisioning" client, enabled on no connection,
#                           + grant on the root Management API
#   provisioning client ──creates──▶ tenant customer-1
#   tenant's management client ──creates──▶ an API, a client and a grant in customer-1
#   that client ──requests──▶ an access token for the API

# The root tenant, as its admin application.
provider "idp" {
  domain        = var.domain
  client_id     = var.client_id
  client_secret = var.client_secret
}

# The root tenant's URLs, computed from var.domain in whatever form it takes
# (host:port, a URL): among them the Management API's audience.
data "idp_endpoints" "root" {}

# An application whose only job is to create tenants. It logs no users in, so
# it is enabled on no connection: the tenant enables a new application on
# every existing connection, and the create disables it on each again.
resource "idp_client" "provisioning" {
  name                = "Tenant Provisioning"
  description         = "Creates a tenant per customer."
  enabled_connections = []
}

resource "idp_client_grant" "provisioning" {
  client_id = idp_client.provisioning.client_id
  audience  = data.idp_endpoints.root.management_api_audience
  scope     = ["create:tenants", "read:tenants", "update:tenants", "delete:tenants"]
}

# The root tenant again, as the provisioning application.
provider "idp" {
  alias         = "provisioning"
  domain        = var.domain
  client_id     = idp_client.provisioning.client_id
  client_secret = idp_client.provisioning.client_secret
}

resource "idp_tenant" "customer" {
  provider     = idp.provisioning
  name         = "customer-1"
  display_name = "Customer One"
  owners       = ["admin@customer-1.example"]
  metadata = {
    company = "Customer One Ltd"
  }

  # The provisioning application can only create tenants once it is granted.
  depends_on = [idp_client_grant.provisioning]
}

# The new tenant, as its own Management API application: configured from the
# tenant's outputs, in the same run.
provider "idp" {
  alias         = "customer"
  domain        = idp_tenant.customer.domain
  client_id     = idp_tenant.customer.management_client_id
  client_secret = idp_tenant.customer.management_client_secret
}

resource "idp_resource_server" "orders" {
  provider   = idp.customer
  name       = "Orders API"
  identifier = "https://orders.customer-1.example/"
  scopes = [
    { value = "read:orders", description = "Read orders" },
    { value = "write:orders", description = "Create and change orders" },
  ]
  token_lifetime = 3600
}

resource "idp_client" "orders_service" {
  provider = idp.customer
  name     = "Orders Service"
}

resource "idp_client_grant" "orders_service" {
  provider  = idp.customer
  client_id = idp_client.orders_service.client_id
  audience  = idp_resource_server.orders.identifier
  scope     = ["read:orders", "write:orders"]
}

# A token for the orders service, as the service would get it.
data "idp_token" "orders_service" {
  provider      = idp.customer
  audience      = idp_client_grant.orders_service.audience
  client_id     = idp_client.orders_service.client_id
  client_secret = idp_client.orders_service.client_secret
}
