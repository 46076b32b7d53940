# A machine-to-machine application; its client_id and client_secret are
# assigned by the server.
resource "idp_client" "reporting_service" {
  name                       = "Reporting Service"
  description                = "Builds the nightly reports."
  app_type                   = "non_interactive"
  grant_types                = ["client_credentials"]
  token_endpoint_auth_method = "client_secret_post"
}
