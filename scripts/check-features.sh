#!/usr/bin/env bash
# Checks a client crate split into cargo features (`openapi-gen --crate DIR --features-per-tag`):
# clippy -D warnings with every feature (the default), with none, and with each feature alone,
# so that every group of operations compiles with exactly the types it needs and no feature set
# leaves a warning behind.
#
#   scripts/check-features.sh                  # DigitalOcean's spec (659 operations, 38 groups)
#   scripts/check-features.sh path/to/spec     # another spec (`.json.gz` is unpacked first)
#
# Environment: CARGO_TARGET_DIR (default ./target).
set -euo pipefail
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"
spec="${1:-$repo/tests/data/specs/digitalocean-public.v2.bundled.yaml}"
scratch="$target/features-check"
gen="$target/debug/openapi-gen"

cargo build --quiet -p openapi-gen --bin openapi-gen --manifest-path "$repo/Cargo.toml"
mkdir -p "$scratch"
case "$spec" in
  *.gz) plain="$scratch/$(basename "${spec%.gz}")"; gunzip -c "$spec" > "$plain"; spec="$plain" ;;
esac
crate="$scratch/client"
"$gen" "$spec" --crate "$crate" --name split-client --runtime-dir "$repo/runtime" --features-per-tag
# A workspace of its own, starting from the repository's lock file (the runtime's tested
# versions); cargo adds the new package to it.
grep -q '^\[workspace\]' "$crate/Cargo.toml" || printf '\n[workspace]\n' >> "$crate/Cargo.toml"
[ -f "$crate/Cargo.lock" ] || cp "$repo/Cargo.lock" "$crate/Cargo.lock"

features=$(sed -n '/^full = \[/,/^\]/p' "$crate/Cargo.toml" | grep -o '"[^"]*"' | tr -d '"')
clippy() {
  echo "--- cargo clippy $*"
  (cd "$crate" && cargo clippy --quiet "$@" -- -D warnings)
}
start=$SECONDS
clippy
clippy --no-default-features
for feature in $features; do
  clippy --no-default-features --features "$feature"
done
echo "features check: $(echo $features | wc -w) features, each alone, all and none: clean ($((SECONDS - start)) s)"
