# By the API's ID or by its identifier.
import {
  to = idp_resource_server.reports
  id = "https://reports.example.com/"
}
