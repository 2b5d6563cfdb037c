//! Schemas to types.
//!
//! Rules (documented for spec authors in the README):
//! - an object with `properties` becomes a struct; unknown properties are kept in a catch-all map
//!   unless `additionalProperties: false`;
//! - `enum` becomes an enum that also keeps values it does not know;
//! - `oneOf`/`anyOf` become enums, internally tagged when a `discriminator` names every variant;
//! - `allOf` merges its parts into one struct;
//! - an object with only `additionalProperties` becomes a map;
//! - strings stay `String` whatever their `format` (dates included), so a round trip keeps their
//!   exact text; `format: binary` is bytes to upload or download;
//! - integers are `i64` unless `format` says `int32`, `uint64`, ...; numbers are `f64` (`f32` for
//!   `format: float`);
//! - `const` without `type` has the type of its value (the value itself is not checked);
//! - anything else (no type, type lists such as `[string, integer]`, `not`, `if`/`then`) is kept
//!   as raw JSON (`serde_json::Value`).

use super::{MAX_DEPTH, Resolver, docs_of, scalar_text};
use crate::diag::{Diagnostic, join};
use crate::ir::{
    Enum, EnumRepr, EnumVariant, Extra, Field, IntKind, Struct, TypeDef, TypeKind, TypeRef, Union,
    UnionVariant,
};
use crate::names::{self, Scope};
use crate::value::{Object, Value};
use indexmap::IndexMap;

const KNOWN_TYPES: &[&str] = &[
    "string", "integer", "number", "boolean", "array", "object", "null",
];

/// Wraps in `Option` unless already optional.
pub(crate) fn optional(ty: TypeRef) -> TypeRef {
    match ty {
        TypeRef::Option(_) | TypeRef::Any => ty,
        other => TypeRef::Option(Box::new(other)),
    }
}

/// `nullable: true` (3.0), `type: [.., "null"]` (3.1) or an `enum` listing `null`.
fn is_nullable(map: &Object) -> bool {
    map.get("nullable").and_then(Value::as_bool) == Some(true)
        || map
            .get("type")
            .and_then(Value::as_array)
            .is_some_and(|types| types.iter().any(|t| t.as_str() == Some("null")))
        || map.get("type").and_then(Value::as_str) == Some("null")
        || map
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|values| values.iter().any(|v| matches!(v, Value::Null)))
}

/// The single non-null `type`, if there is exactly one.
fn primary_type(map: &Object) -> Result<Option<&str>, ()> {
    match map.get("type") {
        None => Ok(None),
        Some(Value::String(t)) => Ok(Some(t)),
        Some(Value::Array(types)) => {
            let non_null: Vec<&str> = types
                .iter()
                .filter_map(Value::as_str)
                .filter(|t| *t != "null")
                .collect();
            match non_null.as_slice() {
                [] => Ok(Some("null")),
                [one] => Ok(Some(one)),
                _ => Ok(None),
            }
        }
        Some(_) => Err(()),
    }
}

/// Members of a `oneOf`/`anyOf` that are not just `null`.
fn union_members(map: &Object) -> Option<(&'static str, &[Value])> {
    for key in ["oneOf", "anyOf"] {
        if let Some(members) = map.get(key).and_then(Value::as_array) {
            return Some((if key == "oneOf" { "oneOf" } else { "anyOf" }, members));
        }
    }
    None
}

fn is_null_schema(value: &Value) -> bool {
    value.get("type").and_then(Value::as_str) == Some("null")
        || value
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|v| v.len() == 1 && matches!(v[0], Value::Null))
}

