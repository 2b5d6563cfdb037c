//! The client side: `API` facts, one `Client` method and one request builder per operation.

use super::code::{ArrayCall, Code, FieldInit, Returns, string_lit};
use super::{docs, is_scalar, operation_features, resolved, type_features, type_name};
use crate::Config;
use crate::ir::{
    Api, Body, BodyKind, Docs, Operation, PageStyle, Param, ParamLocation, PathPart, ResponseBody,
    SecurityScheme, StatusMatch, TypeKind, TypeRef,
};

/// Writes `API`, the builders module and the operations on `Client`.
pub(crate) fn emit(api: &Api, config: &Config, code: &mut Code) {
    let rt = config.runtime_path.as_str();
    code.blank();
    api_info(api, config, rt, code);
    if api.operations.is_empty() {
        // A models-only spec: no builders and no `Client` (it would have nothing to call).
        return;
    }
    code.blank();
    code.line("/// One request builder per operation: set optional parameters, then `send()`.");
    code.block(format_args!("pub mod builders"), |code| {
        // Not every client's builders name a type: the import is allowed to be unused (what
        // rustfmt and clippy accept, rather than deciding afterwards whether to write it).
        let mut allowed: Vec<String> = [
            "clippy::too_many_arguments",
            "clippy::large_enum_variant",
            "deprecated",
        ]
        .map(str::to_owned)
        .to_vec();
        if api.features.is_some() {
            // With only some features on, the imports below may have no user left.
            allowed.push("unused_imports".to_owned());
        }
        code.attr("#![allow(", &allowed, ")]");
        code.line("\n#[allow(unused_imports)]\nuse super::types;");
        if rt == "runtime" || rt.ends_with("::runtime") {
            code.linef(format_args!("use {rt};"));
        } else {
            code.linef(format_args!("use {rt} as runtime;"));
        }
        for (index, op) in api.operations.iter().enumerate() {
            code.blank();
            code.set_cfg(&operation_features(api, index));
            builder(api, op, code);
        }
        code.set_cfg(&[]);
        page_impls(api, code);
    });

    let methods: Vec<ClientMethod> = api
        .operations
        .iter()
        .map(|op| client_method(api, op))
        .collect();
    code.blank();
    client_type(api, config, rt, &methods, code);
}

/// The crate's own `Client`: a wrapper of the runtime's client (so that two generated clients in
/// one program are two types, and the operations are inherent methods), its constructors, and
/// one method per operation.
fn client_type(api: &Api, config: &Config, rt: &str, methods: &[ClientMethod], code: &mut Code) {
    let env_prefix = env_prefix(api, config);
    code.doc(&docs::plain(&format!(
        "A client of {}: one method per operation, each returning a request builder\n\
         whose `send()` makes the call. Cheap to clone: clones share one connection pool.\n\n\
         Make one with [`Client::from_env`], or with [`Client::builder`] to set the base URL,\n\
         key, timeouts, retries or rate limits.",
        api.title
    )));
    code.linef(format_args!(
        "\
#[derive(Debug, Clone)]
pub struct Client {{
    inner: {rt}::Client,
}}

#[allow(deprecated)]"
    ));
    code.block(format_args!("impl Client"), |code| {
        code.doc(&docs::plain(
            "Starts configuring a client of this API: base URL or server, key, timeouts,\n\
             retries, rate limits; `build()` makes the client.",
        ));
        code.linef(format_args!(
            "\
pub fn builder() -> ClientBuilder {{
    {rt}::ClientBuilder::new(&API)
}}
"
        ));
        code.doc(&docs::plain(&format!(
            "A client configured from the environment: the key from `{env_prefix}_API_KEY`,\n\
             the base URL from `{env_prefix}_API_BASE_URL` or the server named by\n\
             `{env_prefix}_REGION`, else the first server of the spec."
        )));
        code.linef(format_args!(
            "\
pub fn from_env() -> Result<Client, {rt}::Error> {{
    Client::builder().from_env().build()
}}
"
        ));
        code.doc(&docs::plain(
            "The runtime's client underneath: its settings, and `execute` for calls the spec\n\
             does not describe.",
        ));
        code.linef(format_args!(
            "\
pub fn runtime(&self) -> &{rt}::Client {{
    &self.inner
}}"
        ));
        for (index, m) in methods.iter().enumerate() {
            code.blank();
            code.set_cfg(&operation_features(api, index));
            code.cfg_line();
            m.write_attributes(code);
            m.write_definition(code, "pub ");
        }
        code.set_cfg(&[]);
    });
    code.blank();
    code.doc(&docs::plain(
        "Configures a [`Client`]: made by [`Client::builder`], finished by `build()`.",
    ));
    code.linef(format_args!(
        "pub type ClientBuilder = {rt}::ClientBuilder<Client>;\n"
    ));
    code.item(format_args!("impl From<{rt}::Client> for Client"), |code| {
        code.linef(format_args!(
            "\
fn from(inner: {rt}::Client) -> Self {{
    Client {{ inner }}
}}"
        ));
    });
}

