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

# An HS256 API whose signing secret comes from elsewhere (here a variable;
# in practice often an ephemeral value) and is never stored in state.
# Bump signing_secret_wo_version to rotate it.
variable "billing_signing_secret" {
  type      = string
  sensitive = true
  ephemeral = true
  default   = "change-me-to-32-random-characters"
}

resource "idp_resource_server" "billing" {
  name                      = "Billing API"
  identifier                = "https://billing.example.com/"
  signing_alg               = "HS256"
  signing_secret_wo         = var.billing_signing_secret
  signing_secret_wo_version = 1
}
