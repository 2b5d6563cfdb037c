#!/usr/bin/env bash
# Generates a client crate (`openapi-gen --crate`, the path users take) for every public spec in
# $SPECS_DIR (default tests/data/specs; gzipped `*.json.gz` ones are unpacked into the target dir
# first) and every fixture under tests/specs/*.{yaml,json}, then
# compile-checks them all (clippy and rustdoc) in one scratch workspace that shares one target dir.
# Fails on any generator error, compile error or warning.
#
#   scripts/check-public-specs.sh            # everything
#   scripts/check-public-specs.sh petstore   # only specs whose file name contains `petstore`
#
# Environment: CARGO_TARGET_DIR (default ./target), SPECS_DIR, CHECK=check to skip clippy,
# DOC=0 to skip rustdoc (its lints catch spec prose that reads as broken links or bare URLs).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"
specs_dir="${SPECS_DIR:-$repo/tests/data/specs}"
filter="${1:-}"
check="${CHECK:-clippy}"
scratch="$target/spec-check"
gen="$target/debug/openapi-gen"

start=$(date +%s)
cargo build --quiet -p openapi-gen --bin openapi-gen --manifest-path "$repo/Cargo.toml"

mkdir -p "$scratch"
# The workspace of the generated crates, with the repo's lock file so the dependency versions are
# the ones the runtime is tested with.
printf '[workspace]\nresolver = "3"\nmembers = ["crates/*"]\n' > "$scratch/Cargo.toml.new"
cmp -s "$scratch/Cargo.toml.new" "$scratch/Cargo.toml" || mv "$scratch/Cargo.toml.new" "$scratch/Cargo.toml"
rm -f "$scratch/Cargo.toml.new"
[ -f "$scratch/Cargo.lock" ] || cp "$repo/Cargo.lock" "$scratch/Cargo.lock"

# shellcheck source=public-specs.sh
source "$repo/scripts/public-specs.sh"

failed=0
declare -a names=()
table=""
add_crate() { # name spec-path
  local name="$1" spec="$2" dir="$scratch/crates/$1"
  local t0 t1
  t0=$(date +%s%N)
  # The path users take: `openapi-gen --crate` writes the whole crate (only files that changed).
  if ! "$gen" "$spec" --crate "$dir" --name "$name" --runtime-dir "$repo/runtime"; then
    echo "FAILED: openapi-gen $spec --crate $dir" >&2
    failed=1
    rm -rf "$dir"
    return
  fi
  t1=$(date +%s%N)
  names+=("$name")
  table+="$(printf '%-40s %6s ops %8s lines %6s ms' "$name" \
    "$(grep -c '^    /// Sends `' "$dir/src/generated.rs" || true)" \
    "$(wc -l < "$dir/src/generated.rs")" "$(( (t1 - t0) / 1000000 ))")"$'\n'
}

for spec in "${public_specs[@]}" "$repo"/tests/specs/*.yaml "$repo"/tests/specs/*.json; do
  [ -f "$spec" ] || continue
  base="$(basename "$spec")"
  case "$base" in *"$filter"*) ;; *) continue ;; esac
  name="$(echo "${base%.*}" | tr 'A-Z.' 'a-z-' | tr -c 'a-z0-9\n-' '-')"
  case "$spec" in "$repo"/tests/specs/*) name="fixture-$name" ;; *) name="spec-$name" ;; esac
  add_crate "$name" "$spec"
done
# Crates of specs not selected this time would still be checked: remove them. Selected ones are
# kept, and `openapi-gen -o` leaves unchanged output untouched, so cargo rechecks only what changed.
for dir in "$scratch"/crates/*/; do
  [ -d "$dir" ] || continue
  keep=0
  for name in "${names[@]}"; do [ "$(basename "$dir")" = "$name" ] && keep=1; done
  [ "$keep" = 1 ] || rm -rf "$dir"
done
gen_done=$(date +%s)
printf '%s' "$table"

if [ "${#names[@]}" -gt 0 ]; then
  # One cargo invocation for all crates: dependencies are checked once, crates in parallel.
  if [ "$check" = clippy ]; then
    RUSTFLAGS="${RUSTFLAGS:-} -D warnings" cargo clippy --quiet --manifest-path "$scratch/Cargo.toml" \
      --workspace --target-dir "$scratch/target" -- -D warnings || failed=1
  else
    RUSTFLAGS="${RUSTFLAGS:-} -D warnings" cargo check --quiet --manifest-path "$scratch/Cargo.toml" \
      --workspace --target-dir "$scratch/target" || failed=1
  fi
fi
checked=$(date +%s)
if [ "${#names[@]}" -gt 0 ] && [ "${DOC:-1}" = 1 ]; then
  # rustdoc has lints of its own (links to items that do not exist, bare URLs) for spec prose.
  # The same RUSTFLAGS as above: rustdoc then reuses the dependencies' metadata from that check
  # instead of checking them all again.
  RUSTFLAGS="${RUSTFLAGS:-} -D warnings" RUSTDOCFLAGS="${RUSTDOCFLAGS:-} -D warnings" cargo doc --quiet --no-deps --manifest-path "$scratch/Cargo.toml" \
    --workspace --target-dir "$scratch/target" || failed=1
fi
end=$(date +%s)
echo "generation: $((gen_done - start)) s (incl. building openapi-gen), $check: $((checked - gen_done)) s, doc: $((end - checked)) s, total $((end - start)) s"
if [ "$failed" -ne 0 ]; then
  echo "check-public-specs: FAILED" >&2
  exit 1
fi
echo "check-public-specs: all ${#names[@]} crates compile without warnings"
