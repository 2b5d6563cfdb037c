//! The floor for generation: read a spec and parse it, nothing else.
//!
//! `parse-only SPEC` parses JSON with `serde_json` into `serde_json::Value` and anything else with
//! `yaml_serde` (the YAML crate the generator depends on) into `IgnoredAny`, then prints a number
//! taken from the result so the parse cannot be optimised away.

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: parse-only <spec.yaml|spec.json>");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) => {
            eprintln!("error: cannot read {path}: {err}");
            return ExitCode::from(2);
        }
    };
    let parsed: Result<serde_json::Value, String> = if path.ends_with(".json") {
        serde_json::from_str(&text).map_err(|e| e.to_string())
    } else {
        // yaml_serde reading the whole document into `IgnoredAny`: a full parse that builds no
        // tree (no generic tree takes every spec: DigitalOcean holds integers beyond u64), so
        // the floor for YAML is lower than a parse into `serde_json::Value` would be.
        serde_yaml::from_str::<serde::de::IgnoredAny>(&text)
            .map(|_| serde_json::Value::Null)
            .map_err(|e| e.to_string())
    };
    match parsed {
        Ok(value) => {
            println!("{}", value.as_object().map_or(0, |o| o.len()));
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {path}: {err}");
            ExitCode::FAILURE
        }
    }
}
