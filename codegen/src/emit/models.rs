//! The `types` module: one Rust type per named schema.

use super::code::{self, Code, string_lit};
use super::{docs, type_features, type_name};
use crate::ir::{Api, Enum, EnumRepr, Extra, Field, Struct, TypeDef, TypeKind, TypeRef, Union};

/// Writes the `types` module.
pub(crate) fn emit(api: &Api, code: &mut Code) {
    code.line("/// The API's data types, one per schema of the spec.");
    code.open("pub mod types {");
    if api.features.is_some() {
        // With only some features on, the decoding helpers below may have no user left.
        code.line(
            "#![allow(clippy::large_enum_variant, clippy::derivable_impls, deprecated, dead_code)]",
        );
    } else {
        code.line("#![allow(clippy::large_enum_variant, clippy::derivable_impls, deprecated)]");
    }
    if api.types.iter().any(|def| uses_deserialize_some(api, def)) {
        code.blank();
        code.line(
            "/// Reads a present value (even `null`) as `Some`, so an explicit `null` survives a round trip.",
        );
        code.line("fn deserialize_some<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>");
        code.line("where");
        code.line("    D: serde::Deserializer<'de>,");
        code.line("    T: serde::Deserialize<'de>,");
        code.open("{");
        code.line("T::deserialize(deserializer).map(Some)");
        code.close("}");
    }
    if api
        .types
        .iter()
        .any(|def| matches!(&def.kind, TypeKind::Union(u) if u.discriminator.is_none()))
    {
        code.blank();
        code.line("/// Decodes `value` as `T` only if `T` keeps all of it: written back, it must give the same");
        code.line("/// JSON. An untagged union tries its alternatives with this, so a value never lands in one");
        code.line("/// that drops a property, adds a `null` or turns a whole number into a float.");
        code.line("fn decode_whole<T>(value: &serde_json::Value) -> Option<T>");
        code.line("where");
        code.line("    T: serde::de::DeserializeOwned + serde::Serialize,");
        code.open("{");
        code.line("let decoded = T::deserialize(value).ok()?;");
        code.line("(serde_json::to_value(&decoded).ok()? == *value).then_some(decoded)");
        code.close("}");
    }
    if api
        .types
        .iter()
        .any(|def| matches!(&def.kind, TypeKind::Union(u) if u.discriminator.is_some()))
    {
        code.blank();
        code.line("/// Decodes the alternative of a tagged union that its tag names.");
        code.line("fn decode_variant<T, E>(value: serde_json::Value) -> Result<T, E>");
        code.line("where");
        code.line("    T: serde::de::DeserializeOwned,");
        code.line("    E: serde::de::Error,");
        code.open("{");
        code.line("serde_json::from_value(value).map_err(E::custom)");
        code.close("}");
    }
    for (index, def) in api.types.iter().enumerate() {
        code.blank();
        code.set_cfg(&type_features(api, index));
        type_def(api, def, code);
    }
    code.set_cfg(&[]);
    code.close("}");
}

fn uses_deserialize_some(api: &Api, def: &TypeDef) -> bool {
    let _ = api;
    match &def.kind {
        TypeKind::Struct(s) => s
            .fields
            .iter()
            .any(|f| !f.required && (f.nullable || f.ty == TypeRef::Any)),
        _ => false,
    }
}

fn type_def(api: &Api, def: &TypeDef, code: &mut Code) {
    docs::write(code, &def.docs, || {
        format!("`{}` (the spec does not describe it).", schema_name(def))
    });
    let name = def.name.as_str();
    match &def.kind {
        TypeKind::Struct(s) => structure(api, name, s, code),
        TypeKind::Enum(e) => enumeration(name, e, code),
        TypeKind::Union(u) => union(api, name, u, code),
        TypeKind::Alias(ty) => {
            code.cfg_line();
            code.linef(format_args!(
                "pub type {name} = {};",
                type_name(api, ty, true)
            ));
        }
        TypeKind::Newtype(ty) => {
            code.line("#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]");
            code.line("#[serde(transparent)]");
            code.cfg_line();
            code.linef(format_args!(
                "pub struct {name}(pub {});",
                type_name(api, ty, true)
            ));
        }
    }
}

fn schema_name(def: &TypeDef) -> String {
    let last = def.pointer.rsplit('/').next().unwrap_or(&def.name);
    crate::pointer::unescape_segment(last).into_owned()
}

/// How a field is declared: the Rust type and serde attributes.
struct FieldShape {
    ty: String,
    attrs: Vec<String>,
    /// `Option`-wrapped, so `Default` gives `None`.
    optional: bool,
}

