#!/usr/bin/env bash
# Builds a pinned Terraform or OpenTofu CLI from its Go module source.
#
#   scripts/build-cli.sh terraform|tofu vX.Y.Z OUT
#
# The source comes from the Go module proxy only ('go mod download'), the one
# place this project's machines may fetch from. It is built inside a writable
# copy of its own source tree (the module cache is read-only), so that the
# CLI's own go.mod, with its replace directives, applies: 'go install
# <module>/cmd/tofu@vX.Y.Z' (or a scratch module requiring it) ignores those
# directives and fails.
#
# Terraform needs one patch that OpenTofu does not: its module zip lacks its
# nested modules (the remote-state backends azurerm, consul, cos, gcs,
# kubernetes, oci, oss, pg and s3, and internal/legacy, which only tests
# import), which its go.mod names through 'replace ... => ./internal/...'. So,
# in the copy only, those backends are dropped from internal/backend/init and
# their require/replace lines from go.mod. What remains: the local, remote,
# cloud, http and inmem backends, which is all this project uses (its tests
# keep state locally); a configuration naming a dropped backend fails at init
# with "Unsupported backend type".
#
# The result is a release build ('Terraform vX.Y.Z' / 'OpenTofu vX.Y.Z', not
# '-dev'). Does nothing when OUT already is that version, so make can call it
# freely.
set -euo pipefail

if [ $# -ne 3 ]; then
  echo "usage: $0 terraform|tofu vX.Y.Z OUT" >&2
  exit 2
fi
cli=$1
version=$2
out=$3
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac

case "$cli" in
terraform) module=github.com/hashicorp/terraform pkg=. want="Terraform ${version}" ;;
tofu) module=github.com/opentofu/opentofu pkg=./cmd/tofu want="OpenTofu ${version}" ;;
*)
  echo "build-cli: unknown CLI '$cli' (terraform or tofu)" >&2
  exit 2
  ;;
esac

# sed reads the whole output: with head, the CLI could get SIGPIPE writing
# its later lines, which pipefail and set -e turn into a failed build.
cli_version() { CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$1" version 2>/dev/null | sed -n 1p; }

if [ -x "$out" ] && [ "$(cli_version "$out")" = "$want" ]; then
  exit 0
fi

# Fetching the source needs no particular Go: the go on PATH, as it is. The
# build below uses the Go the CLI's own go.mod names.
export GOTOOLCHAIN=local
export GOFLAGS=-mod=mod
export CGO_ENABLED=0

tmp="$(mktemp -d)"
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT

# Outside any module, so that this project's go.mod is left alone.
dir="$(cd "$tmp" && go mod download -json "${module}@${version}" |
  sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
if [ -z "$dir" ] || [ ! -f "$dir/go.mod" ]; then
  echo "build-cli: 'go mod download' gave no source directory for ${module}@${version}" >&2
  exit 1
fi

cp -R "$dir" "$tmp/src"
chmod -R u+w "$tmp/src"

if [ "$cli" = terraform ]; then
  # Each nested module the zip lacks is dropped from go.mod; each backend
  # among them from init.go, where its import and its map entry are the only
  # lines that name it (backendAzure, backendConsul, ...).
  init="$tmp/src/internal/backend/init/init.go"
  edits=()
  for b in azure consul cos gcs kubernetes oci oss pg s3; do
    m="${module}/internal/backend/remote-state/$b"
    edits+=("-droprequire=$m" "-dropreplace=$m")
  done
  edits+=("-droprequire=${module}/internal/legacy" "-dropreplace=${module}/internal/legacy")
  (cd "$tmp/src" && go mod edit "${edits[@]}")
  sed -i -E '/\bbackend(Azure|Consul|Cos|GCS|Kubernetes|OCI|OSS|Pg|S3)\b/d' "$init"
  # The patch must have done exactly that: no line of either file names a
  # dropped backend any more (a new release that names them differently
  # fails here, not halfway through the build).
  if grep -nE 'remote-state/(azure|consul|cos|gcs|kubernetes|oci|oss|pg|s3)|internal/legacy' "$tmp/src/go.mod" "$init" >&2; then
    echo "build-cli: the patch left the lines above; the recipe needs updating for Terraform ${version}" >&2
    exit 1
  fi
fi

# The CLI is built with the Go its own go.mod names (its toolchain line, else
# its go line: OpenTofu v1.12.6 says 1.26.6, Terraform v1.15.0 1.25.8), which
# the go command fetches through the module proxy like any toolchain: the Go
# upstream chose, whatever Go this machine has and whatever Go this project
# uses (GOTOOLCHAIN from the GNUmakefile is overridden here). Not this
# project's Go 1.27.3: OpenTofu v1.12.6 does not build with Go 1.27 (its
# grpc v1.79.3 uses x/net/http2's TrailerPrefix, which its x/net v0.54.0
# leaves out under Go 1.27).
toolchain="$(sed -n 's/^toolchain[[:space:]]\{1,\}\(go[0-9][0-9.]*\)[[:space:]]*$/\1/p' "$tmp/src/go.mod")"
if [ -z "$toolchain" ]; then
  toolchain="$(sed -n 's/^go[[:space:]]\{1,\}\([0-9][0-9.]*\)[[:space:]]*$/go\1/p' "$tmp/src/go.mod")"
  # 'go 1.26' means the language; its first release is go1.26.0.
  case "$toolchain" in go*.*.*) ;; go*.*) toolchain="$toolchain.0" ;; esac
fi
if [ -z "$toolchain" ]; then
  echo "build-cli: no go or toolchain line in ${module}@${version}'s go.mod" >&2
  exit 1
fi
export GOTOOLCHAIN="$toolchain"

echo "build-cli: building ${want} from the module proxy's source into ${out} with ${toolchain}" >&2
mkdir -p "$(dirname "$out")"
# dev=no: a release build, as upstream's release process sets it.
(cd "$tmp/src" && go build -trimpath \
  -ldflags "-s -w -X ${module}/version.dev=no" \
  -o "$out.tmp" "$pkg")
mv -f "$out.tmp" "$out"

got="$(cli_version "$out")"
if [ "$got" != "$want" ]; then
  echo "build-cli: built binary reports '$got', want '$want'" >&2
  exit 1
fi
echo "build-cli: $got" >&2
