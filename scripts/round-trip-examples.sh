#!/usr/bin/env bash
# Round-trips every valid example of the public specs (tests/data/specs, gzipped ones unpacked into
# the target dir) and of spec/rescale.yaml
# through the generated models: each example the spec gives for a JSON answer or a schema is first
# checked against its schema (invalid ones are counted and skipped), then decoded into its
# generated type and encoded again, which must give the same JSON. Fails on any difference.
#
#   scripts/round-trip-examples.sh            # every spec
#   scripts/round-trip-examples.sh petstore   # only specs whose file name contains `petstore`
#   VERBOSE=1 scripts/round-trip-examples.sh  # also list the invalid examples and why
#
# Needs python3 with PyYAML and jsonschema (else it makes spec/validate.sh's venv). Environment:
# CARGO_TARGET_DIR (default ./target), SPECS_DIR (default tests/data/specs).
set -euo pipefail
# Incremental artifacts of these large one-off crates would only fill the disk.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"
specs_dir="${SPECS_DIR:-$repo/tests/data/specs}"
filter="${1:-}"
scratch="$target/examples-check"
gen="$target/debug/openapi-gen"

cargo build --quiet -p openapi-gen --bin openapi-gen --manifest-path "$repo/Cargo.toml"
mkdir -p "$scratch/crates"
# The workspace of the generated crates, with the repo's lock file so the dependency versions are
# the ones the runtime is tested with.
# No debug info: the tests are only run, never debugged. Without it GitHub's crate and test build
# in 2.0 min instead of 3.3 and take 0.7 GB of disk instead of 1.6 (dependencies included).
printf '[workspace]\nresolver = "3"\nmembers = ["crates/*"]\n\n[profile.dev]\ndebug = false\n' > "$scratch/Cargo.toml.new"
cmp -s "$scratch/Cargo.toml.new" "$scratch/Cargo.toml" || mv "$scratch/Cargo.toml.new" "$scratch/Cargo.toml"
rm -f "$scratch/Cargo.toml.new"
[ -f "$scratch/Cargo.lock" ] || cp "$repo/Cargo.lock" "$scratch/Cargo.lock"

# shellcheck source=public-specs.sh
source "$repo/scripts/public-specs.sh"
specs=()
case rescale.yaml in *"$filter"*) specs+=("$repo/spec/rescale.yaml") ;; esac
specs+=("${public_specs[@]}")
[ "${#specs[@]}" -gt 0 ] || { echo "no spec matches \`$filter\`" >&2; exit 2; }

# Python with PyYAML and jsonschema: the system's, else the venv spec/validate.sh makes (its
# openapi-spec-validator brings both).
python=python3
if ! python3 -c 'import jsonschema, yaml' 2>/dev/null; then
  venv="${TMPDIR:-/tmp}/rescale-spec-venv"
  if [[ ! -x "$venv/bin/openapi-spec-validator" ]]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q openapi-spec-validator
  fi
  python="$venv/bin/python"
fi
"$python" "$repo/scripts/round-trip-examples.py" "$gen" "$scratch" "${specs[@]}"
# Crates of specs not selected this time: removed, so the workspace tests only the selection.
for dir in "$scratch"/crates/*/; do
  grep -qx "$(basename "$dir")" "$scratch/crates.txt" || rm -rf "$dir"
done

if ! grep -q . "$scratch/crates.txt"; then
  echo "round-trip-examples: no valid example in the selected specs"
  exit 0
fi
cargo test --quiet --no-fail-fast --manifest-path "$scratch/Cargo.toml" --workspace --test examples \
  --target-dir "$scratch/target"
echo "round-trip-examples: every valid example round-trips"
