//! Where generation time goes: `gen-phases SPEC [RUNS]` times each stage of
//! `openapi_gen::generate` (parse, resolve, emit) and the bare parse as `parse-only` does it,
//! and prints the median of each in milliseconds.

use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: gen-phases SPEC [RUNS]");
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(5);
    let text = std::fs::read_to_string(&path).expect("cannot read the spec");
    let config = openapi_gen::Config::new(path.as_str());
    let mut stages: [Vec<f64>; 5] = Default::default();
    let mut lines = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let bare: serde_json::Value = if path.ends_with(".json") {
            serde_json::from_str(&text).unwrap()
        } else {
            serde_yaml::from_str::<serde::de::IgnoredAny>(&text).unwrap();
            serde_json::Value::Null
        };
        stages[0].push(t.elapsed().as_secs_f64());
        drop(bare);
        let t = Instant::now();
        let root = openapi_gen::value::parse(&text).expect("parse");
        stages[1].push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let api = openapi_gen::resolve::resolve(&root).expect("resolve");
        stages[2].push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let code = openapi_gen::emit::emit(&api, &config);
        stages[3].push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let whole = openapi_gen::generate(&text, &config).expect("generate");
        stages[4].push(t.elapsed().as_secs_f64());
        assert_eq!(code, whole);
        lines = code.lines().count();
    }
    let names = [
        "bare parse (floor)",
        "value::parse",
        "resolve",
        "emit (formatted text)",
        "generate (all of it)",
    ];
    for (name, times) in names.iter().zip(stages) {
        println!("{name:>24}: {:8.2} ms", median(times) * 1000.0);
    }
    println!("{:>24}: {lines}", "lines generated");
}
