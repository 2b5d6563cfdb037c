//! Regenerates the client from `spec/rescale.yaml` whenever the spec changes.
use std::path::PathBuf;

fn main() {
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let spec_path = manifest_dir.join("../spec/rescale.yaml");
    println!("cargo:rerun-if-changed={}", spec_path.display());
    println!("cargo:rerun-if-changed=build.rs");
    let spec = std::fs::read_to_string(&spec_path).unwrap_or_default();
    let config = openapi_gen::Config { file_name: "spec/rescale.yaml".into() };
    let code = match openapi_gen::generate(&spec, &config) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("{err}");
            std::process::exit(1);
        }
    };
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("rescale.rs");
    if std::fs::read_to_string(&out).ok().as_deref() != Some(code.as_str()) {
        std::fs::write(&out, code).expect("write generated client");
    }
}