impl<'a> Resolver<'a> {
    /// The type of the schema at `pointer`, as used in a field, item, parameter or body.
    /// `hint` names any type that has to be created for it.
    pub(crate) fn schema_ref(&mut self, pointer: &str, schema: &'a Value, hint: &str) -> TypeRef {
        if self.depth >= MAX_DEPTH {
            self.error(
                Diagnostic::new(pointer, format!("schema nests deeper than {MAX_DEPTH} levels"))
                    .help("name the inner schemas under `components.schemas` and refer to them with `$ref`"),
            );
            return TypeRef::Any;
        }
        self.depth += 1;
        let ty = self.schema_ref_inner(pointer, schema, hint);
        self.depth -= 1;
        ty
    }

    fn schema_ref_inner(&mut self, pointer: &str, schema: &'a Value, hint: &str) -> TypeRef {
        let map = match schema {
            Value::Object(map) => map,
            Value::Bool(_) => return TypeRef::Any,
            other => {
                self.error(
                    Diagnostic::new(
                        pointer,
                        format!("a schema must be a mapping, found {}", other.kind()),
                    )
                    .help("write the schema as a mapping, e.g. `{type: string}`"),
                );
                return TypeRef::Any;
            }
        };
        if let Some(reference) = map.get("$ref") {
            let ref_pointer = join(pointer, "$ref");
            let Some(reference) = reference.as_str() else {
                self.error(
                    Diagnostic::new(ref_pointer, "`$ref` must be a string")
                        .help("write `$ref: '#/components/schemas/Name'`"),
                );
                return TypeRef::Any;
            };
            let Some((target_pointer, target)) = self.lookup_ref(&ref_pointer, reference) else {
                return TypeRef::Any;
            };
            let sibling_nullable = map.get("nullable").and_then(Value::as_bool) == Some(true);
            let target_nullable = target.as_object().is_some_and(is_nullable);
            let ty = match self.named.get(&target_pointer) {
                Some(&index) => TypeRef::Named(index),
                None => {
                    let target_hint =
                        hint_from_pointer(&target_pointer).unwrap_or_else(|| hint.to_owned());
                    self.schema_ref(&target_pointer, target, &target_hint)
                }
            };
            return if sibling_nullable || target_nullable {
                optional(ty)
            } else {
                ty
            };
        }
        if let Some(properties) = map.get("properties")
            && properties.as_object().is_none()
        {
            self.error(
                Diagnostic::new(
                    join(pointer, "properties"),
                    format!(
                        "`properties` must be a mapping of names to schemas, found {}",
                        properties.kind()
                    ),
                )
                .help("write each property as `name: {type: ...}`"),
            );
            return TypeRef::Any;
        }
        let nullable = is_nullable(map);
        let ty = self.schema_body(pointer, schema, map, hint);
        if nullable { optional(ty) } else { ty }
    }

    fn needs_name(map: &Object) -> bool {
        let has_properties = map
            .get("properties")
            .and_then(Value::as_object)
            .is_some_and(|p| !p.is_empty());
        let enum_values = map.get("enum").and_then(Value::as_array).is_some_and(|v| {
            v.iter()
                .any(|v| matches!(v, Value::String(_) | Value::Int(_)))
        });
        let all_of = map
            .get("allOf")
            .and_then(Value::as_array)
            .is_some_and(|m| m.len() > 1 || has_properties);
        let union = union_members(map)
            .is_some_and(|(_, members)| members.iter().filter(|m| !is_null_schema(m)).count() > 1);
        has_properties || enum_values || all_of || union
    }

    fn schema_body(
        &mut self,
        pointer: &str,
        schema: &'a Value,
        map: &'a Object,
        hint: &str,
    ) -> TypeRef {
        if Self::needs_name(map) {
            if let Some(&index) = self.named.get(pointer) {
                return TypeRef::Named(index);
            }
            let index = self.new_type(pointer.to_owned(), names::type_name(hint), schema);
            let name = self.types[index].name.clone();
            self.fill_type(index, pointer, schema, &name);
            return TypeRef::Named(index);
        }
        if let Some(members) = map.get("allOf").and_then(Value::as_array)
            && let [only] = members
        {
            return self.schema_ref(&format!("{pointer}/allOf/0"), only, hint);
        }
        if let Some((key, members)) = union_members(map) {
            let mut non_null = members
                .iter()
                .enumerate()
                .filter(|(_, m)| !is_null_schema(m));
            return match non_null.next() {
                Some((index, only)) => {
                    let ty = self.schema_ref(&format!("{pointer}/{key}/{index}"), only, hint);
                    if members.len() > 1 { optional(ty) } else { ty }
                }
                None => TypeRef::Option(Box::new(TypeRef::Any)),
            };
        }
        self.inline_type(pointer, map, hint)
    }

