#!/usr/bin/env bash
# Runs every whole-process measurement of docs/benchmarks.md in one go:
#   1. open + unlock + load_index of a 100,000-item vault (minus the KDF),
#      one search over it, and the peak RSS of `tessera list --search foo`;
#   2. `tessera get NAME` on that vault against the KDF alone;
#   3. `tessera import dotenv` of a 10,000-line file into a fresh vault;
#   4. the KDF (tessera_core::crypto::derive_password_key) against the
#      reference C implementation, Debian's `argon2`, at equal parameters.
#
#   scripts/bench/run.sh            # about 5 minutes on 2 cores
#   RUNS=20 WARMUP=3 scripts/bench/run.sh
#
# Every vault uses the KDF floor (m = 19 MiB, t = 2, p = 1) so that storage
# costs show. Builds in release mode with `cargo --offline` and downloads
# nothing. Needs hyperfine, argon2 and GNU time:
#   apt-get install -y hyperfine argon2 time
# Criterion micro-benchmarks are separate: cargo bench -p tessera-core --bench vault
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${RUNS:-10}
warmup=${WARMUP:-2}
items=${ITEMS:-100000}
import_items=${IMPORT_ITEMS:-10000}
get_name=$(printf 'KEY_%06d' $((items / 2)))

missing=()
for tool in hyperfine argon2 awk cargo; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
[ -x /usr/bin/time ] || missing+=("time (GNU time, /usr/bin/time)")
if [ ${#missing[@]} -gt 0 ]; then
    echo "missing: ${missing[*]}" >&2
    echo "install them with: apt-get install -y hyperfine argon2 time" >&2
    exit 1
fi

cd "$root"
echo "== building release binaries (cargo --offline)"
if ! cargo build --release --offline -p tessera-cli -p tessera-core --bins --examples; then
    echo "the build failed; if crates are missing from the local cache, run 'cargo fetch' once" >&2
    exit 1
fi
target=${CARGO_TARGET_DIR:-$root/target}/release
bin=$target/tessera
kdf=$target/examples/kdf
profile=$target/examples/vault_profile

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tessera-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
printf 'bench password' >"$tmp/pw"
printf 'password' >"$tmp/argon2-in"
results=$tmp/results.md
: >"$results"

# hf NAME HYPERFINE_ARGS...: one hyperfine run, markdown and CSV kept in $tmp.
hf() {
    local name=$1
    shift
    hyperfine --style basic --warmup "$warmup" --runs "$runs" \
        --export-markdown "$tmp/$name.md" --export-csv "$tmp/$name.csv" "$@"
    { echo "#### $name"; echo; cat "$tmp/$name.md"; echo; } >>"$results"
}
# mean_ms NAME ROW: mean of the ROW-th command (1-based) of run NAME, in ms.
mean_ms() { awk -F, -v row="$2" 'NR == row + 1 { printf "%.1f", $2 * 1000 }' "$tmp/$1.csv"; }
stddev_ms() { awk -F, -v row="$2" 'NR == row + 1 { printf "%.1f", $3 * 1000 }' "$tmp/$1.csv"; }
calc() { awk "BEGIN { printf \"%.${2:-1}f\", $1 }"; }
met() { awk "BEGIN { print ($1) ? \"met\" : \"NOT met\" }"; }

# cpu_times: the aggregate "cpu" line of /proc/stat (user nice system idle iowait irq softirq steal).
cpu_times() { awk '/^cpu / { print $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9, $9 }' /proc/stat; }
read -r cpu_total0 cpu_steal0 < <(cpu_times)
load0=$(cut -d' ' -f1-3 /proc/loadavg)

echo
echo "== machine"
echo "$(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), load average $load0"

echo
echo "== making a vault of $items items (KDF floor) by dotenv import"
scripts/bench/make-vault.sh "$bin" "$tmp/vault.db" "$tmp/pw" "$items"
export TESSERA_VAULT=$tmp/vault.db TESSERA_PASSWORD_FILE=$tmp/pw

echo
echo "== target 1: open + unlock + load_index, in process (vault_profile)"
"$profile" "$tmp/vault.db" "$tmp/pw" 5 "$get_name" | tee "$tmp/profile.txt"
result=$(grep '^RESULT' "$tmp/profile.txt")
field() { echo "$result" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k { print $2 }'; }
after_kdf=$(field after_kdf_ms)
search_max=$(field search_max_ms)
list_all=$(field list_all_ms)

echo
echo "== target 1: peak RSS of 'tessera list --search foo' (3 runs, max)"
rss_kib=0
for _ in 1 2 3; do
    r=$(/usr/bin/time -f '%M' "$bin" list --search foo 2>&1 >/dev/null | tail -n1)
    [ "$r" -gt "$rss_kib" ] && rss_kib=$r
done
rss_mb=$(calc "$rss_kib / 1024")
echo "peak RSS: $rss_kib KiB = $rss_mb MiB"
get_rss_kib=$(/usr/bin/time -f '%M' "$bin" get "$get_name" 2>&1 >/dev/null | tail -n1)

echo
echo "== targets 1 and 2: whole processes on the $items-item vault, against the KDF alone"
hf cli-100k \
    -n "KDF alone (m=19456 KiB t=2 p=1)" "$kdf 19456 2 1" \
    -n "tessera get $get_name" "$bin get $get_name" \
    -n "tessera list --search foo" "$bin list --search foo"
kdf_floor=$(mean_ms cli-100k 1)
get_ms=$(mean_ms cli-100k 2)
list_ms=$(mean_ms cli-100k 3)
get_over=$(calc "$get_ms - $kdf_floor")
list_over=$(calc "$list_ms - $kdf_floor")

echo
echo "== target 3: 'tessera import dotenv' of $import_items lines into a fresh vault"
scripts/bench/make-vault.sh "$bin" "$tmp/import.db" "$tmp/pw" "$import_items"
import_runs=$((runs < 5 ? runs : 5))
hyperfine --style basic --warmup 1 --runs "$import_runs" \
    --prepare "rm -f $tmp/import.db $tmp/import.db-wal $tmp/import.db-shm; $bin --vault $tmp/import.db init --kdf-memory-mib 19 --kdf-iterations 2 --kdf-parallelism 1 2>/dev/null" \
    --export-markdown "$tmp/import.md" --export-csv "$tmp/import.csv" \
    -n "tessera import dotenv ($import_items lines)" "$bin --vault $tmp/import.db import dotenv $tmp/import.db.env"
{ echo "#### import"; echo; cat "$tmp/import.md"; echo; } >>"$results"
import_ms=$(mean_ms import 1)

echo
echo "== target 4: Argon2id, tessera (Rust, argon2 crate) against the reference C argon2 (Debian)"
kdf_rows=()
# memory in KiB, log2 of it for argon2 -m (empty: use -k), t, p
for set in "19456 - 2 1" "32768 15 2 1" "65536 16 3 4" "262144 18 3 4"; do
    read -r m log t p <<<"$set"
    if [ "$log" = "-" ]; then mem_flag="-k $m"; else mem_flag="-m $log"; fi
    c_cmd="argon2 somesalt16bytes! -id $mem_flag -t $t -p $p -l 32 -r < $tmp/argon2-in"
    ours=$("$kdf" "$m" "$t" "$p" --hex)
    theirs=$(bash -c "$c_cmd")
    if [ "$ours" != "$theirs" ]; then
        echo "hash mismatch at m=$m t=$t p=$p: $ours vs $theirs: not the same computation" >&2
        exit 1
    fi
    echo "m=$m KiB t=$t p=$p: both print $ours"
    name="kdf-m$m-t$t-p$p"
    hf "$name" -n "argon2 (C reference) m=$m KiB t=$t p=$p" "$c_cmd" \
        -n "tessera kdf example m=$m KiB t=$t p=$p" "$kdf $m $t $p"
    c_ms=$(mean_ms "$name" 1)
    r_ms=$(mean_ms "$name" 2)
    ratio=$(calc "$r_ms / $c_ms" 2)
    kdf_rows+=("| KDF m=$m KiB t=$t p=$p | ≤ 1.30× C | C $c_ms ms, Rust $r_ms ms: **${ratio}×** | $(met "$ratio <= 1.3") |")
done

read -r cpu_total1 cpu_steal1 < <(cpu_times)
steal_pct=$(calc "100 * ($cpu_steal1 - $cpu_steal0) / ($cpu_total1 - $cpu_total0 + 0.000001)")

echo
echo "================ all hyperfine results ================"
cat "$results"
echo "================ summary (means; machine: $(nproc) cores) ================"
echo "load average before: $load0; after: $(cut -d' ' -f1-3 /proc/loadavg); CPU time stolen by the host during the run: $steal_pct%"
echo
echo "| target | goal | measured | |"
echo "| --- | --- | --- | --- |"
echo "| 1. open + unlock + load_index of $items items, minus the KDF (in process, median) | ≤ 300 ms | $after_kdf ms | $(met "$after_kdf <= 300") |"
echo "| 1. same, whole process: 'tessera list --search foo' minus the KDF alone | (≤ 300 ms) | $list_ms − $kdf_floor = $list_over ms | $(met "$list_over <= 300") |"
echo "| 1. one search over $items items (slowest text query, median) | ≤ 5 ms | $search_max ms | $(met "$search_max <= 5") |"
echo "| 1. (list everything, sorted by name: not a search) | | $list_all ms | |"
echo "| 1. peak RSS of 'tessera list --search foo' | ≤ 150 MB | $rss_mb MiB | $(met "$rss_kib * 1024 <= 150000000") |"
echo "| 2. 'tessera get' on $items items, whole process, minus the KDF alone | ≤ 100 ms | $get_ms − $kdf_floor = $get_over ms (peak RSS $(calc "$get_rss_kib / 1024") MiB) | $(met "$get_over <= 100") |"
echo "| 3. 'tessera import dotenv' of $import_items lines, whole process | ≤ 5 s | $(calc "$import_ms / 1000" 2) s | $(met "$import_ms <= 5000") |"
for row in "${kdf_rows[@]}"; do echo "$row"; done
