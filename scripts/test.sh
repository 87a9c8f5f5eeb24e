#!/usr/bin/env bash
# Every check and test Tessera has, on a fresh Debian machine or a warm one:
# installs what is missing, then formatting, lints, all tests, and a compile
# check of the benchmarks. Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

# One shared build directory keeps repeated runs (and CI) warm.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tessera/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

missing=()
command -v cc >/dev/null || missing+=(build-essential)
command -v pkg-config >/dev/null || missing+=(pkg-config)
python3 -c 'import sqlite3' 2>/dev/null || missing+=(python3)
command -v dbus-run-session >/dev/null || missing+=(dbus-x11)
command -v gnome-keyring-daemon >/dev/null || missing+=(gnome-keyring)
if ((${#missing[@]})); then
  echo "==> installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy

echo "==> cargo fmt --check"
cargo fmt --all -- --check
echo "==> cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "==> benchmarks compile"
cargo bench --workspace --locked --no-run
echo "==> tests"
cargo test --workspace --locked
echo "==> OS keyring against a real Secret Service (gnome-keyring in a private D-Bus session)"
dbus-run-session -- sh -c 'printf tessera-test | gnome-keyring-daemon --components=secrets --unlock >/dev/null &&
  TESSERA_REAL_KEYRING=1 cargo test --locked -p tessera-core --test device real_secret_service -- --exact' 2>&1 |
  grep -v "Failed to set fd limit"
