# A client that another configuration manages, found by its name. The name
# must belong to exactly one client on the tenant; where names repeat, use
# `client_id = "..."` instead.
data "idp_client" "billing" {
  name = "Billing Service"
}

# An API of this configuration that the billing service may call.
resource "idp_resource_server" "invoices" {
  name       = "Invoices API"
  identifier = "https://invoices.example.com/"
  scopes = [
    { value = "read:invoices", description = "Read invoices" },
  ]
}

resource "idp_client_grant" "billing_invoices" {
  client_id = data.idp_client.billing.client_id
  audience  = idp_resource_server.invoices.identifier
  scope     = ["read:invoices"]
}
