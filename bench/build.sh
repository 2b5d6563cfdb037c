#!/usr/bin/env bash
# Build integration of the generated crate `rescale`, in a scratch copy of the committed tree:
#  1. a clean `cargo build -p rescale --timings` (the report names what the generator's own
#     dependencies cost: see bench/timings.py);
#  2. a no-op `cargo build -p rescale -v` must show `Fresh rescale` and leave the generated file's
#     mtime alone;
#  3. time of a no-op build, and of the rebuild after a one-line edit of a description in the
#     copy's spec (hyperfine, each run edits the line again).
#
# Usage: bench/build.sh   (from the repository root)   Env: RUNS=3, WORK (scratch dir)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
WORK=${WORK:-$TARGET/bench-build}
RUNS=${RUNS:-3}
rm -rf "$WORK"; mkdir -p "$WORK/repo"
git archive HEAD | tar -x -C "$WORK/repo"
export CARGO_TARGET_DIR=$WORK/target
cd "$WORK/repo"

echo "== clean build"
/usr/bin/time -f "clean cargo build -p rescale: %e s wall, peak %M KiB" \
    cargo build -q -p rescale --features regenerate --timings 2>&1 | tail -n 1
cp "$CARGO_TARGET_DIR"/cargo-timings/cargo-timing.html "$WORK/clean-timing.html"
python3 "$ROOT/bench/timings.py" "$WORK/clean-timing.html" "$WORK/repo"

echo "== no-op build"
gen=generated/src/generated.rs
before=$(stat -c %y "$gen")
cargo build -p rescale --features regenerate -v 2>&1 | grep -E 'rescale|build-script' | sed 's/^ */  /'
after=$(stat -c %y "$gen")
echo "  generated file mtime: before $before, after $after ($([ "$before" = "$after" ] && echo unchanged || echo CHANGED))"
hyperfine -N -w 1 -r "$RUNS" "cargo build -q -p rescale --features regenerate" 2>&1 | grep -E 'Time|Range'

echo "== rebuild after a one-line spec edit"
# The first operation's summary line gets a new number before each run.
line=$(grep -n '^      summary:' spec/rescale.yaml | head -n 1 | cut -d: -f1)
cat > "$WORK/edit.sh" <<SH
sed -i -e '${line}s/ (edit [0-9]*)\$//' -e "${line}s/\\\$/ (edit \$(date +%N))/" spec/rescale.yaml
SH
bash "$WORK/edit.sh"; sed -n "${line}p" spec/rescale.yaml
hyperfine -w 1 -r "$RUNS" -p "bash $WORK/edit.sh" \
    "cargo build -q -p rescale --features regenerate" 2>&1 | grep -E 'Time|Range'
