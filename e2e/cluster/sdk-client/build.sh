#!/usr/bin/env bash
# Builds the SDK client image on a kuberelay image and saves it for containerd, cached by its
# inputs. Usage: build.sh <kuberelay image ref>. Prints "<image reference> <archive path>".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
# shellcheck source=image/podman-env.sh
source "$root/image/podman-env.sh"

base=$1
sdk="$root/node_modules/openai"
[ -f "$sdk/package.json" ] || { echo "sdk-client: $sdk is missing; run npm ci" >&2; exit 1; }
key=$({ echo "$base"; sha256sum "$here/Containerfile" "$here/client.mjs" "$sdk/package.json"; } | sha256sum | cut -c1-16)
ref="localhost/kuberelay-sdk-client:$key"
cache=${XDG_CACHE_HOME:-$HOME/.cache}/kuberelay/images
archive="$cache/sdk-client-$key.tar"
mkdir -p "$cache"
exec 9>"$cache/.build.lock" # one image build at a time (see image/archive.sh)
flock 9
if [ ! -f "$archive" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  cp -r "$sdk" "$work/openai"
  cp "$here/Containerfile" "$here/client.mjs" "$work/"
  "${PODMAN[@]}" build "${PODMAN_RUN_FLAGS[@]}" --build-arg "BASE=$base" --tag "$ref" "$work" >&2
  find "$cache" -maxdepth 1 -name 'sdk-client-*.tar' -delete
  "${PODMAN[@]}" save --format docker-archive --output "$archive.tmp" "$ref" >&2
  mv "$archive.tmp" "$archive"
fi
echo "$ref $archive"
