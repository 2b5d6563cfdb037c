//! `openapi-gen`: generate a Rust client from an OpenAPI spec (stub until the CLI lands).
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: openapi-gen <spec.yaml|spec.json>");
        std::process::exit(2);
    };
    let spec = match std::fs::read_to_string(path) {
        Ok(spec) => spec,
        Err(err) => {
            eprintln!("error: cannot read {path}: {err}");
            std::process::exit(2);
        }
    };
    match openapi_gen::generate(&spec, &openapi_gen::Config::new(path.as_str())) {
        Ok(code) => print!("{code}"),
        Err(err) => {
            eprint!("{err}");
            std::process::exit(1);
        }
    }
}
