#!/usr/bin/env bash
# Builds a pinned OpenTofu CLI from its Go module source.
#
#   scripts/build-tofu.sh vX.Y.Z OUT
#
# The source comes from the Go module proxy only ('go mod download'), the one
# place this project's machines may fetch from. It is built inside a copy of
# its own source tree, so that OpenTofu's go.mod, with its replace directives,
# applies: 'go install github.com/opentofu/opentofu/cmd/tofu@vX.Y.Z' (or a
# scratch module requiring it) ignores those directives and fails. The copy is
# needed because the module cache is read-only.
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

want="OpenTofu ${version}"
if [ -x "$out" ] && [ "$(TF_CLI_CONFIG_FILE=/dev/null "$out" version 2>/dev/null | head -n1)" = "$want" ]; then
  exit 0
fi

# OpenTofu's go.mod names the Go it needs; this machine's Go must be at least
# that (OpenTofu v1.12.6 needs 1.26.6). 'local' makes a mismatch fail here,
# plainly, instead of fetching another toolchain.
export GOTOOLCHAIN=local
export GOFLAGS=-mod=mod
export CGO_ENABLED=0

tmp="$(mktemp -d)"
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT

# Outside any module, so that this project's go.mod is left alone.
dir="$(cd "$tmp" && go mod download -json "github.com/opentofu/opentofu@${version}" |
  sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
if [ -z "$dir" ] || [ ! -f "$dir/go.mod" ]; then
  echo "build-tofu: 'go mod download' gave no source directory for github.com/opentofu/opentofu@${version}" >&2
  exit 1
fi

cp -R "$dir" "$tmp/src"
chmod -R u+w "$tmp/src"

echo "build-tofu: building OpenTofu ${version} from the module proxy's source into ${out}" >&2
mkdir -p "$(dirname "$out")"
# dev=no: a release build ('OpenTofu vX.Y.Z', not 'vX.Y.Z-dev'), as upstream's
# release process sets it.
(cd "$tmp/src" && go build -trimpath \
  -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" \
  -o "$out.tmp" ./cmd/tofu)
mv -f "$out.tmp" "$out"

got="$(TF_CLI_CONFIG_FILE=/dev/null "$out" version | head -n1)"
if [ "$got" != "$want" ]; then
  echo "build-tofu: built binary reports '$got', want '$want'" >&2
  exit 1
fi
echo "build-tofu: $got" >&2
