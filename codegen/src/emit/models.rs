//! The `types` module: one Rust type per named schema.

use super::code::{Code, Returns, string_lit};
use super::{docs, type_features, type_name};
use crate::ir::{Api, Enum, EnumRepr, Extra, Field, Struct, TypeDef, TypeKind, TypeRef, Union};

/// Writes the `types` module.
pub(crate) fn emit(api: &Api, code: &mut Code) {
    code.line("/// The API's data types, one per schema of the spec.");
    code.block(format_args!("pub mod types"), |code| {
        let mut allowed: Vec<String> = [
            "clippy::large_enum_variant",
            "clippy::derivable_impls",
            "deprecated",
        ]
        .map(str::to_owned)
        .to_vec();
        if api.features.is_some() {
            // With only some features on, the decoding helpers below may have no user left.
            allowed.push("dead_code".to_owned());
        }
        code.attr("#![allow(", &allowed, ")]");
        if api.types.iter().any(|def| uses_deserialize_some(api, def)) {
            code.blank();
            code.line(DESERIALIZE_SOME);
        }
        if api
            .types
            .iter()
            .any(|def| matches!(&def.kind, TypeKind::Union(u) if u.discriminator.is_none()))
        {
            code.blank();
            code.line(DECODE_WHOLE);
        }
        if api
            .types
            .iter()
            .any(|def| matches!(&def.kind, TypeKind::Union(u) if u.discriminator.is_some()))
        {
            code.blank();
            code.line(DECODE_VARIANT);
        }
        for (index, def) in api.types.iter().enumerate() {
            code.blank();
            code.set_cfg(&type_features(api, index));
            type_def(api, def, code);
        }
        code.set_cfg(&[]);
    });
}

/// The helper of optional nullable fields (`deserialize_with`).
const DESERIALIZE_SOME: &str = "\
/// Reads a present value (even `null`) as `Some`, so an explicit `null` survives a round trip.
fn deserialize_some<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}";

/// The helper of untagged unions.
const DECODE_WHOLE: &str = "\
/// Decodes `value` as `T` only if `T` keeps all of it: written back, it must give the same
/// JSON. An untagged union tries its alternatives with this, so a value never lands in one
/// that drops a property, adds a `null` or turns a whole number into a float.
fn decode_whole<T>(value: &serde_json::Value) -> Option<T>
where
    T: serde::de::DeserializeOwned + serde::Serialize,
{
    let decoded = T::deserialize(value).ok()?;
    (serde_json::to_value(&decoded).ok()? == *value).then_some(decoded)
}";