fn field_shape(api: &Api, field: &Field) -> FieldShape {
    let mut base = type_name(api, &field.ty, true);
    if field.boxed {
        base = format!("Box<{base}>");
    }
    let any = field.ty == TypeRef::Any;
    let mut attrs = Vec::new();
    let (ty, optional) = match (field.required, field.nullable || any) {
        (true, false) => (base, false),
        // Required but may be null: `None` is written as `null`.
        (true, true) if any => (base, false),
        (true, true) => (format!("Option<{base}>"), true),
        (false, false) => {
            attrs.push("default".to_owned());
            attrs.push("skip_serializing_if = \"Option::is_none\"".to_owned());
            (format!("Option<{base}>"), true)
        }
        // Optional and nullable: absent is `None`, `null` is `Some(None)` (or `Some(Value::Null)`).
        (false, true) => {
            attrs.push("default".to_owned());
            attrs.push("skip_serializing_if = \"Option::is_none\"".to_owned());
            attrs.push("deserialize_with = \"deserialize_some\"".to_owned());
            if any {
                (format!("Option<{base}>"), true)
            } else {
                (format!("Option<Option<{base}>>"), true)
            }
        }
    };
    FieldShape {
        ty,
        attrs,
        optional,
    }
}

fn structure(api: &Api, name: &str, s: &Struct, code: &mut Code) {
    let mut all_optional = true;
    let mut required_args = Vec::new();
    let mut inits = Vec::new();
    let shapes: Vec<FieldShape> = s.fields.iter().map(|f| field_shape(api, f)).collect();
    for (field, shape) in s.fields.iter().zip(&shapes) {
        let field_name = field.rust_name.as_str();
        if shape.optional {
            inits.push(format!("{field_name}: None"));
        } else if field.ty == TypeRef::String && !field.boxed {
            all_optional = false;
            required_args.push(format!("{field_name}: impl Into<String>"));
            inits.push(format!("{field_name}: {field_name}.into()"));
        } else {
            all_optional = false;
            required_args.push(format!("{field_name}: {}", shape.ty));
            inits.push(field_name.to_owned());
        }
    }
    let derive = if all_optional {
        "#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]"
    } else {
        "#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]"
    };
    code.line(derive);
    code.open_itemf(format_args!("pub struct {name}"));
    for (field, shape) in s.fields.iter().zip(&shapes) {
        docs::write(code, &field.docs, || code_span(&field.json_name));
        let plain_name = field.rust_name.trim_start_matches("r#");
        let mut serde_attrs = Vec::with_capacity(shape.attrs.len() + 1);
        if plain_name != field.json_name {
            serde_attrs.push(format!("rename = {}", string_lit(&field.json_name)));
        }
        serde_attrs.extend(shape.attrs.iter().cloned());
        if !serde_attrs.is_empty() {
            code.line(&code::attr(code.indent(), "#[serde(", &serde_attrs, ")]"));
        }
        code.typed(&format!("pub {}:", field.rust_name), &shape.ty, ",");
    }
    match &s.extra {
        Extra::Keep { field } => {
            code.line("/// Properties the spec does not list, kept as sent so nothing is lost.");
            code.line("#[serde(flatten)]");
            code.linef(format_args!(
                "pub {field}: serde_json::Map<String, serde_json::Value>,"
            ));
            inits.push(format!("{field}: serde_json::Map::new()"));
        }
        Extra::Typed { field, value } => {
            code.line("/// Further properties (`additionalProperties`).");
            code.line("#[serde(flatten)]");
            code.typed(
                &format!("pub {field}:"),
                &format!(
                    "std::collections::BTreeMap<String, {}>",
                    type_name(api, value, true)
                ),
                ",",
            );
            inits.push(format!("{field}: std::collections::BTreeMap::new()"));
        }
        Extra::Ignore => {}
    }
    code.close("}");
    code.blank();
    code.open_itemf(format_args!("impl {name}"));
    if required_args.is_empty() {
        code.linef(format_args!("/// A `{name}` with every property unset."));
    } else {
        code.linef(format_args!(
            "/// A `{name}` from its required properties; the others start unset."
        ));
    }
    if required_args.len() > 7 {
        code.line("#[allow(clippy::too_many_arguments)]");
    }
    code.line(&code::params(
        code.indent(),
        "pub fn new(",
        &required_args,
        ") -> Self {",
    ));
    code.enter();
    code.line(&code::struct_lit(code.indent(), "Self", &inits, ""));
    code.close("}");
    code.close("}");
}

/// Doc lines of an enum variant: its value, and its description when the spec gives one.
fn variant_doc(value: &str, description: Option<&str>) -> String {
    match description {
        Some(d) => format!(
            "{}: {}",
            code_span(value).trim_end_matches('.'),
            docs::rustdoc_safe(d)
        ),
        None => code_span(value),
    }
}

