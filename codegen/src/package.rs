//! Whole client crates: the generated code plus the `Cargo.toml`, `src/lib.rs` and `README.md`
//! that make it a standalone crate depending on the runtime crate, as `cargo progenitor` makes
//! them. The `openapi-gen --crate DIR` command writes what [`generate_crate`] returns.

use std::fmt::Write as _;

use crate::emit::{env_prefix, usage_example};
use crate::{Config, Error, ir};

/// The version of the runtime crate that generated code is written against: the generator and
/// the runtime are released together, with one version.
pub const RUNTIME_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Settings of a generated crate, beside the [`Config`] of its code.
#[derive(Debug, Clone)]
pub struct CrateConfig {
    /// The package name; default: from the spec's title (`Swagger Petstore` ->
    /// `swagger-petstore-client`).
    pub name: Option<String>,
    /// The package version (default `0.1.0`).
    pub version: String,
    /// Where the runtime crate comes from.
    pub runtime: RuntimeSource,
}

impl Default for CrateConfig {
    fn default() -> Self {
        CrateConfig {
            name: None,
            version: "0.1.0".into(),
            runtime: RuntimeSource::Registry,
        }
    }
}

/// Where a generated crate takes the runtime crate `openapi-gen-runtime` from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuntimeSource {
    /// The registry, at the version this generator writes code for.
    Registry,
    /// A local checkout of the runtime crate (its directory), for working on the runtime itself.
    Path(String),
}

/// One file of a generated crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrateFile {
    /// The path inside the crate, with `/` separators (`Cargo.toml`, `src/lib.rs`...).
    pub path: &'static str,
    /// The file's text.
    pub contents: String,
}

/// Generates a whole client crate for `spec`: `Cargo.toml`, `README.md`, `src/lib.rs` and the
/// generated code in `src/generated.rs`. Deterministic, like [`crate::generate`].
pub fn generate_crate(
    spec: &str,
    config: &Config,
    crate_config: &CrateConfig,
) -> Result<Vec<CrateFile>, Error> {
    let name = match &crate_config.name {
        Some(name) => {
            check_crate_name(name).map_err(|message| crate::config_error(spec, config, message))?;
            name.clone()
        }
        None => String::new(),
    };
    crate::check_config(spec, config)?;
    let api = crate::load(spec, config)?;
    let code = crate::emit::emit(&api, config);
    let name = if name.is_empty() {
        crate_name(&api.title)
    } else {
        name
    };
    let package = Package {
        api: &api,
        config,
        name: &name,
        ident: name.replace('-', "_"),
        crate_config,
    };
    Ok(vec![
        CrateFile {
            path: "Cargo.toml",
            contents: package.manifest(),
        },
        CrateFile {
            path: "README.md",
            contents: package.readme(),
        },
        CrateFile {
            path: "src/lib.rs",
            contents: package.lib(),
        },
        CrateFile {
            path: "src/generated.rs",
            contents: code,
        },
    ])
}

/// A package name from a title: lower-case ASCII words joined by `-`, with `-client` added
/// (`Swagger Petstore` -> `swagger-petstore-client`); `api-client` when the title has no words.
pub fn crate_name(title: &str) -> String {
    let words: Vec<String> = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let mut name = words.join("-");
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "api-");
    }
    let name = name.trim_end_matches('-');
    if name.ends_with("-client") {
        name.to_owned()
    } else {
        format!("{name}-client")
    }
}

/// Checks a package name as cargo does for new packages: ASCII letters, digits, `-` and `_`,
/// starting with a letter, at most 64 characters.
fn check_crate_name(name: &str) -> Result<(), String> {
    let valid = name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid {
        Ok(())
    } else {
        Err(format!(
            "`{name}` is not a package name: use ASCII letters, digits, `-` and `_`, starting \
             with a letter"
        ))
    }
}

/// What the crate's files are written from.
struct Package<'a> {
    api: &'a ir::Api,
    config: &'a Config,
    name: &'a str,
    ident: String,
    crate_config: &'a CrateConfig,
}

