//! `openapi-gen`: generate a Rust client from an OpenAPI 3.0/3.1 spec.
//!
//! ```text
//! openapi-gen SPEC [-o OUT] [--runtime-path PATH] [--env-prefix P] [--user-agent UA] [--lenient] [--check]
//! openapi-gen SPEC --examples [-o OUT]
//! ```
//!
//! Exit codes: 0 success, 1 the spec has errors (or `--check` found the output stale),
//! 2 wrong usage or a file that cannot be read or written.

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: openapi-gen SPEC [-o OUT] [--runtime-path PATH] [--env-prefix PREFIX] [--user-agent UA] [--lenient] [--check]
       openapi-gen SPEC --examples [-o OUT]

Generates a Rust client from the OpenAPI 3.0/3.1 spec SPEC (YAML or JSON; `-` reads stdin).

options:
  -o, --output OUT       write the code to OUT instead of stdout
      --runtime-path P   path of the runtime module the code calls (default `crate::runtime`)
      --env-prefix P     prefix of the environment variables the client reads (default: from the title)
      --user-agent UA    User-Agent the client sends
      --lenient          leave out what is broken (an operation, a path; a broken part of a schema
                         becomes serde_json::Value), generate the rest, and warn about each omission
      --check            do not write: exit 1 when OUT differs from what SPEC generates
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
            _ => return usage_error(&format!("unknown option `{arg}`")),
        };
        if let Err(exit) = result {
            return exit;
        }
    }
    if args.spec.is_none() {
        return usage_error("missing SPEC");
    }
    if args.check && args.examples {
        return usage_error("`--check` and `--examples` do not go together");
    }
    if args.check && args.output.is_none() {
        return usage_error("`--check` needs `-o OUT`, the file to compare with");
    }
    if let Some(path) = &args.runtime_path
        && !openapi_gen::is_rust_path(path)
    {
        return usage_error(&format!(
            "`--runtime-path {path}` is not a Rust path (e.g. `crate::runtime`)"
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
        (Some(out), true) => check(&out, &code, name),
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

/// `--check`: compares the committed file with fresh output and shows the first differences.
fn check(out: &std::path::Path, code: &str, spec: &str) -> ExitCode {
    let old = match std::fs::read_to_string(out) {
        Ok(old) => old,
        Err(err) => {
            eprintln!(
                "error: {} is stale: cannot read it ({err}); run `openapi-gen {spec} -o {}`",
                out.display(),
                out.display()
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
    eprintln!(
        "   = help: run `openapi-gen {spec} -o {}` and commit the result",
        out.display()
    );
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
