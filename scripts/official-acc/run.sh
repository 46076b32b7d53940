#!/usr/bin/env bash
# Auth0's official Terraform provider's own acceptance tests against idp-server (make
# official-acc; issue 21): the module source of github.com/auth0/terraform-provider-auth0 at the
# version pinned below is copied to a temporary directory, its tests are built, and the tests
# pinned below run in its end-to-end mode (no HTTP recordings) against a TLS idp-server built from
# this repository, whose root admin client holds every scope its routes check. Prints a table and
# fails when a pinned test does not pass. Not part of 'make test': it takes several minutes.
# Usage: scripts/official-acc/run.sh [path/to/terraform]   (default: bin/terraform-1.15)
#
# Pinned: every test of the official provider for APIs (resource servers and their scopes),
# clients, client credentials, client grants and connection clients, and its database connection
# tests with import_mode and password options, except these, left out:
#   - TestAccResourceServerAuth0APIManagementImport, TestAccClientCredentialsImport,
#     TestAccConnectionClientsImport: they skip themselves unless AUTH0_DOMAIN is the recordings
#     tenant (they import IDs fixed in the recordings).
#   - TestAccResourceServer_ACR: skips itself always (it needs Auth0's My Account API).
#   - TestAccClientCIMD: needs POST /clients/cimd/register, which idp-server does not serve.
#   - TestAccClientExpressAppConfiguration, TestAccClientMyOrganizationConfiguration: need
#     /user-attribute-profiles and /connection-profiles, which idp-server does not serve.
#   - TestAccClientIdentityAssertionAuthorizationGrant: sends a client property,
#     identity_assertion_authorization_grant, that Auth0's published spec does not have.
#   - TestAccClientWithDefaultOrganization: its auth0_organization data source reads
#     /organizations/{id}/members and /organizations/{id}/connections, which idp-server does not
#     serve.
#   - TestAccConnectionPasswordHash: creates an auth0_action (POST /actions/actions), which
#     idp-server does not serve (it lists actions only).
# The connection package's other tests are about other strategies (AD, SAML, OIDC, social,
# passwordless...) and connection features (keys, SCIM, directory), outside this list.
set -euo pipefail

version=v1.54.1
module=github.com/auth0/terraform-provider-auth0

# package: the tests to run, as a -test.run regexp.
tests=(
	"resourceserver:^(TestAccDataSourceResourceServerRequiredArguments|TestAccDataSourceResourceServer|TestAccResourceServerScope|TestAccResourceServerScopes|TestAccResourceServerIsSystem|TestAccResourceServer|TestAccResourceServerOnlineAccess)$"
	"client:^(TestAccDataSourceClientGrants|TestAccDataClients|TestAccDataClientByName|TestAccDataClientById|TestAccDataClientHideClientSecret|TestAccDataSourceClientNonexistentID|TestAccClientAuthenticationMethodsPrivateKeyJWT|TestAccClientCredentialsPrivateKeyJWTFullRotation|TestAccClientAuthenticationMethodsTLSClientAuth|TestAccClientAuthenticationMethodsSelfSignedTLSClientAuth|TestAccAllowUpdatingTheClientSecret|TestAccClientCredentialsWriteOnlySecret|TestAccClientAuthenticationMethodsSignedRequestObject|TestAccClientGrant|TestAccClientGrant_DefaultFor|TestAccClientInitiateLoginUriValidation|TestAccClientMobileValidationError|TestAccClientMobile|TestAccClientRefreshToken|TestAccClientJWTConfiguration|TestAccClientConfig|TestAccClientAddons|TestAccClientMetadataBehavior|TestAccClientCanSetDefaultAuthMethodOnCreate|TestAccClientTokenQuota|TestAccClientOIDCLogout|TestAccClientSessionTransfer|TestAccClientResourceServer|TestAccClientOnBehalfOfTokenExchange|TestAccClientMixedTokenExchangeProfiles|TestAccClientTokenExchangeValidationError|TestAccClientSkipPrompt|TestAccClientAsyncApprovalNotificationChannels|TestAccClientOrganizationDiscoveryMethods|TestAccClientExpressApp|TestAccClient_ThirdPartySecurityMode|TestAccClientFedCMLogin)$"
	"connection:^(TestAccConnectionClient|TestAccConnectionClientsPreventErasingEnabledClientsOnCreate|TestAccConnectionClients|TestAccConnection|TestAccConnectionPasswordOptions)$"
)

