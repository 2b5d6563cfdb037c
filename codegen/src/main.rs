//! `openapi-gen`: generate a Rust client from an OpenAPI 3.0/3.1 spec.
//!
//! ```text
//! openapi-gen SPEC [-o OUT] [--runtime-path PATH] [--env-prefix P] [--user-agent UA] [--lenient] [--check]
//! openapi-gen SPEC --crate DIR [--name NAME] [--crate-version V] [--runtime-dir DIR] [--features-per-tag] [--lenient]
//! openapi-gen SPEC --examples [-o OUT]
//! ```
//!
//! Exit codes: 0 success, 1 the spec has errors (or `--check` found the output stale),
//! 2 wrong usage or a file that cannot be read or written.

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: openapi-gen SPEC [-o OUT] [--runtime-path PATH] [--env-prefix PREFIX] [--user-agent UA] [--lenient] [--check]
       openapi-gen SPEC --crate DIR [--name NAME] [--crate-version V] [--runtime-dir DIR] [--features-per-tag]
                        [--lenient] [--check]
       openapi-gen SPEC --examples [-o OUT]

Generates a Rust client from the OpenAPI 3.0/3.1 spec SPEC (YAML or JSON; `-` reads stdin): the code
alone, or with --crate a whole crate (Cargo.toml, README.md, src/lib.rs, src/generated.rs) that
depends on the runtime crate openapi-gen-runtime.

options:
  -o, --output OUT       write the code to OUT instead of stdout
      --crate DIR        write a standalone client crate into DIR (created if missing)
      --name NAME        the crate's package name (default: from the spec's title)
      --crate-version V  the crate's version (default 0.1.0)
      --runtime-dir DIR  take openapi-gen-runtime from this local directory, not the registry
      --features-per-tag one cargo feature per group of operations (their first tag), all on by
                         default: a user of a huge API compiles only the groups they enable
      --runtime-path P   path of the runtime the code calls (default `openapi_gen_runtime`)
      --env-prefix P     prefix of the environment variables the client reads (default: from the title)
      --user-agent UA    User-Agent the client sends
      --lenient          leave out what is broken (an operation, a path; a broken part of a schema
                         becomes serde_json::Value), generate the rest, and warn about each omission
      --check            do not write: exit 1 when OUT (or a file of the crate) differs from what
                         SPEC generates
      --examples         write the spec's examples (answers and schemas) as a JSON list of
                         {pointer, schema, type, value}, `type` being the Rust type to decode into
  -h, --help             show this help
  -V, --version          show the version

exit codes: 0 success, 1 spec errors or stale output (--check), 2 usage or I/O errors";

/// Parsed command line.
#[derive(Debug, Default)]
struct Args {
    spec: Option<String>,
    output: Option<PathBuf>,
    runtime_path: Option<String>,
    env_prefix: Option<String>,
    user_agent: Option<String>,
    check: bool,
    examples: bool,
    lenient: bool,
    features_per_tag: bool,
    crate_dir: Option<PathBuf>,
    crate_name: Option<String>,
    crate_version: Option<String>,
    runtime_dir: Option<String>,
}

enum Parsed {
    Run(Box<Args>),
    Exit(ExitCode),
}

fn usage_error(message: &str) -> Parsed {
    eprintln!("error: {message}\n\n{USAGE}");
    Parsed::Exit(ExitCode::from(2))
}

