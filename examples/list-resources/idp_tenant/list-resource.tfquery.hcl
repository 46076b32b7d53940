# Every tenant the root tenant hosts.
list "idp_tenant" "all" {
  provider         = idp
  include_resource = true
}
