#!/usr/bin/env bash
# Builds the image (image/build.sh) and writes it as a docker-archive that containerd can import,
# for the one-node cluster of e2e/cluster. Cached by image ID: a warm run only prints.
# Prints "<image reference> <archive path>"; the reference's tag is the ID, so a rebuilt image
# never hides behind a tag a node has seen before.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=image/podman-env.sh
source image/podman-env.sh

cache=${XDG_CACHE_HOME:-$HOME/.cache}/kuberelay/images
mkdir -p "$cache"
# One build at a time: .ci/setup starts one in the background, and the cluster suite's own call
# then waits here and finds the image built (or builds it itself, and says why it failed).
exec 9>"$cache/.build.lock"
flock 9

bash image/build.sh localhost/kuberelay:dev >&2
id=$("${PODMAN[@]}" image inspect --format '{{.Id}}' localhost/kuberelay:dev)
ref="localhost/kuberelay:${id:0:16}"
archive="$cache/kuberelay-${id:0:16}.tar"
if [ ! -f "$archive" ]; then
  # One archive is enough: older ones are of images nobody asks for any more.
  find "$cache" -maxdepth 1 -name 'kuberelay-*.tar' -delete
  "${PODMAN[@]}" tag localhost/kuberelay:dev "$ref"
  "${PODMAN[@]}" save --format docker-archive --output "$archive.tmp" "$ref" >&2
  mv "$archive.tmp" "$archive"
fi
echo "$ref $archive"