    /// Types that need no name: primitives, arrays, maps.
    fn inline_type(&mut self, pointer: &str, map: &'a Object, hint: &str) -> TypeRef {
        let Ok(primary) = primary_type(map) else {
            self.error(
                Diagnostic::new(
                    join(pointer, "type"),
                    "`type` must be a string (or, in OpenAPI 3.1, a list of strings)",
                )
                .help("write e.g. `type: string`"),
            );
            return TypeRef::Any;
        };
        if let Some(t) = primary
            && !KNOWN_TYPES.contains(&t)
        {
            let mut diagnostic =
                Diagnostic::new(join(pointer, "type"), format!("unknown type `{t}`"));
            diagnostic = diagnostic.help(format!(
                "use one of {}",
                KNOWN_TYPES
                    .iter()
                    .map(|t| format!("`{t}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            self.error(diagnostic);
            return TypeRef::Any;
        }
        let format = map
            .get("format")
            .and_then(Value::as_str)
            .unwrap_or_default();
        // OpenAPI 3.1 `const` without a `type`: the constant's own type.
        let const_type = match map.get("const") {
            Some(Value::String(_)) => Some("string"),
            Some(Value::Int(_) | Value::UInt(_)) => Some("integer"),
            Some(Value::Float(_)) => Some("number"),
            Some(Value::Bool(_)) => Some("boolean"),
            _ => None,
        };
        let guessed = primary.or(const_type).or_else(|| {
            if map.contains_key("properties") || map.contains_key("additionalProperties") {
                Some("object")
            } else if map.contains_key("items") {
                Some("array")
            } else {
                // OpenAPI 3.1 `const` without `type`: the type of the value.
                match map.get("const") {
                    Some(Value::String(_)) => Some("string"),
                    Some(Value::Int(_) | Value::UInt(_)) => Some("integer"),
                    Some(Value::Float(_)) => Some("number"),
                    Some(Value::Bool(_)) => Some("boolean"),
                    _ => None,
                }
            }
        });
        match guessed {
            Some("string") => {
                let binary = format == "binary"
                    || map
                        .get("contentMediaType")
                        .and_then(Value::as_str)
                        .is_some_and(|m| !m.starts_with("text/") && !m.contains("json"));
                if binary {
                    TypeRef::Binary
                } else {
                    TypeRef::String
                }
            }
            Some("integer") => TypeRef::Integer(int_kind(format)),
            Some("number") => match format {
                "float" => TypeRef::Float,
                "int32" | "int64" | "integer" => TypeRef::Integer(int_kind(format)),
                _ => TypeRef::Double,
            },
            Some("boolean") => TypeRef::Boolean,
            Some("null") => TypeRef::Option(Box::new(TypeRef::Any)),
            Some("array") => match map.get("items") {
                Some(items) => {
                    let item_hint = format!("{hint}Item");
                    TypeRef::Array(Box::new(self.schema_ref(
                        &join(pointer, "items"),
                        items,
                        &item_hint,
                    )))
                }
                None => TypeRef::Array(Box::new(TypeRef::Any)),
            },
            Some("object") => match map.get("additionalProperties") {
                Some(Value::Object(value_schema)) if !value_schema.is_empty() => {
                    let value_hint = format!("{hint}Value");
                    let ap = map.get("additionalProperties").unwrap_or(&Value::Null);
                    TypeRef::Map(Box::new(self.schema_ref(
                        &join(pointer, "additionalProperties"),
                        ap,
                        &value_hint,
                    )))
                }
                _ => TypeRef::Map(Box::new(TypeRef::Any)),
            },
            _ => TypeRef::Any,
        }
    }

    /// Decides the body of the named type `index` from its schema.
    pub(crate) fn fill_type(&mut self, index: usize, pointer: &str, schema: &'a Value, name: &str) {
        if self.depth >= MAX_DEPTH {
            self.error(
                Diagnostic::new(pointer, format!("schema nests deeper than {MAX_DEPTH} levels"))
                    .help("name the inner schemas under `components.schemas` and refer to them with `$ref`"),
            );
            return;
        }
        self.depth += 1;
        let kind = self.type_kind(index, pointer, schema, name);
        self.depth -= 1;
        if let TypeKind::Alias(TypeRef::Named(target)) = &kind
            && *target == index
        {
            self.error(
                Diagnostic::new(
                    pointer,
                    format!("schema `{name}` is only a reference to itself"),
                )
                .help("give the schema a type or properties"),
            );
            return;
        }
        self.types[index].kind = kind;
    }

    fn type_kind(
        &mut self,
        index: usize,
        pointer: &str,
        schema: &'a Value,
        name: &str,
    ) -> TypeKind {
        let Value::Object(map) = schema else {
            return TypeKind::Alias(self.schema_ref(pointer, schema, name));
        };
        if map.contains_key("$ref")
            || map
                .get("properties")
                .is_some_and(|p| p.as_object().is_none())
        {
            // References, and malformed schemas (reported there), are handled as uses.
            return TypeKind::Alias(self.schema_ref(pointer, schema, name));
        }
        if is_nullable(map) {
            self.nullable_types[index] = true;
        }
        if let Some(members) = map.get("allOf").and_then(Value::as_array) {
            let has_properties = map
                .get("properties")
                .and_then(Value::as_object)
                .is_some_and(|p| !p.is_empty());
            if members.len() == 1 && !has_properties {
                return TypeKind::Alias(strip_option(self.schema_ref(
                    &format!("{pointer}/allOf/0"),
                    &members[0],
                    name,
                )));
            }
            return self.merged_struct(pointer, map, name);
        }
        if let Some((key, members)) = union_members(map) {
            return self.union(pointer, map, key, members, name);
        }
        if let Some(values) = map.get("enum")
            && let Some(kind) = self.enumeration(pointer, map, values)
        {
            return kind;
        }
        if map
            .get("properties")
            .and_then(Value::as_object)
            .is_some_and(|p| !p.is_empty())
        {
            return TypeKind::Struct(self.structure(&[(pointer.to_owned(), map)], name));
        }
        TypeKind::Alias(strip_option(self.inline_type(pointer, map, name)))
    }

    /// A struct from the properties of `parts` (one schema, or the parts of an `allOf`).
    fn structure(&mut self, parts: &[(String, &'a Object)], name: &str) -> Struct {
        let mut properties: IndexMap<&'a str, (String, &'a Value), rustc_hash::FxBuildHasher> =
            IndexMap::default();
        let mut required: Vec<&'a str> = Vec::new();
        let mut extra_schema: Option<(String, &'a Value)> = None;
        for (part_pointer, part) in parts {
            if let Some(props) = part.get("properties") {
                match props.as_object() {
                    Some(props) => {
                        for (key, value) in props {
                            properties.insert(
                                key.as_str(),
                                (join(&join(part_pointer, "properties"), key), value),
                            );
                        }
                    }
                    None => self.error(
                        Diagnostic::new(
                            join(part_pointer, "properties"),
                            "`properties` must be a mapping of names to schemas",
                        )
                        .help("write each property as `name: {type: ...}`"),
                    ),
                }
            }
            match part.get("required") {
                None => {}
                Some(Value::Array(names)) => {
                    for (i, entry) in names.iter().enumerate() {
                        match entry.as_str() {
                            Some(n) => required.push(n),
                            None => self.error(
                                Diagnostic::new(
                                    format!("{part_pointer}/required/{i}"),
                                    "`required` entries must be property names (strings)",
                                )
                                .help("list the names of required properties"),
                            ),
                        }
                    }
                }
                // A boolean `required` is Swagger 2.0 / JSON-schema-draft-3 style on a property.
                Some(Value::Bool(_)) => {}
                Some(other) => self.error(
                    Diagnostic::new(
                        join(part_pointer, "required"),
                        format!(
                            "`required` must be a list of property names, found {}",
                            other.kind()
                        ),
                    )
                    .help("write `required: [name, ...]` on the object, not on the property"),
                ),
            }
            if let Some(ap) = part.get("additionalProperties") {
                extra_schema = Some((join(part_pointer, "additionalProperties"), ap));
            }
        }
        let mut scope = Scope::default();
        let mut fields = Vec::with_capacity(properties.len());
        for (json_name, (field_pointer, schema)) in properties {
            let rust_name = scope.claim(names::field_name(json_name));
            let hint = format!("{name}{}", names::type_name(json_name));
            let ty = self.schema_ref(&field_pointer, schema, &hint);
            let (nullable, ty) = match ty {
                // `Any` already holds `null`; its emitter keeps an explicit `null` apart from absence.
                TypeRef::Option(inner) if *inner == TypeRef::Any => (false, TypeRef::Any),
                TypeRef::Option(inner) => (true, *inner),
                other => (false, other),
            };
            fields.push(Field {
                json_name: json_name.to_owned(),
                rust_name,
                ty,
                required: required.contains(&json_name),
                nullable,
                boxed: false,
                docs: docs_of(schema),
            });
        }
        let extra = match extra_schema {
            Some((_, Value::Bool(false))) => Extra::Ignore,
            Some((ap_pointer, schema @ Value::Object(map))) if !map.is_empty() => {
                let value = self.schema_ref(&ap_pointer, schema, &format!("{name}Value"));
                Extra::Typed {
                    field: scope.claim("extra".into()),
                    value,
                }
            }
            _ => Extra::Keep {
                field: scope.claim("extra".into()),
            },
        };
        Struct { fields, extra }
    }

    /// Merges the parts of an `allOf` (and the schema's own properties) into one struct.
    fn merged_struct(&mut self, pointer: &str, map: &'a Object, name: &str) -> TypeKind {
        let mut parts: Vec<(String, &'a Object)> = Vec::new();
        if !self.collect_all_of(pointer, map, &mut parts, 0) {
            return TypeKind::Alias(TypeRef::Any);
        }
        TypeKind::Struct(self.structure(&parts, name))
    }

    /// Flattens nested `allOf`s into object parts. Returns `false` when a part cannot be merged.
    fn collect_all_of(
        &mut self,
        pointer: &str,
        map: &'a Object,
        parts: &mut Vec<(String, &'a Object)>,
        depth: usize,
    ) -> bool {
        if depth > MAX_DEPTH {
            self.error(
                Diagnostic::new(pointer, "`allOf` nests too deeply or refers to itself")
                    .help("break the cycle of `allOf` references"),
            );
            return false;
        }
        if let Some(members) = map.get("allOf").and_then(Value::as_array) {
            for (i, member) in members.iter().enumerate() {
                let member_pointer = format!("{pointer}/allOf/{i}");
                let Some((target_pointer, target)) = self.deref_object(&member_pointer, member)
                else {
                    return false;
                };
                let Some(target_map) = target.as_object() else {
                    self.error(
                        Diagnostic::new(member_pointer, "an `allOf` part must be a schema mapping")
                            .help("write the part as `{$ref: ...}` or `{type: object, properties: ...}`"),
                    );
                    return false;
                };
                let mergeable_type = matches!(
                    target_map.get("type").and_then(Value::as_str),
                    None | Some("object")
                );
                if union_members(target_map).is_some()
                    || target_map.contains_key("enum")
                    || !mergeable_type
                {
                    // Documented fallback: such a combination is kept as raw JSON.
                    return false;
                }
                if !self.collect_all_of(&target_pointer, target_map, parts, depth + 1) {
                    return false;
                }
            }
        }
        parts.push((pointer.to_owned(), map));
        true
    }

    fn union(
        &mut self,
        pointer: &str,
        map: &'a Object,
        key: &str,
        members: &'a [Value],
        name: &str,
    ) -> TypeKind {
        let mut scope = Scope::default();
        let mut variants = Vec::new();
        let mut used_tags = std::collections::HashSet::new();
        let discriminator = map.get("discriminator");
        let property = discriminator
            .and_then(|d| d.get("propertyName"))
            .and_then(Value::as_str);
        let mapping = discriminator
            .and_then(|d| d.get("mapping"))
            .and_then(Value::as_object);
        for (i, member) in members.iter().enumerate() {
            if is_null_schema(member) {
                continue;
            }
            let member_pointer = format!("{pointer}/{key}/{i}");
            let reference = member.get("$ref").and_then(Value::as_str);
            let base = match reference {
                Some(r) => names::type_name(r.rsplit('/').next().unwrap_or(r)),
                None => member
                    .get("title")
                    .and_then(Value::as_str)
                    .map(names::type_name)
                    .unwrap_or_else(|| variant_name_for(member, i)),
            };
            let rust_name = scope.claim(base);
            let ty = strip_option(self.schema_ref(
                &member_pointer,
                member,
                &format!("{name}{rust_name}"),
            ));
            let mut tags = Vec::new();
            if let (Some(_), Some(reference)) = (property, reference) {
                match mapping {
                    Some(mapping) => {
                        for (tag, target) in mapping {
                            let target = target.as_str().unwrap_or_default();
                            if target == reference
                                || (!target.contains('/')
                                    && reference.ends_with(&format!("/{target}")))
                            {
                                tags.push(tag.clone());
                            }
                        }
                    }
                    None => tags.push(reference.rsplit('/').next().unwrap_or(reference).to_owned()),
                }
            }
            // A tag selects one variant: a schema listed twice keeps its tags on the first.
            tags.retain(|tag| used_tags.insert(tag.clone()));
            variants.push(UnionVariant {
                rust_name,
                ty,
                boxed: false,
                tags,
            });
        }
        let tagged = property.is_some()
            && variants
                .iter()
                .all(|v| !v.tags.is_empty() && matches!(v.ty, TypeRef::Named(_)));
        TypeKind::Union(Union {
            variants,
            discriminator: if tagged {
                property.map(str::to_owned)
            } else {
                None
            },
        })
    }

    fn enumeration(&mut self, pointer: &str, map: &Object, values: &Value) -> Option<TypeKind> {
        let Some(values) = values.as_array() else {
            self.error(
                Diagnostic::new(join(pointer, "enum"), "`enum` must be a list of values")
                    .help("write `enum: [a, b, c]`"),
            );
            return Some(TypeKind::Alias(TypeRef::Any));
        };
        let non_null: Vec<&Value> = values
            .iter()
            .filter(|v| !matches!(v, Value::Null))
            .collect();
        let repr = if non_null.iter().all(|v| matches!(v, Value::String(_))) {
            EnumRepr::String
        } else if non_null.iter().all(|v| matches!(v, Value::Int(_))) {
            EnumRepr::Integer
        } else {
            // Mixed or non-scalar values: keep the underlying type.
            return None;
        };
        if non_null.is_empty() {
            return None;
        }
        let custom_names = ["x-enum-varnames", "x-enumNames"]
            .iter()
            .find_map(|key| map.get(key).and_then(Value::as_array))
            .filter(|names| names.len() == non_null.len());
        let descriptions = map
            .get("x-enum-descriptions")
            .and_then(Value::as_array)
            .filter(|d| d.len() == non_null.len());
        let mut scope = Scope::with_reserved(&["Other"]);
        let mut variants = Vec::with_capacity(non_null.len());
        let mut seen = std::collections::HashSet::new();
        for (i, value) in non_null.iter().enumerate() {
            let text = scalar_text(value);
            if !seen.insert(text.clone()) {
                continue;
            }
            let raw_name = custom_names
                .and_then(|names| names[i].as_str())
                .map(str::to_owned)
                .unwrap_or_else(|| match value {
                    Value::Int(n) if *n < 0 => format!("Minus{}", n.unsigned_abs()),
                    Value::Int(n) => format!("V{n}"),
                    _ if text.is_empty() => "Empty".to_owned(),
                    _ => text.clone(),
                });
            let rust_name = scope.claim(names::type_name(&raw_name));
            let description = descriptions.and_then(|d| d[i].as_str()).map(str::to_owned);
            variants.push(EnumVariant {
                rust_name,
                value: text,
                description,
            });
        }
        Some(TypeKind::Enum(Enum { repr, variants }))
    }
}

/// An `Option` in a named position is expressed through nullability of its uses instead.
fn strip_option(ty: TypeRef) -> TypeRef {
    match ty {
        TypeRef::Option(inner) => *inner,
        other => other,
    }
}

/// The integer type for `format`; without one, `i64` (`minimum: 0` alone does not make a number
/// unsigned: servers still send what fits `i64`).
fn int_kind(format: &str) -> IntKind {
    match format {
        "int8" => IntKind::I8,
        "int16" => IntKind::I16,
        "int32" => IntKind::I32,
        "uint8" => IntKind::U8,
        "uint16" => IntKind::U16,
        "uint32" => IntKind::U32,
        "uint64" | "uint" => IntKind::U64,
        _ => IntKind::I64,
    }
}

/// A type name for the schema at `pointer` when it is reached through a `$ref` to somewhere other
/// than `components.schemas` (e.g. `#/paths/~1pets/get/responses/200/...`).
fn hint_from_pointer(pointer: &str) -> Option<String> {
    let last = pointer.rsplit('/').find(|s| {
        !s.is_empty()
            && !["schema", "items", "content", "properties"].contains(s)
            && !s.contains('~')
    })?;
    Some(names::type_name(last))
}

fn variant_name_for(member: &Value, index: usize) -> String {
    let kind = member.get("type").and_then(Value::as_str).or_else(|| {
        if member.get("properties").is_some() {
            Some("object")
        } else if member.get("items").is_some() {
            Some("array")
        } else {
            None
        }
    });
    match kind {
        Some("string") => "String".into(),
        Some("integer") => "Integer".into(),
        Some("number") => "Number".into(),
        Some("boolean") => "Boolean".into(),
        Some("array") => "Array".into(),
        Some("object") => "Object".into(),
        _ => format!("Variant{index}"),
    }
    .replace("String", "Text")
}

/// Marks the fields and variants that need `Box` because a type contains itself through them,
/// and returns the pointers of types that are only aliases of each other in a cycle.
pub(crate) fn mark_boxes(types: &mut [TypeDef]) -> Vec<String> {
    let count = types.len();
    let direct = |ty: &TypeRef| -> Option<usize> {
        match ty {
            TypeRef::Named(i) => Some(*i),
            TypeRef::Option(inner) => match inner.as_ref() {
                TypeRef::Named(i) => Some(*i),
                _ => None,
            },
            _ => None,
        }
    };
    let edges: Vec<Vec<usize>> = types
        .iter()
        .map(|t| match &t.kind {
            TypeKind::Struct(s) => s.fields.iter().filter_map(|f| direct(&f.ty)).collect(),
            TypeKind::Union(u) => u.variants.iter().filter_map(|v| direct(&v.ty)).collect(),
            TypeKind::Alias(ty) | TypeKind::Newtype(ty) => direct(ty).into_iter().collect(),
            TypeKind::Enum(_) => Vec::new(),
        })
        .collect();
    let component = strongly_connected(count, &edges);
    let mut alias_cycles = Vec::new();
    for index in 0..count {
        let same = |target: usize| component[target] == component[index];
        match &mut types[index].kind {
            TypeKind::Struct(s) => {
                for field in &mut s.fields {
                    field.boxed = direct(&field.ty).is_some_and(same);
                }
            }
            TypeKind::Union(u) => {
                for variant in &mut u.variants {
                    variant.boxed = direct(&variant.ty).is_some_and(same);
                }
            }
            TypeKind::Alias(ty) => {
                if direct(ty).is_some_and(same) {
                    alias_cycles.push(index);
                }
            }
            TypeKind::Enum(_) | TypeKind::Newtype(_) => {}
        }
    }
    // A cycle made only of aliases has no struct to hold a Box: report it.
    alias_cycles
        .into_iter()
        .filter(|&index| {
            (0..count)
                .filter(|&other| component[other] == component[index])
                .all(|other| matches!(types[other].kind, TypeKind::Alias(_)))
        })
        .map(|index| types[index].pointer.clone())
        .collect()
}

/// Tarjan's algorithm, iterative (deep graphs must not overflow the stack). Returns a component id per node.
fn strongly_connected(count: usize, edges: &[Vec<usize>]) -> Vec<usize> {
    const UNVISITED: usize = usize::MAX;
    let mut index_of = vec![UNVISITED; count];
    let mut low = vec![0; count];
    let mut on_stack = vec![false; count];
    let mut stack = Vec::new();
    let mut component = vec![UNVISITED; count];
    let mut next_index = 0;
    let mut next_component = 0;
    for start in 0..count {
        if index_of[start] != UNVISITED {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(start, 0)];
        while let Some(&mut (node, ref mut edge)) = work.last_mut() {
            if *edge == 0 && index_of[node] == UNVISITED {
                index_of[node] = next_index;
                low[node] = next_index;
                next_index += 1;
                stack.push(node);
                on_stack[node] = true;
            }
            if let Some(&target) = edges[node].get(*edge) {
                *edge += 1;
                if index_of[target] == UNVISITED {
                    work.push((target, 0));
                } else if on_stack[target] {
                    low[node] = low[node].min(index_of[target]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index_of[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

/// Turns aliases that mention themselves through arrays, maps or other aliases
/// (`type Tree = Vec<Tree>`, which Rust rejects as a cycle) into newtype structs.
pub(crate) fn break_alias_cycles(types: &mut [TypeDef]) {
    fn mentions(ty: &TypeRef, out: &mut Vec<usize>) {
        match ty {
            TypeRef::Named(index) => out.push(*index),
            TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) => {
                mentions(inner, out);
            }
            _ => {}
        }
    }
    let edges: Vec<Vec<usize>> = types
        .iter()
        .map(|t| match &t.kind {
            TypeKind::Alias(ty) => {
                let mut out = Vec::new();
                mentions(ty, &mut out);
                out.retain(|&target| matches!(types[target].kind, TypeKind::Alias(_)));
                out
            }
            _ => Vec::new(),
        })
        .collect();
    let component = strongly_connected(types.len(), &edges);
    for index in 0..types.len() {
        let in_cycle = edges[index]
            .iter()
            .any(|&target| component[target] == component[index]);
        if in_cycle && let TypeKind::Alias(ty) = &types[index].kind {
            types[index].kind = TypeKind::Newtype(ty.clone());
        }
    }
}
