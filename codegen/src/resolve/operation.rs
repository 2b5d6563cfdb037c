//! Paths and operations to [`Operation`]s.

use super::keywords::Keywords;
use super::{Resolver, docs_of};
use crate::diag::{Diagnostic, join};
use crate::ir::{
    Body, BodyKind, MultipartField, Operation, PageStyle, Pagination, Param, ParamLocation,
    PathPart, Response, ResponseBody, StatusMatch, TypeKind, TypeRef,
};
use crate::names::{self, Scope};
use crate::value::{Object, Value};
use rustc_hash::FxHashMap;

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Names the generated `Client` already has (its constructors, accessor and trait methods, and
/// `with_key`, which the `rescale` crate adds) that operations must not take.
const CLIENT_METHODS: &[&str] = &[
    "builder", "from_env", "runtime", "inner", "from", "clone", "fmt", "new", "with_key",
    "execute", "base_url", "api",
];

/// Names every request builder already uses for its own methods and fields.
const BUILDER_METHODS: &[&str] = &[
    "send",
    "into_stream",
    "into_request",
    "timeout",
    "retry_policy",
    "options",
    "client",
    "body",
    "new",
    "clone",
    "fmt",
];

/// Headers the OpenAPI specification says to ignore as parameters: the client sets them itself.
const IGNORED_HEADERS: &[&str] = &["accept", "content-type", "authorization"];

/// Names of page fields that carry the next page's token, and of the query parameters it goes back in.
const TOKEN_FIELDS: &[&str] = &[
    "next_page",
    "next_page_token",
    "nextPageToken",
    "next_cursor",
    "nextCursor",
    "next_token",
    "nextToken",
];
const TOKEN_PARAMS: &[&str] = &[
    "page_token",
    "pageToken",
    "cursor",
    "next_page_token",
    "nextPageToken",
    "page_cursor",
    "next_token",
    "token",
];
const ITEM_FIELDS: &[&str] = &["results", "items", "data", "entries", "values", "records"];

/// Names taken so far by the operations of a spec.
pub(crate) struct OperationNames {
    /// `Client` method names.
    methods: Scope,
    /// Builder type names.
    builders: Scope,
    /// operationIds, with the pointer of the operation that has each.
    ids: FxHashMap<String, String>,
}

impl<'a> Resolver<'a> {
    pub(crate) fn operations(&mut self) -> Vec<Operation> {
        let Some(paths) = self.root.get("paths") else {
            return Vec::new();
        };
        let Some(paths) = paths.as_object() else {
            self.error(
                Diagnostic::new(
                    "/paths",
                    "`paths` must be a mapping of path templates to path items",
                )
                .help("write `paths:` as `/things/{id}: {get: {...}}` entries")
                .note("no operation is generated"),
            );
            return Vec::new();
        };
        let mut taken = OperationNames {
            methods: Scope::with_reserved(CLIENT_METHODS),
            builders: Scope::default(),
            ids: FxHashMap::default(),
        };
        let mut operations = Vec::new();
        for (path, item) in paths {
            let before = self.diagnostics.len();
            self.path_item(path, item, &mut taken, &mut operations);
            // Whatever went wrong outside one operation drops the whole path.
            self.note_since(before, || format!("the path `{path}` is left out"));
        }
        // The enums of several success answers live beside the builders: named once every
        // builder has its name, so a builder keeps the name its operationId gives it.
        for op in &mut operations {
            if op.needs_response_enum() {
                op.response_enum =
                    Some(taken.builders.claim(format!("{}Response", op.builder_name)));
            }
        }
        operations
    }

    /// The operations of one path item, appended to `operations`; a broken one is left out.
    fn path_item(
        &mut self,
        path: &str,
        item: &'a Value,
        taken: &mut OperationNames,
        operations: &mut Vec<Operation>,
    ) {
        let item_pointer = join("/paths", path);
        if !path.starts_with('/') {
            self.error(
                Diagnostic::new(&item_pointer, format!("path `{path}` must start with `/`"))
                    .help(format!("write it as `/{path}`"))
                    .at_key(),
            );
            return;
        }
        let Some((item_pointer, item)) = self.deref_object(&item_pointer, item) else {
            return;
        };
        let Some(item_map) = item.as_object() else {
            self.error(
                Diagnostic::new(
                    &item_pointer,
                    "a path item must be a mapping of methods to operations",
                )
                .help("write the path item as `get: {responses: ...}`, one entry per method"),
            );
            return;
        };
        for (method, operation) in item_map {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let before = self.diagnostics.len();
            let pointer = join(&item_pointer, method);
            if let Some(op) = self.method(path, method, &pointer, item_map, operation, taken) {
                operations.push(op);
            }
            self.note_since(before, || {
                format!(
                    "the operation `{} {path}` is left out",
                    method.to_ascii_uppercase()
                )
            });
        }
    }

    /// One operation of a path item, with its names claimed; `None` when it is broken.
    fn method(
        &mut self,
        path: &str,
        method: &str,
        pointer: &str,
        item_map: &'a Object,
        operation: &'a Value,
        taken: &mut OperationNames,
    ) -> Option<Operation> {
        let Some(op_map) = operation.as_object() else {
            self.error(
                Diagnostic::new(pointer, "an operation must be a mapping")
                    .help("write the operation as `{operationId: ..., responses: ...}`"),
            );
            return None;
        };
        let id = match op_map.get("operationId") {
            Some(Value::String(id)) if !id.trim().is_empty() => id.to_string(),
            Some(Value::String(_)) | None => derived_operation_id(method, path),
            Some(other) => {
                self.error(
                    Diagnostic::new(
                        join(pointer, "operationId"),
                        format!("`operationId` must be a string, found {}", other.kind()),
                    )
                    .help("write one name, e.g. `operationId: listPets`"),
                );
                return None;
            }
        };
        if let Some(first) = taken.ids.get(&id) {
            self.error(
                Diagnostic::new(
                    join(pointer, "operationId"),
                    format!("duplicate operationId `{id}`"),
                )
                .help(format!(
                    "operationIds must be unique; `{id}` is already used at #{first}"
                )),
            );
            return None;
        }
        taken.ids.insert(id.clone(), pointer.to_owned());
        let rust_name = taken.methods.claim(names::field_name(&id));
        let builder_name = taken.builders.claim(names::type_name(&id));
        self.operation(
            path,
            method,
            pointer,
            item_map,
            op_map,
            id,
            rust_name,
            builder_name,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn operation(
        &mut self,
        path: &str,
        method: &str,
        pointer: &str,
        item: &'a Object,
        op: &'a Object,
        operation_id: String,
        rust_name: String,
        builder_name: String,
    ) -> Option<Operation> {
        let mut scope = Scope::with_reserved(BUILDER_METHODS);
        let errors_before = self.diagnostics.len();
        // Operation-level parameters override path-level ones with the same name and location.
        let mut raw: Vec<(String, &'a Value)> = Vec::new();
        let item_pointer = pointer
            .rsplit_once('/')
            .map_or("", |(parent, _)| parent)
            .to_owned();
        for (base, list) in [
            (item_pointer, item.get("parameters")),
            (pointer.to_owned(), op.get("parameters")),
        ] {
            let Some(list) = list else { continue };
            let Some(list) = list.as_array() else {
                self.error(
                    Diagnostic::new(join(&base, "parameters"), "`parameters` must be a list")
                        .help("write each parameter as `- {name: ..., in: query, schema: ...}`"),
                );
                continue;
            };
            for (i, param) in list.iter().enumerate() {
                let param_pointer = format!("{base}/parameters/{i}");
                let Some((param_pointer, param)) = self.deref_object(&param_pointer, param) else {
                    continue;
                };
                let key = |p: &Value| {
                    (
                        p.get("name").and_then(Value::as_str).map(str::to_owned),
                        p.get("in").and_then(Value::as_str).map(str::to_owned),
                    )
                };
                let this = key(param);
                raw.retain(|(_, existing)| key(existing) != this);
                raw.push((param_pointer, param));
            }
        }
        let mut params = Vec::new();
        for (param_pointer, param) in raw {
            if let Some(param) = self.param(&param_pointer, param, &builder_name, &mut scope) {
                params.push(param);
            }
        }
        let path_parts = self.path_parts(path, pointer, &mut params);
        let body = match op.get("requestBody") {
            Some(body) => self.body(
                &join(pointer, "requestBody"),
                body,
                &builder_name,
                &mut scope,
            ),
            None => None,
        };
        let responses = self.responses(pointer, op.get("responses"), &builder_name, method);
        let authenticated = !op
            .get("security")
            .and_then(Value::as_array)
            .is_some_and(|list| list.is_empty());
        let idempotent = op.get("x-idempotent").and_then(Value::as_bool);
        if self.diagnostics.len() > errors_before {
            return None;
        }
        let pagination = self.pagination(&responses, &params);
        Some(Operation {
            rust_name,
            builder_name,
            operation_id,
            method: method.to_ascii_uppercase(),
            path: path.to_owned(),
            path_parts,
            docs: super::docs_of_map(op),
            params,
            body,
            responses,
            pagination,
            authenticated,
            idempotent,
            pointer: pointer.to_owned(),
            tag: op
                .get("tags")
                .and_then(Value::as_array)
                .and_then(<[Value]>::first)
                .and_then(Value::as_str)
                .map(str::to_owned),
            response_enum: None,
        })
    }

    fn param(
        &mut self,
        pointer: &str,
        param: &'a Value,
        builder: &str,
        scope: &mut Scope,
    ) -> Option<Param> {
        let Some(name) = param.get("name").and_then(Value::as_str) else {
            self.error(
                Diagnostic::new(pointer, "a parameter needs a `name`").help("add `name: ...`"),
            );
            return None;
        };
        let location = match param.get("in").and_then(Value::as_str) {
            Some("path") => ParamLocation::Path,
            Some("query") => ParamLocation::Query,
            Some("header") => ParamLocation::Header,
            Some("cookie") => ParamLocation::Cookie,
            other => {
                let help = if matches!(other, Some("body" | "formData")) {
                    "`in: body` and `in: formData` are Swagger 2.0: describe the body under the operation's `requestBody` instead"
                } else {
                    "use `in: path`, `in: query`, `in: header` or `in: cookie`"
                };
                self.error(
                    Diagnostic::new(
                        join(pointer, "in"),
                        format!(
                            "parameter `{name}` has unknown location `{}`",
                            other.unwrap_or("(missing)")
                        ),
                    )
                    .help(help),
                );
                return None;
            }
        };
        if location == ParamLocation::Header
            && IGNORED_HEADERS.contains(&name.to_ascii_lowercase().as_str())
        {
            return None;
        }
        let hint = format!("{builder}{}", names::type_name(name));
        let ty = match (
            param.get("schema"),
            param.get("content").and_then(Value::as_object),
        ) {
            (Some(schema), _) => self.schema_ref(&join(pointer, "schema"), schema, &hint),
            (None, Some(content)) => match content.iter().next() {
                Some((media, media_object)) => match media_object.get("schema") {
                    Some(schema) => self.schema_ref(
                        &join(&join(&join(pointer, "content"), media), "schema"),
                        schema,
                        &hint,
                    ),
                    None => TypeRef::String,
                },
                None => TypeRef::String,
            },
            (None, None) => TypeRef::String,
        };
        let ty = match ty {
            TypeRef::Option(inner) => *inner,
            other => other,
        };
        let style = param.get("style").and_then(Value::as_str);
        let explode = param.get("explode").and_then(Value::as_bool).unwrap_or(
            matches!(style, None | Some("form"))
                && location != ParamLocation::Path
                && location != ParamLocation::Header,
        );
        let required = location == ParamLocation::Path
            || param
                .get("required")
                .and_then(Value::as_bool)
                .unwrap_or(false);
        Some(Param {
            name: name.to_owned(),
            rust_name: scope.claim(param_name(name)),
            location,
            required,
            ty,
            explode,
            deep_object: style == Some("deepObject"),
            allow_slashes: location == ParamLocation::Path
                && param.get("x-allow-slashes").and_then(Value::as_bool) == Some(true),
            docs: docs_of(param),
            pointer: pointer.to_owned(),
        })
    }

    /// Splits the template into literals and parameters; puts path parameters first, in path order.
    fn path_parts(&mut self, path: &str, pointer: &str, params: &mut [Param]) -> Vec<PathPart> {
        let mut names_in_path = Vec::new();
        let mut literals = Vec::new();
        let mut rest = path;
        let mut literal = String::new();
        while let Some(open) = rest.find('{') {
            literal.push_str(&rest[..open]);
            let Some(close) = rest[open..].find('}') else {
                self.error(
                    Diagnostic::new(pointer, format!("path `{path}` has an unclosed `{{`"))
                        .help("close the parameter with `}`"),
                );
                return Vec::new();
            };
            literals.push(std::mem::take(&mut literal));
            names_in_path.push(rest[open + 1..open + close].to_owned());
            rest = &rest[open + close + 1..];
        }
        literal.push_str(rest);
        literals.push(literal);
        // Declared path parameters the template does not name: a misspelt one is the likely
        // match of an undeclared name.
        let strays: Vec<&Param> = params
            .iter()
            .filter(|p| p.location == ParamLocation::Path && !names_in_path.contains(&p.name))
            .collect();
        for name in &names_in_path {
            if !params
                .iter()
                .any(|p| p.location == ParamLocation::Path && &p.name == name)
            {
                // The name is in the path template: point at it, not at the operation.
                let help = match strays.as_slice() {
                    [stray] => format!(
                        "the operation declares the path parameter `{}` instead: rename one of them so they match",
                        stray.name
                    ),
                    _ => format!(
                        "add a parameter `{{name: {name}, in: path, required: true, schema: {{type: string}}}}`"
                    ),
                };
                self.error(
                    Diagnostic::new(
                        join("/paths", path),
                        format!("path parameter `{{{name}}}` of `{path}` is not declared"),
                    )
                    .help(help)
                    .at_key(),
                );
            }
        }
        for param in strays {
            self.error(
                Diagnostic::new(
                    join(&param.pointer, "name"),
                    format!(
                        "path parameter `{}` does not appear in `{path}`",
                        param.name
                    ),
                )
                .help(format!(
                    "add `{{{}}}` to the path, or change the parameter's `in`",
                    param.name
                )),
            );
        }
        // Path parameters first, in the order the path names them; the rest keep spec order.
        params.sort_by_key(|p| match p.location {
            ParamLocation::Path => names_in_path.iter().position(|n| n == &p.name).unwrap_or(0),
            _ => usize::MAX,
        });
        let mut parts = Vec::new();
        for (i, literal) in literals.into_iter().enumerate() {
            if !literal.is_empty() {
                parts.push(PathPart::Literal(literal));
            }
            if let Some(name) = names_in_path.get(i)
                && let Some(index) = params
                    .iter()
                    .position(|p| p.location == ParamLocation::Path && &p.name == name)
            {
                parts.push(PathPart::Param(index));
            }
        }
        parts
    }

    fn body(
        &mut self,
        pointer: &str,
        body: &'a Value,
        builder: &str,
        scope: &mut Scope,
    ) -> Option<Body> {
        let (pointer, body) = self.deref_object(pointer, body)?;
        let Some(content) = body.get("content").and_then(Value::as_object) else {
            self.error(
                Diagnostic::new(&pointer, "a request body needs `content`")
                    .help("add `content: {application/json: {schema: ...}}`"),
            );
            return None;
        };
        let required = body
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let media_types: Vec<&String> = content.keys().collect();
        let chosen = media_types
            .iter()
            .copied()
            .min_by_key(|m| request_media_rank(m))?
            .clone();
        let other_media_types = media_types
            .iter()
            .filter(|m| ***m != chosen)
            .map(|m| (*m).clone())
            .collect();
        let media_pointer = join(&join(&pointer, "content"), &chosen);
        // `chosen` is one of `content`'s keys.
        let media = content.get(&chosen).unwrap_or(&Value::Null);
        let schema = media.get("schema");
        let schema_pointer = join(&media_pointer, "schema");
        let hint = format!("{builder}Body");
        let kind = match request_media_rank(&chosen) {
            0 => BodyKind::Json(
                schema.map_or(TypeRef::Any, |s| self.schema_ref(&schema_pointer, s, &hint)),
            ),
            1 => BodyKind::Multipart(self.multipart(
                &schema_pointer,
                schema,
                media,
                builder,
                scope,
            )?),
            2 => BodyKind::Form(schema.map_or(TypeRef::Map(Box::new(TypeRef::String)), |s| {
                self.schema_ref(&schema_pointer, s, &hint)
            })),
            3 => BodyKind::Text,
            _ => BodyKind::Binary,
        };
        let kind = match kind {
            BodyKind::Json(TypeRef::Option(inner)) => BodyKind::Json(*inner),
            other => other,
        };
        let mut docs = docs_of(body);
        if docs.example.is_none() {
            docs.example = media_example(media);
        }
        Some(Body {
            media_type: chosen,
            kind,
            required,
            other_media_types,
            docs,
        })
    }

    fn multipart(
        &mut self,
        pointer: &str,
        schema: Option<&'a Value>,
        media: &'a Value,
        builder: &str,
        scope: &mut Scope,
    ) -> Option<Vec<MultipartField>> {
        let Some(schema) = schema else {
            self.error(
                Diagnostic::new(pointer, "a multipart body needs a schema listing its parts")
                    .help("add `schema: {type: object, properties: {file: {type: string, format: binary}}}`"),
            );
            return None;
        };
        let (schema_pointer, schema) = self.deref_object(pointer, schema)?;
        let Some(properties) = schema.properties().and_then(Value::as_object) else {
            self.error(
                Diagnostic::new(
                    schema_pointer,
                    "a multipart body's schema must be an object with `properties` (one per part)",
                )
                .help(
                    "list each part under `properties`, files as `{type: string, format: binary}`",
                ),
            );
            return None;
        };
        let required: Vec<&str> = schema
            .required()
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let encoding = media.get("encoding").and_then(Value::as_object);
        let mut fields = Vec::new();
        for (name, part) in properties {
            let part_pointer = join(&join(&schema_pointer, "properties"), name);
            let binary_encoding = encoding
                .and_then(|e| e.get(name))
                .and_then(|e| e.get("contentType"))
                .and_then(Value::as_str)
                .is_some_and(|ct| !ct.starts_with("text/") && !ct.contains("json"));
            let mut ty = self.schema_ref(
                &part_pointer,
                part,
                &format!("{builder}{}", names::type_name(name)),
            );
            if let TypeRef::Option(inner) = ty {
                ty = *inner;
            }
            if binary_encoding && ty == TypeRef::String {
                ty = TypeRef::Binary;
            }
            fields.push(MultipartField {
                name: name.clone(),
                rust_name: scope.claim(names::field_name(name)),
                ty,
                required: required.contains(&name.as_str()),
                docs: docs_of(part),
            });
        }
        Some(fields)
    }

    fn responses(
        &mut self,
        pointer: &str,
        responses: Option<&'a Value>,
        builder: &str,
        method: &str,
    ) -> Vec<Response> {
        let Some(responses) = responses else {
            return Vec::new();
        };
        let responses_pointer = join(pointer, "responses");
        let Some(map) = responses.as_object() else {
            self.error(
                Diagnostic::new(
                    responses_pointer,
                    "`responses` must be a mapping of status codes to responses",
                )
                .help("write e.g. `'200': {description: OK}`"),
            );
            return Vec::new();
        };
        let has_success = map.keys().any(|k| k.starts_with('2'));
        let mut out = Vec::new();
        let mut success_count = 0;
        for (code, response) in map {
            if code.starts_with("x-") {
                continue;
            }
            let response_pointer = join(&responses_pointer, code);
            let status = match parse_status(code) {
                Some(status) => status,
                None => {
                    self.error(
                        Diagnostic::new(&response_pointer, format!("`{code}` is not a status code"))
                            .help("use a three-digit code such as `200`, a range such as `2XX`, or `default`")
                            .at_key(),
                    );
                    continue;
                }
            };
            let Some((response_pointer, response)) = self.deref_object(&response_pointer, response)
            else {
                continue;
            };
            let is_success = match status {
                StatusMatch::Code(c) => (200..300).contains(&c),
                StatusMatch::Range(r) => r == 2,
                StatusMatch::Default => !has_success,
            };
            let description = response
                .get("description")
                .and_then(Value::as_str)
                .map(str::to_owned);
            let content = response
                .get("content")
                .and_then(Value::as_object)
                .filter(|c| !c.is_empty());
            let (body, media_type) = match content {
                _ if method == "head" => (ResponseBody::Empty, None),
                None => (ResponseBody::Empty, None),
                Some(content) => {
                    let chosen = content
                        .keys()
                        .min_by_key(|m| response_media_rank(m))
                        .cloned()
                        .unwrap_or_default();
                    let body = if !is_success {
                        ResponseBody::Empty
                    } else {
                        match response_media_rank(&chosen) {
                            0 => {
                                let schema =
                                    content.get(&chosen).and_then(|media| media.get("schema"));
                                let schema_pointer = join(
                                    &join(&join(&response_pointer, "content"), &chosen),
                                    "schema",
                                );
                                let hint = if success_count == 0 {
                                    format!("{builder}Response")
                                } else {
                                    format!("{builder}Response{code}")
                                };
                                let ty = schema.map_or(TypeRef::Any, |s| {
                                    self.schema_ref(&schema_pointer, s, &hint)
                                });
                                ResponseBody::Json(match ty {
                                    TypeRef::Option(inner) if *inner != TypeRef::Any => {
                                        TypeRef::Option(inner)
                                    }
                                    other => other,
                                })
                            }
                            1 => ResponseBody::Text,
                            _ => ResponseBody::Binary,
                        }
                    };
                    (body, Some(chosen))
                }
            };
            if is_success {
                success_count += 1;
            }
            // A success answer that may come as JSON or as something else (text, bytes): both
            // are kept, and the client tells them apart by the answer's media type.
            let other = content
                .filter(|_| matches!(body, ResponseBody::Json(_)))
                .and_then(|c| {
                    c.keys()
                        .filter(|m| response_media_rank(m) > 0)
                        .min_by_key(|m| response_media_rank(m))
                });
            let other = other.map(|media| {
                let body = if response_media_rank(media) == 1 {
                    ResponseBody::Text
                } else {
                    ResponseBody::Binary
                };
                Response {
                    status,
                    body,
                    media_type: Some(media.clone()),
                    description: description.clone(),
                    pointer: response_pointer.clone(),
                }
            });
            out.push(Response {
                status,
                body,
                media_type,
                description,
                pointer: response_pointer,
            });
            if let Some(other) = other {
                success_count += 1;
                out.push(other);
            }
        }
        out
    }

    fn pagination(&self, responses: &[Response], params: &[Param]) -> Option<Pagination> {
        let mut success = responses.iter().filter(|r| {
            matches!(
                r.status,
                StatusMatch::Code(200..=299) | StatusMatch::Range(2)
            )
        });
        let first = success.next()?;
        let ResponseBody::Json(TypeRef::Named(page_type)) = &first.body else {
            return None;
        };
        if success.any(|r| r.body != first.body && r.body != ResponseBody::Empty) {
            return None;
        }
        let TypeKind::Struct(page) = &self.types[*page_type].kind else {
            return None;
        };
        let arrays: Vec<_> = page
            .fields
            .iter()
            .filter(|f| matches!(f.ty, TypeRef::Array(_)))
            .collect();
        let items = arrays
            .iter()
            .find(|f| ITEM_FIELDS.contains(&f.json_name.as_str()))
            .or(if arrays.len() == 1 {
                arrays.first()
            } else {
                None
            })?;
        let TypeRef::Array(item) = &items.ty else {
            return None;
        };
        let option_depth = |f: &crate::ir::Field| u8::from(!f.required) + u8::from(f.nullable);
        let next_url = page
            .fields
            .iter()
            .find(|f| f.json_name == "next" && f.ty == TypeRef::String);
        let (next, style) = match next_url {
            Some(next) => (next, PageStyle::NextUrl),
            None => {
                let next = page.fields.iter().find(|f| {
                    TOKEN_FIELDS.contains(&f.json_name.as_str()) && f.ty == TypeRef::String
                })?;
                let param = params.iter().find(|p| {
                    p.location == ParamLocation::Query && TOKEN_PARAMS.contains(&p.name.as_str())
                })?;
                (
                    next,
                    PageStyle::Token {
                        query_param: param.name.clone(),
                    },
                )
            }
        };
        Some(Pagination {
            page_type: *page_type,
            items_field: items.rust_name.clone(),
            items_option_depth: option_depth(items),
            item: (**item).clone(),
            next_field: next.rust_name.clone(),
            next_option_depth: option_depth(next),
            style,
        })
    }
}

/// The example of a media type object: `example`, or the first of `examples` that has a `value`
/// (one kept in a file, `externalValue`, cannot be shown).
fn media_example(media: &Value) -> Option<String> {
    let example = media.get("example").or_else(|| {
        media
            .get("examples")
            .and_then(Value::as_object)
            .and_then(|all| all.values().find_map(|example| example.get("value")))
    })?;
    Some(example.to_pretty_json())
}

/// The Rust name of a parameter: a name the builder already uses for a method gets `_param`.
fn param_name(name: &str) -> String {
    let base = names::field_name(name);
    if BUILDER_METHODS.contains(&base.as_str()) {
        format!("{base}_param")
    } else {
        base
    }
}

/// `get /pets/{petId}/toys` -> `get_pets_by_pet_id_toys`.
fn derived_operation_id(method: &str, path: &str) -> String {
    let mut id = method.to_owned();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        id.push('_');
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => {
                id.push_str("by_");
                id.push_str(param);
            }
            None => id.push_str(segment),
        }
    }
    if id == method {
        id.push_str("_root");
    }
    id
}

fn parse_status(code: &str) -> Option<StatusMatch> {
    if code == "default" {
        return Some(StatusMatch::Default);
    }
    let bytes = code.as_bytes();
    if bytes.len() != 3 {
        return None;
    }
    if bytes[1..].eq_ignore_ascii_case(b"XX") && (b'1'..=b'5').contains(&bytes[0]) {
        return Some(StatusMatch::Range(u16::from(bytes[0] - b'0')));
    }
    code.parse::<u16>()
        .ok()
        .filter(|c| (100..600).contains(c))
        .map(StatusMatch::Code)
}

fn is_json(media: &str) -> bool {
    let media = media
        .split(';')
        .next()
        .unwrap_or(media)
        .trim()
        .to_ascii_lowercase();
    media == "application/json"
        || media.ends_with("+json")
        || media.ends_with("/json")
        || media == "*/*"
}

/// Lower is preferred: JSON, multipart, form, text, binary.
fn request_media_rank(media: &str) -> u8 {
    let lower = media.to_ascii_lowercase();
    if is_json(&lower) && lower != "*/*" {
        0
    } else if lower.starts_with("multipart/form-data") {
        1
    } else if lower.starts_with("application/x-www-form-urlencoded") {
        2
    } else if lower.starts_with("text/") {
        3
    } else {
        4
    }
}

/// Lower is preferred: JSON, text, binary.
fn response_media_rank(media: &str) -> u8 {
    let lower = media.to_ascii_lowercase();
    if is_json(&lower) {
        0
    } else if lower.starts_with("text/") {
        1
    } else {
        2
    }
}
