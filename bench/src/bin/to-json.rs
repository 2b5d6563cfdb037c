//! `to-json SPEC.yaml > SPEC.json`: re-encodes a YAML spec as JSON, for tools that read only JSON
//! (progenitor). Parsed with `yaml_serde`, the YAML crate the generator depends on.

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: to-json <spec.yaml>");
        return ExitCode::from(2);
    };
    let parsed = std::fs::read_to_string(&path)
        .map_err(|e| e.to_string())
        .and_then(|text| {
            serde_yaml::from_str::<serde_json::Value>(&text).map_err(|e| e.to_string())
        });
    match parsed.and_then(|v| serde_json::to_string_pretty(&v).map_err(|e| e.to_string())) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {path}: {err}");
            ExitCode::FAILURE
        }
    }
}
