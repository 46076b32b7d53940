# A resource server can be imported by its ID or by its identifier.
terraform import idp_resource_server.reports 0123456789abcdef01234567
terraform import idp_resource_server.reports https://reports.example.com/
