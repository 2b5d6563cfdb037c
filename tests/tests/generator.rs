//! Snapshot tests of the generator: the generated Rescale client, and the diagnostics for broken specs.

use openapi_gen::{Config, generate};
use rescale_tests::{repo_root, rescale_spec};

#[test]
fn generated_rescale_client() {
    let code = generate(&rescale_spec(), &Config::new("spec/rescale.yaml"))
        .expect("the Rescale spec generates");
    assert!(code.starts_with("// @generated"));
    insta::assert_snapshot!("rescale_client", code);
}

#[test]
fn generation_is_deterministic() {
    let config = Config::new("spec/rescale.yaml");
    let first = generate(&rescale_spec(), &config).unwrap();
    for _ in 0..3 {
        assert_eq!(generate(&rescale_spec(), &config).unwrap(), first);
    }
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
    for path in entries {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
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
