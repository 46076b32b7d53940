# The tenant seed flow with nothing secret at rest: every credential is a
# private key held outside Terraform, or a write-only or ephemeral value.
#
#   provisioning client (root, private key) ──creates──▶ tenant customer-1,
#                        whose management client is switched to a public key
#   tenant's management client (private key) ──creates──▶ an API, a service
#                        client with a write-only secret, and its grant
#   the service client ──requests──▶ an ephemeral token, as a smoke test

# The root tenant, as a provisioning client that authenticates with a key:
# granted the *:tenants scopes and nothing else.
provider "idp" {
  domain                       = var.domain
  client_id                    = var.client_id
  client_assertion_private_key = var.provisioning_private_key
}

# The tenant's management client is switched to tenant_public_key at
# creation: the create answer's secret is used once, in memory, and dropped,
# so management_client_secret stays null.
resource "idp_tenant" "customer" {
  name                         = "customer-1"
  display_name                 = "Customer One"
  management_client_public_key = var.tenant_public_key
}

# The new tenant, as its management client, signed in with the private key.
provider "idp" {
  alias                        = "customer"
  domain                       = idp_tenant.customer.domain
  client_id                    = idp_tenant.customer.management_client_id
  client_assertion_private_key = var.tenant_private_key
}

resource "idp_resource_server" "orders" {
  provider   = idp.customer
  name       = "Orders API"
  identifier = "https://orders.customer-1.example/"
  scopes = [
    { value = "read:orders", description = "Read orders" },
  ]
}

# The service's secret is sent write-only: never in plan or state. Bump the
# version to send a new one.
resource "idp_client" "orders_service" {
  provider                 = idp.customer
  name                     = "Orders Service"
  client_secret_wo         = var.orders_service_secret
  client_secret_wo_version = 1
}

resource "idp_client_grant" "orders_service" {
  provider  = idp.customer
  client_id = idp_client.orders_service.client_id
  audience  = idp_resource_server.orders.identifier
  scope     = ["read:orders"]
}

# A token for the service, as the service would get it: ephemeral, so it is
# in neither plan nor state. The check warns when none is issued.
ephemeral "idp_token" "orders_service" {
  provider      = idp.customer
  audience      = idp_client_grant.orders_service.audience
  client_id     = idp_client.orders_service.client_id
  client_secret = var.orders_service_secret
}

check "orders_service_token" {
  assert {
    condition     = ephemeral.idp_token.orders_service.token_type == "Bearer"
    error_message = "The orders service got no token for the Orders API."
  }
}
