#!/usr/bin/env bash
# Builds what the one-node e2e cluster runs besides the control plane, from Go modules, into a
# cache outside the repository keyed by version: kubelet, kube-scheduler and kube-proxy (from
# the control plane's wrapper module, so the same Kubernetes), containerd, runc, the CNI
# plugins, CoreDNS (the plugins the node uses: e2e/k8s-node/coredns) and our pause. Each piece has its own cached folder; the printed
# bin directory links them all (CNI plugins under cni/). A warm run returns at once.
set -euo pipefail
here=$(cd -P "$(dirname "$0")" && pwd)
# shellcheck source=e2e/controlplane/k8s-version.sh
source "$here/../controlplane/k8s-version.sh"
# shellcheck source=e2e/k8s-node/versions.sh
source "$here/versions.sh"
cache=${KUBERELAY_CONTROLPLANE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kuberelay/controlplane}

# pause is our own code: keyed by its content rather than a version.
pause_key=$(cd "$here/pause" && cat go.mod main.go | sha256sum | cut -c1-12)
grep -q "github.com/coredns/coredns $coredns_version\$" "$here/coredns/go.mod" || {
  echo "build.sh: e2e/k8s-node/coredns/go.mod must require github.com/coredns/coredns $coredns_version" >&2
  exit 1
}
# CoreDNS: its version and the plugin list of our wrapper module.
coredns_key=$(cd "$here/coredns" && cat go.mod go.sum main.go | sha256sum | cut -c1-12)

# <build function> <folder, named by what decides its content> <binaries...>
pieces=(
  "containerd containerd-$containerd_version containerd containerd-shim-runc-v2 ctr"
  "runc runc-$runc_version runc"
  "cni_plugins cni-plugins-$cni_version bridge host-local loopback portmap"
  "coredns coredns-$coredns_version-$coredns_key coredns"
  "pause pause-$pause_key pause"
  "k8s_node k8s-node-$k8s_version-$k8s_build_key kubelet kube-scheduler kube-proxy"
)
bin="$cache/node-$k8s_version-$(printf '%s\n' "${pieces[@]}" | sha256sum | cut -c1-12)"

has_all() { # <folder> <binaries...>
  local dir=$1 b
  shift
  for b in "$@"; do [ -x "$dir/$b" ] || return 1; done
}
linked() {
  local piece fn dir bins
  for piece in "${pieces[@]}"; do
    read -r fn dir bins <<<"$piece"
    # shellcheck disable=SC2086 # the binaries are a space-separated list
    if [ "$fn" = cni_plugins ]; then has_all "$bin/cni" $bins || return 1; else has_all "$bin" $bins || return 1; fi
  done
}
if linked; then echo "$bin"; exit 0; fi

command -v go >/dev/null || { echo "build.sh: Go is required to build the node binaries" >&2; exit 1; }
tmps=()
trap 'rm -rf "${tmps[@]}"' EXIT
mkdir -p "$cache"

# -gcflags=all=-dwarf=false everywhere: the binaries are linked with -s -w, so the compiler's debug
# information is never used, and leaving it out compiles about a tenth faster.
build_k8s_node() { # kubelet, kube-scheduler, kube-proxy: the control plane's module, flags and environment
  (cd "$k8s_module_dir" && "${k8s_go_build[@]}" -ldflags "$k8s_ldflags" -o "$out/" \
    k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kube-proxy)
}
build_containerd() { # the Makefile's version stamp and tags; the shim without gRPC, as upstream ships it
  local m=github.com/containerd/containerd/v2
  local ld="-s -w -X $m/version.Version=$containerd_version -X $m/version.Package=$m"
  CGO_ENABLED=0 GOBIN=$out go install -trimpath -gcflags=all=-dwarf=false -tags urfave_cli_no_docs -ldflags "$ld" \
    "$m/cmd/containerd@$containerd_version" "$m/cmd/ctr@$containerd_version"
  CGO_ENABLED=0 GOBIN=$out go install -trimpath -gcflags=all=-dwarf=false -tags "urfave_cli_no_docs no_grpc" -ldflags "$ld" \
    "$m/cmd/containerd-shim-runc-v2@$containerd_version"
}
build_runc() { # needs cgo (nsenter) and libseccomp: the Makefile's `static` target, without libpathrs
  pkg-config --exists libseccomp || {
    echo "build.sh: runc needs libseccomp-dev and pkg-config (apt-get install libseccomp-dev pkg-config)" >&2
    return 1
  }
  CGO_ENABLED=1 GOBIN=$out go install -trimpath -gcflags=all=-dwarf=false -buildmode=pie -tags "seccomp urfave_cli_no_docs netgo osusergo" \
    -ldflags "-s -w -linkmode external -extldflags -static-pie" "github.com/opencontainers/runc@$runc_version"
}
build_cni_plugins() {
  local m=github.com/containernetworking/plugins
  CGO_ENABLED=0 GOBIN=$out go install -trimpath -gcflags=all=-dwarf=false -ldflags "-s -w -X $m/pkg/utils/buildversion.BuildVersion=$cni_version" \
    "$m/plugins/main/bridge@$cni_version" "$m/plugins/ipam/host-local@$cni_version" \
    "$m/plugins/main/loopback@$cni_version" "$m/plugins/meta/portmap@$cni_version"
}
build_coredns() { # the version is a constant in coremain; the Makefile only adds the git commit
  (cd "$here/coredns" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -gcflags=all=-dwarf=false -ldflags "-s -w" -o "$out/coredns" .)
}
build_pause() { # without VCS stamps: the same source gives the same binary, and so the same image
  (cd "$here/pause" && CGO_ENABLED=0 go build -trimpath -buildvcs=false -ldflags "-s -w" -o "$out/pause" .)
}

for piece in "${pieces[@]}"; do
  read -r fn dir bins <<<"$piece"
  # shellcheck disable=SC2086 # the binaries are a space-separated list
  has_all "$cache/$dir" $bins && continue
  started=$(date +%s)
  out="$cache/$dir.tmp.$$"
  tmps+=("$out")
  rm -rf "$out" && mkdir -p "$out"
  echo "build.sh: building $dir" >&2
  "build_$fn" >&2
  rm -rf "${cache:?}/$dir" && mv "$out" "$cache/$dir"
  echo "build.sh: $dir built in $(($(date +%s) - started))s" >&2
done

# The bin directory: relative links, so the cache folder can move as a whole.
out="$bin.tmp.$$"
tmps+=("$out")
rm -rf "$out" && mkdir -p "$out"
for piece in "${pieces[@]}"; do
  read -r fn dir bins <<<"$piece"
  if [ "$fn" = cni_plugins ]; then
    ln -s "../$dir" "$out/cni"
  else
    for b in $bins; do ln -s "../$dir/$b" "$out/$b"; done
  fi
done
rm -rf "$bin" && mv "$out" "$bin"
echo "$bin"
