//! The intermediate representation: what the API is, with every name already decided and every
//! `$ref` resolved, but no Rust tokens yet.
//!
//! [`crate::resolve`] builds an [`Api`] from a loaded spec; [`crate::emit`] turns it into code. Keeping
//! the two apart lets each be tested alone and keeps all OpenAPI quirks out of the emitter.

/// A whole API.
#[derive(Debug, Clone, Default)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// `servers`, in spec order; the first is the default.
    pub servers: Vec<Server>,
    /// Security schemes that apply by default, in order of preference.
    pub security: Vec<SecurityScheme>,
    /// Named types, in a deterministic order (components first, then inline types as found).
    pub types: Vec<TypeDef>,
    /// Operations, in path then method order as written.
    pub operations: Vec<Operation>,
    /// The cargo features the code is split into, when [`crate::Config::features_per_tag`] asks
    /// for them; `None` compiles everything always.
    pub features: Option<Features>,
}

/// A split of the generated code into cargo features, one per group of operations (the first
/// tag), so that a crate user compiles only the operations they enable and the types those use.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Features {
    /// The feature names (cargo's rules: lower-case letters, digits and `-`), in the order first
    /// met; the last may be [`Features::UNREACHABLE`].
    pub names: Vec<String>,
    /// For each operation (as in [`Api::operations`]), the index of its feature in `names`.
    pub of_operation: Vec<usize>,
    /// For each type (as in [`Api::types`]), the features that need it (sorted indexes into
    /// `names`), or `None` when every feature does, so it is always compiled.
    pub of_type: Vec<Option<Vec<usize>>>,
}

impl Features {
    /// The feature of types no operation uses (in GitHub's spec: the webhook payloads).
    pub const UNREACHABLE: &'static str = "types-without-operations";
    /// The feature of operations without a tag.
    pub const UNTAGGED: &'static str = "untagged";
}

/// A base URL the API is served at.
#[derive(Debug, Clone)]
pub struct Server {
    /// Short name (`x-name`, else derived from the description or host).
    pub name: String,
    /// The URL with its variables replaced by their defaults.
    pub url: String,
    /// `description`.
    pub description: String,
}

/// How a request proves who sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecurityScheme {
    /// `Authorization: <scheme> <credential>` (`type: http`).
    Http {
        /// The scheme word as written after `Authorization:` (`Bearer`, `Token`, `Basic`).
        scheme: String,
    },
    /// An API key in a header.
    ApiKeyHeader {
        /// Header name.
        name: String,
    },
    /// An API key in the query string.
    ApiKeyQuery {
        /// Parameter name.
        name: String,
    },
    /// An API key in a cookie.
    ApiKeyCookie {
        /// Cookie name.
        name: String,
    },
}

/// Documentation taken from the spec.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Docs {
    /// `title` or `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `example`, or the first of `examples`, as JSON text.
    pub example: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
}

/// A named Rust type to emit.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// The Rust name (UpperCamelCase, unique, not a keyword).
    pub name: String,
    /// Where the schema is in the spec (JSON pointer), for diagnostics and docs.
    pub pointer: String,
    /// Documentation.
    pub docs: Docs,
    /// What it is.
    pub kind: TypeKind,
    /// Pointers of inline schemas of the same shape that were merged into this type.
    pub merged: Vec<String>,
}

/// The shape of a named type.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// An object with known properties.
    Struct(Struct),
    /// A closed list of string or integer values, open to values added later.
    Enum(Enum),
    /// `oneOf` / `anyOf`.
    Union(Union),
    /// Another name for a type (`type X = ...`).
    Alias(TypeRef),
    /// A wrapper struct around a type (`struct X(...)`), for aliases that contain themselves
    /// through arrays or maps, which a Rust `type` alias cannot express.
    Newtype(TypeRef),
}

impl TypeKind {
    /// Calls `f` with each type reference the type is made of: its fields and typed extra map,
    /// its variants, or the type it names.
    pub fn for_each_ref(&self, f: &mut impl FnMut(&TypeRef)) {
        match self {
            TypeKind::Struct(s) => {
                s.fields.iter().for_each(|field| f(&field.ty));
                if let Extra::Typed { value, .. } = &s.extra {
                    f(value);
                }
            }
            TypeKind::Union(u) => u.variants.iter().for_each(|variant| f(&variant.ty)),
            TypeKind::Alias(ty) | TypeKind::Newtype(ty) => f(ty),
            TypeKind::Enum(_) => {}
        }
    }

