# Sourced by build.sh and images.sh: the versions of what the e2e node runs besides the
# Kubernetes binaries (those follow e2e/controlplane/go.mod). Each is a Go module version
# that builds with Go 1.26 and has no replace directives, so `go install module@version`
# builds it as released.
containerd_version=v2.4.2 # github.com/containerd/containerd/v2
runc_version=v1.5.3       # github.com/opencontainers/runc
cni_version=v1.10.0       # github.com/containernetworking/plugins (needs Go >= 1.26.8)
# github.com/coredns/coredns, the newest the module proxy serves; e2e/k8s-node/coredns/go.mod
# requires the same version (build.sh checks).
coredns_version=v1.15.0
