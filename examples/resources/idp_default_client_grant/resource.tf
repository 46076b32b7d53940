resource "idp_resource_server" "orders" {
  name       = "Orders API"
  identifier = "https://orders.example.com/"
  scopes = [
    { value = "read:orders", description = "Read orders" },
    { value = "write:orders", description = "Create and change orders" },
  ]
}

# Every third-party client (is_first_party = false) without a grant of its
# own for the Orders API may read orders. Changing scope updates the grant in
# place; an idp_client_grant for one client takes precedence over it.
resource "idp_default_client_grant" "orders" {
  audience = idp_resource_server.orders.identifier
  scope    = ["read:orders"]
}

# A partner's application: it gets tokens for the Orders API with
# read:orders through the default grant.
resource "idp_client" "partner" {
  name           = "Partner Portal"
  is_first_party = false
}
