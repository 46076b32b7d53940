resource "idp_resource_server" "content" {
  name       = "Content API"
  identifier = "https://content.example.com/"
  scopes = [
    { value = "post:content.tenant.a", description = "Post content for tenant a" },
    { value = "post:content.tenant.b", description = "Post content for tenant b" },
  ]
}

resource "idp_client" "satellite" {
  name = "Satellite Service"
}

resource "idp_client_grant" "satellite" {
  client_id = idp_client.satellite.client_id
  audience  = idp_resource_server.content.identifier
  scope     = ["post:content.tenant.a", "post:content.tenant.b"]
}

# A "limited scope" token: the satellite may post content for tenant a only.
# The token is stored in the state (marked sensitive); the idp_token
# ephemeral resource keeps it out of plan and state.
data "idp_token" "limited" {
  audience      = idp_client_grant.satellite.audience
  client_id     = idp_client.satellite.client_id
  client_secret = idp_client.satellite.client_secret
  scope         = ["post:content.tenant.a"]
}
