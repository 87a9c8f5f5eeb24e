#!/usr/bin/env bash
# The desktop app's benchmarks (issue 3): cold start to the lock screen,
# search keystroke on 10,000 items, idle memory of all the app's processes,
# and the release binaries' sizes; beside the first and third, the same
# for the smallest Tauri app (benches/tauri-baseline), timed in the same
# run. Builds the release app, CLI and baseline, then runs
# tests/e2e/bench/app-perf.mjs in the end-to-end session (Xvfb, D-Bus,
# tauri-driver, WebKitWebDriver).
#
#   scripts/bench/app.sh            # BENCH_RUNS=30 BENCH_ITEMS=10000 by default
#
# Prints the figures and writes them to $CARGO_TARGET_DIR/bench-app.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tessera/target}"
command -v hyperfine >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine; }

(cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run build)
# One build, one feature set: the three share their compiled dependencies.
cargo build --release --locked -p tessera-app -p tessera-cli -p tauri-baseline \
  --features tessera-app/custom-protocol,tauri-baseline/custom-protocol
stage="$CARGO_TARGET_DIR/bench-bin"
mkdir -p "$stage"
cp -f "$CARGO_TARGET_DIR/release/tessera-app" "$CARGO_TARGET_DIR/release/tessera" \
  "$CARGO_TARGET_DIR/release/tauri-baseline" "$stage/"

BASELINE_APP="$stage/tauri-baseline" E2E_SKIP_BUILD=1 E2E_STAGE="$stage" E2E_SHOTS="$CARGO_TARGET_DIR/bench-screenshots" \
  E2E_SCRIPT="$PWD/tests/e2e/bench/app-perf.mjs" BENCH_OUT="$CARGO_TARGET_DIR/bench-app.json" \
  ./scripts/e2e.sh
cat "$CARGO_TARGET_DIR/bench-app.json"
