#!/usr/bin/env bash
# Builds a pinned Terraform CLI from its Go module source.
#
#   scripts/build-terraform.sh vX.Y.Z OUT
#
# The sibling of build-tofu.sh, for the same reason (the Go module proxy is
# the one place this project's machines may fetch from) and the same way:
# built inside a writable copy of the module's own source tree, with its own
# go.mod. One patch is needed that OpenTofu's source does not: Terraform's
# module zip lacks its nested modules (the remote-state backends azurerm,
# consul, cos, gcs, kubernetes, oci, oss, pg and s3, and internal/legacy,
# which only tests import), which its go.mod names through 'replace ... =>
# ./internal/...'. So, in the copy only, those backends are dropped from
# internal/backend/init and their require/replace lines from go.mod. What
# remains: the local, remote, cloud, http and inmem backends, which is all
# this project uses (its tests keep state locally). The result is a release
# build that says 'Terraform vX.Y.Z'; a configuration naming a dropped
# backend fails at init with "Unsupported backend type".
#
# Does nothing when OUT already is that version, so make can call it freely.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 vX.Y.Z OUT" >&2
  exit 2
fi
version=$1
out=$2
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac

want="Terraform ${version}"
if [ -x "$out" ] && [ "$(CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$out" version 2>/dev/null | head -n1)" = "$want" ]; then
  exit 0
fi

# As in build-tofu.sh: this machine's Go must be at least what Terraform's
# go.mod names (v1.15.0: 1.25.8); 'local' makes a mismatch fail plainly.
export GOTOOLCHAIN=local
export GOFLAGS=-mod=mod
export CGO_ENABLED=0

tmp="$(mktemp -d)"
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT

# Outside any module, so that this project's go.mod is left alone.
dir="$(cd "$tmp" && go mod download -json "github.com/hashicorp/terraform@${version}" |
  sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
if [ -z "$dir" ] || [ ! -f "$dir/go.mod" ]; then
  echo "build-terraform: 'go mod download' gave no source directory for github.com/hashicorp/terraform@${version}" >&2
  exit 1
fi

cp -R "$dir" "$tmp/src"
chmod -R u+w "$tmp/src"

# The patch. Each nested module the zip lacks is dropped from go.mod; each
# backend among them from init.go, where its import and its map entry are
# the only lines that name it (backendAzure, backendConsul, ...).
dropped=(azure consul cos gcs kubernetes oci oss pg s3)
init="$tmp/src/internal/backend/init/init.go"
edits=()
for b in "${dropped[@]}"; do
  m="github.com/hashicorp/terraform/internal/backend/remote-state/$b"
  edits+=("-droprequire=$m" "-dropreplace=$m")
done
edits+=("-droprequire=github.com/hashicorp/terraform/internal/legacy" "-dropreplace=github.com/hashicorp/terraform/internal/legacy")
(cd "$tmp/src" && go mod edit "${edits[@]}")
sed -i -E '/\bbackend(Azure|Consul|Cos|GCS|Kubernetes|OCI|OSS|Pg|S3)\b/d' "$init"
# The patch must have done exactly that: no line of either file names a
# dropped backend any more (a new release that names them differently
# fails here, not halfway through the build).
if grep -nE 'remote-state/(azure|consul|cos|gcs|kubernetes|oci|oss|pg|s3)|internal/legacy' "$tmp/src/go.mod" "$init" >&2; then
  echo "build-terraform: the patch left the lines above; the recipe needs updating for ${version}" >&2
  exit 1
fi

echo "build-terraform: building Terraform ${version} from the module proxy's source into ${out}" >&2
mkdir -p "$(dirname "$out")"
# dev=no: a release build ('Terraform vX.Y.Z', not 'vX.Y.Z-dev').
(cd "$tmp/src" && go build -trimpath \
  -ldflags "-s -w -X github.com/hashicorp/terraform/version.dev=no" \
  -o "$out.tmp" .)
mv -f "$out.tmp" "$out"

got="$(CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$out" version | head -n1)"
if [ "$got" != "$want" ]; then
  echo "build-terraform: built binary reports '$got', want '$want'" >&2
  exit 1
fi
echo "build-terraform: $got" >&2
