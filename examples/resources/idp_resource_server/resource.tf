resource "idp_resource_server" "reports" {
  name       = "Reports API"
  identifier = "https://reports.example.com/"
  scopes = [
    { value = "read:reports", description = "Read reports" },
    { value = "write:reports", description = "Create and change reports" },
  ]
  signing_alg    = "RS256"
  token_lifetime = 3600
}
