# Every grant on one API.
list "idp_client_grant" "reports" {
  provider         = idp
  include_resource = true
  config {
    audience = "https://reports.example.com/"
  }
}
