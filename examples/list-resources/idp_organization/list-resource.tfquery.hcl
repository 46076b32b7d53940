# Every organization, with the whole object.
list "idp_organization" "all" {
  provider         = idp
  include_resource = true
}
