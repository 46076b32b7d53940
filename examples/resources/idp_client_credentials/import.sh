# The credentials of a client are imported by its client ID; each key's pem,
# which the server never answers, is null until the configuration gives it.
terraform import idp_client_credentials.reporting AbCdEfGhIjKlMnOpQrStUvWxYz012345
