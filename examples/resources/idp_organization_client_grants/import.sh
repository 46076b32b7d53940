# The client grants of an organization are imported by the organization's
# ID; its name works too, e.g. acme instead of the ID below.
terraform import idp_organization_client_grants.acme org_0123456789abcdef
