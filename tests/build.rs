//! Generates the fixture specs under `tests/specs/` (`shapes`, `operations`) so the tests can
//! compile and exercise every schema and operation shape the generator supports.

use std::path::PathBuf;
use std::process::ExitCode;

const FIXTURES: &[&str] = &["shapes", "operations"];

fn main() -> ExitCode {
    println!("cargo:rerun-if-changed=build.rs");
    for name in FIXTURES {
        if let Err(message) = generate(name) {
            eprintln!("{message}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

/// Generates `specs/{name}.yaml` into `OUT_DIR/{name}.rs`, each with its own `Client` type over
/// the runtime crate.
fn generate(name: &str) -> Result<(), String> {
    let spec_path = format!("specs/{name}.yaml");
    println!("cargo:rerun-if-changed={spec_path}");
    let spec = std::fs::read_to_string(&spec_path)
        .map_err(|err| format!("cannot read {spec_path}: {err}"))?;
    let config = openapi_gen::Config::new(format!("tests/{spec_path}"));
    let code = openapi_gen::generate(&spec, &config).map_err(|err| err.to_string())?;
    let out_dir = std::env::var_os("OUT_DIR").ok_or("cargo did not set OUT_DIR")?;
    let out = PathBuf::from(out_dir).join(format!("{name}.rs"));
    openapi_gen::write_if_changed(&out, &code)
        .map(|_| ())
        .map_err(|err| format!("cannot write {}: {err}", out.display()))
}