    /// [`TypeKind::for_each_ref`], to rewrite the references.
    pub fn for_each_ref_mut(&mut self, f: &mut impl FnMut(&mut TypeRef)) {
        match self {
            TypeKind::Struct(s) => {
                s.fields.iter_mut().for_each(|field| f(&mut field.ty));
                if let Extra::Typed { value, .. } = &mut s.extra {
                    f(value);
                }
            }
            TypeKind::Union(u) => u.variants.iter_mut().for_each(|variant| f(&mut variant.ty)),
            TypeKind::Alias(ty) | TypeKind::Newtype(ty) => f(ty),
            TypeKind::Enum(_) => {}
        }
    }
}

/// An object schema.
#[derive(Debug, Clone)]
pub struct Struct {
    /// Known properties, in spec order.
    pub fields: Vec<Field>,
    /// What happens to properties not listed.
    pub extra: Extra,
}

/// Treatment of properties a struct does not list.
#[derive(Debug, Clone, PartialEq)]
pub enum Extra {
    /// Kept in a catch-all map of JSON values, so a round trip loses nothing (the default).
    Keep {
        /// Rust name of the catch-all field.
        field: String,
    },
    /// `additionalProperties: <schema>`: kept in a typed map.
    Typed {
        /// Rust name of the map field.
        field: String,
        /// The value type.
        value: TypeRef,
    },
    /// `additionalProperties: false`: nothing else is expected; unknown properties are ignored.
    Ignore,
}

/// One property of a struct.
#[derive(Debug, Clone)]
pub struct Field {
    /// The name in JSON.
    pub json_name: String,
    /// The Rust name (snake_case, unique, raw identifier if a keyword).
    pub rust_name: String,
    /// The value type, without the optional/nullable wrapping.
    pub ty: TypeRef,
    /// Listed in `required`.
    pub required: bool,
    /// May be `null`.
    pub nullable: bool,
    /// Needs `Box` because the type contains itself through this field.
    pub boxed: bool,
    /// Documentation.
    pub docs: Docs,
}

/// An enumeration.
#[derive(Debug, Clone)]
pub struct Enum {
    /// What the values are.
    pub repr: EnumRepr,
    /// Known values, in spec order.
    pub variants: Vec<EnumVariant>,
}

/// The JSON type of an enumeration's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnumRepr {
    /// Strings.
    String,
    /// Whole numbers.
    Integer,
}

/// One known value of an enumeration.
#[derive(Debug, Clone)]
pub struct EnumVariant {
    /// The Rust variant name.
    pub rust_name: String,
    /// The value as written: the string, or the number's decimal text.
    pub value: String,
    /// Description (`x-enum-descriptions`).
    pub description: Option<String>,
}

/// A `oneOf` / `anyOf`.
#[derive(Debug, Clone)]
pub struct Union {
    /// The alternatives.
    pub variants: Vec<UnionVariant>,
    /// `discriminator.propertyName`, when the spec names one and every variant has a tag value.
    pub discriminator: Option<String>,
    /// The name of the variant that keeps a value no alternative takes: `Other`, or
    /// `Unrecognized` when an alternative is named `Other` (then a free numbered name).
    pub other_name: String,
}

/// One alternative of a union.
#[derive(Debug, Clone)]
pub struct UnionVariant {
    /// The Rust variant name.
    pub rust_name: String,
    /// Its payload.
    pub ty: TypeRef,
    /// Needs `Box` (recursive).
    pub boxed: bool,
    /// The discriminator values that select it.
    pub tags: Vec<String>,
}

/// A reference to a type, as used in fields, parameters and bodies.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeRef {
    /// `String`.
    String,
    /// A whole number.
    Integer(IntKind),
    /// A JSON number that is not declared whole (`type: number`, any `format`), as
    /// `serde_json::Number`: it keeps the number's kind, so `13` is written back as `13` and `1.0`
    /// as `1.0` (an `f64` would turn `13` into `13.0`). `as_f64()` gives the float.
    Number,
    /// `bool`.
    Boolean,
    /// Any JSON value (`serde_json::Value`), for schemas with no usable type.
    Any,
    /// Bytes to upload or download (`format: binary`).
    Binary,
    /// A named type, by its index in [`Api::types`].
    Named(usize),
    /// `Vec<T>`.
    Array(Box<TypeRef>),
    /// `BTreeMap<String, T>`.
    Map(Box<TypeRef>),
    /// `Option<T>` (a nullable value inside an array, map or union).
    Option(Box<TypeRef>),
}