fn parse_args(raw: impl IntoIterator<Item = String>) -> Parsed {
    let mut args = Args::default();
    let mut raw = raw.into_iter();
    let mut only_positional = false;
    while let Some(arg) = raw.next() {
        if only_positional || arg == "-" || !arg.starts_with('-') {
            if args.spec.is_some() {
                return usage_error(&format!("unexpected argument `{arg}` (one SPEC only)"));
            }
            args.spec = Some(arg);
            continue;
        }
        // `--name=value` as well as `--name value`.
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => {
                (name.to_owned(), Some(value.to_owned()))
            }
            _ => (arg.clone(), None),
        };
        let mut value = |what: &str| -> Result<String, Parsed> {
            inline
                .clone()
                .or_else(|| raw.next())
                .ok_or_else(|| usage_error(&format!("`{name}` needs {what}")))
        };
        let result = match name.as_str() {
            "--" => {
                only_positional = true;
                Ok(())
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Parsed::Exit(ExitCode::SUCCESS);
            }
            "-V" | "--version" => {
                println!("openapi-gen {}", env!("CARGO_PKG_VERSION"));
                return Parsed::Exit(ExitCode::SUCCESS);
            }
            "-o" | "--output" => value("a file name").map(|v| args.output = Some(v.into())),
            "--runtime-path" => value("a Rust path").map(|v| args.runtime_path = Some(v)),
            "--env-prefix" => value("a prefix").map(|v| args.env_prefix = Some(v)),
            "--user-agent" => value("a value").map(|v| args.user_agent = Some(v)),
            "--crate" => value("a directory").map(|v| args.crate_dir = Some(v.into())),
            "--name" => value("a package name").map(|v| args.crate_name = Some(v)),
            "--crate-version" => value("a version").map(|v| args.crate_version = Some(v)),
            "--runtime-dir" => value("a directory").map(|v| args.runtime_dir = Some(v)),
            "--check" => {
                args.check = true;
                Ok(())
            }
            "--examples" => {
                args.examples = true;
                Ok(())
            }
            "--lenient" => {
                args.lenient = true;
                Ok(())
            }
            "--features-per-tag" => {
                args.features_per_tag = true;
                Ok(())
            }
            _ => return usage_error(&format!("unknown option `{arg}`")),
        };
        if let Err(exit) = result {
            return exit;
        }
    }
    if args.spec.is_none() {
        return usage_error("missing SPEC");
    }
    if args.examples && (args.check || args.crate_dir.is_some()) {
        return usage_error("`--examples` goes with neither `--check` nor `--crate`");
    }
    if args.check && args.output.is_none() && args.crate_dir.is_none() {
        return usage_error("`--check` needs `-o OUT` or `--crate DIR`, what to compare with");
    }
    if args.crate_dir.is_some() && args.output.is_some() {
        return usage_error("`--crate` and `-o` exclude each other");
    }
    let crate_only = [
        ("--name", args.crate_name.is_some()),
        ("--crate-version", args.crate_version.is_some()),
        ("--runtime-dir", args.runtime_dir.is_some()),
        // The crate's manifest declares the features; included code would need them by hand.
        ("--features-per-tag", args.features_per_tag),
    ];
    if args.crate_dir.is_none()
        && let Some((flag, _)) = crate_only.iter().find(|(_, given)| *given)
    {
        return usage_error(&format!("`{flag}` needs `--crate DIR`"));
    }
    if let Some(path) = &args.runtime_path
        && !openapi_gen::is_rust_path(path)
    {
        return usage_error(&format!(
            "`--runtime-path {path}` is not a Rust path (e.g. `openapi_gen_runtime`)"
        ));
    }
    Parsed::Run(Box::new(args))
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Parsed::Run(args) => *args,
        Parsed::Exit(code) => return code,
    };
    let spec_path = args.spec.unwrap_or_default();
    let source = if spec_path == "-" {
        let mut text = String::new();
        match std::io::Read::read_to_string(&mut std::io::stdin(), &mut text) {
            Ok(_) => text,
            Err(err) => {
                eprintln!("error: cannot read the spec from stdin: {err}");
                return ExitCode::from(2);
            }
        }
    } else {
        match std::fs::read_to_string(&spec_path) {
            Ok(text) => text,
            Err(err) => {
                eprintln!("error: cannot read {spec_path}: {err}");
                return ExitCode::from(2);
            }
        }
    };
    let name = if spec_path == "-" {
        "<stdin>"
    } else {
        &spec_path
    };
    let mut config = openapi_gen::Config::new(name);
    if let Some(path) = args.runtime_path {
        config = config.runtime_path(path);
    }
    if let Some(prefix) = args.env_prefix {
        config = config.env_prefix(prefix);
    }
    if let Some(agent) = args.user_agent {
        config = config.user_agent(agent);
    }
    config = config.lenient(args.lenient);
    config = config.features_per_tag(args.features_per_tag);
    if let Some(dir) = args.crate_dir {
        if args.lenient {
            // `generate_crate` gives files only: the omissions are listed from a second pass
            // (generation takes well under a second even on the largest specs).
            if let Ok(generated) = openapi_gen::generate_with_warnings(&source, &config)
                && !generated.warnings.is_empty()
            {
                eprint!("{}", generated.warnings);
            }
        }
        let crate_config = openapi_gen::CrateConfig {
            name: args.crate_name,
            version: args.crate_version.unwrap_or_else(|| "0.1.0".into()),
            runtime: match args.runtime_dir {
                Some(dir) => openapi_gen::RuntimeSource::Path(dir),
                None => openapi_gen::RuntimeSource::Registry,
            },
        };
        return match openapi_gen::generate_crate(&source, &config, &crate_config) {
            Ok(files) => write_crate(&dir, &files, args.check, name),
            Err(err) => {
                eprint!("{err}");
                ExitCode::from(1)
            }
        };
    }
    // The process ends right after writing: skip freeing the spec tree and the IR.
    let generated = if args.examples {
        openapi_gen::examples::collect(&source, &config).map(examples_json)
    } else {
        openapi_gen::generate_then_exit(&source, &config).map(|generated| {
            // Warnings go to stderr, before the code is written anywhere.
            if !generated.warnings.is_empty() {
                eprint!("{}", generated.warnings);
            }
            generated.code
        })
    };
    let code = match generated {
        Ok(code) => code,
        Err(err) => {
            eprint!("{err}");
            return ExitCode::from(1);
        }
    };
    match (args.output, args.check) {
        (Some(out), true) => {
            let rerun = format!("openapi-gen {name} -o {}", out.display());
            check(&out, &code, name, &rerun)
        }
        (Some(out), false) => {
            // Leave an up-to-date file untouched so builds that watch it do not rerun.
            match openapi_gen::write_if_changed(&out, &code) {
                Ok(_) => ExitCode::SUCCESS,
                Err(err) => {
                    eprintln!("error: cannot write {}: {err}", out.display());
                    ExitCode::from(2)
                }
            }
        }
        (None, _) => {
            use std::io::Write as _;
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(code.as_bytes())
                .and_then(|()| stdout.flush())
            {
                Ok(()) => ExitCode::SUCCESS,
                // The reader stopped reading (`openapi-gen spec.yaml | head`): not an error.
                Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(err) => {
                    eprintln!("error: cannot write the generated code: {err}");
                    ExitCode::from(2)
                }
            }
        }
    }
}

