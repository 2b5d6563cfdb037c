//! Where generation time goes: `gen-phases SPEC [RUNS]` times each stage of
//! `openapi_gen::generate` (parse, resolve, emit tokens, syn + prettyplease formatting) and the
//! bare parse as `parse-only` does it, and prints the median of each in milliseconds.

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
    let mut stages: [Vec<f64>; 9] = Default::default();
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
        let tokens = openapi_gen::emit::emit(&api, &config);
        stages[3].push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let code = openapi_gen::emit::format(tokens.clone(), &path).expect("format");
        stages[4].push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let unformatted = tokens.to_string();
        stages[8].push(t.elapsed().as_secs_f64());
        assert!(!unformatted.is_empty());
        let t = Instant::now();
        let reparsed = syn::parse_file(&tokens.to_string()).expect("parse_file");
        stages[7].push(t.elapsed().as_secs_f64());
        drop(reparsed);
        let t = Instant::now();
        let file: syn::File = syn::parse2(tokens).expect("parse2");
        stages[5].push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let unparsed = prettyplease::unparse(&file);
        stages[6].push(t.elapsed().as_secs_f64());
        drop(file);
        assert!(!unparsed.is_empty());
        assert!(!code.is_empty());
    }
    let names = [
        "bare parse (floor)",
        "value::parse",
        "resolve",
        "emit tokens",
        "format (syn+prettyplease)",
        "  of which syn::parse2",
        "  of which prettyplease",
        "(alt: syn::parse_file(to_string))",
        "(alt: unformatted to_string)",
    ];
    for (name, times) in names.iter().zip(stages) {
        println!("{name:>28}: {:8.1} ms", median(times) * 1000.0);
    }
}
