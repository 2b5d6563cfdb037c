#!/usr/bin/env bash
# 1 GiB streamed upload and download on loopback, the generated client against raw reqwest.
# Each side runs in its own process (bench/src/bin/transfer.rs); each process makes RUNS
# transfers and prints its median MiB/s, its peak RSS (VmHWM) and its CPU time per GiB moved. One round is one client process
# and one raw process back to back (the order alternates between rounds, so a drift in the load
# of the machine does not favour one side); the comparison is paired: each round gives a ratio
# client / raw, and the verdict is the median of those per-round ratios over ROUNDS rounds.
# CPU time (user + system, server included) is shown as well: it is less disturbed than wall time
# by other load on the machine. RAW_CHUNK_KIB is the raw side's upload read buffer (64 KiB by
# default, tokio-util's `ReaderStream` with a 64 KiB capacity).
# The 1 GiB upload source is one temp file of zeros, written once and removed at the end.
#
# Usage: bench/transfer.sh   (from the repository root)
# Env: ROUNDS=7 RUNS=3 MIB=1024 MODES="upload download download-file" RAW_CHUNK_KIB=64
#      KEEP=FILE (keep the per-process lines: round side mode MiB/s peak-RSS-KiB CPU-ms-per-GiB)
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
ROUNDS=${ROUNDS:-7}
RUNS=${RUNS:-3}
MIB=${MIB:-1024}
MODES=${MODES:-upload download download-file}
RAW_CHUNK_KIB=${RAW_CHUNK_KIB:-64}
cargo build --release -q -p rescale-bench --bin transfer
BIN=$TARGET/release/transfer
RESULTS=$(mktemp)
# The upload source: made once, read once so that every run reads it from the page cache.
SOURCE=$(mktemp "${TMPDIR:-/tmp}/transfer-source.XXXXXX")
trap 'rm -f "$RESULTS" "$SOURCE"' EXIT
head -c "$((MIB * 1024 * 1024))" /dev/zero > "$SOURCE"
cat "$SOURCE" > /dev/null
echo "start: $(uptime)"
for mode in $MODES; do
    for round in $(seq "$ROUNDS"); do
        if (( round % 2 )); then order="client raw"; else order="raw client"; fi
        for side in $order; do
            printf '%s ' "$round" >> "$RESULTS"
            "$BIN" "$mode" "$side" --mib "$MIB" --runs "$RUNS" --file "$SOURCE" \
                --chunk-kib "$RAW_CHUNK_KIB" 2>/dev/null >> "$RESULTS"
        done
    done
done
echo "end:   $(uptime)"
if [[ -n ${KEEP:-} ]]; then cp "$RESULTS" "$KEEP"; fi
python3 - "$RESULTS" "$MODES" "$MIB" <<'PY'
import statistics, sys
# Lines: round side mode MiB/s(median of the process's runs) vmhwm_kib cpu_ms_per_gib
rows = [line.split() for line in open(sys.argv[1])]
modes = sys.argv[2].split()
print(f"| transfer ({sys.argv[3]} MiB) | client MiB/s (median) | raw MiB/s (median) | client / raw per round | "
      "median of per-round ratios | rounds >= 0.90 | CPU ms/GiB client (raw) | CPU client / raw "
      "(median per round) | client peak RSS | raw peak RSS |")
print("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|")
for mode in modes:
    rate, cpu = {}, {}
    for r in rows:
        if r[2] == mode:
            rate[(r[0], r[1])] = float(r[3])
            cpu[(r[0], r[1])] = float(r[5])
    rounds = sorted({k[0] for k in rate}, key=int)
    ratios = [rate[(n, "client")] / rate[(n, "raw")] for n in rounds]
    med = {s: statistics.median(rate[(n, s)] for n in rounds) for s in ("client", "raw")}
    cpu_med = {s: statistics.median(cpu[(n, s)] for n in rounds) for s in ("client", "raw")}
    cpu_ratio = statistics.median(cpu[(n, "client")] / cpu[(n, "raw")] for n in rounds)
    rss = {s: max(int(r[4]) for r in rows if r[1] == s and r[2] == mode) / 1024 for s in ("client", "raw")}
    per_round = " ".join(f"{x:.2f}" for x in ratios)
    above = sum(x >= 0.9 for x in ratios)
    print(f"| {mode} | {med['client']:.0f} | {med['raw']:.0f} | {per_round} | "
          f"**{statistics.median(ratios):.2f}** | {above} of {len(ratios)} | "
          f"{cpu_med['client']:.0f} ({cpu_med['raw']:.0f}) | {cpu_ratio:.2f} | "
          f"{rss['client']:.1f} MiB | {rss['raw']:.1f} MiB |")
PY
