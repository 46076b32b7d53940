# `terraform test` for the api module, against idp-server. The provider
# takes its configuration from IDP_DOMAIN, IDP_CLIENT_ID and
# IDP_CLIENT_SECRET, as idp-server prints them. Runs share one state and run
# in order; at the end Terraform destroys what they created.

variables {
  name            = "Orders API"
  identifier      = "https://orders.example.com/"
  scopes          = ["read:orders", "write:orders"]
  consumer_scopes = ["read:orders"]
}

run "plan" {
  command = plan

  assert {
    condition     = idp_resource_server.this.identifier == var.identifier
    error_message = "The API's identifier is not the one given."
  }
}

run "apply" {
  assert {
    condition     = idp_client_grant.consumer.scope == toset(["read:orders"])
    error_message = "The consumer is not granted exactly read:orders."
  }

  assert {
    condition     = length(output.consumer_client_id) == 32
    error_message = "The consumer's client ID is not a server-assigned one."
  }
}

run "scope_change" {
  variables {
    consumer_scopes = ["read:orders", "write:orders"]
  }

  assert {
    condition     = idp_client_grant.consumer.scope == toset(["read:orders", "write:orders"])
    error_message = "The grant was not widened."
  }
}

# A token limited to one of the granted scopes, asked for by a helper
# module with the outputs of the previous run.
run "limited_token" {
  module {
    source = "./tests/token"
  }

  variables {
    audience      = run.scope_change.identifier
    client_id     = run.scope_change.consumer_client_id
    client_secret = run.scope_change.consumer_client_secret
    scope         = ["read:orders"]
  }

  assert {
    condition     = output.scope == toset(["read:orders"])
    error_message = "The token carries more than read:orders."
  }
}

# expect_failures catches the module's own checks: a variable's validation...
run "rejects_a_bad_identifier" {
  command = plan

  variables {
    identifier = "http://orders.example.com"
  }

  expect_failures = [var.identifier]
}

# ...and a resource's precondition.
run "rejects_an_undefined_consumer_scope" {
  command = plan

  variables {
    consumer_scopes = ["delete:orders"]
  }

  expect_failures = [idp_client_grant.consumer]
}
