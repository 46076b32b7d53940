# Terraform 1.12 and later: an import block with the object's identity.
import {
  to = idp_client_credentials.reporting
  identity = {
    client_id = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"
  }
}
