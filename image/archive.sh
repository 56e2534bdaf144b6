#!/usr/bin/env bash
# Builds the image (image/build.sh) and writes it as a docker-archive that containerd can import,
# for the one-node cluster of e2e/cluster. Cached by image ID: a warm run only prints.
# Prints "<image reference> <archive path>"; the reference's tag is the ID, so a rebuilt image
# never hides behind a tag a node has seen before.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=image/podman-env.sh
source image/podman-env.sh

bash image/build.sh localhost/kuberelay:dev >&2
id=$("${PODMAN[@]}" image inspect --format '{{.Id}}' localhost/kuberelay:dev)
ref="localhost/kuberelay:${id:0:16}"
cache=${XDG_CACHE_HOME:-$HOME/.cache}/kuberelay/images
archive="$cache/kuberelay-${id:0:16}.tar"
if [ ! -f "$archive" ]; then
  mkdir -p "$cache"
  # One archive is enough: older ones are of images nobody asks for any more.
  find "$cache" -maxdepth 1 -name 'kuberelay-*.tar' -delete
  "${PODMAN[@]}" tag localhost/kuberelay:dev "$ref"
  "${PODMAN[@]}" save --format docker-archive --output "$archive.tmp" "$ref" >&2
  mv "$archive.tmp" "$archive"
fi
echo "$ref $archive"
