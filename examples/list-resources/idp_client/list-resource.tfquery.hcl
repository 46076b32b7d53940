# Every machine-to-machine client but the one the provider signs in with.
list "idp_client" "machines" {
  provider         = idp
  include_resource = true
  config {
    app_type = "non_interactive"
  }
}
