#!/usr/bin/env bash
# Checks the generator's layout against rustfmt on the largest outputs: the clients of GitHub,
# DigitalOcean and Box (tests/data/specs), and GitHub's split into features (--features-per-tag). The generator writes formatted text itself following
# rustfmt's rules (codegen/src/emit/code.rs); tests/tests/generator.rs compares whole files for
# the smaller specs, but rustfmt runs out of memory on files of 100k lines and more, so these are
# cut into chunks between items (scripts/rustfmt_chunks.py) and each chunk is checked with
# `rustfmt --check --edition 2024`, two at a time. Fails on any difference rustfmt reports.
#
#   scripts/rustfmt-large-outputs.sh
#
# Environment: CARGO_TARGET_DIR (default ./target), CHUNK_LINES (default 10000).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"
scratch="$target/rustfmt-large"
gen="$target/debug/openapi-gen"
chunk_lines="${CHUNK_LINES:-10000}"

cargo build --quiet -p openapi-gen --bin openapi-gen --manifest-path "$repo/Cargo.toml"
rm -rf "$scratch"
mkdir -p "$scratch/chunks"
# GitHub's spec is kept gzipped; public-specs.sh unpacks it where the other checks read it.
specs_dir="$repo/tests/data/specs" filter="api.github.com"
source "$repo/scripts/public-specs.sh"
github="${public_specs[0]}"

for spec in "$github" \
  "$repo/tests/data/specs/digitalocean-public.v2.bundled.yaml" \
  "$repo/tests/data/specs/box-openapi.json"; do
  name="$(basename "$spec" | cut -d. -f1 | cut -d- -f1)"
  # The specs' own warnings (parts read as serde_json::Value) are not what this checks.
  "$gen" "$spec" -o "$scratch/$name.rs" 2> /dev/null
  python3 "$repo/scripts/rustfmt_chunks.py" "$scratch/$name.rs" "$scratch/chunks" "$name" "$chunk_lines"
done
# GitHub's crate split into one feature per tag: the same code with #[cfg] lines on its items.
"$gen" "$github" --crate "$scratch/github-features" --features-per-tag > /dev/null 2>&1
python3 "$repo/scripts/rustfmt_chunks.py" "$scratch/github-features/src/generated.rs" "$scratch/chunks" \
  github-features "$chunk_lines"

# Chunks are named after their output and first line, so a difference points into $scratch/NAME.rs.
if find "$scratch/chunks" -name '*.rs' -print0 | sort -z \
  | xargs -0 -P 2 -n 4 rustfmt --edition 2024 --check --color never > "$scratch/differences.txt" 2>&1; then
  echo "rustfmt-large-outputs: rustfmt agrees with every chunk ($(find "$scratch/chunks" -name '*.rs' | wc -l) chunks)"
  rm -rf "$scratch"
else
  cat "$scratch/differences.txt"
  echo "rustfmt-large-outputs: rustfmt would change the generated code: $(grep -c '^Diff in' "$scratch/differences.txt") places (outputs in $scratch)" >&2
  exit 1
fi