/// The prefix of the environment variables the client reads: the configured one, else one from
/// the title.
pub(crate) fn env_prefix(api: &Api, config: &Config) -> String {
    config
        .env_prefix
        .clone()
        .unwrap_or_else(|| default_env_prefix(&api.title))
}

fn api_info(api: &Api, config: &Config, rt: &str, code: &mut Code) {
    let env_prefix = env_prefix(api, config);
    let user_agent = config
        .user_agent
        .clone()
        .unwrap_or_else(|| format!("{}-rust-client", env_prefix.to_ascii_lowercase()));
    code.doc(&docs::plain(&format!(
        "Facts about {} (version {}) from its spec: servers, authentication, environment.",
        api.title, api.version
    )));
    let servers: Vec<(String, Vec<String>)> = api
        .servers
        .iter()
        .map(|s| {
            let fields = vec![
                format!("name: {}", string_lit(&s.name)),
                format!("url: {}", string_lit(&s.url)),
                format!("description: {}", string_lit(&s.description)),
            ];
            (format!("{rt}::ServerInfo"), fields)
        })
        .collect();
    let auth: Vec<(String, Vec<String>)> = api
        .security
        .iter()
        .map(|scheme| {
            let (variant, field) = match scheme {
                SecurityScheme::Http { scheme } => {
                    ("Http", format!("scheme: {}", string_lit(scheme)))
                }
                SecurityScheme::ApiKeyHeader { name } => {
                    ("ApiKeyHeader", format!("name: {}", string_lit(name)))
                }
                SecurityScheme::ApiKeyQuery { name } => {
                    ("ApiKeyQuery", format!("name: {}", string_lit(name)))
                }
                SecurityScheme::ApiKeyCookie { name } => {
                    ("ApiKeyCookie", format!("name: {}", string_lit(name)))
                }
            };
            (format!("{rt}::AuthScheme::{variant}"), vec![field])
        })
        .collect();
    let fields = [
        FieldInit::Text(format!("title: {}", string_lit(&api.title))),
        FieldInit::Text(format!("version: {}", string_lit(&api.version))),
        FieldInit::StructSlice {
            name: "servers",
            structs: servers,
        },
        FieldInit::StructSlice {
            name: "auth",
            structs: auth,
        },
        FieldInit::Text(format!("env_prefix: {}", string_lit(&env_prefix))),
        FieldInit::Text(format!("user_agent: {}", string_lit(&user_agent))),
        FieldInit::Text(format!("path_prefix: {}", string_lit(&path_prefix(api)))),
        FieldInit::Text(match &config.policy {
            Some(policy) => format!("policy: {policy}"),
            None => format!("policy: {rt}::ApiPolicy::STANDARD"),
        }),
    ];
    let head = format!("pub static API: {rt}::ApiInfo = {rt}::ApiInfo");
    code.struct_lit_nested(&head, &fields, ";");
}

/// The literal path segments every operation's path starts with (`/api/v2` when the paths are
/// `/api/v2/jobs/`, `/api/v2/files/`...), not counting each path's last segment, so a single
/// operation does not make its whole path a prefix. Empty when the paths share nothing.
fn path_prefix(api: &Api) -> String {
    let mut common: Option<Vec<&str>> = None;
    for op in &api.operations {
        let segments: Vec<&str> = op.path.split('/').filter(|s| !s.is_empty()).collect();
        let dirs = &segments[..segments.len().saturating_sub(1)];
        let literal: Vec<&str> = dirs
            .iter()
            .take_while(|s| !s.contains('{'))
            .copied()
            .collect();
        common = Some(match common {
            None => literal,
            Some(prev) => prev
                .iter()
                .zip(&literal)
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| *a)
                .collect(),
        });
    }
    common
        .unwrap_or_default()
        .iter()
        .map(|s| format!("/{s}"))
        .collect()
}

/// A call for a usage example: the first operation (`GET` ones first) whose required inputs are
/// all strings, whole numbers or booleans, as `list_pets()` or `get_pet("pet_id")`, with its
/// method and path. `None` when no operation is that simple.
pub(crate) fn usage_example(api: &Api) -> Option<(String, String)> {
    let simple = |op: &&Operation| {
        op.body.as_ref().is_none_or(|body| !body.required)
            && op.params.iter().filter(|p| p.required).all(|p| {
                matches!(
                    resolved(api, &p.ty),
                    TypeRef::String | TypeRef::Integer(_) | TypeRef::Boolean
                )
            })
    };
    let op = api
        .operations
        .iter()
        .filter(|op| op.method == "GET")
        .find(simple)
        .or_else(|| api.operations.iter().find(simple))?;
    let args: Vec<String> = op
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| match resolved(api, &p.ty) {
            TypeRef::Integer(_) => "1".to_owned(),
            TypeRef::Boolean => "true".to_owned(),
            _ => string_lit(&p.name),
        })
        .collect();
    let call = format!("{}({})", op.rust_name, args.join(", "));
    Some((call, format!("{} {}", op.method, op.path)))
}

