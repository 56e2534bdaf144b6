#!/usr/bin/env bash
# Builds the images the e2e node runs, FROM scratch with podman (no registry is needed): the Pod
# sandbox (our pause) and CoreDNS, from the binaries of build.sh. Writes each as an OCI archive
# into the cache, named by its content, for `ctr -n k8s.io images import`. A warm run finds the
# archives and returns at once without podman. Prints key=value lines on stdout:
#   pause_image, pause_archive, coredns_image, coredns_archive
set -euo pipefail
cd -P "$(dirname "$0")/../.."
# shellcheck source=e2e/k8s-node/versions.sh
source e2e/k8s-node/versions.sh
bin=$(bash e2e/k8s-node/build.sh)
cache=${KUBERELAY_CONTROLPLANE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kuberelay/controlplane}
archives=$cache/node-images
mkdir -p "$archives"

# An image's inputs are its Dockerfile and its one binary: the same inputs, the same archive.
content_key() { # <name>
  cat "e2e/k8s-node/$1.Dockerfile" "$bin/$1" | sha256sum | cut -c1-12
}

podman_ready=
build_archive() { # <name> <image reference> <archive>
  local name=$1 ref=$2 archive=$3 context
  [ -s "$archive" ] && return 0
  if [ -z "$podman_ready" ]; then
    # shellcheck source=image/podman-env.sh
    source image/podman-env.sh
    podman_ready=1
  fi
  context=$(mktemp -d)
  cp -L "$bin/$name" "$context/$name"
  echo "images.sh: building $ref" >&2
  # --timestamp 0: no build time in the image, so rebuilding the same inputs gives the same digest.
  "${PODMAN[@]}" build "${PODMAN_RUN_FLAGS[@]}" --network none --timestamp 0 \
    --file "e2e/k8s-node/$name.Dockerfile" --tag "$ref" "$context" >&2
  rm -f "$archive.tmp.$$"
  "${PODMAN[@]}" save --format oci-archive --output "$archive.tmp.$$" "$ref" >&2
  mv "$archive.tmp.$$" "$archive"
  rm -rf "$context"
}

pause_key=$(content_key pause)
pause_image=localhost/kuberelay/pause:$pause_key
pause_archive=$archives/pause-$pause_key.oci.tar
build_archive pause "$pause_image" "$pause_archive"

coredns_image=localhost/kuberelay/coredns:$coredns_version
coredns_archive=$archives/coredns-$coredns_version-$(content_key coredns).oci.tar
build_archive coredns "$coredns_image" "$coredns_archive"

echo "pause_image=$pause_image"
echo "pause_archive=$pause_archive"
echo "coredns_image=$coredns_image"
echo "coredns_archive=$coredns_archive"