fn enumeration(name: &str, e: &Enum, code: &mut Code) {
    code.line("///");
    code.line("/// Values this client does not know yet are kept in `Other`.");
    let integer = e.repr == EnumRepr::Integer;
    code.line(if integer {
        "#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]"
    } else {
        "#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]"
    });
    code.open_itemf(format_args!("pub enum {name}"));
    for v in &e.variants {
        code.doc(&docs::plain(&variant_doc(
            &v.value,
            v.description.as_deref(),
        )));
        code.linef(format_args!("{},", v.rust_name));
    }
    code.line("/// A value not listed in the spec, kept as sent.");
    code.line(if integer {
        "Other(i64),"
    } else {
        "Other(String),"
    });
    code.close("}");
    // Wire values as literals: strings quoted, integers as written (the IR checked they parse).
    let values: Vec<String> = e
        .variants
        .iter()
        .map(|v| {
            if integer {
                v.value.parse::<i64>().unwrap_or_default().to_string()
            } else {
                string_lit(&v.value)
            }
        })
        .collect();
    code.blank();
    code.open_itemf(format_args!("impl {name}"));
    code.line("/// The value as sent on the wire.");
    code.open(if integer {
        "pub fn value(&self) -> i64 {"
    } else {
        "pub fn as_str(&self) -> &str {"
    });
    code.open("match self {");
    for (v, value) in e.variants.iter().zip(&values) {
        match_arm(code, &format!("Self::{}", v.rust_name), value);
    }
    code.line(if integer {
        "Self::Other(value) => *value,"
    } else {
        "Self::Other(value) => value,"
    });
    code.close("}");
    code.close("}");
    code.close("}");
    code.blank();
    if integer {
        code.open_itemf(format_args!("impl From<i64> for {name}"));
        code.open("fn from(value: i64) -> Self {");
    } else {
        code.open_itemf(format_args!("impl From<&str> for {name}"));
        code.open("fn from(value: &str) -> Self {");
    }
    code.open("match value {");
    for (v, value) in e.variants.iter().zip(&values) {
        match_arm(code, value, &format!("Self::{}", v.rust_name));
    }
    code.line(if integer {
        "other => Self::Other(other),"
    } else {
        "other => Self::Other(other.to_owned()),"
    });
    code.close("}");
    code.close("}");
    code.close("}");
    code.blank();
    code.open_itemf(format_args!("impl std::fmt::Display for {name}"));
    code.open("fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {");
    code.line(if integer {
        "write!(f, \"{}\", self.value())"
    } else {
        "f.write_str(self.as_str())"
    });
    code.close("}");
    code.close("}");
    if !integer {
        code.blank();
        code.open_itemf(format_args!("impl std::str::FromStr for {name}"));
        code.line("type Err = std::convert::Infallible;");
        code.blank();
        code.open("fn from_str(value: &str) -> Result<Self, Self::Err> {");
        code.line("Ok(Self::from(value))");
        code.close("}");
        code.close("}");
    }
    code.blank();
    open_serialize(code, name);
    code.line(if integer {
        "serializer.serialize_i64(self.value())"
    } else {
        "serializer.serialize_str(self.as_str())"
    });
    code.close("}");
    code.close("}");
    code.blank();
    open_deserialize(code, name);
    if integer {
        code.line("<i64 as serde::Deserialize>::deserialize(deserializer).map(Self::from)");
    } else {
        code.line("let value = <String as serde::Deserialize>::deserialize(deserializer)?;");
        code.line("Ok(Self::from(value.as_str()))");
    }
    code.close("}");
    code.close("}");
}

/// Opens `impl serde::Serialize for name` and its `serialize` method.
fn open_serialize(code: &mut Code, name: &str) {
    code.open_itemf(format_args!("impl serde::Serialize for {name}"));
    code.open(
        "fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {",
    );
}

/// Opens `impl serde::Deserialize for name` and its `deserialize` method.
fn open_deserialize(code: &mut Code, name: &str) {
    code.open_itemf(format_args!("impl<'de> serde::Deserialize<'de> for {name}"));
    code.line(
        "fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {",
    );
    code.enter();
}

/// `pattern => value,`, with the value in a block on its own line when the arm is too long
/// for one (rustfmt's layout).
fn match_arm(code: &mut Code, pattern: &str, value: &str) {
    if !code.try_line(format_args!("{pattern} => {value},"), "", 0) {
        code.open(&format!("{pattern} => {{"));
        code.line(value);
        code.close("}");
    }
}

