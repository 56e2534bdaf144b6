#!/usr/bin/env bash
# Builds the benchmark's load tools into a cache outside the repository and prints the folder:
# vegeta (the constant-rate load generator, pinned below) and our benchmock and streamprobe,
# keyed by their source. A warm run returns at once.
set -euo pipefail
here=$(cd -P "$(dirname "$0")" && pwd)
vegeta_version=v12.13.0
key=$(cd "$here" && cat go.mod benchmock/*.go streamprobe/*.go | sha256sum | cut -c1-12)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/kuberelay/bench
bin="$cache/loadgen-vegeta-$vegeta_version-$key"
if [ -x "$bin/vegeta" ] && [ -x "$bin/benchmock" ] && [ -x "$bin/streamprobe" ]; then
  echo "$bin"
  exit 0
fi
command -v go >/dev/null || { echo "build.sh: Go is required to build the benchmark's load tools" >&2; exit 1; }
out="$bin.tmp.$$"
trap 'rm -rf "$out"' EXIT
rm -rf "$out" && mkdir -p "$out"
echo "build.sh: building vegeta $vegeta_version, benchmock and streamprobe" >&2
CGO_ENABLED=0 GOBIN=$out go install -trimpath -ldflags "-s -w" "github.com/tsenart/vegeta/v12@$vegeta_version" >&2
(cd "$here" && CGO_ENABLED=0 go build -trimpath -buildvcs=false -ldflags "-s -w" -o "$out/" ./benchmock ./streamprobe) >&2
rm -rf "$bin" && mv "$out" "$bin"
echo "$bin"
