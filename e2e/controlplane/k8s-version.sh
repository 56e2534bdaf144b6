# Sourced by e2e/controlplane/build.sh and e2e/k8s-node/build.sh so that every Kubernetes
# binary comes from this wrapper module's k8s.io/kubernetes and reports the same version.
# Defines k8s_module_dir, k8s_version and k8s_ldflags (what Kubernetes' own build stamps).
k8s_module_dir=$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)
k8s_version=$(awk '$1=="require" && $2=="k8s.io/kubernetes" {print $3}' "$k8s_module_dir/go.mod")
[ -n "$k8s_version" ] || { echo "k8s-version.sh: no k8s.io/kubernetes in $k8s_module_dir/go.mod" >&2; exit 1; }
k8s_ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$k8s_version -X k8s.io/component-base/version.gitMajor=1 \
-X k8s.io/component-base/version.gitMinor=$(echo "$k8s_version" | cut -d. -f2) -X k8s.io/component-base/version.gitTreeState=clean"