fn union(api: &Api, name: &str, u: &Union, code: &mut Code) {
    let other = u.other_name.as_str();
    let payloads: Vec<String> = u
        .variants
        .iter()
        .map(|v| {
            let ty = type_name(api, &v.ty, true);
            if v.boxed { format!("Box<{ty}>") } else { ty }
        })
        .collect();
    let variant_docs: Vec<String> = u
        .variants
        .iter()
        .map(|v| match v.tags.as_slice() {
            [] => format!("A `{}` value.", v.rust_name),
            tags => format!(
                "A `{}`, tagged {}.",
                v.rust_name,
                tags.iter()
                    .map(|t| format!("`{t}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
        })
        .collect();
    let Some(property) = &u.discriminator else {
        code.line("///");
        code.linef(format_args!(
            "/// Decoded as the first alternative that keeps the whole value, else kept in `{other}`."
        ));
        code.line("#[derive(Debug, Clone, PartialEq, serde::Serialize)]");
        code.line("#[serde(untagged)]");
        let other_doc = "A value that matches none of the alternatives, kept as sent.";
        union_enum(code, name, u, &payloads, &variant_docs, (other, other_doc));
        code.blank();
        open_deserialize(code, name);
        code.line(
            "let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;",
        );
        for v in &u.variants {
            let wrap = if v.boxed {
                format!("Self::{}(Box::new(decoded))", v.rust_name)
            } else {
                format!("Self::{}(decoded)", v.rust_name)
            };
            code.open("if let Some(decoded) = decode_whole(&value) {");
            code.linef(format_args!("return Ok({wrap});"));
            code.close("}");
        }
        code.linef(format_args!("Ok(Self::{other}(value))"));
        code.close("}");
        code.close("}");
        return;
    };
    code.line("///");
    code.linef(format_args!(
        "/// Chosen by the `{property}` property; other values are kept in `{other}`."
    ));
    code.line("#[derive(Debug, Clone, PartialEq)]");
    let other_doc = "A value with a tag this client does not know, kept as sent.";
    union_enum(code, name, u, &payloads, &variant_docs, (other, other_doc));
    code.blank();
    open_serialize(code, name);
    code.open("match self {");
    for v in &u.variants {
        match_arm(
            code,
            &format!("Self::{}(value)", v.rust_name),
            "value.serialize(serializer)",
        );
    }
    match_arm(
        code,
        &format!("Self::{other}(value)"),
        "value.serialize(serializer)",
    );
    code.close("}");
    code.close("}");
    code.close("}");
    code.blank();
    open_deserialize(code, name);
    code.line("let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;");
    let get = format!(".get({})", string_lit(property));
    code.line(&code::chain(
        code.indent(),
        "let tag = ",
        "value",
        &[&get, ".and_then(serde_json::Value::as_str)"],
        ";",
    ));
    code.open("match tag {");
    for v in u.variants.iter().filter(|v| !v.tags.is_empty()) {
        let tags: Vec<String> = v.tags.iter().map(|t| string_lit(t)).collect();
        let pattern = format!("Some({})", tags.join(" | "));
        let decode = if v.boxed {
            format!(
                "decode_variant(value).map(|v| Self::{}(Box::new(v)))",
                v.rust_name
            )
        } else {
            format!("decode_variant(value).map(Self::{})", v.rust_name)
        };
        match_arm(code, &pattern, &decode);
    }
    code.linef(format_args!("_ => Ok(Self::{other}(value)),"));
    code.close("}");
    code.close("}");
    code.close("}");
}

/// The `enum` of a union: one documented variant per alternative, then the catch-all
/// `(name, doc)` that keeps unmatched values.
fn union_enum(
    code: &mut Code,
    name: &str,
    u: &Union,
    payloads: &[String],
    variant_docs: &[String],
    (other, other_doc): (&str, &str),
) {
    code.open_itemf(format_args!("pub enum {name}"));
    for ((v, payload), doc) in u.variants.iter().zip(payloads).zip(variant_docs) {
        code.linef(format_args!("/// {doc}"));
        code.linef(format_args!("{}({payload}),", v.rust_name));
    }
    code.linef(format_args!("/// {other_doc}"));
    code.linef(format_args!("{other}(serde_json::Value),"));
    code.close("}");
}

/// `` `text`. `` for a doc line, with a fence long enough for backticks inside, or a plain
/// phrase for the empty string (an empty code span does not render).
fn code_span(text: &str) -> String {
    if text.trim().is_empty() {
        return "The empty string.".to_owned();
    }
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    let mut span = String::with_capacity(text.len() + 2 * longest + 5);
    span.extend(std::iter::repeat_n('`', longest + 1));
    span.push_str(pad);
    span.push_str(text);
    span.push_str(pad);
    span.extend(std::iter::repeat_n('`', longest + 1));
    span.push('.');
    span
}
