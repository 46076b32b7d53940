resource "idp_organization" "acme" {
  name = "acme"
}

resource "idp_connection" "acme_staff" {
  name = "Acme-Staff"
}

# Acme's users sign in with their own connection only, and become members
# on their first login.
resource "idp_organization_connections" "acme" {
  organization_id = idp_organization.acme.id
  enabled_connections = [
    {
      connection_id              = idp_connection.acme_staff.id
      assign_membership_on_login = true
    },
  ]
}