/// Width and sign of an integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntKind {
    /// `i8`.
    I8,
    /// `i16`.
    I16,
    /// `i32`.
    I32,
    /// `i64` (also the default).
    I64,
    /// `u8`.
    U8,
    /// `u16`.
    U16,
    /// `u32`.
    U32,
    /// `u64`.
    U64,
}

/// One API call.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Rust method name (snake_case, unique).
    pub rust_name: String,
    /// Builder type name (UpperCamelCase).
    pub builder_name: String,
    /// `operationId`, or a name derived from method and path.
    pub operation_id: String,
    /// HTTP method, upper case.
    pub method: String,
    /// The path template as written (`/api/v2/jobs/{job_id}/`).
    pub path: String,
    /// The path split into literal text and parameters.
    pub path_parts: Vec<PathPart>,
    /// Documentation (`summary`, `description`).
    pub docs: Docs,
    /// Parameters, path ones first in path order, then the rest in spec order.
    pub params: Vec<Param>,
    /// The request body, when there is one.
    pub body: Option<Body>,
    /// The answers the operation documents.
    pub responses: Vec<Response>,
    /// Pagination, when the success answer is a page of items.
    pub pagination: Option<Pagination>,
    /// `false` when the operation sets `security: []`.
    pub authenticated: bool,
    /// `x-idempotent` when the operation sets it: whether the request may be sent again after
    /// it may have reached the server (otherwise the method decides).
    pub idempotent: Option<bool>,
    /// Where the operation is in the spec.
    pub pointer: String,
    /// Its first tag (`tags[0]`), which groups operations.
    pub tag: Option<String>,
    /// The name of the enum `send()` returns when the success answers differ in type
    /// ([`Operation::needs_response_enum`]); claimed beside the builder names, so an operation
    /// named like it (`getJob` and `getJobResponse`) cannot collide with it.
    pub response_enum: Option<String>,
}

impl Operation {
    /// Calls `f` with each type reference the operation uses: parameters, the request body (or
    /// its multipart parts), the answers' bodies and the pagination's item.
    pub fn for_each_ref(&self, f: &mut impl FnMut(&TypeRef)) {
        self.params.iter().for_each(|param| f(&param.ty));
        if let Some(body) = &self.body {
            match &body.kind {
                BodyKind::Json(ty) | BodyKind::Form(ty) => f(ty),
                BodyKind::Multipart(fields) => fields.iter().for_each(|field| f(&field.ty)),
                BodyKind::Binary | BodyKind::Text => {}
            }
        }
        for response in &self.responses {
            if let ResponseBody::Json(ty) = &response.body {
                f(ty);
            }
        }
        if let Some(pagination) = &self.pagination {
            f(&pagination.item);
        }
    }

    /// [`Operation::for_each_ref`], to rewrite the references.
    pub fn for_each_ref_mut(&mut self, f: &mut impl FnMut(&mut TypeRef)) {
        self.params.iter_mut().for_each(|param| f(&mut param.ty));
        if let Some(body) = &mut self.body {
            match &mut body.kind {
                BodyKind::Json(ty) | BodyKind::Form(ty) => f(ty),
                BodyKind::Multipart(fields) => fields.iter_mut().for_each(|field| f(&mut field.ty)),
                BodyKind::Binary | BodyKind::Text => {}
            }
        }
        for response in &mut self.responses {
            if let ResponseBody::Json(ty) = &mut response.body {
                f(ty);
            }
        }
        if let Some(pagination) = &mut self.pagination {
            f(&mut pagination.item);
        }
    }

    /// The answers that count as success: the 2xx ones, or `default` when no 2xx is documented.
    pub fn successes(&self) -> Vec<&Response> {
        let has_2xx = self.responses.iter().any(|r| {
            matches!(
                r.status,
                StatusMatch::Code(200..=299) | StatusMatch::Range(2)
            )
        });
        self.responses
            .iter()
            .filter(|r| match r.status {
                StatusMatch::Code(code) => (200..300).contains(&code),
                StatusMatch::Range(range) => range == 2,
                StatusMatch::Default => !has_2xx,
            })
            .collect()
    }

    /// The distinct bodies of the success answers, in order.
    pub fn success_bodies(&self) -> Vec<&ResponseBody> {
        let mut distinct: Vec<&ResponseBody> = Vec::new();
        for response in self.successes() {
            if !distinct.contains(&&response.body) {
                distinct.push(&response.body);
            }
        }
        distinct
    }

