#!/usr/bin/env bash
# Builds the e2e control plane (kube-apiserver, kube-controller-manager, kubectl,
# etcd) from Go modules into a cache outside the repository, keyed by version.
# A warm run finds the binaries and returns at once. Prints the bin directory.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
k8s=$(awk '$1=="require" && $2=="k8s.io/kubernetes" {print $3}' "$here/go.mod")
etcd=$(awk '$1=="require" && $2=="go.etcd.io/etcd/server/v3" {print $3}' "$here/go.mod")
minor=$(echo "$k8s" | cut -d. -f2)
cache=${KUBERELAY_CONTROLPLANE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kuberelay/controlplane}
bin="$cache/k8s-$k8s-etcd-$etcd"
tools=(kube-apiserver kube-controller-manager kubectl etcd)

complete=1
for t in "${tools[@]}"; do [ -x "$bin/$t" ] || complete=0; done
if [ "$complete" = 1 ]; then echo "$bin"; exit 0; fi

command -v go >/dev/null || { echo "build.sh: Go is required to build the control plane" >&2; exit 1; }
start=$(date +%s)
tmp="$bin.tmp.$$"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"
v=k8s.io/component-base/version
ldflags="-s -w -X $v.gitVersion=$k8s -X $v.gitMajor=1 -X $v.gitMinor=$minor -X $v.gitTreeState=clean"
cd "$here"
echo "build.sh: building control plane $k8s with etcd $etcd into $bin" >&2
GOFLAGS=-mod=mod go build -trimpath -ldflags "$ldflags" -o "$tmp/" \
  k8s.io/kubernetes/cmd/kube-apiserver \
  k8s.io/kubernetes/cmd/kube-controller-manager \
  k8s.io/kubernetes/cmd/kubectl >&2
GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w" -o "$tmp/etcd" go.etcd.io/etcd/server/v3 >&2
rm -rf "$bin" && mv "$tmp" "$bin"
echo "build.sh: control plane built in $(( $(date +%s) - start ))s" >&2
echo "$bin"
