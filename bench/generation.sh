#!/usr/bin/env bash
# Generation time and peak memory, side by side on the same files in one run:
#   parse-only (the floor: read + parse into serde_json::Value), openapi-gen (ours),
#   cargo progenitor (positional interface), and OpenAPI Generator's `rust` generator.
#
# Usage: bench/generation.sh            (from the repository root)
# Env:   TOOLS=/work/targets/perf/tools  where cargo-progenitor (TOOLS/prog/bin) and the
#                                        openapi-generator-cli venv (TOOLS/venv) are installed
#        SPECS=tests/data/specs        the public specs; spec/rescale.yaml is always added
#        RUNS=10 OAG_RUNS=3              hyperfine runs for the fast tools / OpenAPI Generator
#        OUT=$CARGO_TARGET_DIR/bench-gen  scratch: JSON copies of specs, outputs, hyperfine JSON
#        BEFORE=path/to/openapi-gen     another build of the generator (an older commit) to time
#                                        in the same runs, as the tool `openapi-gen-before`
# Install the peers once:
#   cargo install cargo-progenitor --locked --root "$TOOLS/prog"
#   python3 -m venv "$TOOLS/venv" && "$TOOLS/venv/bin/pip" install openapi-generator-cli
# Needs hyperfine and GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
TOOLS=${TOOLS:-/work/targets/perf/tools}
SPECS=${SPECS:-$ROOT/tests/data/specs}
RUNS=${RUNS:-10}
OAG_RUNS=${OAG_RUNS:-3}
OUT=${OUT:-$TARGET/bench-gen}
PROG=$TOOLS/prog/bin/cargo-progenitor
OAG=$TOOLS/venv/bin/openapi-generator-cli

cargo build --release -q -p openapi-gen -p rescale-bench
GEN=$TARGET/release/openapi-gen
PARSE=$TARGET/release/parse-only
TOJSON=$TARGET/release/to-json

rm -rf "$OUT"; mkdir -p "$OUT"
specs=(${SPEC_LIST:-"$SPECS"/petstore.yaml "$SPECS"/petstore-expanded.yaml "$SPECS"/oxide-nexus.json
       "$SPECS"/box-openapi.json "$SPECS"/digitalocean-public.v2.bundled.yaml
       "$SPECS"/api.github.com.json.gz "$ROOT"/spec/rescale.yaml})

# One measured command per tool; {s} = spec, {j} = its JSON copy, {o} = output dir.
tool_cmd() {
    local tool=$1 s=$2 j=$3 o=$4
    case $tool in
        parse-only) echo "$PARSE $s" ;;
        openapi-gen) echo "$GEN $s" ;;
        openapi-gen-before) echo "$BEFORE $s" ;;
        progenitor) echo "$PROG progenitor -i $j -o $o -n bench-client -v 0.1.0" ;;
        openapi-generator) echo "$OAG generate -g rust -i $s -o $o --skip-validate-spec" ;;
    esac
}

echo "spec	tool	status	peak_kib" > "$OUT/memory.tsv"
for s in "${specs[@]}"; do
    # A gzipped spec (GitHub's, 13 MB unpacked) is unpacked once; the tools read the plain file.
    case $s in
        *.gz) mkdir -p "$OUT/unpacked"; plain=$OUT/unpacked/$(basename "${s%.gz}")
              gunzip -c "$s" > "$plain"; s=$plain ;;
    esac
    name=$(basename "${s%.*}")
    j=$OUT/$name.json
    # JSON copy for progenitor; PyYAML takes integers beyond u64 (DigitalOcean) that serde_json
    # does not.
    case $s in
        *.json) cp "$s" "$j" ;;
        *) "$TOJSON" "$s" > "$j" 2> /dev/null || python3 -c \
               'import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)' \
               "$s" > "$j" ;;
    esac
    fast=(); slow=()
    tools=(parse-only openapi-gen ${BEFORE:+openapi-gen-before} progenitor openapi-generator)
    for tool in "${tools[@]}"; do
        o=$OUT/$name.$tool
        cmd=$(tool_cmd $tool "$s" "$j" "$o")
        # A peer that is not installed is listed as such, not as a failure of the peer.
        case $tool in
            progenitor) [ -x "$PROG" ] || { printf '%s\t%s\tnot installed\t\n' "$name" "$tool" >> "$OUT/memory.tsv"; continue; } ;;
            openapi-generator) [ -x "$OAG" ] || { printf '%s\t%s\tnot installed\t\n' "$name" "$tool" >> "$OUT/memory.tsv"; continue; } ;;
        esac
        # Peak memory and success, once per tool (output kept for the check-time bench).
        rm -rf "$o"
        if /usr/bin/time -f %M -o "$OUT/time.tmp" bash -c "$cmd > $o.out 2> $o.err"; then
            status=ok
        else
            status=FAILS
        fi
        kib=$(tail -n 1 "$OUT/time.tmp")
        printf '%s\t%s\t%s\t%s\n' "$name" "$tool" "$status" "$kib" >> "$OUT/memory.tsv"
        [ $status = ok ] || continue
        # Each timed run starts from an empty output dir, as the first run did.
        if [ $tool = openapi-generator ]; then slow+=(-n "$tool" -p "rm -rf $o" "$cmd")
        else fast+=(-n "$tool" -p "rm -rf $o" "$cmd"); fi
    done
    hyperfine -N -w 1 -r "$RUNS" --export-json "$OUT/$name.fast.json" "${fast[@]}" > "$OUT/$name.fast.log"
    if [ ${#slow[@]} -gt 0 ]; then
        hyperfine -N -r "$OAG_RUNS" --export-json "$OUT/$name.slow.json" "${slow[@]}" > "$OUT/$name.slow.log"
    fi
done
python3 "$ROOT/bench/table.py" generation "$OUT"
