//! Snapshot tests of the generator: the generated Rescale client, and the diagnostics for broken specs.

use openapi_gen::{Config, generate};
use rescale_tests::{repo_root, rescale_spec};

include!("../../generated/build_config.rs");

/// The committed client `generated/src/generated.rs` (which the `rescale` crate compiles, and
/// which is where its code is reviewed) is exactly what the spec generates with the crate's
/// settings. `cargo build` in the workspace rewrites it when the spec changes; commit the result.
#[test]
fn committed_rescale_client_is_up_to_date() {
    let manifest = std::fs::read_to_string(repo_root().join("generated/Cargo.toml")).unwrap();
    let version = manifest
        .lines()
        .find_map(|line| line.strip_prefix("version = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .expect("generated/Cargo.toml has a version");
    let code =
        generate(&rescale_spec(), &rescale_config(version)).expect("the Rescale spec generates");
    assert!(code.starts_with("// @generated"));
    let committed =
        std::fs::read_to_string(repo_root().join("generated/src/generated.rs")).unwrap();
    assert!(
        committed == code,
        "generated/src/generated.rs is not what spec/rescale.yaml generates: run `cargo build` \
         in the workspace and commit the file"
    );
}

#[test]
fn generation_is_deterministic() {
    let config = Config::new("spec/rescale.yaml");
    let first = generate(&rescale_spec(), &config).unwrap();
    for _ in 0..3 {
        assert_eq!(generate(&rescale_spec(), &config).unwrap(), first);
    }
}

/// `generate_then_exit` (the command's entry point, which skips freeing) gives exactly what
/// `generate` gives: the same code, the same errors.
#[test]
fn generate_then_exit_is_generate() {
    let config = Config::new("spec/rescale.yaml");
    assert_eq!(
        openapi_gen::generate_then_exit(&rescale_spec(), &config)
            .unwrap()
            .code,
        generate(&rescale_spec(), &config).unwrap()
    );
    let broken = repo_root().join("tests/specs/broken");
    let mut compared = 0;
    for entry in std::fs::read_dir(&broken).unwrap() {
        let path = entry.unwrap().path();
        let source = std::fs::read_to_string(&path).unwrap();
        let config = Config::new(path.display().to_string());
        let expected = generate(&source, &config).map_err(|err| err.to_string());
        let got = openapi_gen::generate_then_exit(&source, &config)
            .map(|generated| generated.code)
            .map_err(|err| err.to_string());
        assert_eq!(got, expected, "{}", path.display());
        compared += 1;
    }
    assert!(compared > 30, "only {compared} broken specs compared");
    let bad_path = Config::new("spec/rescale.yaml").runtime_path("not a path");
    assert_eq!(
        openapi_gen::generate_then_exit(&rescale_spec(), &bad_path)
            .map(|generated| generated.code)
            .map_err(|e| e.to_string()),
        generate(&rescale_spec(), &bad_path).map_err(|e| e.to_string())
    );
}

/// Every spec under `tests/specs/broken/` fails with a located diagnostic; the messages are snapshots.
#[test]
fn broken_specs_give_located_errors() {
    let dir = repo_root().join("tests/specs/broken");
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    assert!(!entries.is_empty());
    let mut seen = std::collections::HashSet::new();
    for path in entries {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        assert!(
            seen.insert(name.clone()),
            "two broken specs share the snapshot name {name}"
        );
        let file_name = format!(
            "tests/specs/broken/{}",
            path.file_name().unwrap().to_string_lossy()
        );
        let source = std::fs::read_to_string(&path).unwrap();
        let err = generate(&source, &Config::new(file_name.as_str()))
            .expect_err(&format!("{name} must fail"));
        for problem in &err.problems {
            assert!(
                problem.position.is_some(),
                "{name}: no position for {:?}",
                problem.diagnostic
            );
            assert!(
                problem.diagnostic.help.is_some(),
                "{name}: no help for {:?}",
                problem.diagnostic
            );
        }
        let rendered = err.to_string();
        assert!(
            rendered.contains(&format!("--> {file_name}:")),
            "{name}: {rendered}"
        );
        insta::assert_snapshot!(format!("broken_{name}"), rendered);
    }
}

/// The coverage fixtures under `tests/specs/` (3.1 features, constructs other generators reject)
/// generate; the code is a snapshot (and `scripts/check-public-specs.sh` compiles it with clippy).
#[test]
fn coverage_fixtures_generate() {
    for name in ["openapi31.yaml", "edge_cases.yaml", "collisions.yaml"] {
        let path = repo_root().join("tests/specs").join(name);
        let source = std::fs::read_to_string(&path).unwrap();
        let file_name = format!("tests/specs/{name}");
        let code = generate(&source, &Config::new(file_name.as_str()))
            .unwrap_or_else(|err| panic!("{name}:\n{err}"));
        let stem = name.trim_end_matches(".yaml");
        insta::assert_snapshot!(format!("fixture_{stem}"), code);
    }
}

/// The generator writes formatted text itself, following rustfmt's layout rules instead of
/// running a formatter. Check that against rustfmt: `rustfmt --check` must change nothing in the
/// clients of our spec, the fixtures, and the petstore and Oxide specs. (Box, DigitalOcean and
/// GitHub are left out: rustfmt runs out of memory on files of 100k lines and more;
/// `scripts/rustfmt-large-outputs.sh` checks them in chunks, in CI.)
#[test]
fn generated_code_is_laid_out_as_rustfmt_would() {
    let mut specs: Vec<(String, std::path::PathBuf)> = vec![(
        "spec/rescale.yaml".into(),
        repo_root().join("spec/rescale.yaml"),
    )];
    for name in [
        "openapi31.yaml",
        "edge_cases.yaml",
        "operations.yaml",
        "shapes.yaml",
        "collisions.yaml",
    ] {
        specs.push((
            format!("tests/specs/{name}"),
            repo_root().join("tests/specs").join(name),
        ));
    }
    for name in [
        "petstore.yaml",
        "petstore-expanded.yaml",
        "oxide-nexus.json",
    ] {
        specs.push((
            format!("specs/{name}"),
            rescale_tests::data_dir().join("specs").join(name),
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    for (name, path) in specs {
        let source = std::fs::read_to_string(&path)
            .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
        let code = generate(&source, &Config::new(name.as_str()))
            .unwrap_or_else(|err| panic!("{name}:\n{err}"));
        let file = dir.path().join("generated.rs");
        std::fs::write(&file, &code).unwrap();
        let output = std::process::Command::new("rustfmt")
            .args(["--edition", "2024", "--check"])
            .arg(&file)
            .output()
            .unwrap_or_else(|err| {
                panic!("cannot run rustfmt (rustup component add rustfmt): {err}")
            });
        assert!(
            output.status.success(),
            "rustfmt would change the code generated from {name}:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// Inputs far deeper than any real spec give an error, never a stack overflow: nesting in JSON and
/// YAML syntax, nested schemas, long `$ref` chains and `allOf`s that include themselves.
#[test]
fn deep_inputs_give_errors_not_stack_overflows() {
    let header = "openapi: 3.0.3\ninfo: {title: Deep, version: '1'}\n";
    let depth = 20_000;
    let cases = [
        (
            "json arrays",
            format!(
                "{{\"openapi\": \"3.0.3\", \"x\": {}{}}}",
                "[".repeat(depth),
                "]".repeat(depth)
            ),
        ),
        (
            "json objects",
            format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth)),
        ),
        (
            "yaml flow",
            format!("{header}x: {}{}\n", "[".repeat(depth), "]".repeat(depth)),
        ),
        (
            "yaml block",
            format!(
                "{header}x:\n{}",
                (1..500)
                    .map(|i| format!("{}- \n", "  ".repeat(i)))
                    .collect::<String>()
            ),
        ),
        ("schema nesting", {
            let mut schema = String::from("{type: string}");
            for _ in 0..500 {
                schema = format!("{{type: array, items: {schema}}}");
            }
            format!("{header}paths: {{}}\ncomponents: {{schemas: {{Deep: {schema}}}}}\n")
        }),
        ("ref chain", {
            let mut schemas = String::new();
            for i in 0..400 {
                schemas.push_str(&format!(
                    "    S{i}: {{type: object, properties: {{next: {{$ref: '#/components/schemas/S{}'}}}}}}\n",
                    i + 1
                ));
            }
            format!(
                "{header}paths: {{}}\ncomponents:\n  schemas:\n{schemas}    S400: {{type: string}}\n"
            )
        }),
        ("inline ref chain", {
            let mut schemas = String::new();
            for i in 0..400 {
                schemas.push_str(&format!(
                    "    S{i}: {{type: array, items: {{$ref: '#/components/x-inline/S{}'}}}}\n",
                    i + 1
                ));
            }
            format!(
                "{header}paths: {{}}\ncomponents:\n  schemas:\n    Top: {{$ref: '#/components/x-inline/S0'}}\n  x-inline:\n{schemas}    S400: {{type: string}}\n"
            )
        }),
        (
            "allOf cycle",
            format!(
                "{header}paths: {{}}\ncomponents:\n  schemas:\n    A: {{allOf: [{{$ref: '#/components/schemas/B'}}]}}\n    B: {{allOf: [{{$ref: '#/components/schemas/A'}}, {{properties: {{x: {{type: string}}}}}}]}}\n"
            ),
        ),
    ];
    for (name, source) in cases {
        // Either outcome is fine for the chains (they are valid); what matters is no crash.
        if let Err(err) = generate(&source, &Config::new("deep.yaml")) {
            let text = err.to_string();
            assert!(text.contains("--> deep.yaml"), "{name}: {text}");
        } else {
            assert!(name.contains("chain"), "{name} should fail");
        }
    }
}

/// Inputs the fuzzer found crashing, kept so they never crash again.
#[test]
fn fuzz_regressions_do_not_panic() {
    let dir = repo_root().join("tests/specs/fuzz");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let _ = generate(&text, &Config::new("fuzz.yaml"));
    }
}

/// Lenient generation of a spec with broken parts: strict generation refuses it; lenient
/// generation succeeds and lists each omission as a located warning with what was left out
/// (snapshot). `tests/tests/lenient.rs` compiles and uses what is generated.
#[test]
fn lenient_generation_lists_what_it_leaves_out() {
    let name = "tests/specs/lenient/broken_parts.yaml";
    let source = std::fs::read_to_string(repo_root().join(name)).unwrap();
    let strict = generate(&source, &Config::new(name)).unwrap_err();
    assert_eq!(strict.problems.len(), 8, "{strict}");
    assert!(
        strict.problems.iter().all(|p| p.diagnostic.note.is_none()),
        "strict errors say nothing about leaving out"
    );
    let generated =
        openapi_gen::generate_with_warnings(&source, &Config::new(name).lenient(true)).unwrap();
    let code = &generated.code;
    for kept in ["fn list_certificates(", "fn delete_certificate("] {
        assert!(code.contains(kept), "{kept} is missing");
    }
    for left_out in [
        "get_certificate",
        "revoke_certificate",
        "list_certificates_2",
    ] {
        assert!(!code.contains(left_out), "{left_out} is generated");
    }
    insta::assert_snapshot!("lenient_broken_parts", generated.warnings.to_string());
}

/// `generate_crate` writes a whole crate: the manifest names the runtime, the README and the
/// crate docs carry a call drawn from the spec, the code is what `generate` gives. (That the
/// crates build, with clippy and rustdoc, is `scripts/check-public-specs.sh`, which CI runs.)
#[test]
fn crate_mode_writes_a_whole_crate() {
    let spec = rescale_tests::read_data("specs/petstore.yaml");
    let config = Config::new("petstore.yaml");
    let files =
        openapi_gen::generate_crate(&spec, &config, &openapi_gen::CrateConfig::default()).unwrap();
    let file = |path: &str| {
        files
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("no {path}"))
            .contents
            .as_str()
    };
    let paths: Vec<&str> = files.iter().map(|f| f.path).collect();
    assert_eq!(
        paths,
        ["Cargo.toml", "README.md", "src/lib.rs", "src/generated.rs"]
    );
    assert!(file("Cargo.toml").contains("name = \"swagger-petstore-client\""));
    assert!(file("Cargo.toml").contains(&format!(
        "openapi-gen-runtime = \"{}\"",
        openapi_gen::package::RUNTIME_VERSION
    )));
    for text in [file("README.md"), file("src/lib.rs")] {
        assert!(text.contains("swagger_petstore_client::Client::from_env()?"));
        assert!(text.contains("client.list_pets().send().await?"));
    }
    assert_eq!(file("src/generated.rs"), generate(&spec, &config).unwrap());

    let named = openapi_gen::CrateConfig {
        name: Some("pets".into()),
        runtime: openapi_gen::RuntimeSource::Path("../runtime".into()),
        ..Default::default()
    };
    let files = openapi_gen::generate_crate(&spec, &config, &named).unwrap();
    assert!(files[0].contents.contains("name = \"pets\""));
    assert!(
        files[0]
            .contents
            .contains("openapi-gen-runtime = { path = \"../runtime\"")
    );
    let bad = openapi_gen::CrateConfig {
        name: Some("not a name".into()),
        ..Default::default()
    };
    let err = openapi_gen::generate_crate(&spec, &config, &bad).unwrap_err();
    assert!(err.to_string().contains("not a package name"), "{err}");
}
