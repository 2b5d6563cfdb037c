#!/usr/bin/env bash
# What the generated code costs its users: lines generated, `cargo check` time and peak memory of
# the generated client crate, for openapi-gen, progenitor and OpenAPI Generator, on the outputs that
# bench/generation.sh left in $OUT (run that first).
#
# Every crate is checked once to build its dependencies (untimed) into one shared target dir;
# then hyperfine times `cargo check` of the generated crate alone after touching its lib.rs, with
# CARGO_INCREMENTAL=0 so that nothing of the previous check is reused, and one more such check
# under GNU time gives the peak memory (of rustc: cargo's own is far smaller).
#
# Usage: bench/check.sh   (from the repository root, after bench/generation.sh)
# Env:   OUT (as in generation.sh), RUNS=3
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
OUT=${OUT:-$TARGET/bench-gen}
RUNS=${RUNS:-3}
CRATES=$OUT/crates
export CARGO_TARGET_DIR=$OUT/check-target
export CARGO_INCREMENTAL=0
mkdir -p "$CRATES"

# Our output as a crate, as `openapi-gen --crate` makes it: the runtime crate by path, the
# generated file included, the repository's lock file.
ours_crate() {
    local name=$1 tool=$2 dir=$CRATES/$1.$2
    rm -rf "$dir"; mkdir -p "$dir/src"
    cp "$OUT/$name.$tool.out" "$dir/src/generated.rs"
    cat > "$dir/src/lib.rs" <<RS
#![recursion_limit = "256"]
pub use openapi_gen_runtime as runtime;
include!("generated.rs");
RS
    cat > "$dir/Cargo.toml" <<TOML
[package]
name = "ours"
version = "0.1.0"
edition = "2024"

[workspace]

[dependencies]
openapi-gen-runtime = { path = "$ROOT/runtime" }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
TOML
    cp "$ROOT/Cargo.lock" "$dir/Cargo.lock"
    echo "$dir"
}

display_shim() {
    cat <<RS
impl std::fmt::Display for types::$1 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match serde_json::to_value(self).map_err(|_| std::fmt::Error)? {
            serde_json::Value::String(s) => f.write_str(&s),
            other => write!(f, "{other}"),
        }
    }
}
RS
}

echo "spec	tool	status	lines	seconds	cpu_seconds	peak_kib" > "$OUT/checktimes.tsv"
for mem in $(tail -n +2 "$OUT/memory.tsv" | cut -f1 | uniq); do
    name=$mem
    # openapi-gen-before: the older build generation.sh ran as BEFORE, when it did.
    for tool in openapi-gen openapi-gen-before progenitor openapi-generator; do
        status=$(awk -F'\t' -v s="$name" -v t="$tool" '$1==s && $2==t {print $3}' "$OUT/memory.tsv")
        [ -n "$status" ] || continue
        if [ "$status" = "not installed" ]; then
            printf '%s\t%s\tnot installed\t\t\t\t\n' "$name" "$tool" >> "$OUT/checktimes.tsv"; continue
        fi
        if [ "$status" != ok ]; then
            printf '%s\t%s\tgeneration fails\t\t\t\t\n' "$name" "$tool" >> "$OUT/checktimes.tsv"; continue
        fi
        case $tool in
            openapi-gen | openapi-gen-before) dir=$(ours_crate "$name" "$tool"); lines=$(wc -l < "$dir/src/generated.rs") ;;
            *) dir=$OUT/$name.$tool
               grep -q '^\[workspace\]' "$dir/Cargo.toml" || printf '\n[workspace]\n' >> "$dir/Cargo.toml"
               lines=$(find "$dir/src" -name '*.rs' -print0 | xargs -0 cat | wc -l) ;;
        esac
        status=ok
        if ! (cd "$dir" && cargo check -q > "$dir.check.log" 2>&1); then
            # Our output: a union used as a path parameter lacks `Display` (a generator bug).
            # Add a serde-based `Display` for those types to time the check of the rest.
            missing=$(grep -o '`[A-Za-z0-9_]*` doesn'"'"'t implement `std::fmt::Display`' "$dir.check.log" \
                      | cut -d'`' -f2 | sort -u || true)
            if [ "${tool%-before}" = openapi-gen ] && [ -n "$missing" ]; then
                for ty in $missing; do display_shim "$ty" >> "$dir/src/lib.rs"; done
                status="ok, with a Display shim for $(echo $missing)"
            fi
            if [ "$status" = ok ] || ! (cd "$dir" && cargo check -q >> "$dir.check.log" 2>&1); then
                printf '%s\t%s\tdoes not compile\t%s\t\t\t\n' "$name" "$tool" "$lines" >> "$OUT/checktimes.tsv"; continue
            fi
        fi
        hyperfine -r "$RUNS" -p "touch $dir/src/lib.rs" --export-json "$OUT/$name.$tool.check.json" \
            "cd $dir && cargo check -q" > "$OUT/$name.$tool.check.log"
        # The median wall time, and the mean CPU time (user + sys of cargo and rustc), which
        # other load on the machine inflates far less than the wall time.
        secs=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results'][0]; print(r['median'], r['user'] + r['system'], sep='\t')" "$OUT/$name.$tool.check.json")
        touch "$dir/src/lib.rs"
        (cd "$dir" && /usr/bin/time -f %M -o "$OUT/check-mem.tmp" cargo check -q > /dev/null 2>&1)
        kib=$(tail -n 1 "$OUT/check-mem.tmp")
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$tool" "$status" "$lines" "$secs" "$kib" >> "$OUT/checktimes.tsv"
    done
done
python3 "$ROOT/bench/table.py" check "$OUT"
