# An organization can be imported by its ID or by its name.
terraform import idp_organization.acme org_0123456789abcdef
terraform import idp_organization.acme acme
