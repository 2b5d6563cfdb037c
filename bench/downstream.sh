#!/usr/bin/env bash
# What depending on `rescale` costs a downstream program: the clean build time of a small program
# that depends on the *packaged* crates (`cargo package` output, as a registry would serve them)
# against one that depends only on reqwest + tokio + serde_json with the same TLS choice (rustls)
# and the same reqwest features as the runtime. Both are built from clean target directories,
# alternately, ROUNDS times each, in one run; the load average is printed with every build.
#
# Usage: bench/downstream.sh   (from the repository root)   Env: ROUNDS=2, PROFILE=dev|release
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ROUNDS=${ROUNDS:-2}
PROFILE=${PROFILE:-dev}
WORK=${WORK:-${CARGO_TARGET_DIR:-$ROOT/target}/bench-downstream}
rm -rf "$WORK"; mkdir -p "$WORK/crates"

cargo package -q --allow-dirty -p openapi-gen-runtime -p rescale --no-verify
for krate in openapi-gen-runtime rescale; do
    tar -xzf "$ROOT/target/package/$krate-0.1.0.crate" -C "$WORK/crates"
done
# The registry would resolve the runtime by version; a local path stands in for it.
sed -i 's|^\[dependencies.openapi-gen-runtime\]|[dependencies.openapi-gen-runtime]\npath = "../openapi-gen-runtime-0.1.0"|' \
    "$WORK/crates/rescale-0.1.0/Cargo.toml"

reqwest_features='"rustls", "http2", "json", "query", "form", "multipart", "stream"'
mkdir -p "$WORK/with-rescale/src" "$WORK/raw/src"
cat > "$WORK/with-rescale/Cargo.toml" <<TOML
[package]
name = "with-rescale"
version = "0.1.0"
edition = "2024"

[workspace]

[dependencies]
rescale = { path = "../crates/rescale-0.1.0" }
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
TOML
cat > "$WORK/with-rescale/src/main.rs" <<'RS'
#[tokio::main]
async fn main() -> Result<(), rescale::Error> {
    let client = rescale::Client::from_env()?;
    let job = client.get_job("RcAFeb").send().await?;
    println!("{}", job.name);
    Ok(())
}
RS
cat > "$WORK/raw/Cargo.toml" <<TOML
[package]
name = "raw"
version = "0.1.0"
edition = "2024"

[workspace]

[dependencies]
reqwest = { version = "0.13", default-features = false, features = [$reqwest_features] }
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
serde_json = "1"
TOML
cat > "$WORK/raw/src/main.rs" <<'RS'
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key = std::env::var("RESCALE_API_KEY")?;
    let job: serde_json::Value = reqwest::Client::new()
        .get("https://platform.rescale.com/api/v2/jobs/RcAFeb/")
        .header("Authorization", format!("Token {key}"))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    println!("{}", job["name"]);
    Ok(())
}
RS
# Both resolve against the repository's lock file, so they build the same versions of what they share.
cp "$ROOT/Cargo.lock" "$WORK/with-rescale/Cargo.lock"
cp "$ROOT/Cargo.lock" "$WORK/raw/Cargo.lock"

build() { # program round
    local dir=$WORK/$1 target=$WORK/target-$1
    rm -rf "$target"
    (cd "$dir" && cargo fetch -q)
    local start end crates
    start=$(date +%s.%N)
    (cd "$dir" && CARGO_TARGET_DIR=$target cargo build -q --profile "$PROFILE")
    end=$(date +%s.%N)
    crates=$(cd "$dir" && cargo tree -e normal,build --prefix none | sed 's/ (\*)//' | sort -u | wc -l)
    printf '%-13s round %s: %6.1f s, %3s crates, load %s\n' "$1" "$2" \
        "$(echo "$end - $start" | bc)" "$crates" "$(cut -d' ' -f1-3 /proc/loadavg)"
}

echo "clean cargo build (--profile $PROFILE) of a small program, alternately:"
for round in $(seq 1 "$ROUNDS"); do
    build raw "$round"
    build with-rescale "$round"
done
