#!/usr/bin/env bash
# Auth0's own tools against idp-server (make compat): node-auth0 v7 and v4 do CRUD on APIs,
# clients, grants and a database connection and verify a token against the JWKS; then
# auth0-deploy-cli exports a tenant and imports it into a fresh server twice, and every object
# must be there exactly once. Versions are pinned in package.json and package-lock.json.
# Usage: scripts/compat/run.sh path/to/idp-server
set -euo pipefail

server=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT

# start NAME: runs a TLS idp-server on a free port and waits for its environment block.
start() {
	"$server" -tls -listen 127.0.0.1:0 >"$work/$1.env" 2>"$work/$1.log" &
	pids+=($!)
	for _ in $(seq 100); do
		grep -q '^SSL_CERT_FILE=' "$work/$1.env" && return 0
		kill -0 "${pids[-1]}" 2>/dev/null || break
		sleep 0.1
	done
	cat "$work/$1.log" >&2
	echo "compat: idp-server did not start" >&2
	exit 1
}

# use NAME: points the tools at that server.
use() {
	set -a
	# shellcheck disable=SC1090
	. "$work/$1.env"
	set +a
	export NODE_EXTRA_CA_CERTS=$SSL_CERT_FILE
	cat >"$work/$1.json" <<JSON
{"AUTH0_DOMAIN": "${IDP_DOMAIN#https://}", "AUTH0_CLIENT_ID": "$IDP_CLIENT_ID", "AUTH0_CLIENT_SECRET": "$IDP_CLIENT_SECRET",
 "AUTH0_INCLUDED_ONLY": ["clients", "resourceServers", "clientGrants", "databases"], "AUTH0_ALLOW_DELETE": false}
JSON
}

cd "$here"
start source
use source
node sdk-v7.mjs
node sdk-v4.mjs
node seed.mjs
node_modules/.bin/a0deploy export -c "$work/source.json" -f yaml -o "$work/export"

start target
use target
for run in 1 2; do
	echo "deploy-cli import, run $run"
	node_modules/.bin/a0deploy import -c "$work/target.json" -i "$work/export/tenant.yaml"
done
node check-import.mjs "$work/export/tenant.yaml"
echo "compat: all passed"
