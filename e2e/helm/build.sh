#!/usr/bin/env bash
# Builds the helm CLI from Go modules into a cache outside the repository, keyed by
# version, for the chart tests (e2e/chart.test.ts). A warm run finds the binary and
# returns at once. Prints the bin directory (the folder holding `helm`).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
helm=$(awk '$1=="helm.sh/helm/v3" {print $2}' "$here/go.mod")
k8s=$(awk '$1=="k8s.io/client-go" {print $2}' "$here/go.mod")
[ -n "$helm" ] && [ -n "$k8s" ] || { echo "build.sh: cannot read helm or client-go versions from go.mod" >&2; exit 1; }
cache=${KUBERELAY_CONTROLPLANE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kuberelay/controlplane}
bin="$cache/helm-$helm"

if [ -x "$bin/helm" ]; then echo "$bin"; exit 0; fi

command -v go >/dev/null || { echo "build.sh: Go is required to build helm" >&2; exit 1; }
start=$(date +%s)
tmp="$bin.tmp.$$"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"
# What helm's own Makefile sets: its version, and the Kubernetes version that
# `helm template` and `helm lint` assume (Capabilities.KubeVersion) when no cluster is asked.
k8sMajor=$(echo "$k8s" | cut -d. -f1 | tr -d v)
k8sMinor=$(echo "$k8s" | cut -d. -f2)
k8sMajor=$((k8sMajor + 1)) # client-go v0.N.x ships with Kubernetes v1.N
ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$helm -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
for p in helm.sh/helm/v3/pkg/chartutil helm.sh/helm/v3/pkg/lint/rules; do
  ldflags="$ldflags -X $p.k8sVersionMajor=$k8sMajor -X $p.k8sVersionMinor=$k8sMinor"
done
cd "$here"
echo "build.sh: building helm $helm into $bin" >&2
CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags "$ldflags" -o "$tmp/helm" helm.sh/helm/v3/cmd/helm >&2
mkdir -p "$cache"
rm -rf "$bin" && mv "$tmp" "$bin"
echo "build.sh: helm built in $(( $(date +%s) - start ))s" >&2
echo "$bin"
