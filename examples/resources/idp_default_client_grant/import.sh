# A default client grant can be imported by its ID or by its API's identifier.
terraform import idp_default_client_grant.orders cgr_0123456789abcdef
terraform import idp_default_client_grant.orders 'https://orders.example.com/'