/// A prefix a person would type, from the spec's title: `Rescale API` -> `RESCALE`, `Oxide
/// Region API` -> `OXIDE_REGION`. Filler words (`API`, `OpenAPI`, `spec`, `the`...) and a
/// possessive `'s` are dropped; a title of more than two words keeps only its first
/// (`GitHub's official OpenAPI spec + Octokit extension` -> `GITHUB`, not a 50-letter name).
/// `Config::env_prefix` overrides it.
fn default_env_prefix(title: &str) -> String {
    const FILLER: &[&str] = &[
        "api",
        "apis",
        "openapi",
        "rest",
        "spec",
        "specification",
        "the",
        "a",
        "an",
        "of",
        "for",
        "and",
        "s",
    ];
    let words: Vec<&str> = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        // Version numbers (`3.1`, `v2`) are no name either.
        .filter(|w| !w.is_empty() && !is_version(w))
        .filter(|w| !FILLER.iter().any(|f| w.eq_ignore_ascii_case(f)))
        .collect();
    let words = if words.len() > 2 {
        &words[..1]
    } else {
        &words[..]
    };
    let mut prefix = words.join("_").to_ascii_uppercase();
    if prefix.starts_with(|c: char| c.is_ascii_digit()) {
        // An environment variable name cannot start with a digit.
        prefix.insert(0, '_');
    }
    if prefix.is_empty() {
        "API".into()
    } else {
        prefix
    }
}

/// `3`, `v2`, `V10`: a version number, not a word of a name.
fn is_version(word: &str) -> bool {
    let digits = word.strip_prefix(['v', 'V']).unwrap_or(word);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// How a parameter or body part is taken by the client method or a setter.
struct Arg {
    /// The argument type in the signature.
    param_ty: String,
    /// The stored type.
    stored_ty: String,
    /// Whether the argument converts with `.into()` (`impl Into<String>`).
    into: bool,
}

fn arg_for(api: &Api, ty: &TypeRef) -> Arg {
    match ty {
        TypeRef::String => Arg {
            param_ty: "impl Into<String>".into(),
            stored_ty: "String".into(),
            into: true,
        },
        TypeRef::Binary => Arg {
            param_ty: "runtime::UploadSource".into(),
            stored_ty: "runtime::UploadSource".into(),
            into: false,
        },
        TypeRef::Array(item) if **item == TypeRef::Binary => Arg {
            param_ty: "Vec<runtime::UploadSource>".into(),
            stored_ty: "Vec<runtime::UploadSource>".into(),
            into: false,
        },
        other => {
            let t = type_name(api, other, false);
            Arg {
                param_ty: t.clone(),
                stored_ty: t,
                into: false,
            }
        }
    }
}

/// One input of an operation: a parameter or a multipart part or the body.
struct Input<'a> {
    rust_name: &'a str,
    ty: TypeRef,
    required: bool,
    docs: &'a Docs,
    wire_name: &'a str,
}

fn inputs<'a>(op: &'a Operation, body_docs: &'a Docs) -> Vec<Input<'a>> {
    let mut out: Vec<Input<'a>> = op
        .params
        .iter()
        .map(|p| Input {
            rust_name: &p.rust_name,
            ty: p.ty.clone(),
            required: p.required,
            docs: &p.docs,
            wire_name: &p.name,
        })
        .collect();
    if let Some(body) = &op.body {
        let whole_body = |ty: TypeRef| Input {
            rust_name: "body",
            ty,
            required: body.required,
            docs: body_docs,
            wire_name: "body",
        };
        match &body.kind {
            BodyKind::Multipart(fields) => out.extend(fields.iter().map(|f| Input {
                rust_name: &f.rust_name,
                ty: f.ty.clone(),
                required: f.required,
                docs: &f.docs,
                wire_name: &f.name,
            })),
            BodyKind::Json(ty) | BodyKind::Form(ty) => out.push(whole_body(ty.clone())),
            BodyKind::Binary => out.push(whole_body(TypeRef::Binary)),
            BodyKind::Text => out.push(whole_body(TypeRef::String)),
        }
    }
    out
}

/// One operation's method on `Client`, in pieces so it can be an inherent method or a trait method.
struct ClientMethod {
    doc: Vec<String>,
    deprecated: bool,
    many_arguments: bool,
    name: String,
    builder: String,
    /// `&self`, then `name: Type` of each required input.
    args: Vec<String>,
    /// The names passed on to the builder.
    arg_names: Vec<String>,
}

impl ClientMethod {
    /// The doc comment and attributes of the method (or its trait declaration).
    fn write_attributes(&self, code: &mut Code) {
        code.doc(&self.doc);
        if self.deprecated {
            code.line("#[deprecated]");
        }
        if self.many_arguments {
            code.line("#[allow(clippy::too_many_arguments)]");
        }
    }

    /// The method with its body: it starts the operation's builder.
    fn write_definition(&self, code: &mut Code, visibility: &str) {
        let builder = &self.builder;
        code.function(
            &format!("{visibility}fn {}(", self.name),
            &self.args,
            Returns::Type(&format!("builders::{builder}")),
            |code| {
                let mut args = Vec::with_capacity(self.arg_names.len() + 1);
                args.push("self.inner.clone()".to_owned());
                args.extend(self.arg_names.iter().cloned());
                code.call(&format!("builders::{builder}::new("), &args, ")");
            },
        );
    }
}

