#!/usr/bin/env bash
# Installs what is missing, builds Tessera's desktop app (UI bundled in the
# binary) and starts it. The vault is TESSERA_VAULT or
# $XDG_DATA_HOME/tessera/vault.db; the `tessera` CLI is built alongside.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tessera/target}"
./scripts/install-deps.sh
(cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run build)
cargo build --release --locked -p tessera-app --features custom-protocol
cargo build --release --locked -p tessera-cli
echo "CLI: $CARGO_TARGET_DIR/release/tessera"
exec "$CARGO_TARGET_DIR/release/tessera-app"
