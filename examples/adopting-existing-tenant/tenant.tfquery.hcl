# Everything in the tenant that this provider can manage. System objects
# (the Management API, the client the provider signs in with and its grants)
# are left out; secrets are never listed.
list "idp_resource_server" "all" {
  provider         = idp
  include_resource = true
}

list "idp_client" "all" {
  provider         = idp
  include_resource = true
}

list "idp_client_grant" "all" {
  provider         = idp
  include_resource = true
}

list "idp_connection" "all" {
  provider         = idp
  include_resource = true
}

# Hosted tenants: only with a provider configured for the root tenant.
list "idp_tenant" "all" {
  provider         = idp
  include_resource = true
}

# Narrower queries use the filters of each list resource, e.g.
#
# list "idp_client" "machines" {
#   provider = idp
#   config {
#     app_type = "non_interactive"
#   }
# }
