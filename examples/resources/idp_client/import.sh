# A client is imported by its client ID.
terraform import idp_client.reporting_service AbCdEfGhIjKlMnOpQrStUvWxYz012345