/// The examples as a pretty JSON list, one object per example.
fn examples_json(examples: Vec<openapi_gen::examples::Example>) -> String {
    let list: Vec<serde_json::Value> = examples
        .into_iter()
        .map(|e| {
            serde_json::json!({
                "pointer": e.pointer,
                "schema": e.schema,
                "type": e.rust_type,
                "value": e.value,
            })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&list).unwrap_or_else(|_| "[]".to_owned());
    text.push('\n');
    text
}

/// Writes (or with `check`, compares) each file of a generated crate under `dir`, leaving
/// unchanged files untouched.
fn write_crate(
    dir: &std::path::Path,
    files: &[openapi_gen::CrateFile],
    check_only: bool,
    spec: &str,
) -> ExitCode {
    for file in files {
        let path = dir.join(file.path);
        if check_only {
            let rerun = format!("openapi-gen {spec} --crate {}", dir.display());
            let code = check(&path, &file.contents, spec, &rerun);
            if code != ExitCode::SUCCESS {
                return code;
            }
            continue;
        }
        if let Some(parent) = path.parent()
            && let Err(err) = std::fs::create_dir_all(parent)
        {
            eprintln!("error: cannot create {}: {err}", parent.display());
            return ExitCode::from(2);
        }
        if let Err(err) = openapi_gen::write_if_changed(&path, &file.contents) {
            eprintln!("error: cannot write {}: {err}", path.display());
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}

/// `--check`: compares the committed file with fresh output and shows the first differences.
fn check(out: &std::path::Path, code: &str, spec: &str, rerun: &str) -> ExitCode {
    let old = match std::fs::read_to_string(out) {
        Ok(old) => old,
        Err(err) => {
            eprintln!(
                "error: {} is stale: cannot read it ({err}); run `{rerun}`",
                out.display(),
            );
            return ExitCode::from(1);
        }
    };
    if old == code {
        return ExitCode::SUCCESS;
    }
    eprintln!(
        "error: {} is stale: it differs from what {spec} generates",
        out.display()
    );
    eprint!("{}", diff_excerpt(&old, code, 20));
    eprintln!("   = help: run `{rerun}` and commit the result");
    ExitCode::from(1)
}

/// A short unified-style excerpt: `-` lines only in `old`, `+` lines only in `new`, for the
/// differing region between their common prefix and suffix, at most `limit` lines of each.
fn diff_excerpt(old: &str, new: &str, limit: usize) -> String {
    let old: Vec<&str> = old.lines().collect();
    let new: Vec<&str> = new.lines().collect();
    let prefix = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let removed = &old[prefix..old.len() - suffix];
    let added = &new[prefix..new.len() - suffix];
    let mut text = format!(
        "@@ line {}: {} line(s) removed, {} added @@\n",
        prefix + 1,
        removed.len(),
        added.len()
    );
    for (sign, lines) in [('-', removed), ('+', added)] {
        for line in lines.iter().take(limit) {
            text.push(sign);
            text.push_str(line);
            text.push('\n');
        }
        if lines.len() > limit {
            text.push_str(&format!("{sign}... {} more\n", lines.len() - limit));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Parsed {
        parse_args(list.iter().map(|s| (*s).to_owned()))
    }

    #[test]
    fn parses_options() {
        let Parsed::Run(a) = args(&["spec.yaml", "-o", "out.rs", "--env-prefix=X", "--check"])
        else {
            panic!("should parse");
        };
        assert_eq!(a.spec.as_deref(), Some("spec.yaml"));
        assert_eq!(a.output, Some(PathBuf::from("out.rs")));
        assert_eq!(a.env_prefix.as_deref(), Some("X"));
        assert!(a.check);
    }

    #[test]
    fn rejects_bad_usage() {
        for bad in [
            &[][..],
            &["a.yaml", "b.yaml"],
            &["--bogus", "a.yaml"],
            &["a.yaml", "-o"],
            &["a.yaml", "--check"],
            &["a.yaml", "--runtime-path", "not a path"],
            &["a.yaml", "--name", "x"],
            &["a.yaml", "--crate", "d", "-o", "x.rs"],
        ] {
            assert!(matches!(args(bad), Parsed::Exit(_)), "{bad:?}");
        }
    }

    #[test]
    fn diff_shows_the_changed_region() {
        let text = diff_excerpt("a\nb\nc\n", "a\nx\nc\n", 5);
        assert_eq!(text, "@@ line 2: 1 line(s) removed, 1 added @@\n-b\n+x\n");
    }
}
