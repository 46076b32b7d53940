# An API that another configuration manages, found by its identifier (or by
# its 24-digit id: `id = "5f8d0d55b54764421b7156c9"`).
data "idp_resource_server" "orders" {
  identifier = "https://orders.example.com/"
}

# A client of this configuration that may read orders: granted every read
# scope the Orders API defines, whichever they are.
resource "idp_client" "reporting" {
  name = "Reporting"
}

resource "idp_client_grant" "reporting_orders" {
  client_id = idp_client.reporting.client_id
  audience  = data.idp_resource_server.orders.identifier
  scope     = [for s in data.idp_resource_server.orders.scopes : s.value if can(regex("^read:", s.value))]
}