    /// Whether the success answers differ in type, so `send()` returns an enum of them.
    pub fn needs_response_enum(&self) -> bool {
        self.success_bodies().len() > 1
    }
}

/// Literal text or a parameter of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    /// Text copied verbatim.
    Literal(String),
    /// The path parameter at this index of [`Operation::params`].
    Param(usize),
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// A path segment.
    Path,
    /// The query string.
    Query,
    /// A header.
    Header,
    /// A cookie.
    Cookie,
}

/// One parameter of an operation.
#[derive(Debug, Clone)]
pub struct Param {
    /// The name on the wire.
    pub name: String,
    /// The Rust name (snake_case, unique within the operation and its builder's methods).
    pub rust_name: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// Must be given.
    pub required: bool,
    /// Its type.
    pub ty: TypeRef,
    /// For arrays: repeat the name per item (`explode`, the default for query), else join with commas.
    pub explode: bool,
    /// `style: deepObject` (objects as `name[key]=value`).
    pub deep_object: bool,
    /// A path parameter marked `x-allow-slashes: true`: its value may span several segments
    /// (`a/b/c`), its slashes sent as they are.
    pub allow_slashes: bool,
    /// Documentation.
    pub docs: Docs,
    /// Where the parameter is declared in the spec (JSON pointer), for diagnostics.
    pub pointer: String,
}

/// A request body.
#[derive(Debug, Clone)]
pub struct Body {
    /// The media type sent (`application/json`, `multipart/form-data`, ...).
    pub media_type: String,
    /// How the body is built.
    pub kind: BodyKind,
    /// Must be given.
    pub required: bool,
    /// Other media types the operation accepts, which this client does not send.
    pub other_media_types: Vec<String>,
    /// Documentation.
    pub docs: Docs,
}

/// How a request body is built.
#[derive(Debug, Clone)]
pub enum BodyKind {
    /// A JSON document of this type.
    Json(TypeRef),
    /// `application/x-www-form-urlencoded` from this type.
    Form(TypeRef),
    /// `multipart/form-data` with these parts.
    Multipart(Vec<MultipartField>),
    /// Raw bytes.
    Binary,
    /// Plain text.
    Text,
}

/// One part of a multipart body.
#[derive(Debug, Clone)]
pub struct MultipartField {
    /// The part name.
    pub name: String,
    /// The Rust name of its builder argument or method.
    pub rust_name: String,
    /// The value type; [`TypeRef::Binary`] parts are files.
    pub ty: TypeRef,
    /// Must be given.
    pub required: bool,
    /// Documentation.
    pub docs: Docs,
}

/// Which statuses a response covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusMatch {
    /// One status code.
    Code(u16),
    /// `2XX` style: every code from `n*100` to `n*100+99`.
    Range(u16),
    /// `default`.
    Default,
}

/// A documented answer.
#[derive(Debug, Clone)]
pub struct Response {
    /// The statuses it covers.
    pub status: StatusMatch,
    /// The body.
    pub body: ResponseBody,
    /// The media type read, if any.
    pub media_type: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// Where the response object is in the spec (after `$ref`s).
    pub pointer: String,
}

/// The body of an answer.
#[derive(Debug, Clone, PartialEq)]
pub enum ResponseBody {
    /// No body (or one the client ignores).
    Empty,
    /// JSON of this type.
    Json(TypeRef),
    /// Text.
    Text,
    /// Bytes, streamed.
    Binary,
}

/// How to get the next page.
#[derive(Debug, Clone)]
pub struct Pagination {
    /// The page type (a struct in [`Api::types`]).
    pub page_type: usize,
    /// The Rust name of the page's item array field.
    pub items_field: String,
    /// How the items field is wrapped: plain (`0`), `Option` (`1`) or `Option<Option>` (`2`);
    /// a missing list means no items.
    pub items_option_depth: u8,
    /// The item type.
    pub item: TypeRef,
    /// The Rust name of the field that leads to the next page.
    pub next_field: String,
    /// How the next-page field is wrapped: `Option` (`1`) or `Option<Option>` (`2`) or plain (`0`).
    pub next_option_depth: u8,
    /// Following style.
    pub style: PageStyle,
}

/// How pages link to each other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageStyle {
    /// The page carries the next page's absolute URL.
    NextUrl,
    /// The page carries a token that is sent back in this query parameter.
    Token {
        /// The query parameter name.
        query_param: String,
    },
}
