resource "idp_connection" "customers" {
  name = "Customers"
}

resource "idp_client" "storefront" {
  name        = "Storefront"
  app_type    = "regular_web"
  grant_types = ["authorization_code"]
}

# Only the storefront may log users in with the Customers connection: any
# other application enabled on it (for example one the tenant enabled by
# default when it was created) is disabled, and the next plan shows it if it
# comes back.
resource "idp_connection_clients" "customers" {
  connection_id   = idp_connection.customers.id
  enabled_clients = [idp_client.storefront.client_id]
}
