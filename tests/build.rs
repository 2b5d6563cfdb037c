//! Generates models from `tests/specs/shapes.yaml` so `tests/tests/shapes.rs` can compile and
//! exercise every schema shape the generator supports.

use std::path::PathBuf;

fn main() {
    let spec_path = "specs/shapes.yaml";
    println!("cargo:rerun-if-changed={spec_path}");
    let spec = std::fs::read_to_string(spec_path).expect("tests/specs/shapes.yaml is readable");
    let config =
        openapi_gen::Config::new("tests/specs/shapes.yaml").runtime_path("rescale::runtime");
    let code = match openapi_gen::generate(&spec, &config) {
        Ok(code) => code,
        Err(err) => panic!("{err}"),
    };
    let out =
        PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("shapes.rs");
    if std::fs::read_to_string(&out).ok().as_deref() != Some(code.as_str()) {
        std::fs::write(&out, code).expect("OUT_DIR is writable");
    }
}