/// The helper of tagged unions.
const DECODE_VARIANT: &str = "\
/// Decodes the alternative of a tagged union that its tag names.
fn decode_variant<T, E>(value: serde_json::Value) -> Result<T, E>
where
    T: serde::de::DeserializeOwned,
    E: serde::de::Error,
{
    serde_json::from_value(value).map_err(E::custom)
}";

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
            code.assign(
                &format!("pub type {name} ="),
                &type_name(api, ty, true),
                ";",
            );
        }
        TypeKind::Newtype(ty) => {
            let inner = type_name(api, ty, true);
            code.line(
                "\
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]",
            );
            code.cfg_line();
            code.linef(format_args!("pub struct {name}(pub {inner});"));
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
    let shapes: Vec<FieldShape> = s.fields.iter().map(|f| field_shape(api, f)).collect();
    // The parameters of `new` (the required fields) and the fields of the literal it returns.
    let mut required_args = Vec::new();
    let mut inits = Vec::new();
    for (field, shape) in s.fields.iter().zip(&shapes) {
        let field_name = field.rust_name.as_str();
        if shape.optional {
            inits.push(format!("{field_name}: None"));
        } else if field.ty == TypeRef::String && !field.boxed {
            required_args.push(format!("{field_name}: impl Into<String>"));
            inits.push(format!("{field_name}: {field_name}.into()"));
        } else {
            required_args.push(format!("{field_name}: {}", shape.ty));
            inits.push(field_name.to_owned());
        }
    }
    let extra_field = match &s.extra {
        Extra::Keep { field } => Some((
            field,
            "/// Properties the spec does not list, kept as sent so nothing is lost.",
            "serde_json::Map<String, serde_json::Value>".to_owned(),
            "serde_json::Map::new()",
        )),
        Extra::Typed { field, value } => Some((
            field,
            "/// Further properties (`additionalProperties`).",
            format!(
                "std::collections::BTreeMap<String, {}>",
                type_name(api, value, true)
            ),
            "std::collections::BTreeMap::new()",
        )),
        Extra::Ignore => None,
    };
    if let Some((field, _, _, empty)) = &extra_field {
        inits.push(format!("{field}: {empty}"));
    }

    code.line(if required_args.is_empty() {
        "#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]"
    } else {
        "#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]"
    });
    code.item(format_args!("pub struct {name}"), |code| {
        for (field, shape) in s.fields.iter().zip(&shapes) {
            docs::write(code, &field.docs, || code_span(&field.json_name));
            let plain_name = field.rust_name.trim_start_matches("r#");
            let mut serde_attrs = Vec::with_capacity(shape.attrs.len() + 1);
            if plain_name != field.json_name {
                serde_attrs.push(format!("rename = {}", string_lit(&field.json_name)));
            }
            serde_attrs.extend(shape.attrs.iter().cloned());
            if !serde_attrs.is_empty() {
                code.attr("#[serde(", &serde_attrs, ")]");
            }
            code.typed(
                format_args!("pub {}:", field.rust_name),
                format_args!("{}", shape.ty),
                ",",
            );
        }
        if let Some((field, doc, ty, _)) = &extra_field {
            code.line(doc);
            code.line("#[serde(flatten)]");
            code.typed(format_args!("pub {field}:"), format_args!("{ty}"), ",");
        }
    });
    code.blank();
    code.item(format_args!("impl {name}"), |code| {
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
        code.function(
            "pub fn new(",
            &required_args,
            Returns::Type("Self"),
            |code| code.struct_lit("Self", &inits, ""),
        );
    });
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

/// An open enum (a known variant per value, `Other` for the rest) and its conversions from and
/// to its wire value, a string or an integer.
fn enumeration(name: &str, e: &Enum, code: &mut Code) {
    let integer = e.repr == EnumRepr::Integer;
    // The parts that differ between string and integer enums.
    let (copy, wire, other_payload) = if integer {
        ("Copy, ", "i64", "i64")
    } else {
        ("", "&str", "String")
    };
    code.linef(format_args!(
        "\
///
/// Values this client does not know yet are kept in `Other`.
#[derive(Debug, Clone, {copy}PartialEq, Eq, Hash, PartialOrd, Ord)]"
    ));
    code.item(format_args!("pub enum {name}"), |code| {
        for v in &e.variants {
            code.doc(&docs::plain(&variant_doc(
                &v.value,
                v.description.as_deref(),
            )));
            code.linef(format_args!("{},", v.rust_name));
        }
        code.linef(format_args!(
            "/// A value not listed in the spec, kept as sent.\nOther({other_payload}),"
        ));
    });
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
    code.item(format_args!("impl {name}"), |code| {
        code.line("/// The value as sent on the wire.");
        let (signature, other) = if integer {
            (
                "pub fn value(&self) -> i64",
                "Self::Other(value) => *value,",
            )
        } else {
            (
                "pub fn as_str(&self) -> &str",
                "Self::Other(value) => value,",
            )
        };
        code.block(format_args!("{signature}"), |code| {
            code.block(format_args!("match self"), |code| {
                for (v, value) in e.variants.iter().zip(&values) {
                    code.arm(&format!("Self::{}", v.rust_name), value);
                }
                code.line(other);
            });
        });
    });
    code.blank();
    code.item(format_args!("impl From<{wire}> for {name}"), |code| {
        code.block(format_args!("fn from(value: {wire}) -> Self"), |code| {
            code.block(format_args!("match value"), |code| {
                for (v, value) in e.variants.iter().zip(&values) {
                    code.arm(value, &format!("Self::{}", v.rust_name));
                }
                code.line(if integer {
                    "other => Self::Other(other),"
                } else {
                    "other => Self::Other(other.to_owned()),"
                });
            });
        });
    });
    code.blank();
    code.item(format_args!("impl std::fmt::Display for {name}"), |code| {
        code.line(if integer {
            "\
fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    write!(f, \"{}\", self.value())
}"
        } else {
            "\
fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    f.write_str(self.as_str())
}"
        });
    });
    if !integer {
        code.blank();
        code.item(format_args!("impl std::str::FromStr for {name}"), |code| {
            code.line(
                "\
type Err = std::convert::Infallible;

fn from_str(value: &str) -> Result<Self, Self::Err> {
    Ok(Self::from(value))
}",
            );
        });
    }
    code.blank();
    serialize_impl(code, name, |code| {
        code.line(if integer {
            "serializer.serialize_i64(self.value())"
        } else {
            "serializer.serialize_str(self.as_str())"
        });
    });
    code.blank();
    deserialize_impl(code, name, |code| {
        code.line(if integer {
            "<i64 as serde::Deserialize>::deserialize(deserializer).map(Self::from)"
        } else {
            "\
let value = <String as serde::Deserialize>::deserialize(deserializer)?;
Ok(Self::from(value.as_str()))"
        });
    });
}

