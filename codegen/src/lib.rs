//! `openapi-gen`: an OpenAPI 3.0/3.1 to Rust client generator.
//!
//! One entry point, [`generate`], does everything in memory: spec text in, formatted Rust out.
//! The build script of the client crate, the `openapi-gen` command and the tests all call it.
//!
//! The pipeline, one module per stage:
//! 1. [`value`]: parse YAML or JSON into an order-preserving tree;
//! 2. [`resolve`]: follow `$ref`s, check the spec and build the [`ir`] (types and operations,
//!    with every Rust name decided), collecting every problem as a [`diag::Diagnostic`];
//! 3. [`emit`]: write the IR as formatted Rust source (rustfmt's layout, without a
//!    parse-and-print pass).
//!
//! [`examples`] lists the spec's own examples with the Rust type each decodes into, for round-trip
//! tests of the generated models.
//!
//! On failure the diagnostics are placed in the source ([`locate`]) and reported as
//! `file:line:column` with the JSON pointer, what is wrong and how to fix it.
//!
//! ```no_run
//! let spec = std::fs::read_to_string("spec/rescale.yaml").unwrap();
//! let code = openapi_gen::generate(&spec, &openapi_gen::Config::new("spec/rescale.yaml")).unwrap();
//! assert!(code.starts_with("// @generated"));
//! ```

pub mod diag;
pub mod emit;
pub mod examples;
pub mod ir;
pub mod locate;
pub mod names;
pub mod package;
pub mod pointer;
pub mod resolve;
pub mod value;

pub use diag::{Diagnostic, Error, Warnings};
pub use package::{CrateConfig, CrateFile, RuntimeSource, generate_crate};

/// Settings of one generation. Build with [`Config::new`] and the setters.
#[derive(Debug, Clone)]
pub struct Config {
    /// The spec's file name as shown in diagnostics.
    pub file_name: String,
    /// Path of the runtime crate (or module) the generated code calls (default
    /// `openapi_gen_runtime`, the crate `openapi-gen-runtime`).
    pub runtime_path: String,
    /// Path of a `const` [`ApiPolicy`] the generated `API` carries (default: the runtime's
    /// `ApiPolicy::STANDARD`): how a crate that knows its API better classifies its errors,
    /// sends its keys and reads its settings file.
    ///
    /// [`ApiPolicy`]: https://docs.rs/openapi-gen-runtime/latest/openapi_gen_runtime/struct.ApiPolicy.html
    pub policy: Option<String>,
    /// Prefix of the environment variables the client reads (default: from the spec's title,
    /// `Rescale API` -> `RESCALE`).
    pub env_prefix: Option<String>,
    /// `User-Agent` the client sends (default: `<prefix>-rust-client`).
    pub user_agent: Option<String>,
    /// Leave out what is broken (an operation, a path, a server, a security scheme; the broken
    /// part of a schema is read as `serde_json::Value`) and generate the rest, reporting each
    /// omission as a warning, instead of failing. Off by default: a build script should fail
    /// on a mistake in its own spec. For vendor specs with a few mistakes.
    pub lenient: bool,
    /// Split the code into cargo features, one per group of operations (an operation's first
    /// tag), each with the types it uses, so that a user of a huge API compiles only what they
    /// call. Only for a whole crate ([`generate_crate`] writes the `[features]` table, with all
    /// of them on by default); off by default.
    pub features_per_tag: bool,
}

impl Config {
    /// Settings for the spec named `file_name` (used only in messages).
    pub fn new(file_name: impl Into<String>) -> Self {
        Config {
            file_name: file_name.into(),
            runtime_path: "openapi_gen_runtime".into(),
            policy: None,
            env_prefix: None,
            user_agent: None,
            lenient: false,
            features_per_tag: false,
        }
    }

    /// Sets the path of the runtime module the generated code calls.
    pub fn runtime_path(mut self, path: impl Into<String>) -> Self {
        self.runtime_path = path.into();
        self
    }

    /// Sets the path of the `const` policy the generated `API` carries, such as
    /// `crate::policy::POLICY`.
    pub fn policy(mut self, path: impl Into<String>) -> Self {
        self.policy = Some(path.into());
        self
    }

    /// Sets the environment variable prefix.
    pub fn env_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.env_prefix = Some(prefix.into());
        self
    }

    /// Sets the `User-Agent`.
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = Some(agent.into());
        self
    }

    /// Sets lenient mode (see [`Config::lenient`]).
    pub fn lenient(mut self, lenient: bool) -> Self {
        self.lenient = lenient;
        self
    }

    /// Splits the code into cargo features per group of operations (see
    /// [`Config::features_per_tag`]).
    pub fn features_per_tag(mut self, split: bool) -> Self {
        self.features_per_tag = split;
        self
    }
}

/// Generated code and what the generator left out or approximated on the way.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The Rust source.
    pub code: String,
    /// Omissions (lenient mode) and approximations (constructs read as `serde_json::Value`).
    pub warnings: Warnings,
}

impl Default for Config {
    fn default() -> Self {
        Config::new("openapi.yaml")
    }
}

/// Generates the Rust client for the spec text `spec` (YAML or JSON).
pub fn generate(spec: &str, config: &Config) -> Result<String, Error> {
    pipeline(spec, config, Release::Free).map(|generated| generated.code)
}

