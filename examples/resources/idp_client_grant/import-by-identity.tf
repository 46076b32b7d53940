# Terraform 1.12 and later: an import block with the object's identity.
import {
  to = idp_client_grant.dashboard_reports
  identity = {
    client_id = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"
    audience  = "https://reports.example.com/"
  }
}
