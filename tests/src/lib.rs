//! Shared helpers for the integration tests in `tests/tests/`.

use std::path::PathBuf;

/// The repository root (the workspace directory).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `../shared/` beside the repository: the source document, samples and public specs.
pub fn shared_dir() -> PathBuf {
    repo_root().join("../shared")
}

/// Reads a file under `shared/`, panicking with the path if it is missing.
pub fn read_shared(relative: &str) -> String {
    let path = shared_dir().join(relative);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()))
}

/// The Rescale spec's text.
pub fn rescale_spec() -> String {
    let path = repo_root().join("spec/rescale.yaml");
    std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()))
}
