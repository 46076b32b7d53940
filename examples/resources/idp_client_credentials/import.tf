# The ID is the client ID.
import {
  to = idp_client_credentials.reporting
  id = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"
}
