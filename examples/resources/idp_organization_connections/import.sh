# The enabled connections of an organization are imported by the
# organization's ID; its name works too, e.g. acme instead of the ID below.
terraform import idp_organization_connections.acme org_0123456789abcdef
