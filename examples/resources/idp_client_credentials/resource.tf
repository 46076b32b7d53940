resource "idp_client" "reporting" {
  name = "Reporting Service"
}

# The reporting service signs its client assertions with a private key that
# never leaves it: the tenant and the state hold only the public key (here
# inline; file("reporting.pub.pem") works as well), and the client's secret
# stops working. To rotate, add the next key under a new name, move the
# service to it, then remove the old one: both work in between.
resource "idp_client_credentials" "reporting" {
  client_id             = idp_client.reporting.client_id
  authentication_method = "private_key_jwt"
  credentials = {
    "reporting-2026" = {
      expires_at = "2030-01-01T00:00:00Z"
      pem        = <<-EOT
        -----BEGIN PUBLIC KEY-----
        MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAloy2i7Ih1rSLRIYFHGDz
        UhZs+g2N6bVfPrA6bNGCx87EkiYiSPqCKKQPPCvMFqkKkc1hgfXhgSYTdm8oaeCQ
        aR3y28didg3pngwFSdiAp+4r1Xu7nHpIH3VUz0SK4yoZ1x0hLih7bl8P7dptj9nT
        Ue5DNre6aovGGRFyKsCV+StJahG6NfvgES04AaPh5CHhjxUzAYDUMgPgmyEDaxby
        rW08XwMg4HSdo4cF9O8hbOtBhZSdqlN7xcgBI5Xmnl3iF884UZEKk7c9oXR2ioWB
        ttP3/5tp+7e+23NOWfqBGwb8aj89sc/zabX19SmcqlCGNH6h7plhmwak72H9qyKm
        BwIDAQAB
        -----END PUBLIC KEY-----
      EOT
    }
  }
}
