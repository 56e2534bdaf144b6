#!/usr/bin/env bash
# Builds the helm CLI, for the chart tests (e2e/chart.test.ts) and the cluster suite, into a
# cache outside the repository keyed by version. helm is a tool of the control plane's wrapper
# module (e2e/controlplane/go.mod): it compiles against the same Kubernetes packages, with the
# same flags, so the Go build cache holds them once. A warm run finds the binary and returns at
# once. Prints the bin directory (the folder holding `helm`).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=e2e/controlplane/k8s-version.sh
source "$here/../controlplane/k8s-version.sh"
helm=$(awk '$1=="helm.sh/helm/v3" {print $2}' "$k8s_module_dir/go.mod")
[ -n "$helm" ] || { echo "build.sh: no helm.sh/helm/v3 in $k8s_module_dir/go.mod" >&2; exit 1; }
cache=${KUBERELAY_CONTROLPLANE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kuberelay/controlplane}
bin="$cache/helm-$helm-k8s-$k8s_version-$k8s_build_key"

if [ -x "$bin/helm" ]; then echo "$bin"; exit 0; fi

command -v go >/dev/null || { echo "build.sh: Go is required to build helm" >&2; exit 1; }
start=$(date +%s)
tmp="$bin.tmp.$$"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"
# What helm's own Makefile sets: its version, and the Kubernetes version that `helm template`
# and `helm lint` assume (Capabilities.KubeVersion) when no cluster is asked: the one it is
# built with.
ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$helm -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
for p in helm.sh/helm/v3/pkg/chartutil helm.sh/helm/v3/pkg/lint/rules; do
  ldflags="$ldflags -X $p.k8sVersionMajor=$(echo "$k8s_version" | cut -d. -f1 | tr -d v)"
  ldflags="$ldflags -X $p.k8sVersionMinor=$(echo "$k8s_version" | cut -d. -f2)"
done
cd "$k8s_module_dir"
echo "build.sh: building helm $helm into $bin" >&2
"${k8s_go_build[@]}" -ldflags "$ldflags" -o "$tmp/helm" helm.sh/helm/v3/cmd/helm >&2
mkdir -p "$cache"
rm -rf "$bin" && mv "$tmp" "$bin"
echo "build.sh: helm built in $(( $(date +%s) - start ))s" >&2
echo "$bin"
