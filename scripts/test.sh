#!/usr/bin/env bash
# Every check and test Tessera has, on a fresh Debian machine or a warm one:
# installs what is missing, then the UI's type check, unit tests and build,
# the accessibility checks (axe-core in Chromium),
# formatting, lints, all Rust tests (core, CLI, app commands), the OS keyring
# against a real Secret Service, the settings portal against a fake one on
# a private bus, the IPC bindings drift check, a compile
# check of the benchmarks, and the end-to-end tests of the real app window.
# Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

# One shared build directory keeps repeated runs (and CI) warm.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tessera/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# The app is always built to serve its bundled UI, so tests, lints and the
# end-to-end build share one set of compiled dependencies.
features=(--features tessera-app/custom-protocol)

./scripts/install-deps.sh

echo "==> UI: install, type check, unit tests, build"
(cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run check && npm test && npm run build)

echo "==> UI accessibility: axe-core in Chromium on every screen and theme (built UI, mock backend)"
(cd ui && npm run a11y)

echo "==> cargo fmt --check"
cargo fmt --all -- --check
echo "==> cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked "${features[@]}" -- -D warnings
echo "==> benchmarks compile"
cargo bench --locked --no-run -p tessera-core
echo "==> tests"
cargo test --workspace --locked "${features[@]}"

echo "==> IPC bindings match the Rust types"
if ! git diff --quiet -- ui/src/lib/bindings || [ -n "$(git ls-files --others --exclude-standard ui/src/lib/bindings)" ]; then
  git status --short ui/src/lib/bindings
  echo "ui/src/lib/bindings is out of date: run cargo test and commit the regenerated files" >&2
  exit 1
fi

echo "==> OS keyring against a real Secret Service (gnome-keyring in a private D-Bus session); desktop notifications on the same bus"
# --workspace, not -p tessera-core: cargo accepts the app's feature only
# when the app package is selected, and the same features keep the build warm.
dbus-run-session -- sh -c 'printf tessera-test | gnome-keyring-daemon --components=secrets --unlock >/dev/null &&
  TESSERA_REAL_KEYRING=1 cargo test --locked "$@" --workspace --test device real_secret_service -- --exact &&
  TESSERA_REAL_DBUS=1 cargo test --locked "$@" --workspace --lib notify::tests::a_notification_reaches_the_session_bus -- --exact' \
  sh "${features[@]}"

echo "==> the desktop portal's colour scheme, against a fake portal on a private session bus"
# --workspace again: the features of the build above, so nothing is rebuilt.
TESSERA_REAL_DBUS=1 dbus-run-session -- cargo test --locked "${features[@]}" --workspace --lib portal:: -- --nocapture

echo "==> end-to-end: the real app under Xvfb, tauri-driver and WebKitWebDriver"
./scripts/e2e.sh
