# The tenant's Management API audience, computed from the provider's domain.
data "idp_endpoints" "this" {}

# A Management API token for the provider's own application, narrowed to the
# scopes one job needs. It never enters the plan or the state, so it is the
# way to hand a short-lived token to another provider.
ephemeral "idp_token" "reports_admin" {
  audience = data.idp_endpoints.this.management_api_audience
  scope    = ["create:resource_servers", "read:resource_servers", "delete:resource_servers"]
}

provider "idp" {
  alias     = "reports_admin"
  domain    = var.domain
  api_token = ephemeral.idp_token.reports_admin.access_token
}

resource "idp_resource_server" "reports" {
  provider   = idp.reports_admin
  name       = "Reports API"
  identifier = "https://reports.example.com/"
}

variable "domain" {
  type        = string
  description = "The tenant's domain in URL form, e.g. \"https://login.example.com\"."
}
