# By the grant's ID or by client_id::audience.
import {
  to = idp_client_grant.dashboard_reports
  id = "AbCdEfGhIjKlMnOpQrStUvWxYz012345::https://reports.example.com/"
}
