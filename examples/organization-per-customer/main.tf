# One tenant, a customer per organization: the customers come from one map,
# each becomes an organization, and a central service gets, per customer, a
# token for the satellite API that is limited to that customer (org_id) and
# to one scope. The provider takes its configuration from IDP_DOMAIN,
# IDP_CLIENT_ID and IDP_CLIENT_SECRET, as idp-server prints them.
# tests/organizations.tftest.hcl tests this module with `terraform test`.

terraform {
  required_providers {
    idp = {
      source  = "idp-terraform/idp"
      version = ">= 0.1.0"
    }
  }
}

variable "customers" {
  type        = map(string)
  description = "The customers: organization name (lowercase letters, digits, _ and -) to display name."
  default = {
    acme   = "Acme Corp"
    globex = "Globex Corporation"
  }

  validation {
    condition     = alltrue([for name in keys(var.customers) : can(regex("^[a-z0-9_-]{1,50}$", name))])
    error_message = "Organization names are 1 to 50 lowercase letters, digits, underscores and dashes."
  }
}

variable "satellite_identifier" {
  type        = string
  description = "The satellite API's identifier, the audience of the customers' tokens."
  default     = "https://satellite.example.com/"
}

resource "idp_resource_server" "satellite" {
  name       = "Satellite API"
  identifier = var.satellite_identifier
  scopes = [
    { value = "read:orders", description = "Read a customer's orders" },
    { value = "write:orders", description = "Change a customer's orders" },
  ]
}

# The central service: one client for every customer.
resource "idp_client" "central" {
  name = "Central Service"
}

# Its grant on the satellite API requires an organization: a token without
# one is refused, and a token for an organization the grant is not
# associated with is refused too.
resource "idp_client_grant" "central_satellite" {
  client_id          = idp_client.central.client_id
  audience           = idp_resource_server.satellite.identifier
  scope              = ["read:orders", "write:orders"]
  organization_usage = "require"
}

resource "idp_organization" "customer" {
  for_each     = var.customers
  name         = each.key
  display_name = each.value
}

# Each customer's organization is associated with the central grant.
resource "idp_organization_client_grants" "customer" {
  for_each        = idp_organization.customer
  organization_id = each.value.id
  grant_ids       = [idp_client_grant.central_satellite.id]
}

# Per customer, a token limited to that customer and to read:orders. (The
# ephemeral idp_token keeps tokens out of plan and state; the data source is
# used here so that the tests can read them.)
data "idp_token" "customer" {
  for_each      = idp_organization_client_grants.customer
  audience      = idp_client_grant.central_satellite.audience
  client_id     = idp_client.central.client_id
  client_secret = idp_client.central.client_secret
  organization  = each.value.organization_id
  scope         = ["read:orders"]
}

output "organization_ids" {
  description = "Each customer's organization ID, the org_id its tokens carry."
  value       = { for name, o in idp_organization.customer : name => o.id }
}

output "token_scopes" {
  description = "The scopes each customer's token carries."
  value       = { for name, t in data.idp_token.customer : name => t.scope }
}
