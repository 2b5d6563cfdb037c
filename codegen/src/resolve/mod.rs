//! Resolve a loaded spec into the [`ir`](crate::ir): follow `$ref`s, decide every name, check what
//! the generator relies on, and collect every problem with its JSON pointer.

mod dedup;
pub mod features;
mod graph;
mod keywords;
mod operation;
mod schema;

use crate::diag::{Diagnostic, join};
use crate::ir::{Api, Docs, SecurityScheme, Server, TypeDef, TypeRef};
use crate::names::{self, Scope};
use crate::value::{Object, Value};
use rustc_hash::FxHashMap;

/// How deep schemas may nest (through properties, items, compositions and `$ref`s) before the spec
/// is refused; keeps hostile or broken specs from exhausting the stack.
pub const MAX_DEPTH: usize = 64;

/// Builds the IR of `root`, or returns every problem found.
pub fn resolve(root: &Value) -> Result<Api, Vec<Diagnostic>> {
    resolve_with(root, false).map(|resolved| resolved.api)
}

/// The IR of a spec and what the generator had to leave out or approximate to build it.
#[derive(Debug)]
pub struct Resolved {
    /// The API.
    pub api: Api,
    /// Constructs read as `serde_json::Value`, and (when lenient) the problems stepped over,
    /// each with a note saying what was left out.
    pub warnings: Vec<Diagnostic>,
}

/// Builds the IR of `root`. Strict (`lenient == false`): any problem fails. Lenient: what is
/// broken is left out (an operation, a path, a server, a security scheme) or read as
/// `serde_json::Value` (the broken part of a schema), and the problems come back as warnings;
/// only a spec that is no OpenAPI 3 document at all still fails.
pub fn resolve_with(root: &Value, lenient: bool) -> Result<Resolved, Vec<Diagnostic>> {
    let mut resolver = Resolver::new(root);
    let api = resolver.api();
    if resolver.diagnostics.is_empty() {
        return Ok(Resolved {
            api,
            warnings: resolver.warnings,
        });
    }
    if !lenient || resolver.fatal {
        // Nothing was left out: the notes of what would have been do not apply.
        let mut errors = resolver.diagnostics;
        for error in &mut errors {
            error.note = None;
        }
        return Err(errors);
    }
    let mut warnings = resolver.diagnostics;
    warnings.append(&mut resolver.warnings);
    Ok(Resolved { api, warnings })
}

/// State of one resolution.
pub(crate) struct Resolver<'a> {
    pub(crate) root: &'a Value,
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// Approximations (constructs read as `serde_json::Value`): never fatal.
    pub(crate) warnings: Vec<Diagnostic>,
    /// A problem nothing can be generated without (not an OpenAPI 3 document).
    pub(crate) fatal: bool,
    pub(crate) types: Vec<TypeDef>,
    /// Schemas that became named types, by pointer.
    pub(crate) named: FxHashMap<String, usize>,
    /// Named types whose schema allows `null` (so every use is nullable).
    pub(crate) nullable_types: Vec<bool>,
    pub(crate) type_names: Scope,
    pub(crate) depth: usize,
}

impl<'a> Resolver<'a> {
    fn new(root: &'a Value) -> Self {
        Resolver {
            root,
            diagnostics: Vec::new(),
            warnings: Vec::new(),
            fatal: false,
            types: Vec::new(),
            named: FxHashMap::default(),
            nullable_types: Vec::new(),
            type_names: Scope::default(),
            depth: 0,
        }
    }

