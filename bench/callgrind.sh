#!/usr/bin/env bash
# Instruction counts (callgrind), client against raw reqwest: not disturbed by other load on the
# machine, unlike wall times. Each case runs twice with a small and a larger amount of work; the
# difference removes start-up (server, TLS roots, runtime), so what is printed is the cost of the
# work alone. Kernel time (copies, TCP) is not counted: this is the user-space overhead.
#   job:      instructions per fetched-and-decoded job, `get_job` (bin `page`, 20 vs 220 requests)
#   page:     instructions per fetched-and-decoded 1,000-job page (bin `page`, 10 vs 60 requests)
#   upload:   instructions per MiB uploaded   (bin `transfer`, 64 vs 128 MiB)
#   download: instructions per MiB downloaded (bin `transfer`, 64 vs 128 MiB, chunks dropped)
#
# Usage: bench/callgrind.sh   (from the repository root)   Needs valgrind.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
cargo build --release -q -p rescale-bench --bin page --bin transfer
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
for mib in 64 128; do head -c $((mib * 1024 * 1024)) /dev/zero > "$WORK/source-$mib"; done
count() {
    valgrind --tool=callgrind --callgrind-out-file="$WORK/out" "$@" > /dev/null 2> "$WORK/err"
    grep -o 'Collected : [0-9]*' "$WORK/err" | awk '{print $3}'
}
echo "| case | client | raw reqwest | client / raw |"
echo "|---|---:|---:|---:|"
row() { # name unit small large command-prefix...
    local name=$1 unit=$2 small=$3 large=$4; shift 4
    local client raw a b
    for side in client raw; do
        case $name in
            page|job) a=$(count "$TARGET/release/page" $side "$small" "$name")
                      b=$(count "$TARGET/release/page" $side "$large" "$name") ;;
            *) a=$(count "$TARGET/release/transfer" "$name" $side --mib "$small" --runs 1 --file "$WORK/source-$small")
               b=$(count "$TARGET/release/transfer" "$name" $side --mib "$large" --runs 1 --file "$WORK/source-$large") ;;
        esac
        eval "$side=$(( (b - a) / (large - small) ))"
    done
    python3 -c "import sys; c, r = int(sys.argv[2]), int(sys.argv[3]); print(f'| {sys.argv[1]} | {c:,} | {r:,} | {c / r:.3f} |')" \
        "$name ($unit)" "$client" "$raw"
}
row job "instructions per request" 20 220
row page "instructions per request" 10 60
row upload "instructions per MiB" 64 128
row download "instructions per MiB" 64 128
