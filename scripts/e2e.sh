#!/usr/bin/env bash
# End-to-end tests of the desktop app: the real binary in a virtual X server,
# driven through tauri-driver + WebKitWebDriver by tests/e2e (node --test),
# with a real Secret Service (gnome-keyring) in a private D-Bus session.
#
#   ./scripts/e2e.sh            build the UI, the app and the CLI, then test
#   E2E_SKIP_BUILD=1 ./scripts/e2e.sh    reuse the last build
#   E2E_ONLY="first-run idle-lock" ./scripts/e2e.sh    only these tests/e2e/*.test.mjs
#   E2E_STAGE=DIR E2E_SHOTS=DIR ./scripts/e2e.sh    stage binaries and screenshots elsewhere
#   E2E_SCRIPT=FILE.mjs ./scripts/e2e.sh    run one node script in the session instead
#
# Screenshots land in $CARGO_TARGET_DIR/e2e-screenshots/. Downloads nothing
# but npm packages (and xclip from apt if it is missing); every process it
# starts is stopped on exit, failure included.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tessera/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

# Runs that share a target dir (the tests, the app bench) keep their own
# stage and shots. (Two git worktrees must not share one target dir: cargo
# would take one tree's build of a workspace crate for the other's.)
stage="${E2E_STAGE:-$CARGO_TARGET_DIR/e2e-bin}"
shots="${E2E_SHOTS:-$CARGO_TARGET_DIR/e2e-screenshots}"

# ---------------------------------------------------------------------------
# Inside the private D-Bus session (the script calls itself, see the end).
if [[ "${1:-}" == "--in-session" ]]; then
  work="$2"
  driver_pid="" keyring_pid=""
  cleanup_session() {
    # tauri-driver leads its own process group: WebKitWebDriver and every app
    # it launched are in it.
    if [[ -n "$driver_pid" ]]; then
      kill -TERM -- "-$driver_pid" 2>/dev/null || true
      for _ in $(seq 30); do
        kill -0 -- "-$driver_pid" 2>/dev/null || break
        sleep 0.1
      done
    fi
    [[ -n "$keyring_pid" ]] && kill "$keyring_pid" 2>/dev/null || true
    # An app that left its group (none should) is found by its binary's path.
    for p in /proc/[0-9]*; do
      [[ "$(readlink "$p/exe" 2>/dev/null)" == "$stage/tessera-app" ]] && kill -KILL "${p#/proc/}" 2>/dev/null || true
    done
    [[ -n "$driver_pid" ]] && kill -KILL -- "-$driver_pid" 2>/dev/null || true
    return 0
  }
  trap cleanup_session EXIT
  trap 'exit 130' INT TERM

  # A real Secret Service with an unlocked login keyring, in the work dir.
  printf 'tessera-e2e' | gnome-keyring-daemon --foreground --components=secrets --unlock \
    >"$work/keyring.log" 2>&1 &
  keyring_pid=$!
  for _ in $(seq 100); do
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true' && break
    sleep 0.1
  done

  port="${E2E_DRIVER_PORT:-4444}"
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || (exec 3<>"/dev/tcp/127.0.0.1/$((port + 1))") 2>/dev/null; do
    port=$((port + 2))
  done
  setsid tauri-driver --port "$port" --native-port "$((port + 1))" >"$work/tauri-driver.log" 2>&1 &
  driver_pid=$!
  for _ in $(seq 100); do
    curl -fsS "http://127.0.0.1:$port/status" >/dev/null 2>&1 && break
    kill -0 "$driver_pid" 2>/dev/null || { cat "$work/tauri-driver.log"; exit 1; }
    sleep 0.1
  done
  curl -fsS "http://127.0.0.1:$port/status" >/dev/null || { echo "tauri-driver did not answer on :$port"; exit 1; }
  echo "==> tauri-driver on :$port, display $DISPLAY"

  status=0
  # E2E_ONLY="first-run cli-sync" runs just those files of tests/e2e.
  tests=("$root/tests/e2e/")
  if [[ -n "${E2E_ONLY:-}" ]]; then
    tests=()
    for name in $E2E_ONLY; do tests+=("$root/tests/e2e/$name.test.mjs"); done
  fi
  if [[ -n "${E2E_SCRIPT:-}" ]]; then
    # A plain script in the same session instead of the tests (the app benchmark).
    TESSERA_E2E_DRIVER="$port" node "$E2E_SCRIPT" 2>&1 || status=$?
  else
    TESSERA_E2E_DRIVER="$port" node --test --test-concurrency=1 --test-timeout=180000 "${tests[@]}" 2>&1 || status=$?
  fi
  if ((status != 0)); then
    echo "---- tauri-driver / WebKitWebDriver / app log (last 60 lines) ----"
    grep -v "Failed to set fd limit" "$work/tauri-driver.log" | tail -n 60 || true
  fi
  exit "$status"