impl Package<'_> {
    fn manifest(&self) -> String {
        let runtime = match &self.crate_config.runtime {
            RuntimeSource::Registry => format!("\"{RUNTIME_VERSION}\""),
            RuntimeSource::Path(dir) => format!(
                "{{ path = {}, version = \"{RUNTIME_VERSION}\" }}",
                toml_string(dir)
            ),
        };
        let description = format!(
            "Rust client for {} (API version {}), generated by openapi-gen.",
            self.api.title, self.api.version
        );
        format!(
            "# @generated by openapi-gen from {file}: regenerate rather than edit (see README.md).\n\
             [package]\n\
             name = {name}\n\
             version = {version}\n\
             edition = \"2024\"\n\
             rust-version = \"1.88\"\n\
             description = {description}\n\
             readme = \"README.md\"\n\
             \n\
             [dependencies]\n\
             openapi-gen-runtime = {runtime}\n\
             serde = {{ version = \"1\", features = [\"derive\"] }}\n\
             serde_json = \"1\"\n{features}",
            file = self.config.file_name.replace('\n', " "),
            name = toml_string(self.name),
            version = toml_string(&self.crate_config.version),
            description = toml_string(&description),
            features = self.features_table(),
        )
    }

    /// The `[features]` table of a client split per group of operations: every group on by
    /// default (through `full`), so `default-features = false` plus a list picks a few.
    fn features_table(&self) -> String {
        let Some(features) = &self.api.features else {
            return String::new();
        };
        let mut table = String::from(
            "\n# One feature per group of operations (their first tag), with the types they use.\n\
             # All are on by default; `default-features = false, features = [...]` picks some.\n\
             [features]\n\
             default = [\"full\"]\n\
             full = [\n",
        );
        for name in &features.names {
            let _ = writeln!(table, "    {},", toml_string(name));
        }
        table.push_str("]\n");
        for name in &features.names {
            let _ = writeln!(table, "{} = []", toml_string(name));
        }
        table
    }

    /// The example a user starts from: a client from the environment and one call.
    fn example(&self, indent: &str, hidden: &str) -> String {
        let mut text = String::new();
        let _ = writeln!(
            text,
            "{indent}let client = {}::Client::from_env()?;",
            self.ident
        );
        if let Some((call, what)) = usage_example(self.api) {
            let _ = writeln!(text, "{indent}// {what}");
            let _ = writeln!(text, "{indent}let answer = client.{call}.send().await?;");
            let _ = writeln!(
                text,
                "{indent}println!(\"{{}}: {{:?}}\", answer.status(), answer.body());"
            );
        }
        let _ = write!(text, "{hidden}");
        text
    }

    fn lib(&self) -> String {
        let mut text = format!(
            "// @generated by openapi-gen from {}: regenerate rather than edit.\n\n",
            self.config.file_name.replace('\n', " "),
        );
        let about = format!(
            "Rust client for {} (API version {}), generated by openapi-gen from its OpenAPI spec.",
            doc_text(&self.api.title),
            doc_text(&self.api.version),
        );
        let _ = writeln!(text, "//! {about}\n//!");
        if self.api.operations.is_empty() {
            text.push_str(
                "//! The spec describes no operations: this crate has its models, in [`types`].\n",
            );
        } else {
            text.push_str(
                "//! The models are in [`types`]; every operation is a method on [`Client`] returning \
                 a\n//! request builder from [`builders`]; the [`runtime`] does the HTTP, retries and \
                 pagination.\n//!\n//! ```no_run\n",
            );
            let _ = writeln!(
                text,
                "//! # async fn example() -> Result<(), {}::Error> {{",
                self.ident
            );
            for line in self.example("", "").lines() {
                let _ = writeln!(text, "//! {line}");
            }
            text.push_str("//! # Ok(())\n//! # }\n//! ```\n");
        }
        text.push_str(
            "\n\
             // Large specs' unions nest generic types deeper than rustdoc's default limit.\n\
             #![recursion_limit = \"256\"]\n\
             \n\
             /// The runtime the generated code calls: the crate `openapi-gen-runtime`.\n\
             pub use openapi_gen_runtime as runtime;\n\
             pub use openapi_gen_runtime::{ApiResponse, Error};\n\
             \n\
             include!(\"generated.rs\");\n",
        );
        text
    }

    fn readme(&self) -> String {
        let prefix = env_prefix(self.api, self.config);
        let mut text = format!(
            "# {name}\n\
             \n\
             Rust client for {title} (API version {version}), generated by openapi-gen from its \
             OpenAPI spec `{file}`.\n\
             Every operation is a method on `Client` returning a request builder: required \
             parameters are arguments, optional ones setters, and `send().await` returns the typed \
             answer with its status and headers.\n",
            name = self.name,
            title = self.api.title,
            version = self.api.version,
            file = self.config.file_name,
        );
        if self.api.operations.is_empty() {
            text.push_str("\nThe spec describes no operations: this crate has its models only.\n");
        } else {
            let _ = write!(
                text,
                "\n## Use\n\
                 \n\
                 ```toml\n\
                 [dependencies]\n\
                 {name} = {{ path = \"path/to/{name}\" }}\n\
                 tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n\
                 ```\n\
                 \n\
                 ```rust,no_run\n\
                 #[tokio::main]\n\
                 async fn main() -> Result<(), {ident}::Error> {{\n\
                 {example}    Ok(())\n\
                 }}\n\
                 ```\n\
                 \n\
                 `Client::from_env()` reads the key from `{prefix}_API_KEY` and the base URL from \
                 `{prefix}_API_BASE_URL` (or the server named by `{prefix}_REGION`); \
                 `Client::builder()` sets them, and timeouts, retries and rate limits, in code.\n",
                name = self.name,
                ident = self.ident,
                example = self.example("    ", ""),
            );
            if let Some(features) = &self.api.features {
                let _ = write!(
                    text,
                    "\nThe operations are split into cargo features, one per group (the spec's \
                     first tag of each), each with the types it uses; all are on by default. To \
                     compile only what you call:\n\
                     \n\
                     ```toml\n\
                     {name} = {{ path = \"path/to/{name}\", default-features = false, features = \
                     [{first}] }}\n\
                     ```\n\
                     \n\
                     Features: {list}.\n",
                    name = self.name,
                    first = toml_string(&features.names[0]),
                    list = features
                        .names
                        .iter()
                        .map(|name| format!("`{name}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                );
            }
            if !self.api.servers.is_empty() {
                text.push_str("\nServers (the first is the default):\n\n");
                for server in &self.api.servers {
                    let _ = writeln!(text, "- `{}`: {}", server.name, server.url);
                }
            }
        }
        let _ = write!(
            text,
            "\n## Regenerate\n\
             \n\
             Every file here is generated; change the spec, then run\n\
             \n\
             ```sh\n\
             openapi-gen {file} --crate path/to/{name}\n\
             ```\n",
            file = self.config.file_name,
            name = self.name,
        );
        text
    }
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Spec text on one `//!` line: no line breaks, and nothing rustdoc would read as markup that
/// could break the crate docs.
fn doc_text(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(['[', ']', '<', '>', '`', '*', '_'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_titles() {
        assert_eq!(crate_name("Swagger Petstore"), "swagger-petstore-client");
        assert_eq!(crate_name("Oxide Region API"), "oxide-region-api-client");
        assert_eq!(crate_name("My API client"), "my-api-client");
        assert_eq!(crate_name("3D printing"), "api-3d-printing-client");
        assert_eq!(crate_name("  "), "api-client");
        for name in ["ok", "a-b_c9"] {
            assert!(check_crate_name(name).is_ok());
        }
        for name in ["", "9a", "a b", "a/b", "é"] {
            assert!(check_crate_name(name).is_err(), "{name}");
        }
    }

    #[test]
    fn toml_strings_escape() {
        assert_eq!(toml_string(r#"a "b" \c"#), r#""a \"b\" \\c""#);
        assert_eq!(toml_string("x\ny"), r#""x\u000Ay""#);
    }
}
