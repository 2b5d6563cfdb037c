//! The `openapi-gen` command: output to stdout or a file, `--check`, and its exit codes.

use std::path::PathBuf;
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_openapi-gen"))
        .args(args)
        .output()
        .expect("openapi-gen runs")
}

fn spec(name: &str) -> String {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", "tests", "specs", name]
        .iter()
        .collect();
    path.to_string_lossy().into_owned()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("openapi-gen-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn generates_to_stdout_and_to_a_file_and_checks_it() {
    let spec = spec("openapi31.yaml");
    let stdout = run(&[&spec]);
    assert!(stdout.status.success());
    let code = String::from_utf8(stdout.stdout).unwrap();
    assert!(code.starts_with("// @generated"));

    let out = scratch("client.rs");
    let out_text = out.to_string_lossy().into_owned();
    assert!(run(&[&spec, "-o", &out_text]).status.success());
    assert_eq!(std::fs::read_to_string(&out).unwrap(), code);
    assert!(run(&[&spec, "-o", &out_text, "--check"]).status.success());

    std::fs::write(&out, code.replace("pub struct Thing", "pub struct Thong")).unwrap();
    let stale = run(&[&spec, "-o", &out_text, "--check"]);
    assert_eq!(stale.status.code(), Some(1));
    let message = String::from_utf8(stale.stderr).unwrap();
    assert!(message.contains("is stale"), "{message}");
    assert!(message.contains("-    pub struct Thong"), "{message}");
    assert!(message.contains("+    pub struct Thing"), "{message}");
}

#[test]
fn options_reach_the_generated_code() {
    let out = run(&[
        &spec("openapi31.yaml"),
        "--runtime-path",
        "crate::rt",
        "--env-prefix=THINGS",
    ]);
    assert!(out.status.success());
    let code = String::from_utf8(out.stdout).unwrap();
    assert!(code.contains("use crate::rt as runtime;"));
    assert!(code.contains("env_prefix: \"THINGS\""));
}

#[test]
fn exit_codes_tell_usage_from_spec_errors() {
    assert_eq!(run(&[]).status.code(), Some(2));
    assert_eq!(run(&["--nope", "x.yaml"]).status.code(), Some(2));
    assert_eq!(run(&["/does/not/exist.yaml"]).status.code(), Some(2));
    let broken = run(&[&spec("broken/swagger2.yaml")]);
    assert_eq!(broken.status.code(), Some(1));
    let message = String::from_utf8(broken.stderr).unwrap();
    assert!(message.contains("Swagger 2.0"), "{message}");
    assert!(message.contains("swagger2.yaml:1:10"), "{message}");
    assert!(run(&["--help"]).status.success());
}

/// A reader that stops early (`openapi-gen spec.yaml | head`) is not an error: no panic, exit 0.
#[test]
fn a_closed_stdout_is_not_a_crash() {
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_openapi-gen"))
        .arg(spec("edge_cases.yaml"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("openapi-gen runs");
    // Close the read end before the generator writes its ~50 KB.
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(output.status.success(), "{:?}: {stderr}", output.status);
}

#[test]
fn lenient_generates_the_rest_and_warns() {
    let spec = spec("lenient/broken_parts.yaml");
    let strict = run(&[&spec]);
    assert_eq!(strict.status.code(), Some(1));
    assert!(strict.stdout.is_empty());
    let lenient = run(&[&spec, "--lenient"]);
    assert!(lenient.status.success());
    let code = String::from_utf8(lenient.stdout).unwrap();
    assert!(code.contains("fn list_certificates("));
    assert!(!code.contains("fn get_certificate("));
    let warnings = String::from_utf8(lenient.stderr).unwrap();
    assert!(
        warnings.contains("= note: the operation `GET /certificates/{certificate_id}` is left out"),
        "{warnings}"
    );
    assert!(warnings.contains("9 warnings in"), "{warnings}");
}

#[test]
fn lists_examples_with_their_types() {
    let listed = run(&[&spec("../data/specs/oxide-nexus.json"), "--examples"]);
    assert!(listed.status.success());
    let examples: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    let first = &examples[0];
    assert!(first["pointer"].is_string(), "{examples}");
    assert!(first["schema"].is_string(), "{examples}");
    assert!(
        first["type"]
            .as_str()
            .is_some_and(|t| t.contains("types::")),
        "{examples}"
    );
}

#[test]
fn features_per_tag_split_a_crate() {
    let spec = spec("operations.yaml");
    // Only a crate declares its features.
    assert_eq!(run(&[&spec, "--features-per-tag"]).status.code(), Some(2));
    let dir = scratch("split-crate");
    let dir_text = dir.to_string_lossy().into_owned();
    let made = run(&[&spec, "--crate", &dir_text, "--features-per-tag"]);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains("[features]\ndefault = [\"full\"]\n"),
        "{manifest}"
    );
    let code = std::fs::read_to_string(dir.join("src/generated.rs")).unwrap();
    // Every feature the code names is declared.
    for cfg in code.match_indices("feature = \"") {
        let name = code[cfg.0 + 11..].split('"').next().unwrap();
        assert!(
            manifest.contains(&format!("\"{name}\" = []")),
            "{name} is not declared"
        );
    }
    assert!(code.contains("#[cfg(feature = "), "{code}");
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    assert!(readme.contains("default-features = false"), "{readme}");
}