    pub(crate) fn error(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Reports a construct the generator approximates (never fatal).
    pub(crate) fn warn(&mut self, diagnostic: Diagnostic) {
        self.warnings.push(diagnostic);
    }

    /// Adds `note` (what was left out) to the problems reported since `mark` that have none yet.
    pub(crate) fn note_since(&mut self, mark: usize, note: impl FnOnce() -> String) {
        if self.diagnostics.len() > mark {
            let note = note();
            for diagnostic in &mut self.diagnostics[mark..] {
                diagnostic.note.get_or_insert_with(|| note.clone());
            }
        }
    }

    fn api(&mut self) -> Api {
        let Some(root) = self.root.as_object() else {
            self.error(
                Diagnostic::new(
                    "",
                    format!(
                        "a spec must be a mapping at the top level, found {}",
                        self.root.kind()
                    ),
                )
                .help("start the file with `openapi: 3.0.3`, `info:` and `paths:`"),
            );
            self.fatal = true;
            return Api::default();
        };
        if !self.check_version(root) {
            self.fatal = true;
            return Api::default();
        }
        let info = root.get("info");
        let title = info
            .and_then(|i| i.get("title"))
            .and_then(Value::as_str)
            .unwrap_or("API")
            .to_owned();
        let version = info
            .and_then(|i| i.get("version"))
            .map(scalar_text)
            .unwrap_or_default();
        let description = info
            .and_then(|i| i.get("description"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let servers = self.servers(root.get("servers"));
        let security = self.security(root);
        self.register_components();
        self.lower_components();
        let operations = self.operations();
        let mut api = Api {
            title,
            version,
            description,
            servers,
            security,
            types: std::mem::take(&mut self.types),
            operations,
            features: None,
        };
        dedup::merge_same_shapes(&mut api);
        for index in graph::mark_boxes(&mut api.types) {
            let pointer = api.types[index].pointer.clone();
            let name = api.types[index].name.clone();
            self.error(
                Diagnostic::new(
                    pointer,
                    "these schemas are only references to each other in a cycle",
                )
                .help("give one of them a type or properties so the cycle holds data")
                .note(format!("`{name}` is read as `serde_json::Value`")),
            );
            // What a lenient generation makes of it; a strict one stops here.
            api.types[index].kind = crate::ir::TypeKind::Alias(TypeRef::Any);
        }
        graph::break_alias_cycles(&mut api.types);
        api
    }

    fn check_version(&mut self, root: &'a Object) -> bool {
        if root.contains_key("swagger") {
            self.error(
                Diagnostic::new("/swagger", "Swagger 2.0 specs are not supported")
                    .help("convert the spec to OpenAPI 3 first (for example with the `swagger2openapi` tool)"),
            );
            return false;
        }
        match root.get("openapi") {
            Some(Value::String(v))
                if v.starts_with("3.0.")
                    || v.starts_with("3.1.")
                    || &**v == "3.0"
                    || &**v == "3.1" =>
            {
                true
            }
            Some(other) => {
                self.error(
                    Diagnostic::new("/openapi", format!("unsupported OpenAPI version `{}`", scalar_text(other)))
                        .help("this generator reads OpenAPI 3.0.x and 3.1.x; write the version as a string, e.g. `openapi: \"3.0.3\"`"),
                );
                false
            }
            None => {
                self.error(
                    Diagnostic::new("", "missing `openapi` version field")
                        .help("add `openapi: 3.0.3` (or 3.1.0) at the top of the spec"),
                );
                false
            }
        }
    }

    fn servers(&mut self, servers: Option<&Value>) -> Vec<Server> {
        let Some(servers) = servers else {
            return Vec::new();
        };
        let Some(list) = servers.as_array() else {
            self.error(
                Diagnostic::new("/servers", "`servers` must be a list")
                    .help("write `servers:` as a list of `- url: ...` entries")
                    .note("the servers are left out"),
            );
            return Vec::new();
        };
        let mut scope = Scope::default();
        let mut out = Vec::new();
        for (index, server) in list.iter().enumerate() {
            let pointer = format!("/servers/{index}");
            let Some(raw_url) = server.get("url").and_then(Value::as_str) else {
                self.error(
                    Diagnostic::new(pointer, "a server needs a `url` string")
                        .help("add `url: https://...`")
                        .note("the server is left out"),
                );
                continue;
            };
            let mut url = raw_url.to_owned();
            if let Some(variables) = server.get("variables").and_then(Value::as_object) {
                for (name, variable) in variables {
                    let default = variable.get("default").map(scalar_text).unwrap_or_default();
                    url = url.replace(&format!("{{{name}}}"), &default);
                }
            }
            let description = server
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let raw_name = server
                .get("x-name")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .or_else(|| (!description.is_empty()).then(|| description.clone()))
                .unwrap_or_else(|| host_of(&url));
            let name = scope.claim(
                names::field_name(&raw_name)
                    .trim_start_matches("r#")
                    .replace('_', "-"),
            );
            out.push(Server {
                name,
                url,
                description,
            });
        }
        out
    }

    fn security(&mut self, root: &'a Object) -> Vec<SecurityScheme> {
        let schemes = root
            .get("components")
            .and_then(|c| c.get("securitySchemes"))
            .and_then(Value::as_object);
        let Some(schemes) = schemes else {
            return Vec::new();
        };
        // The global requirement decides which schemes apply; without one, every declared scheme may.
        let wanted: Vec<String> = match root.get("security").and_then(Value::as_array) {
            Some(requirements) => requirements
                .iter()
                .filter_map(Value::as_object)
                .flat_map(|requirement| requirement.keys().cloned())
                .collect(),
            None => Vec::new(),
        };
        let mut out = Vec::new();
        for name in wanted {
            let pointer = join("/components/securitySchemes", &name);
            let Some(scheme) = schemes.get(&name) else {
                self.error(
                    Diagnostic::new("/security", format!("security requirement names `{name}`, which is not in `components.securitySchemes`"))
                        .help("declare the scheme under `components.securitySchemes` or fix the name")
                        .note("the requirement is left out"),
                );
                continue;
            };
            let scheme = self
                .deref_object(&pointer, scheme)
                .map(|(_, v)| v)
                .unwrap_or(scheme);
            let before = self.diagnostics.len();
            if let Some(lowered) = self.security_scheme(&pointer, scheme)
                && !out.contains(&lowered)
            {
                out.push(lowered);
            }
            self.note_since(before, || {
                format!("the security scheme `{name}` is left out")
            });
        }
        out
    }

    fn security_scheme(&mut self, pointer: &str, scheme: &Value) -> Option<SecurityScheme> {
        let kind = scheme
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        match kind {
            "http" => {
                let raw = scheme
                    .get("scheme")
                    .and_then(Value::as_str)
                    .unwrap_or("bearer");
                let mut word = raw.to_ascii_lowercase();
                if let Some(first) = word.get_mut(0..1) {
                    first.make_ascii_uppercase();
                }
                Some(SecurityScheme::Http { scheme: word })
            }
            "apiKey" => {
                let name = scheme
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                match scheme.get("in").and_then(Value::as_str) {
                    Some("header") => Some(SecurityScheme::ApiKeyHeader { name }),
                    Some("query") => Some(SecurityScheme::ApiKeyQuery { name }),
                    Some("cookie") => Some(SecurityScheme::ApiKeyCookie { name }),
                    _ => {
                        self.error(
                            Diagnostic::new(
                                join(pointer, "in"),
                                "an apiKey scheme needs `in: header`, `in: query` or `in: cookie`",
                            )
                            .help("say where the key is sent"),
                        );
                        None
                    }
                }
            }
            // Tokens obtained through OAuth or OpenID Connect are sent as bearer tokens.
            "oauth2" | "openIdConnect" => Some(SecurityScheme::Http {
                scheme: "Bearer".into(),
            }),
            // Mutual TLS is configured on the HTTP client, not per request.
            "mutualTLS" => None,
            other => {
                self.error(
                    Diagnostic::new(
                        join(pointer, "type"),
                        format!("unknown security scheme type `{other}`"),
                    )
                    .help("use one of `http`, `apiKey`, `oauth2`, `openIdConnect`, `mutualTLS`"),
                );
                None
            }
        }
    }

    /// Claims names for every component schema before any is lowered, so `$ref`s (also recursive
    /// ones) resolve to the same type however they are reached.
    fn register_components(&mut self) {
        let Some(schemas) = self.root.get("components").and_then(|c| c.get("schemas")) else {
            return;
        };
        let Some(schemas) = schemas.as_object() else {
            self.error(
                Diagnostic::new(
                    "/components/schemas",
                    "`components.schemas` must be a mapping of names to schemas",
                )
                .help("write each schema as `Name: {type: object, ...}` under `components.schemas`")
                .note("no component schema is generated"),
            );
            return;
        };
        for (name, schema) in schemas {
            let pointer = join("/components/schemas", name);
            self.new_type(pointer, names::type_name(name), schema);
        }
    }

    fn lower_components(&mut self) {
        let Some(schemas) = self
            .root
            .get("components")
            .and_then(|c| c.get("schemas"))
            .and_then(Value::as_object)
        else {
            return;
        };
        for (name, schema) in schemas {
            let pointer = join("/components/schemas", name);
            let index = self.named[&pointer];
            let type_name = self.types[index].name.clone();
            let before = self.diagnostics.len();
            self.fill_type(index, &pointer, schema, &type_name);
            self.note_since(before, || {
                format!(
                    "`{type_name}` is generated with its broken part read as `serde_json::Value`"
                )
            });
        }
    }

    /// Adds a placeholder named type for the schema at `pointer`.
    pub(crate) fn new_type(
        &mut self,
        pointer: String,
        wanted_name: String,
        schema: &Value,
    ) -> usize {
        let name = self.type_names.claim(wanted_name);
        let index = self.types.len();
        self.types.push(TypeDef {
            name,
            pointer: pointer.clone(),
            docs: docs_of(schema),
            kind: crate::ir::TypeKind::Alias(TypeRef::Any),
            merged: Vec::new(),
        });
        self.nullable_types.push(false);
        self.named.insert(pointer, index);
        index
    }

    /// Follows `$ref`s from `value` (at `pointer`) to the node they name. Reports dangling,
    /// external and circular references.
    pub(crate) fn deref_object(
        &mut self,
        pointer: &str,
        value: &'a Value,
    ) -> Option<(String, &'a Value)> {
        let mut current = (pointer.to_owned(), value);
        for _ in 0..32 {
            let Some(reference) = current.1.get("$ref") else {
                return Some(current);
            };
            let ref_pointer = join(&current.0, "$ref");
            let Some(reference) = reference.as_str() else {
                self.error(
                    Diagnostic::new(ref_pointer, "`$ref` must be a string")
                        .help("write `$ref: '#/components/schemas/Name'`"),
                );
                return None;
            };
            let target = self.lookup_ref(&ref_pointer, reference)?;
            current = target;
        }
        self.error(
            Diagnostic::new(
                join(pointer, "$ref"),
                "`$ref` chain is circular or longer than 32 steps",
            )
            .help("point the `$ref` straight at the definition, not through a loop or a long chain of other `$ref`s"),
        );
        None
    }

    /// Resolves one `$ref` string to its pointer and node.
    pub(crate) fn lookup_ref(
        &mut self,
        ref_pointer: &str,
        reference: &str,
    ) -> Option<(String, &'a Value)> {
        let Some(fragment) = reference.strip_prefix('#') else {
            self.error(
                Diagnostic::new(ref_pointer, format!("external reference `{reference}` is not supported"))
                    .help("bundle the spec into one file first (for example `redocly bundle`), so every `$ref` starts with `#/`"),
            );
            return None;
        };
        let target_pointer = crate::pointer::percent_decode(fragment).into_owned();
        match pointer_get(self.root, &target_pointer) {
            Some(target) => Some((target_pointer, target)),
            None => {
                let mut diagnostic = Diagnostic::new(
                    ref_pointer,
                    format!("`$ref` target `{reference}` does not exist"),
                );
                if let Some(suggestion) = self.suggest_ref(&target_pointer) {
                    diagnostic = diagnostic.help(format!("did you mean `#{suggestion}`?"));
                } else {
                    diagnostic =
                        diagnostic.help("check the spelling, or add the missing definition");
                }
                self.error(diagnostic);
                None
            }
        }
    }

    /// The sibling of the last segment of `pointer` with the closest name.
    fn suggest_ref(&self, pointer: &str) -> Option<String> {
        let (parent, last) = pointer.rsplit_once('/')?;
        let siblings = pointer_get(self.root, parent)?.as_object()?;
        let last = crate::pointer::unescape_segment(last);
        siblings
            .keys()
            .map(|key| {
                (
                    edit_distance(&last.to_lowercase(), &key.to_lowercase()),
                    key,
                )
            })
            .filter(|(distance, key)| *distance <= 2.max(key.len() / 3))
            .min_by_key(|(distance, _)| *distance)
            .map(|(_, key)| join(parent, key))
    }
}

/// Documentation of a schema-like node.
pub(crate) fn docs_of(value: &Value) -> Docs {
    match value.as_object() {
        Some(map) => docs_of_map(map),
        None => Docs::default(),
    }
}

/// Documentation of a mapping (a schema, parameter, operation...).
pub(crate) fn docs_of_map(value: &Object) -> Docs {
    let text = |key: &str| {
        value
            .get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let example = value
        .get("example")
        .or_else(|| {
            value
                .get("examples")
                .and_then(Value::as_array)
                .and_then(|list| list.first())
        })
        .map(|example| example.to_pretty_json());
    Docs {
        summary: text("title").or_else(|| text("summary")),
        description: text("description"),
        example,
        deprecated: value
            .get("deprecated")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    }
}

/// The text of a scalar (`1` -> "1"); empty for containers.
pub(crate) fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.to_string(),
        Value::Int(i) => i.to_string(),
        Value::UInt(u) => u.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
        Value::Array(_) | Value::Object(_) => String::new(),
    }
}

fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split(['/', ':']).next().unwrap_or(rest).to_owned()
}

/// The node at a JSON pointer.
pub(crate) fn pointer_get<'v>(root: &'v Value, pointer: &str) -> Option<&'v Value> {
    crate::pointer::get(root, pointer)
}

/// Levenshtein distance, for "did you mean" hints.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            current[j + 1] = (previous[j] + cost)
                .min(previous[j + 1] + 1)
                .min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}
