#!/usr/bin/env bash
# Makes a benchmark vault of N items at the KDF floor (m = 19 MiB, t = 2, p = 1)
# by importing a generated dotenv file of N lines KEY_000001=sk_live_<32 hex>.
#
#   scripts/bench/make-vault.sh TESSERA_BIN VAULT PASSWORD_FILE N
#
# Also writes VAULT.env (the dotenv file). Prints the import's wall time and
# peak RSS. Downloads nothing.
set -euo pipefail

if [ $# -ne 4 ]; then
    echo "usage: $0 TESSERA_BIN VAULT PASSWORD_FILE N" >&2
    exit 2
fi
bin=$1 vault=$2 pw=$3 n=$4

gen_dotenv() { # N FILE
    awk -v n="$1" 'BEGIN {
        srand(42)
        for (i = 1; i <= n; i++) {
            v = ""
            for (k = 0; k < 8; k++) v = v sprintf("%04x", int(rand() * 65536))
            printf "KEY_%06d=sk_live_%s\n", i, v
        }
    }' > "$2"
}

gen_dotenv "$n" "$vault.env"
rm -f "$vault" "$vault-wal" "$vault-shm" "$vault-journal"
"$bin" --vault "$vault" --password-file "$pw" init \
    --kdf-memory-mib 19 --kdf-iterations 2 --kdf-parallelism 1 2>/dev/null
/usr/bin/time -f "import of $n items: %e s wall, %M KiB peak RSS" \
    "$bin" --vault "$vault" --password-file "$pw" import dotenv "$vault.env" >/dev/null
