# Every default grant of third-party clients (one per API at most).
list "idp_default_client_grant" "all" {
  provider         = idp
  include_resource = true
}
