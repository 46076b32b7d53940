# A tenant per customer from one map, in one apply:
#
#   var.customers ──for_each──▶ idp_tenant.customer["acme"], ["globex"], …
#   each tenant's domain and management client ──▶ provider idp.customer["acme"], …
#   each of those provider instances ──creates──▶ an API, a client and a grant in its tenant
#
# Adding a customer to the map is one apply; so is the whole fleet.

# The root tenant, as its admin application (it may create tenants).
provider "idp" {
  domain        = var.domain
  client_id     = var.client_id
  client_secret = var.client_secret
}

resource "idp_tenant" "customer" {
  for_each     = var.customers
  name         = each.key
  display_name = each.value.display_name
  metadata = {
    managed_by = "opentofu"
  }
}

locals {
  # The customers whose tenants hold resources. A provider instance must
  # outlive the resources it manages, so it iterates over every customer in
  # the map, and retiring one starts by leaving it out of this set.
  active = { for name, customer in var.customers : name => customer if customer.active }
}

# One provider instance per customer, configured from that customer's
# tenant. for_each must be known at plan time (here: a variable); the
# values it configures may come from resources created in the same apply.
provider "idp" {
  alias         = "customer"
  for_each      = var.customers
  domain        = idp_tenant.customer[each.key].domain
  client_id     = idp_tenant.customer[each.key].management_client_id
  client_secret = idp_tenant.customer[each.key].management_client_secret
}

resource "idp_resource_server" "orders" {
  for_each   = local.active
  provider   = idp.customer[each.key]
  name       = "Orders API"
  identifier = "https://orders.${each.key}.example/"
  scopes = [
    { value = "read:orders", description = "Read orders" },
    { value = "write:orders", description = "Create and change orders" },
  ]
}

resource "idp_client" "orders_service" {
  for_each = local.active
  provider = idp.customer[each.key]
  name     = "Orders Service"
}

resource "idp_client_grant" "orders_service" {
  for_each  = local.active
  provider  = idp.customer[each.key]
  client_id = idp_client.orders_service[each.key].client_id
  audience  = idp_resource_server.orders[each.key].identifier
  scope     = ["read:orders", "write:orders"]
}
