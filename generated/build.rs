//! Regenerates the client from `spec/rescale.yaml` whenever the spec changes.
//!
//! The generator runs in memory; the output is written to `OUT_DIR` only when its text changed, so
//! an unchanged spec never touches the file and cargo has nothing to recompile. A broken spec
//! stops the build with the generator's located diagnostics instead of a panic.

use std::path::PathBuf;
use std::process::ExitCode;

const SPEC: &str = "../spec/rescale.yaml";

fn main() -> ExitCode {
    println!("cargo:rerun-if-changed={SPEC}");
    println!("cargo:rerun-if-changed=build.rs");
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let manifest_dir = env_path("CARGO_MANIFEST_DIR")?;
    let spec_path = manifest_dir.join(SPEC);
    let spec = std::fs::read_to_string(&spec_path)
        .map_err(|err| format!("error: cannot read {}: {err}", spec_path.display()))?;
    let config = openapi_gen::Config::new("spec/rescale.yaml")
        .env_prefix("RESCALE")
        .user_agent(concat!("rescale-rust/", env!("CARGO_PKG_VERSION")));
    let code = openapi_gen::generate(&spec, &config).map_err(|err| err.to_string())?;
    let out = env_path("OUT_DIR")?.join("rescale.rs");
    openapi_gen::write_if_changed(&out, &code)
        .map(|_| ())
        .map_err(|err| format!("error: cannot write {}: {err}", out.display()))
}

fn env_path(name: &str) -> Result<PathBuf, String> {
    std::env::var_os(name)
        .map(PathBuf::from)
        .ok_or_else(|| format!("error: cargo did not set {name}"))
}
