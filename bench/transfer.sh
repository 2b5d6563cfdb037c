#!/usr/bin/env bash
# 1 GiB streamed upload and download on loopback, the generated client against raw reqwest.
# Each side runs in its own process (bench/src/bin/transfer.rs), alternately, ROUNDS times;
# each process makes RUNS transfers and prints its median MiB/s and its peak RSS (VmHWM).
# The 1 GiB upload source is one temp file of zeros, written once and removed at the end.
#
# Usage: bench/transfer.sh   (from the repository root)   Env: ROUNDS=3 RUNS=3 MIB=1024
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
ROUNDS=${ROUNDS:-3}
RUNS=${RUNS:-3}
MIB=${MIB:-1024}
cargo build --release -q -p rescale-bench --bin transfer
BIN=$TARGET/release/transfer
RESULTS=$(mktemp)
# The upload source: made once, read once so that every run reads it from the page cache.
SOURCE=$(mktemp "${TMPDIR:-/tmp}/transfer-source.XXXXXX")
trap 'rm -f "$RESULTS" "$SOURCE"' EXIT
head -c "$((MIB * 1024 * 1024))" /dev/zero > "$SOURCE"
cat "$SOURCE" > /dev/null
for mode in upload download download-file; do
    for _ in $(seq "$ROUNDS"); do
        for side in client raw; do
            "$BIN" "$mode" "$side" --mib "$MIB" --runs "$RUNS" --file "$SOURCE" 2>/dev/null >> "$RESULTS"
        done
    done
done
python3 - "$RESULTS" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
print("| transfer (1 GiB) | client MiB/s | raw reqwest MiB/s | client / raw | client peak RSS | raw peak RSS |")
print("|---|---:|---:|---:|---:|---:|")
for mode in ("upload", "download", "download-file"):
    rate = {s: statistics.median(float(r[2]) for r in rows if r[0] == s and r[1] == mode) for s in ("client", "raw")}
    rss = {s: max(int(r[3]) for r in rows if r[0] == s and r[1] == mode) / 1024 for s in ("client", "raw")}
    print(f"| {mode} | {rate['client']:.0f} | {rate['raw']:.0f} | {rate['client'] / rate['raw']:.2f}x | {rss['client']:.1f} MiB | {rss['raw']:.1f} MiB |")
PY
