#!/usr/bin/env bash
# Builds the e2e control plane (kube-apiserver, kube-controller-manager, kubectl,
# etcd) from Go modules into a cache outside the repository, keyed by version.
# A warm run finds the binaries and returns at once. Prints the bin directory.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=e2e/controlplane/k8s-version.sh
source "$here/k8s-version.sh"
k8s=$k8s_version
etcd=$(awk '$1=="require" && $2=="go.etcd.io/etcd/server/v3" {print $3}' "$here/go.mod")
cache=${KUBERELAY_CONTROLPLANE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kuberelay/controlplane}
bin="$cache/k8s-$k8s-etcd-$etcd-$k8s_build_key"
tools=(kube-apiserver kube-controller-manager kubectl etcd)

complete=1
for t in "${tools[@]}"; do [ -x "$bin/$t" ] || complete=0; done
if [ "$complete" = 1 ]; then echo "$bin"; exit 0; fi

command -v go >/dev/null || { echo "build.sh: Go is required to build the control plane" >&2; exit 1; }
start=$(date +%s)
tmp="$bin.tmp.$$"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"
cd "$here"
echo "build.sh: building control plane $k8s with etcd $etcd into $bin" >&2
"${k8s_go_build[@]}" -ldflags "$k8s_ldflags" -o "$tmp/" \
  k8s.io/kubernetes/cmd/kube-apiserver \
  k8s.io/kubernetes/cmd/kube-controller-manager \
  k8s.io/kubernetes/cmd/kubectl >&2
"${k8s_go_build[@]}" -ldflags "-s -w" -o "$tmp/etcd" go.etcd.io/etcd/server/v3 >&2
rm -rf "$bin" && mv "$tmp" "$bin"
echo "build.sh: control plane built in $(( $(date +%s) - start ))s" >&2
echo "$bin"
