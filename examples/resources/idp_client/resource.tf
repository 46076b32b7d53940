# A machine-to-machine application; its client_id and client_secret are
# assigned by the server.
resource "idp_client" "reporting_service" {
  name                       = "Reporting Service"
  description                = "Builds the nightly reports."
  app_type                   = "non_interactive"
  grant_types                = ["client_credentials"]
  token_endpoint_auth_method = "client_secret_post"
}

# A client whose secret you supply (here a variable; in practice often an
# ephemeral value): sent write-only, never stored in state. Change the
# secret and bump client_secret_wo_version to rotate it.
variable "billing_client_secret" {
  type      = string
  sensitive = true
  ephemeral = true
  default   = "change-me-to-a-long-random-secret"
}

resource "idp_client" "billing_service" {
  name                     = "Billing Service"
  client_secret_wo         = var.billing_client_secret
  client_secret_wo_version = 1
}

# A single-page application: where a login and a logout may return to, and
# the origins its browser code runs at.
resource "idp_client" "storefront" {
  name                = "Storefront"
  app_type            = "spa"
  grant_types         = ["authorization_code", "refresh_token"]
  callbacks           = ["https://shop.example.com/callback"]
  allowed_logout_urls = ["https://shop.example.com/"]
  web_origins         = ["https://shop.example.com"]
  allowed_origins     = ["https://shop.example.com"]
}
