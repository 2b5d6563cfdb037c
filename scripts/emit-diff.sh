#!/usr/bin/env bash
# Compares what two builds of openapi-gen write for every spec the repo has: the public specs of
# tests/data/specs (GitHub's unzipped first), spec/rescale.yaml with two runtime paths, and every
# fixture under tests/specs (those under tests/specs/lenient/ with --lenient; the broken ones are
# compared by their error messages). For a refactoring of the emitter that must not change
# behaviour: any difference is printed and makes the script fail.
#
#   scripts/emit-diff.sh BASELINE_BINARY [NEW_BINARY]
#
# NEW_BINARY defaults to $CARGO_TARGET_DIR/release/openapi-gen (built first). Outputs go to
# $CARGO_TARGET_DIR/emit-diff/{old,new}; they are deleted when nothing differs.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"
old_bin="${1:?usage: scripts/emit-diff.sh BASELINE_BINARY [NEW_BINARY]}"
new_bin="${2:-}"
if [ -z "$new_bin" ]; then
  cargo build --quiet --release -p openapi-gen --bin openapi-gen --manifest-path "$repo/Cargo.toml"
  new_bin="$target/release/openapi-gen"
fi
out="$target/emit-diff"
rm -rf "$out"
mkdir -p "$out/old" "$out/new"

github="$target/api.github.com.json"
[ -f "$github" ] || gunzip -c "$repo/tests/data/specs/api.github.com.json.gz" > "$github"

# name spec [options...]: generates with both binaries; stdout and stderr and the exit code are
# all compared (an error or a warning that changes is a change in behaviour too).
run() {
  local name="$1" spec="$2"
  shift 2
  local side bin
  for side in old new; do
    if [ "$side" = old ]; then bin="$old_bin"; else bin="$new_bin"; fi
    set +e
    "$bin" "$spec" "$@" > "$out/$side/$name.rs" 2> "$out/$side/$name.stderr"
    echo "exit $?" >> "$out/$side/$name.stderr"
    set -e
  done
}

for spec in "$repo"/tests/data/specs/*.yaml "$repo"/tests/data/specs/*.json "$github"; do
  run "spec-$(basename "$spec")" "$spec"
done
run "rescale" "$repo/spec/rescale.yaml"
run "rescale-runtime-path" "$repo/spec/rescale.yaml" --runtime-path runtime
run "rescale-aliased-runtime" "$repo/spec/rescale.yaml" --runtime-path my_runtime
# The path users take: a whole crate (its README has a usage example written by the emitter),
# also split into one feature per tag (#[cfg] lines) when the binary knows the flag.
for side in old new; do
  if [ "$side" = old ]; then bin="$old_bin"; else bin="$new_bin"; fi
  "$bin" "$repo/tests/data/specs/petstore.yaml" --crate "$out/$side/crate-petstore" > /dev/null
  if "$bin" --help | grep -q -- --features-per-tag; then
    for spec in "$repo/tests/data/specs/petstore-expanded.yaml" "$github"; do
      "$bin" "$spec" --crate "$out/$side/crate-features-$(basename "$spec")" --features-per-tag \
        > /dev/null 2>&1
    done
  fi
done
while IFS= read -r spec; do
  rel="${spec#"$repo"/tests/specs/}"
  name="fixture-${rel//\//-}"
  case "$rel" in
    lenient/*) run "$name" "$spec" --lenient ;;
    *) run "$name" "$spec" ;;
  esac
done < <(find "$repo/tests/specs" -type f \( -name '*.yaml' -o -name '*.json' \) | sort)

files=$(find "$out/old" -type f | wc -l)
if diff -r "$out/old" "$out/new" > "$out/diff.txt"; then
  echo "emit-diff: $files outputs identical"
  rm -rf "$out"
else
  cat "$out/diff.txt"
  echo "emit-diff: outputs differ (old and new in $out)" >&2
  exit 1
fi
