# The ID is the client ID.
import {
  to = idp_client.reporting_service
  id = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"
}