repo=$(cd "$(dirname "$0")/../.." && pwd)
terraform=$(realpath "${1:-$repo/bin/terraform-1.15}")
export GOTOOLCHAIN=${GOTOOLCHAIN:-go1.27.3}
work=$(mktemp -d)
pid=
cleanup() {
	if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

# The module's source, as the module proxy and the checksum database vouch for it; outside this
# repository's module, so that its go.mod is left alone.
dir=$(cd "$work" && go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
test -d "$dir/internal/acctest" || { echo "official-acc: no source for $module@$version" >&2; exit 1; }
cp -R "$dir" "$work/src"
chmod -R u+w "$work/src"

echo "official-acc: building idp-server and the tests of $module $version"
(cd "$repo" && go build -o "$work/idp-server" ./internal/cmd/idp-server)
for entry in "${tests[@]}"; do
	pkg=${entry%%:*}
	(cd "$work/src" && go test -c -o "$work/$pkg.test" "./internal/auth0/$pkg/")
done

# A TLS idp-server on a free port: the official provider and go-auth0 always use https://
# and the domain, and Go trusts the CA that SSL_CERT_FILE names.
"$work/idp-server" -tls -listen 127.0.0.1:0 >"$work/server.env" 2>"$work/server.log" &
pid=$!
for _ in $(seq 100); do
	grep -q '^SSL_CERT_FILE=' "$work/server.env" && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
grep -q '^SSL_CERT_FILE=' "$work/server.env" || { cat "$work/server.log" >&2; echo "official-acc: idp-server did not start" >&2; exit 1; }
set -a
# shellcheck disable=SC1091
. "$work/server.env"
set +a
: >"$work/empty.tfrc"
export AUTH0_DOMAIN=${IDP_DOMAIN#https://} AUTH0_CLIENT_ID=$IDP_CLIENT_ID AUTH0_CLIENT_SECRET=$IDP_CLIENT_SECRET
# acctest.Test records nothing unless AUTH0_HTTP_RECORDINGS is true, 1 or on.
export AUTH0_HTTP_RECORDINGS=off TF_ACC=1 CHECKPOINT_DISABLE=1 TF_ACC_TERRAFORM_PATH=$terraform \
	TF_CLI_CONFIG_FILE=$work/empty.tfrc

# One package at a time, two tests at most at once (the tests of a package run one after
# another in end-to-end mode anyway); each from its package directory, since the tests read
# ../../../test/data.
: >"$work/results"
for entry in "${tests[@]}"; do
	pkg=${entry%%:*}
	echo "official-acc: running the $pkg tests"
	(cd "$work/src/internal/auth0/$pkg" &&
		"$work/$pkg.test" -test.v -test.count=1 -test.parallel=2 -test.timeout=30m -test.run "${entry#*:}" >"$work/$pkg.log" 2>&1) || true
	grep -E '^--- (PASS|FAIL|SKIP): ' "$work/$pkg.log" | awk -v p="$pkg" '{sub(":", "", $2); print p, $3, $2}' >>"$work/results" || true
	for t in $(echo "${entry#*:}" | tr -d '^$()' | tr '|' ' '); do
		grep -q " $t " "$work/results" || echo "$pkg $t NORESULT" >>"$work/results"
	done
	# The failures' output, for whoever reads the run.
	awk '/^=== RUN/{buf=""} {buf=buf $0 "\n"} /^--- FAIL/{printf "%s", buf}' "$work/$pkg.log"
done

echo
printf '%-16s %-58s %s\n' PACKAGE TEST RESULT
awk '{printf "%-16s %-58s %s\n", $1, $2, $3}' "$work/results"
failed=$(grep -cv ' PASS$' "$work/results" || true)
total=$(wc -l <"$work/results")
echo "official-acc: $((total - failed)) of $total passed against idp-server ($module $version)"
[ "$failed" -eq 0 ]