fn client_method(api: &Api, op: &Operation) -> ClientMethod {
    let body_docs = op.body.as_ref().map(|b| b.docs.clone()).unwrap_or_default();
    let inputs = inputs(op, &body_docs);
    let required: Vec<&Input> = inputs.iter().filter(|i| i.required).collect();
    let args: Vec<String> = std::iter::once("&self".to_owned())
        .chain(
            required
                .iter()
                .map(|input| format!("{}: {}", input.rust_name, arg_for(api, &input.ty).param_ty)),
        )
        .collect();
    let arg_names = required.iter().map(|i| i.rust_name.to_owned()).collect();
    let fallback = format!("`{} {}`.", op.method, op.path);
    let mut doc = docs::lines(&op.docs, &fallback);
    let mut extra = format!("\nSends `{} {}`.", op.method, op.path);
    if !required.is_empty() {
        extra.push_str("\n\n# Arguments\n");
        for input in &required {
            let text = input
                .docs
                .description
                .as_deref()
                .or(input.docs.summary.as_deref())
                .unwrap_or("");
            let first_line = docs::first_sentence(text);
            let name = input.rust_name.trim_start_matches("r#");
            if first_line.is_empty() {
                extra.push_str(&format!("\n- `{name}`"));
            } else {
                extra.push_str(&format!("\n- `{name}`: {first_line}"));
            }
        }
    }
    let optional: Vec<String> = inputs
        .iter()
        .filter(|i| !i.required)
        .map(|i| format!("`{}`", i.rust_name.trim_start_matches("r#")))
        .collect();
    if !optional.is_empty() {
        extra.push_str(&format!(
            "\n\nOptional, on the returned builder: {}.",
            optional.join(", ")
        ));
    }
    if op.pagination.is_some() {
        extra.push_str("\n\nThe answer is one page; `into_stream()` on the builder yields every item of every page.");
    }
    if let Some(example) = op
        .body
        .as_ref()
        .and_then(|b| b.docs.example.as_deref())
        .filter(|e| e.len() <= 4000)
    {
        extra.push_str("\n\n# Example body\n\n```json\n");
        extra.push_str(example);
        extra.push_str("\n```");
    }
    extra.push_str(&docs::errors_section(op));
    let example_args: Vec<String> = required.iter().map(|i| i.rust_name.to_owned()).collect();
    extra.push_str(&docs::call_example(
        &op.rust_name,
        &example_args,
        op.pagination.is_some(),
    ));
    doc.extend(docs::plain(&extra));
    ClientMethod {
        doc,
        deprecated: op.docs.deprecated,
        many_arguments: args.len() > 7,
        name: op.rust_name.clone(),
        builder: op.builder_name.clone(),
        args,
        arg_names,
    }
}

