#!/usr/bin/env bash
# Builds Tessera if needed and starts it. Until the desktop app lands this is
# the CLI: a guided `tessera init` when there is no vault yet, then the list.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tessera/target}"
command -v cc >/dev/null || { apt-get update -qq && apt-get install -y -qq build-essential pkg-config; }
cargo build --release --locked -p tessera-cli
bin="$CARGO_TARGET_DIR/release/tessera"
vault="${TESSERA_VAULT:-${XDG_DATA_HOME:-$HOME/.local/share}/tessera/vault.db}"
if [ ! -f "$vault" ]; then
  "$bin" init
fi
"$bin" list
echo
echo "The tessera binary is $bin — try: $bin --help"
