# One customer of the tenant. Its ID is what tokens limited to it carry as
# org_id (see idp_organization_client_grants and idp_token's organization).
resource "idp_organization" "acme" {
  name         = "acme"
  display_name = "Acme Corp"
  branding = {
    logo_url = "https://acme.example.com/logo.png"
    colors = {
      primary         = "#0059d6"
      page_background = "#ffffff"
    }
  }
  metadata = {
    tier = "gold"
  }
}