/// An operation's request builder: its struct, `new` with the required inputs, a setter per
/// optional input, the per-call options, `send` and (for a paginated operation) `into_stream`.
fn builder(api: &Api, op: &Operation, code: &mut Code) {
    let name = op.builder_name.as_str();
    let body_docs = op.body.as_ref().map(|b| b.docs.clone()).unwrap_or_default();
    let inputs = inputs(op, &body_docs);
    let args: Vec<Arg> = inputs.iter().map(|i| arg_for(api, &i.ty)).collect();
    let response = response(api, op);
    if let Some(status_enum) = &response.status_enum {
        status_enum.write(code);
        code.blank();
    }
    let method = op.rust_name.trim_start_matches("r#");
    code.linef(format_args!(
        "\
/// Request builder for [`Client::{method}`](super::Client::{method}).
#[derive(Debug)]
#[must_use = \"a request builder does nothing until `send()` is awaited\"]"
    ));
    code.item(format_args!("pub struct {name}"), |code| {
        code.line("client: runtime::Client,");
        for (input, arg) in inputs.iter().zip(&args) {
            let (field, ty) = (input.rust_name, &arg.stored_ty);
            if input.required {
                code.typed(format_args!("{field}:"), format_args!("{ty}"), ",");
            } else {
                code.typed(format_args!("{field}:"), format_args!("Option<{ty}>"), ",");
            }
        }
        code.line("options: runtime::CallOptions,");
    });
    code.blank();

    code.item(format_args!("impl {name}"), |code| {
        let mut new_args = vec!["client: runtime::Client".to_owned()];
        let mut new_inits = vec!["client".to_owned()];
        for (input, arg) in inputs.iter().zip(&args) {
            let field = input.rust_name;
            let init = if !input.required {
                format!("{field}: None")
            } else if arg.into {
                format!("{field}: {field}.into()")
            } else {
                field.to_owned()
            };
            if input.required {
                new_args.push(format!("{field}: {}", arg.param_ty));
            }
            new_inits.push(init);
        }
        new_inits.push("options: runtime::CallOptions::default()".to_owned());
        code.function(
            "pub(crate) fn new(",
            &new_args,
            Returns::Type("Self"),
            |code| code.struct_lit("Self", &new_inits, ""),
        );
        for (input, arg) in inputs.iter().zip(&args) {
            if input.required {
                continue;
            }
            let field = input.rust_name;
            code.blank();
            docs::write(code, input.docs, || format!("Sets `{}`.", input.wire_name));
            code.function(
                &format!("pub fn {field}("),
                &["mut self".to_owned(), format!("value: {}", arg.param_ty)],
                Returns::Type("Self"),
                |code| {
                    let value = if arg.into { "value.into()" } else { "value" };
                    code.linef(format_args!("self.{field} = Some({value});\nself"));
                },
            );
        }
        code.line(
            "
/// Overall time limit for this call, instead of the client's.
pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
    self.options.timeout = Some(timeout);
    self
}

/// Retry policy for this call, instead of the client's (`RetryPolicy::none()` to opt out).
pub fn retry_policy(mut self, policy: runtime::RetryPolicy) -> Self {
    self.options.retry = Some(policy);
    self
}
",
        );
        code.block(
            format_args!(
                "fn into_request(self) -> Result<(runtime::Client, runtime::Request), runtime::Error>"
            ),
            |code| build_request(api, op, code),
        );
        code.blank();
        code.line("/// Sends the request and decodes the answer.");
        let answer = format!("runtime::ApiResponse<{}>", response.ty);
        code.function(
            "pub async fn send(",
            &["self".to_owned()],
            Returns::Result(&answer, "runtime::Error"),
            |code| {
                code.line(
                    "\
let (client, request) = self.into_request()?;
let response = client.execute(request).await?;",
                );
                if response.status_enum.is_some() {
                    code.line("#[allow(unreachable_patterns)]");
                }
                code.block(format_args!("match response.status().as_u16()"), |code| {
                    for arm in &response.arms {
                        arm.write(code);
                    }
                    code.line("_ => Err(response.into_error().await),");
                });
            },
        );
        if let Some(p) = &op.pagination {
            let page = &api.types[p.page_type].name;
            let item = type_name(api, &p.item, false);
            let token = match &p.style {
                PageStyle::NextUrl => "None".to_owned(),
                PageStyle::Token { query_param } => format!("Some({})", string_lit(query_param)),
            };
            code.line(
                "
/// Every item of every page, fetched lazily page by page as the stream is read.
/// Filters and page size set on this builder are kept for every page.",
            );
            code.function(
                "pub fn into_stream(",
                &["self".to_owned()],
                Returns::Type(&format!("runtime::ItemStream<{item}>")),
                |code| {
                    code.call(
                        &format!("runtime::paginate_prepared::<types::{page}>("),
                        &["self.into_request()".to_owned(), token],
                        ")",
                    );
                },
            );
        }
    });
}

/// Writes the body of `into_request`: the path, the parameters and the body, the call options.
fn build_request(api: &Api, op: &Operation, code: &mut Code) {
    let mut parts = Vec::with_capacity(op.path_parts.len());
    for part in &op.path_parts {
        match part {
            PathPart::Literal(text) => parts.push(ArrayCall {
                head: "runtime::PathPart::Literal(",
                argument: string_lit(text),
            }),
            PathPart::Param(index) => {
                let param = &op.params[*index];
                let field = &param.rust_name;
                if param.allow_slashes && resolved(api, &param.ty) == &TypeRef::String {
                    parts.push(ArrayCall {
                        head: "runtime::PathPart::Segments(",
                        argument: format!("&self.{field}"),
                    });
                } else if resolved(api, &param.ty) == &TypeRef::String {
                    parts.push(ArrayCall {
                        head: "runtime::PathPart::Param(",
                        argument: format!("&self.{field}"),
                    });
                } else {
                    let text = format!("{}_text", field.trim_start_matches("r#"));
                    if is_scalar(api, &param.ty) {
                        code.linef(format_args!("let {text} = self.{field}.to_string();"));
                    } else {
                        code.linef(format_args!(
                            "let {text} = runtime::param_text(&self.{field})?;"
                        ));
                    }
                    parts.push(ArrayCall {
                        head: "runtime::PathPart::Param(",
                        argument: format!("&{text}"),
                    });
                }
            }
        }
    }
    code.call_with_array(
        "let mut request = runtime::Request::new(",
        &[
            "&self.client".to_owned(),
            format!("runtime::Method::{}", op.method),
        ],
        &parts,
        ")?;",
    );
    for param in op
        .params
        .iter()
        .filter(|p| p.location != ParamLocation::Path)
    {
        param_statement(api, param, code);
    }
    if let Some(body) = &op.body {
        body_statement(api, body, code);
    }
    if !op.authenticated {
        code.line("request.no_auth();");
    }
    if let Some(idempotent) = op.idempotent {
        code.linef(format_args!("request.idempotent({idempotent});"));
    }
    code.line(
        "\
*request.options() = self.options;
Ok((self.client, request))",
    );
}

