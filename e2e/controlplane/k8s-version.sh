# Sourced by e2e/controlplane/build.sh, e2e/k8s-node/build.sh and e2e/helm/build.sh so that every Kubernetes
# binary comes from this wrapper module's k8s.io/kubernetes and reports the same version.
# Defines k8s_module_dir, k8s_version, k8s_ldflags (what Kubernetes' own build stamps) and
# k8s_go_build, the one `go build` command line for every binary of the wrapper module, and
# k8s_build_key, a hash of what decides those binaries besides the versions (the module's
# dependencies and this file's settings), for cache folder names.
k8s_module_dir=$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)
k8s_version=$(awk '$1=="require" && $2=="k8s.io/kubernetes" {print $3}' "$k8s_module_dir/go.mod")
[ -n "$k8s_version" ] || { echo "k8s-version.sh: no k8s.io/kubernetes in $k8s_module_dir/go.mod" >&2; exit 1; }
k8s_ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$k8s_version -X k8s.io/component-base/version.gitMajor=1 \
-X k8s.io/component-base/version.gitMinor=$(echo "$k8s_version" | cut -d. -f2) -X k8s.io/component-base/version.gitTreeState=clean"
# Every binary of the module compiles with the same settings, so the Go build cache compiles each
# shared package once (a different CGO_ENABLED or -gcflags would compile them all again).
# CGO_ENABLED=0: static binaries, as Kubernetes and helm release them. -dwarf=false: every binary
# is linked with -s -w, so the debug information the compiler would write is never used.
k8s_go_build=(env CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -gcflags=all=-dwarf=false)
k8s_build_key=$(cat "$k8s_module_dir/go.mod" "$k8s_module_dir/go.sum" "${BASH_SOURCE[0]}" | sha256sum | cut -c1-12)
