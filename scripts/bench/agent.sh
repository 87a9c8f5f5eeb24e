#!/usr/bin/env bash
# Whole-process timings through a running agent (docs/benchmarks.md):
#   1. `tessera get NAME` served by an unlocked agent, against `true`;
#   2. `tessera run -- true` with one reference resolved by the agent,
#      against running `true` directly;
# and the health scan is in the criterion bench (health_100k/scan).
#
#   scripts/bench/agent.sh          # needs hyperfine (apt-get install -y hyperfine)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${RUNS:-50}
command -v hyperfine >/dev/null || { echo "missing: hyperfine (apt-get install -y hyperfine)" >&2; exit 1; }
cd "$root"
cargo build --release --offline -p tessera-cli
bin=${CARGO_TARGET_DIR:-$root/target}/release/tessera
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tessera-agent-bench.XXXXXX")
agent_pid=""
cleanup() {
  [[ -n "$agent_pid" ]] && kill "$agent_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
printf 'bench password' >"$tmp/pw"
export TESSERA_VAULT=$tmp/vault.db XDG_RUNTIME_DIR=$tmp/run
mkdir -m 700 "$tmp/run"
TESSERA_PASSWORD_FILE=$tmp/pw "$bin" init --kdf-memory-mib 19 --kdf-iterations 2 --kdf-parallelism 1 2>/dev/null
printf 'sk_live_0123456789abcdef0123456789abcdef' | TESSERA_PASSWORD_FILE=$tmp/pw "$bin" add api-key stripe --value-stdin 2>/dev/null
TESSERA_PASSWORD_FILE=$tmp/pw "$bin" agent --unlock 2>/dev/null &
agent_pid=$!
for _ in $(seq 100); do ls "$tmp/run/tessera/"*.sock >/dev/null 2>&1 && break; sleep 0.05; done
# hyperfine starts `tessera get` itself (-N: no shell), so it is the program
# asking; `run` names the command it starts.
TESSERA_PASSWORD_FILE=$tmp/pw "$bin" consent allow "$(command -v hyperfine)" stripe 2>/dev/null
TESSERA_PASSWORD_FILE=$tmp/pw "$bin" consent allow "$(readlink -f /usr/bin/true)" stripe 2>/dev/null
# This script's shell runs the check below.
TESSERA_PASSWORD_FILE=$tmp/pw "$bin" consent allow "$(readlink -f /proc/$$/exe)" stripe 2>/dev/null
"$bin" get stripe >/dev/null   # fails loudly if the agent does not serve it
hyperfine -N --style basic --warmup 5 --runs "$runs" \
  -n 'true' /usr/bin/true \
  -n 'tessera get (agent)' "$bin get stripe" \
  -n 'tessera run -- true (agent)' "env KEY=tessera://stripe $bin run -- /usr/bin/true"