/// Writes `statement(value)` for a required input (`value` is `self.field`) or inside
/// `if let Some(value) = self.field` for an optional one.
fn with_value(
    code: &mut Code,
    field: &str,
    required: bool,
    statement: impl FnOnce(&mut Code, &str),
) {
    if required {
        statement(code, &format!("self.{field}"));
    } else {
        code.block(format_args!("if let Some(value) = self.{field}"), |code| {
            statement(code, "value");
        });
    }
}

/// The statements that add one parameter to `request`.
fn param_statement(api: &Api, param: &Param, code: &mut Code) {
    let name = string_lit(&param.name);
    let location = param.location;
    // `request.query(name, text);` or the header/cookie equivalent.
    let add = move |code: &mut Code, text: String| match location {
        ParamLocation::Query => code.call("request.query(", &[name.clone(), text], ");"),
        ParamLocation::Header => code.call("request.header(", &[name.clone(), text], ")?;"),
        ParamLocation::Cookie => code.call("request.cookie(", &[name.clone(), text], ");"),
        ParamLocation::Path => {}
    };
    let ty = resolved(api, &param.ty);
    let style = if param.deep_object {
        "runtime::ObjectStyle::DeepObject"
    } else if param.explode && location == ParamLocation::Query {
        "runtime::ObjectStyle::Form"
    } else {
        "runtime::ObjectStyle::Json"
    };
    let raw_name = string_lit(&param.name);
    with_value(
        code,
        &param.rust_name,
        param.required,
        |code, value| match ty {
            TypeRef::String => add(code, value.to_owned()),
            TypeRef::Array(item) if is_scalar(api, item) => {
                if param.explode && location == ParamLocation::Query {
                    code.block(format_args!("for item in &{value}"), |code| {
                        add(code, "item.to_string()".to_owned());
                    });
                } else {
                    add(code, format!("runtime::comma_separated(&{value})"));
                }
            }
            _ if is_scalar(api, ty) => add(code, format!("{value}.to_string()")),
            // Objects and other structured values: `name[key]=value` (deepObject), `key=value`
            // (exploded form) or JSON text.
            _ => match location {
                ParamLocation::Query => code.call(
                    "runtime::query_structured(",
                    &[
                        "&mut request".to_owned(),
                        raw_name,
                        format!("&{value}"),
                        style.to_owned(),
                    ],
                    ")?;",
                ),
                _ => add(code, format!("runtime::param_text(&{value})?")),
            },
        },
    );
}

fn body_statement(api: &Api, body: &Body, code: &mut Code) {
    let media = string_lit(&body.media_type);
    if let BodyKind::Multipart(parts) = &body.kind {
        code.line("let mut form = runtime::Multipart::new();");
        for part in parts {
            let name = string_lit(&part.name);
            let ty = resolved(api, &part.ty);
            with_value(code, &part.rust_name, part.required, |code, value| {
                let set = |code: &mut Code, method: &str, text: String| {
                    code.call(
                        &format!("form = form.{method}("),
                        &[name.clone(), text],
                        ");",
                    );
                };
                match ty {
                    TypeRef::Binary => set(code, "file", value.to_owned()),
                    TypeRef::Array(item) if **item == TypeRef::Binary => {
                        code.block(format_args!("for file in {value}"), |code| {
                            set(code, "file", "file".to_owned());
                        });
                    }
                    TypeRef::String => set(code, "text", value.to_owned()),
                    _ if is_scalar(api, ty) => set(code, "text", format!("{value}.to_string()")),
                    _ => set(code, "text", format!("runtime::json_text(&{value})?")),
                }
            });
        }
        code.line("request.multipart(form);");
        return;
    }
    with_value(code, "body", body.required, |code, value| {
        match &body.kind {
            BodyKind::Json(_) => code.linef(format_args!("request.json(&{value})?;")),
            BodyKind::Form(_) => code.linef(format_args!("request.form(&{value})?;")),
            BodyKind::Binary => code.call("request.upload(", &[media, value.to_owned()], ");"),
            BodyKind::Text => code.call(
                "request.bytes(",
                &[media, format!("{value}.into_bytes()")],
                ");",
            ),
            BodyKind::Multipart(_) => {}
        }
    });
}

/// What `send` returns and how it decodes each status.
struct Decoding {
    /// The success type inside `ApiResponse`.
    ty: String,
    /// The match arms for the success statuses (the error arm is added by the caller).
    arms: Vec<Arm>,
    /// Several success shapes: `ty` is this enum, written before the builder.
    status_enum: Option<StatusEnum>,
}

/// A match arm of `send`: how one status decodes.
struct Arm {
    /// The status pattern, with its guard if any.
    pattern: String,
    decode: ArmBody,
}

/// What a status decodes to.
enum ArmBody {
    /// An expression of the result.
    Value(String),
    /// `Ok(response.stream().map(wrap))`: the body as a stream, in its variant of the status
    /// enum.
    Stream { wrap: String },
    /// `let answer = response.decode.await?;` and `Ok(answer.map(wrap))`: an answer wrapped in
    /// its variant of the status enum.
    Answer { decode: String, wrap: String },
    /// `let answer = response.empty().await?;` and `Ok(answer.map(|()| variant))`: an empty
    /// answer as its variant of the status enum.
    Empty { variant: String },
}