/// `impl serde::Serialize for name`, whose `serialize` method `body` writes.
fn serialize_impl(code: &mut Code, name: &str, body: impl FnOnce(&mut Code)) {
    code.item(format_args!("impl serde::Serialize for {name}"), |code| {
        code.block(
            format_args!(
                "fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>"
            ),
            body,
        );
    });
}

/// `impl serde::Deserialize for name`, whose `deserialize` method `body` writes.
fn deserialize_impl(code: &mut Code, name: &str, body: impl FnOnce(&mut Code)) {
    code.item(
        format_args!("impl<'de> serde::Deserialize<'de> for {name}"),
        |code| {
            code.block(
                format_args!(
                    "fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>"
                ),
                body,
            );
        },
    );
}

/// A union of alternatives: decoded by its discriminator's tag when it has one, else as the
/// first alternative that keeps the whole value.
fn union(api: &Api, name: &str, u: &Union, code: &mut Code) {
    let other = u.other_name.as_str();
    if let Some(property) = &u.discriminator {
        code.linef(format_args!(
            "\
///
/// Chosen by the `{property}` property; other values are kept in `{other}`.
#[derive(Debug, Clone, PartialEq)]"
        ));
        let other_doc = "A value with a tag this client does not know, kept as sent.";
        union_enum(api, code, name, u, other_doc);
        code.blank();
        serialize_impl(code, name, |code| {
            code.block(format_args!("match self"), |code| {
                let variants = u.variants.iter().map(|v| v.rust_name.as_str());
                for variant in variants.chain([other]) {
                    code.arm(
                        &format!("Self::{variant}(value)"),
                        "value.serialize(serializer)",
                    );
                }
            });
        });
        code.blank();
        deserialize_impl(code, name, |code| {
            code.line(
                "let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;",
            );
            let get = format!(".get({})", string_lit(property));
            code.chain(
                "let tag = ",
                "value",
                &[&get, ".and_then(serde_json::Value::as_str)"],
                ";",
            );
            code.block(format_args!("match tag"), |code| {
                for v in u.variants.iter().filter(|v| !v.tags.is_empty()) {
                    let tags: Vec<String> = v.tags.iter().map(|t| string_lit(t)).collect();
                    let decode = if v.boxed {
                        format!(
                            "decode_variant(value).map(|v| Self::{}(Box::new(v)))",
                            v.rust_name
                        )
                    } else {
                        format!("decode_variant(value).map(Self::{})", v.rust_name)
                    };
                    code.or_pattern_arm("Some(", &tags, ")", &decode);
                }
                code.linef(format_args!("_ => Ok(Self::{other}(value)),"));
            });
        });
        return;
    }
    code.linef(format_args!(
        "\
///
/// Decoded as the first alternative that keeps the whole value, else kept in `{other}`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(untagged)]"
    ));
    let other_doc = "A value that matches none of the alternatives, kept as sent.";
    union_enum(api, code, name, u, other_doc);
    code.blank();
    deserialize_impl(code, name, |code| {
        code.line(
            "let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;",
        );
        for v in &u.variants {
            let variant = &v.rust_name;
            code.block(
                format_args!("if let Some(decoded) = decode_whole(&value)"),
                |code| {
                    if v.boxed {
                        code.wrapped_call(
                            &format!("return Ok(Self::{variant}(Box::new("),
                            "decoded",
                            ")));",
                        );
                    } else {
                        code.wrapped_call(&format!("return Ok(Self::{variant}("), "decoded", "));");
                    }
                },
            );
        }
        code.linef(format_args!("Ok(Self::{other}(value))"));
    });
}

/// The `enum` of a union: one documented variant per alternative, then the catch-all that keeps
/// unmatched values, documented by `other_doc`.
fn union_enum(api: &Api, code: &mut Code, name: &str, u: &Union, other_doc: &str) {
    code.item(format_args!("pub enum {name}"), |code| {
        for v in &u.variants {
            let variant = &v.rust_name;
            let ty = type_name(api, &v.ty, true);
            let payload = if v.boxed { format!("Box<{ty}>") } else { ty };
            match v.tags.as_slice() {
                [] => code.linef(format_args!("/// A `{variant}` value.")),
                tags => {
                    let tags: Vec<String> = tags.iter().map(|t| format!("`{t}`")).collect();
                    code.linef(format_args!(
                        "/// A `{variant}`, tagged {}.",
                        tags.join(" or ")
                    ));
                }
            }
            code.wrapped(&format!("{variant}("), &payload, "),");
        }
        code.linef(format_args!(
            "/// {other_doc}\n{}(serde_json::Value),",
            u.other_name
        ));
    });
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
