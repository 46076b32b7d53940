# The tenant's default database connection, which every tenant starts with
# and this configuration does not manage.
data "idp_connection" "default" {
  name = "Username-Password-Authentication"
}

# A back-office application that logs its users in with that connection
# and no other.
resource "idp_client" "back_office" {
  name                = "Back Office"
  app_type            = "regular_web"
  grant_types         = ["authorization_code"]
  enabled_connections = [data.idp_connection.default.id]
}

output "default_password_policy" {
  value = data.idp_connection.default.password_policy
}