/// [`generate`], also returning the warnings: what lenient mode left out, and constructs read
/// as `serde_json::Value`.
pub fn generate_with_warnings(spec: &str, config: &Config) -> Result<Generated, Error> {
    pipeline(spec, config, Release::Free)
}

/// [`generate`] for a process that exits right after: the same output, but the parsed spec and
/// the IR are leaked instead of freed node by node, which is a sixth of the work on a large spec
/// and pointless when the operating system takes the memory back at exit a moment later. The
/// `openapi-gen` command uses it; anything that keeps running (a build script that does more, a
/// server, tests) should call [`generate`].
pub fn generate_then_exit(spec: &str, config: &Config) -> Result<Generated, Error> {
    pipeline(spec, config, Release::Leak)
}

/// What becomes of the spec tree and the IR once they have served.
#[derive(Clone, Copy, PartialEq)]
enum Release {
    /// Freed: the tree as soon as the IR is built (emitting reuses its memory), the IR at the end.
    Free,
    /// Leaked, for a process about to exit.
    Leak,
}

/// Checks the configuration, parses, resolves and emits.
fn pipeline(spec: &str, config: &Config, release: Release) -> Result<Generated, Error> {
    check_config(spec, config)?;
    let root = parse(spec, config)?;
    let mut resolved = resolve::resolve_with(&root, config.lenient)
        .map_err(|diagnostics| Error::locate(&config.file_name, spec, diagnostics))?;
    plan_features(&mut resolved.api, config);
    if release == Release::Leak {
        std::mem::forget(root);
    } else {
        drop(root);
    }
    let code = emit::emit(&resolved.api, config);
    let warnings = Warnings::locate(&config.file_name, spec, resolved.warnings);
    if release == Release::Leak {
        std::mem::forget(resolved.api);
    }
    Ok(Generated { code, warnings })
}

/// Checks the settings that name Rust paths.
pub(crate) fn check_config(spec: &str, config: &Config) -> Result<(), Error> {
    let paths = [
        (
            "runtime path",
            Some(&config.runtime_path),
            "give the runtime crate or module, such as `openapi_gen_runtime` or `crate::runtime`",
        ),
        (
            "policy path",
            config.policy.as_ref(),
            "give the path of a `const` `ApiPolicy`, such as `crate::policy::POLICY`",
        ),
    ];
    for (what, path, help) in paths {
        if let Some(path) = path.filter(|path| !is_rust_path(path)) {
            let diagnostic =
                Diagnostic::new("", format!("the {what} `{path}` is not a Rust path")).help(help);
            return Err(Error::at_position(
                &config.file_name,
                spec,
                diagnostic,
                None,
            ));
        }
    }
    Ok(())
}

/// An error about the settings rather than a place in the spec.
pub(crate) fn config_error(spec: &str, config: &Config, message: impl Into<String>) -> Error {
    Error::at_position(&config.file_name, spec, Diagnostic::new("", message), None)
}

/// Whether `path` is `::`-separated identifiers (`openapi_gen_runtime`, `crate::policy::POLICY`).
pub fn is_rust_path(path: &str) -> bool {
    !path.is_empty()
        && path.split("::").all(|segment| {
            let mut chars = segment.chars();
            chars
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

/// Writes `text` to `path` unless the file already holds exactly that text, so build scripts and
/// tools that watch the file see no change when nothing changed. Returns whether it wrote.
pub fn write_if_changed(path: impl AsRef<std::path::Path>, text: &str) -> std::io::Result<bool> {
    let path = path.as_ref();
    if std::fs::read(path).is_ok_and(|old| old == text.as_bytes()) {
        return Ok(false);
    }
    std::fs::write(path, text).map(|()| true)
}

/// Parses and resolves `spec` into the IR, without emitting code.
pub fn load(spec: &str, config: &Config) -> Result<ir::Api, Error> {
    resolve_tree(&parse(spec, config)?, spec, config)
}

/// Resolves the parsed tree into the IR (leniently if the config says so), with located errors.
fn resolve_tree(root: &value::Value, spec: &str, config: &Config) -> Result<ir::Api, Error> {
    let mut api = resolve::resolve_with(root, config.lenient)
        .map(|resolved| resolved.api)
        .map_err(|diagnostics| Error::locate(&config.file_name, spec, diagnostics))?;
    plan_features(&mut api, config);
    Ok(api)
}

/// Decides the cargo features of `api`'s items when the config asks for them.
fn plan_features(api: &mut ir::Api, config: &Config) {
    if config.features_per_tag {
        api.features = Some(resolve::features::plan(api));
    }
}

/// Parses the spec text into its tree, with a located error for bad syntax.
fn parse(spec: &str, config: &Config) -> Result<value::Value, Error> {
    value::parse(spec).map_err(|err| {
        Error::at_position(
            &config.file_name,
            spec,
            Diagnostic::new(
                "",
                format!("the spec is not valid YAML or JSON: {}", err.message),
            )
            .help(if err.message.contains("recursion limit") {
                "the document nests deeper than 128 levels; name inner schemas under `components.schemas` and refer to them with `$ref`"
            } else {
                "fix the syntax at the position shown (a YAML linter shows the same position)"
            }),
            err.position,
        )
    })
}
