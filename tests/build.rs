//! Generates the fixture specs under `tests/specs/` (`shapes`, `operations`, `collisions`) so the
//! tests can compile and exercise every schema and operation shape the generator supports, and the
//! names that collide once made identifiers.

use std::path::PathBuf;
use std::process::ExitCode;

const FIXTURES: &[&str] = &["shapes", "operations", "collisions"];

fn main() -> ExitCode {
    println!("cargo:rerun-if-changed=build.rs");
    for name in FIXTURES {
        if let Err(message) = generate(name, false) {
            eprintln!("{message}");
            return ExitCode::FAILURE;
        }
    }
    // A spec with broken parts, generated leniently: the rest must compile.
    if let Err(message) = generate("lenient/broken_parts", true) {
        eprintln!("{message}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// Generates `specs/{name}.yaml` into `OUT_DIR/{file name}.rs`, each with its own `Client` type
/// over the runtime crate, leniently or not.
fn generate(name: &str, lenient: bool) -> Result<(), String> {
    let spec_path = format!("specs/{name}.yaml");
    println!("cargo:rerun-if-changed={spec_path}");
    let spec = std::fs::read_to_string(&spec_path)
        .map_err(|err| format!("cannot read {spec_path}: {err}"))?;
    let config = openapi_gen::Config::new(format!("tests/{spec_path}")).lenient(lenient);
    let code = openapi_gen::generate(&spec, &config).map_err(|err| err.to_string())?;
    let out_dir = std::env::var_os("OUT_DIR").ok_or("cargo did not set OUT_DIR")?;
    let file = name.rsplit('/').next().unwrap_or(name);
    let out = PathBuf::from(out_dir).join(format!("{file}.rs"));
    openapi_gen::write_if_changed(&out, &code)
        .map(|_| ())
        .map_err(|err| format!("cannot write {}: {err}", out.display()))
}