impl Arm {
    fn write(&self, code: &mut Code) {
        let pattern = &self.pattern;
        match &self.decode {
            ArmBody::Value(value) => code.linef(format_args!("{pattern} => {value},")),
            ArmBody::Stream { wrap } => code.chain(
                &format!("{pattern} => Ok("),
                "response",
                &[".stream()", &format!(".map({wrap})")],
                "),",
            ),
            ArmBody::Answer { decode, wrap } => {
                code.block(format_args!("{pattern} =>"), |code| {
                    code.chain("let answer = ", "response", &[decode, ".await?"], ";");
                    code.chain("Ok(", "answer", &[&format!(".map({wrap})")], ")");
                });
            }
            ArmBody::Empty { variant } => {
                code.block(format_args!("{pattern} =>"), |code| {
                    code.line("let answer = response.empty().await?;");
                    code.call_with_closure("Ok(", "answer", ".map(|()| ", variant, ")");
                });
            }
        }
    }
}

/// The enum of an operation's success answers, one variant per documented status.
struct StatusEnum {
    name: String,
    /// The `Client` method, for the doc link.
    method: String,
    /// Variant name, doc line, payload type (`None` for an empty body).
    variants: Vec<(String, String, Option<String>)>,
}

impl StatusEnum {
    fn write(&self, code: &mut Code) {
        let method = &self.method;
        code.linef(format_args!(
            "/// The answers of [`Client::{method}`](super::Client::{method}), by status."
        ));
        code.line("#[derive(Debug)]");
        code.item(format_args!("pub enum {}", self.name), |code| {
            for (variant, doc, payload) in &self.variants {
                code.linef(format_args!("/// {doc}"));
                match payload {
                    Some(ty) => code.linef(format_args!("{variant}({ty}),")),
                    None => code.linef(format_args!("{variant},")),
                }
            }
        });
    }
}

/// The success type, the decoding match arms, and (for several success shapes) the enum that
/// holds them.
fn response(api: &Api, op: &Operation) -> Decoding {
    let success = op.successes();
    match op.success_bodies().as_slice() {
        [] => Decoding {
            ty: "runtime::Bytes".into(),
            arms: vec![Arm {
                pattern: "200..=299".into(),
                decode: ArmBody::Value("response.bytes().await".into()),
            }],
            status_enum: None,
        },
        // Any 2xx decodes as the documented success, so an undocumented 201/204 is not an error.
        [only] => {
            let (ty, decode) = decode_body(api, only);
            Decoding {
                ty,
                arms: vec![Arm {
                    pattern: "200..=299".into(),
                    decode: ArmBody::Value(decode.into()),
                }],
                status_enum: None,
            }
        }
        _ => {
            // The resolver named it whenever the bodies differ (`needs_response_enum`).
            let enum_name = op
                .response_enum
                .clone()
                .unwrap_or_else(|| format!("{}Response", op.builder_name));
            let mut variants: Vec<(String, String, Option<String>)> = Vec::new();
            let mut arms = Vec::new();
            let mut used = crate::names::Scope::default();
            for r in &success {
                let (ty, _) = decode_body(api, &r.body);
                // The same status in several media types (JSON or bytes): named by the kind and
                // told apart by the answer's media type, JSON first.
                let shared = success.iter().filter(|o| o.status == r.status).count() > 1;
                let variant = if shared {
                    let kind = match r.body {
                        ResponseBody::Json(_) => "Json",
                        ResponseBody::Text => "Text",
                        ResponseBody::Binary => "Bytes",
                        ResponseBody::Empty => "Empty",
                    };
                    match r.status {
                        StatusMatch::Code(200) => used.claim(kind.to_owned()),
                        _ => used.claim(format!("{}{kind}", status_variant(&r.status))),
                    }
                } else {
                    used.claim(status_variant(&r.status))
                };
                let media = match (&r.media_type, shared) {
                    (Some(media), true) => format!(" (`{media}`)"),
                    _ => String::new(),
                };
                let doc = format!(
                    "`{}`{media}{}",
                    status_text(&r.status),
                    r.description
                        .as_deref()
                        .map(|d| format!(
                            ": {}",
                            docs::rustdoc_safe(d.lines().next().unwrap_or("").trim())
                        ))
                        .unwrap_or_default()
                );
                let mut pattern = match r.status {
                    StatusMatch::Code(code) => code.to_string(),
                    StatusMatch::Range(_) | StatusMatch::Default => "200..=299".to_owned(),
                };
                if shared && matches!(r.body, ResponseBody::Json(_)) {
                    pattern.push_str(
                        " if response.content_type().is_some_and(|t| t.contains(\"json\"))",
                    );
                }
                let path = format!("{enum_name}::{variant}");
                let answer = |decode: &str, wrap: String| ArmBody::Answer {
                    decode: decode.to_owned(),
                    wrap,
                };
                let decode = match &r.body {
                    ResponseBody::Empty => ArmBody::Empty {
                        variant: path.clone(),
                    },
                    ResponseBody::Binary => ArmBody::Stream { wrap: path.clone() },
                    ResponseBody::Json(_) => answer(&format!(".json::<{ty}>()"), path.clone()),
                    ResponseBody::Text => answer(".text()", path.clone()),
                };
                let arm = Arm { pattern, decode };
                arms.push(arm);
                let payload = (r.body != ResponseBody::Empty).then_some(ty);
                variants.push((variant, doc, payload));
            }
            Decoding {
                ty: enum_name.clone(),
                arms,
                status_enum: Some(StatusEnum {
                    name: enum_name,
                    method: op.rust_name.trim_start_matches("r#").to_owned(),
                    variants,
                }),
            }
        }
    }
}

