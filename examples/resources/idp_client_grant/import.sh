# A client grant can be imported by its ID or by client_id::audience.
terraform import idp_client_grant.dashboard_reports cgr_0123456789abcdef
terraform import idp_client_grant.dashboard_reports 'AbCdEfGhIjKlMnOpQrStUvWxYz012345::https://reports.example.com/'