fi

# ---------------------------------------------------------------------------
# Outside: tools, build, X server.
missing=()
command -v Xvfb >/dev/null || missing+=(xvfb)
command -v WebKitWebDriver >/dev/null || missing+=(webkit2gtk-driver)
command -v dbus-run-session >/dev/null || missing+=(dbus-x11)
command -v gnome-keyring-daemon >/dev/null || missing+=(gnome-keyring)
command -v xclip >/dev/null || missing+=(xclip)
command -v curl >/dev/null || missing+=(curl)
if ((${#missing[@]})); then
  echo "==> installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
command -v tauri-driver >/dev/null || {
  echo "tauri-driver is missing: cargo install tauri-driver --locked" >&2
  exit 1
}
command -v node >/dev/null || { echo "Node.js 20+ is missing" >&2; exit 1; }

if [[ "${E2E_SKIP_BUILD:-}" != 1 ]]; then
  echo "==> UI (ui/dist)"
  (cd ui && npm ci --no-audit --no-fund && npm run build)
  # Tests run copies, taken right after each build, so that another build in
  # the same target dir (say, of the app without custom-protocol) cannot
  # swap the binaries under them.
  mkdir -p "$stage"
  # One build of the workspace's binaries with the features test.sh uses:
  # the same feature set means the same compiled dependencies, so after
  # `cargo test` this is only the link (per-package builds would unify
  # features differently and rebuild tao, wry and the rest).
  echo "==> app (custom-protocol) and CLI"
  cargo build --locked --workspace --exclude tauri-baseline --bins --features tessera-app/custom-protocol
  cp -f "$CARGO_TARGET_DIR/debug/tessera-app" "$CARGO_TARGET_DIR/debug/tessera" "$stage/"
fi
[[ -x "$stage/tessera-app" && -x "$stage/tessera" ]] || { echo "no build in $stage: run without E2E_SKIP_BUILD" >&2; exit 1; }

# npm ci again only when the lock file changed since the last one.
if ! cmp -s tests/e2e/package-lock.json tests/e2e/node_modules/.e2e-installed-lock; then
  echo "==> tests/e2e dependencies (npm ci)"
  (cd tests/e2e && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error &&
    cp package-lock.json node_modules/.e2e-installed-lock)
fi

work="$(mktemp -d /tmp/tessera-e2e.XXXXXX)"
xvfb_pid=""
cleanup() {
  [[ -n "$xvfb_pid" ]] && kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A free display from :99 up.
display=99
while [[ -e "/tmp/.X11-unix/X$display" || -e "/tmp/.X$display-lock" ]]; do display=$((display + 1)); done
Xvfb ":$display" -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 100); do
  [[ -e "/tmp/.X11-unix/X$display" ]] && break
  kill -0 "$xvfb_pid" 2>/dev/null || { cat "$work/xvfb.log"; exit 1; }
  sleep 0.1
done

rm -rf "$shots"
mkdir -p "$shots" "$work/home/data" "$work/home/config" "$work/home/cache" "$work/run"
chmod 700 "$work/run"

started=$SECONDS
status=0
# A private home for everything the app, WebKit and the keyring write.
env DISPLAY=":$display" GDK_BACKEND=x11 \
  XDG_DATA_HOME="$work/home/data" XDG_CONFIG_HOME="$work/home/config" \
  XDG_CACHE_HOME="$work/home/cache" XDG_RUNTIME_DIR="$work/run" \
  NO_AT_BRIDGE=1 \
  TESSERA_E2E_APP="$stage/tessera-app" TESSERA_E2E_CLI="$stage/tessera" TESSERA_E2E_SHOTS="$shots" \
  dbus-run-session -- "$root/scripts/e2e.sh" --in-session "$work" 2>"$work/session.log" || status=$?
if ((status != 0)); then
  echo "---- stderr of the session: D-Bus, portals, WebKit (last 40 lines) ----"
  grep -v -E 'Failed to set fd limit' "$work/session.log" | tail -n 40 || true
fi

echo "==> end-to-end tests took $((SECONDS - started)) s; screenshots in $shots"
ls "$shots"
exit "$status"
