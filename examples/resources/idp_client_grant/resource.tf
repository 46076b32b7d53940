resource "idp_resource_server" "reports" {
  name       = "Reports API"
  identifier = "https://reports.example.com/"
  scopes = [
    { value = "read:reports", description = "Read reports" },
    { value = "write:reports", description = "Create and change reports" },
  ]
}

resource "idp_client" "dashboard" {
  name = "Dashboard"
}

# The dashboard may read reports, nothing else. Changing scope updates the
# grant in place.
resource "idp_client_grant" "dashboard_reports" {
  client_id = idp_client.dashboard.client_id
  audience  = idp_resource_server.reports.identifier
  scope     = ["read:reports"]
}
