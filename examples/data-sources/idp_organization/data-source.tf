# An organization this configuration does not manage, found by its name.
data "idp_organization" "acme" {
  name = "acme"
}

output "acme_id" {
  value = data.idp_organization.acme.id
}
