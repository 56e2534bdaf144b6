#!/usr/bin/env bash
# `make image`: builds the Dockerfile with podman on the local base from build-base.sh (no
# container registry is needed; the npm registry is). Usage: image/build.sh [image name]
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=image/podman-env.sh
source image/podman-env.sh

image=${1:-localhost/kuberelay:dev}
base=$(bash image/build-base.sh)

# The build's inputs: the Dockerfile, the base, and the files .dockerignore lets through (its
# "!" lines). The same inputs give the same image, so a second run only tags it.
key=$(
  {
    echo "$base"
    sha256sum Dockerfile .dockerignore
    # shellcheck disable=SC2046 # the allow-list paths are plain relative paths
    find $(sed -n 's|^!\(.*\)|\1|p' .dockerignore | sed 's|/$||') -type f \
      -not -path '*/node_modules/*' -not -path '*/dist/*' -print0 | sort -z | xargs -0 sha256sum
  } | sha256sum | cut -c1-16
)
keyed=localhost/kuberelay:$key
if "${PODMAN[@]}" image exists "$keyed"; then
  "${PODMAN[@]}" tag "$keyed" "$image"
  echo "image: $image is $keyed (cached)" >&2
  exit 0
fi

# npm inside the build sees the registry the way npm here does: the same registry and, when npm
# here trusts a CA file (a TLS-intercepting proxy), those certificates inline. Passed as a build
# secret, so nothing of it lands in a layer. No tokens are copied.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
{
  echo "registry=$(npm config get registry)"
  cafile=$(npm config get cafile)
  # The pinned npm (.ci/node.sh) does not read the machine npm's global npmrc, where such a CA
  # file is often set; Node's own NODE_EXTRA_CA_CERTS is then what lets npm here trust it.
  if [ -z "$cafile" ] || [ "$cafile" = null ]; then cafile=${NODE_EXTRA_CA_CERTS:-}; fi
  if [ -n "$cafile" ] && [ -r "$cafile" ]; then
    awk '/-----BEGIN CERTIFICATE-----/ { pem = "" } { pem = pem $0 "\\n" }
         /-----END CERTIFICATE-----/ { print "ca[]=\"" pem "\"" }' "$cafile"
  fi
} >"$work/npmrc"

echo "image: building $image on $base" >&2
# Host network: the build's `npm ci` reaches the registry as this machine does.
"${PODMAN[@]}" build "${PODMAN_RUN_FLAGS[@]}" --network host \
  --build-arg "BASE=$base" --secret "id=npmrc,src=$work/npmrc" \
  --tag "$keyed" --tag "$image" --file Dockerfile .
size=$("${PODMAN[@]}" image inspect --format '{{.Size}}' "$image")
echo "image: $image, $((size / 1000 / 1000)) MB" >&2
