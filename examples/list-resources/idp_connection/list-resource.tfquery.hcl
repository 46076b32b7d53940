# Every database connection.
list "idp_connection" "all" {
  provider         = idp
  include_resource = true
}
