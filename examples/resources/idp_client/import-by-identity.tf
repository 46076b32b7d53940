# Terraform 1.12 and later: an import block with the object's identity.
import {
  to = idp_client.reporting_service
  identity = {
    client_id = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"
  }
}
