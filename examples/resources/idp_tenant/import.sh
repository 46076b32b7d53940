# A tenant can be imported by its ID or by its name. The management client's
# credentials are only revealed when a tenant is created, so they are null
# after an import.
terraform import idp_tenant.customer ten_0123456789abcdef
terraform import idp_tenant.customer customer-1
