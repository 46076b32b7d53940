resource "idp_resource_server" "orders" {
  name       = "Orders API"
  identifier = "https://orders.example.com/"
  scopes = [
    { value = "read:orders", description = "Read orders" },
  ]
}

resource "idp_client" "reporting" {
  name = "Reporting Service"
}

# The reporting service gets tokens for the Orders API only on behalf of an
# organization it is associated with.
resource "idp_client_grant" "reporting_orders" {
  client_id          = idp_client.reporting.client_id
  audience           = idp_resource_server.orders.identifier
  scope              = ["read:orders"]
  organization_usage = "require"
}

resource "idp_organization" "acme" {
  name = "acme"
}

# The complete set of grants associated with Acme.
resource "idp_organization_client_grants" "acme" {
  organization_id = idp_organization.acme.id
  grant_ids       = [idp_client_grant.reporting_orders.id]
}
