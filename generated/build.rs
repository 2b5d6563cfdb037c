//! With the `regenerate` feature (on in the repository's workspace), regenerates the client
//! `src/generated.rs` from `spec/rescale.yaml` whenever the spec changes.
//!
//! The generated source is committed and packaged, so a crate that depends on `rescale` builds it
//! without the generator, and its docs' source links point into `src/`. The generator runs in
//! memory and the file is written only when its text changed, so an unchanged spec never touches
//! it and cargo has nothing to recompile. A broken spec stops the build with the generator's
//! located diagnostics instead of a panic.

use std::process::ExitCode;

fn main() -> ExitCode {
    println!("cargo:rerun-if-changed=build.rs");
    #[cfg(feature = "regenerate")]
    if let Err(message) = regenerate::run() {
        eprintln!("{message}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

#[cfg(feature = "regenerate")]
mod regenerate {
    use std::path::PathBuf;

    include!("build_config.rs");

    /// The spec, relative to this crate (in the repository, a link to the top-level `spec/`).
    const SPEC: &str = "spec/rescale.yaml";
    /// The generated client, relative to this crate.
    const OUTPUT: &str = "src/generated.rs";

    pub(crate) fn run() -> Result<(), String> {
        println!("cargo:rerun-if-changed={SPEC}");
        let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
            .map(PathBuf::from)
            .ok_or("error: cargo did not set CARGO_MANIFEST_DIR")?;
        let spec_path = manifest_dir.join(SPEC);
        let spec = std::fs::read_to_string(&spec_path)
            .map_err(|err| format!("error: cannot read {}: {err}", spec_path.display()))?;
        let config = rescale_config(env!("CARGO_PKG_VERSION"));
        let code = openapi_gen::generate(&spec, &config).map_err(|err| err.to_string())?;
        let out = manifest_dir.join(OUTPUT);
        openapi_gen::write_if_changed(&out, &code)
            .map(|_| ())
            .map_err(|err| format!("error: cannot write {}: {err}", out.display()))
    }
}
