# Every API but the tenant's Management API, with the whole object.
list "idp_resource_server" "all" {
  provider         = idp
  include_resource = true
}

# One API, by its identifier.
list "idp_resource_server" "reports" {
  provider = idp
  config {
    identifier = "https://reports.example.com/"
  }
}