/// The success type of one response body and the expression that decodes it.
fn decode_body(api: &Api, body: &ResponseBody) -> (String, &'static str) {
    match body {
        ResponseBody::Empty => ("()".into(), "response.empty().await"),
        ResponseBody::Json(ty) => (type_name(api, ty, false), "response.json().await"),
        ResponseBody::Text => ("String".into(), "response.text().await"),
        ResponseBody::Binary => ("runtime::ByteStream".into(), "Ok(response.stream())"),
    }
}

fn status_variant(status: &StatusMatch) -> String {
    match status {
        StatusMatch::Code(200) => "Ok".into(),
        StatusMatch::Code(201) => "Created".into(),
        StatusMatch::Code(202) => "Accepted".into(),
        StatusMatch::Code(203) => "NonAuthoritative".into(),
        StatusMatch::Code(204) => "NoContent".into(),
        StatusMatch::Code(205) => "ResetContent".into(),
        StatusMatch::Code(206) => "PartialContent".into(),
        StatusMatch::Code(207) => "MultiStatus".into(),
        StatusMatch::Code(code) => format!("Status{code}"),
        StatusMatch::Range(_) => "Success".into(),
        StatusMatch::Default => "Default".into(),
    }
}

fn status_text(status: &StatusMatch) -> String {
    match status {
        StatusMatch::Code(code) => code.to_string(),
        StatusMatch::Range(range) => format!("{range}XX"),
        StatusMatch::Default => "default".into(),
    }
}

/// `impl runtime::Page` for every page type an operation paginates over.
fn page_impls(api: &Api, code: &mut Code) {
    let mut seen = std::collections::BTreeSet::new();
    for op in &api.operations {
        let Some(p) = &op.pagination else { continue };
        if !seen.insert(p.page_type) {
            continue;
        }
        let TypeKind::Struct(_) = &api.types[p.page_type].kind else {
            continue;
        };
        let page = &api.types[p.page_type].name;
        let item = type_name(api, &p.item, false);
        let (items, next) = (&p.items_field, &p.next_field);
        let constructor = match &p.style {
            PageStyle::NextUrl => "runtime::NextPage::from_url(",
            PageStyle::Token { .. } => "runtime::NextPage::from_token(",
        };
        let next_expr = match p.next_option_depth {
            0 => format!("Some(&self.{next})"),
            1 => format!("self.{next}.as_ref()"),
            _ => format!("self.{next}.as_ref().and_then(Option::as_ref)"),
        };
        let items_expr = match p.items_option_depth {
            0 => format!("self.{items}"),
            1 => format!("self.{items}.unwrap_or_default()"),
            _ => format!("self.{items}.flatten().unwrap_or_default()"),
        };
        code.blank();
        code.set_cfg(&type_features(api, p.page_type));
        code.item(
            format_args!("impl runtime::Page for types::{page}"),
            |code| {
                code.linef(format_args!("type Item = {item};\n"));
                code.block(
                    format_args!("fn next_page(&self) -> Option<runtime::NextPage>"),
                    |code| code.call(constructor, &[next_expr], ")"),
                );
                code.blank();
                code.block(
                    format_args!("fn into_items(self) -> Vec<Self::Item>"),
                    |code| {
                        code.line(&items_expr);
                    },
                );
            },
        );
        code.set_cfg(&[]);
    }
}

#[cfg(test)]
mod tests {
    use super::default_env_prefix;

    #[test]
    fn env_prefixes_are_short() {
        assert_eq!(default_env_prefix("Rescale API"), "RESCALE");
        assert_eq!(default_env_prefix("Oxide Region API"), "OXIDE_REGION");
        assert_eq!(default_env_prefix("Swagger Petstore"), "SWAGGER_PETSTORE");
        assert_eq!(
            default_env_prefix("GitHub's official OpenAPI spec + Octokit extension"),
            "GITHUB"
        );
        assert_eq!(default_env_prefix("OpenAI API"), "OPENAI");
        assert_eq!(default_env_prefix("The Stripe REST API"), "STRIPE");
        assert_eq!(default_env_prefix("API"), "API");
        assert_eq!(default_env_prefix("3D Secure API"), "_3D_SECURE");
        assert_eq!(default_env_prefix("OpenAPI 3.1 features"), "FEATURES");
        assert_eq!(default_env_prefix("Plaid API v2"), "PLAID");
    }
}
