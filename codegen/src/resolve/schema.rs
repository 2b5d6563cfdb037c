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
//! - integers are `i64` unless `format` says `int32`, `uint64`, ...; numbers are
//!   `serde_json::Number` whatever their `format`, so a whole number stays whole (`13`, not `13.0`);
//! - `const` without `type` has the type of its value (the value itself is not checked);
//! - anything else (no type, type lists such as `[string, integer]`, `not`, `if`/`then`) is kept
//!   as raw JSON (`serde_json::Value`).

use super::keywords::Keywords;
use super::{MAX_DEPTH, Resolver, docs_of, scalar_text};
use crate::diag::{Diagnostic, join};
use crate::ir::{
    Enum, EnumRepr, EnumVariant, Extra, Field, IntKind, Struct, TypeKind, TypeRef, Union,
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
    map.nullable_flag()
        || map
            .type_keyword()
            .and_then(Value::as_array)
            .is_some_and(|types| types.iter().any(|t| t.as_str() == Some("null")))
        || map.single_type() == Some("null")
        || map
            .enum_values()
            .is_some_and(|values| values.iter().any(|v| matches!(v, Value::Null)))
        || union_accepts_null(map)
}

/// Keywords that describe a schema without constraining its values.
const ANNOTATIONS: &[&str] = &[
    "description",
    "title",
    "summary",
    "example",
    "examples",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "externalDocs",
    "xml",
    "$comment",
];

/// A schema that accepts any value, `null` included: `{}`, `true`, or annotations only.
fn accepts_anything(schema: &Value) -> bool {
    match schema {
        Value::Bool(accepts) => *accepts,
        Value::Object(map) => map
            .keys()
            .all(|key| ANNOTATIONS.contains(&key.as_str()) || key.starts_with("x-")),
        _ => false,
    }
}

/// A `oneOf`/`anyOf` with a member that accepts `null` (`type: 'null'`, `nullable: true`, or a
/// schema that accepts anything, as DigitalOcean's `pages: {anyOf: [..., {}]}`): an explicit
/// `null` must then be kept apart from an absent value.
fn union_accepts_null(map: &Object) -> bool {
    union_members(map).is_some_and(|(_, members)| {
        members.iter().any(|member| {
            is_null_schema(member) || accepts_anything(member) || member.nullable_flag()
        })
    })
}

/// The single non-null `type`, if there is exactly one.
fn primary_type(map: &Object) -> Result<Option<&str>, ()> {
    match map.type_keyword() {
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
    map.one_of()
        .map(|members| ("oneOf", members))
        .or_else(|| map.any_of().map(|members| ("anyOf", members)))
}

fn is_null_schema(value: &Value) -> bool {
    value.single_type() == Some("null")
        || value
            .enum_values()
            .is_some_and(|v| v.len() == 1 && matches!(v[0], Value::Null))
}

impl<'a> Resolver<'a> {
    /// Whether `map` accepts `null`: [`is_nullable`], or an `allOf` whose every part accepts it
    /// (DigitalOcean's `allOf: [{$ref: nullable}, {description: ...}]`); the parts' `$ref`s are
    /// followed one step.
    fn accepts_null(&self, map: &Object) -> bool {
        if is_nullable(map) {
            return true;
        }
        let Some(members) = map.all_of() else {
            return false;
        };
        let own_constraints = map.keys().any(|key| {
            key != "allOf" && !ANNOTATIONS.contains(&key.as_str()) && !key.starts_with("x-")
        });
        if own_constraints {
            return false;
        }
        let mut nullable_part = false;
        for member in members {
            let target = match member.reference() {
                Some(reference) => {
                    let pointer = crate::pointer::from_reference(reference);
                    match crate::pointer::get(self.root, &pointer) {
                        Some(target) if reference.starts_with('#') => target,
                        _ => return false,
                    }
                }
                None => member,
            };
            if target.as_object().is_some_and(is_nullable) {
                nullable_part = true;
            } else if !accepts_anything(target) {
                return false;
            }
        }
        nullable_part
    }

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
        if let Some(reference) = map.ref_keyword() {
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
            let sibling_nullable = map.nullable_flag();
            let target_nullable = target.as_object().is_some_and(|t| self.accepts_null(t));
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
        if let Some(properties) = map.properties()
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
        let nullable = self.accepts_null(map);
        let ty = self.schema_body(pointer, schema, map, hint);
        if nullable { optional(ty) } else { ty }
    }

    fn needs_name(map: &Object) -> bool {
        let has_properties = map.has_properties();
        let enum_values = map.enum_values().is_some_and(|v| {
            v.iter()
                .any(|v| matches!(v, Value::String(_) | Value::Int(_)))
        });
        let all_of = map.all_of().is_some_and(|m| m.len() > 1 || has_properties);
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
        if let Some(members) = map.all_of()
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
        let format = map.format();
        // OpenAPI 3.1 `const` without a `type`: the constant's own type.
        let const_type = match map.const_value() {
            Some(Value::String(_)) => Some("string"),
            Some(Value::Int(_) | Value::UInt(_)) => Some("integer"),
            Some(Value::Float(_)) => Some("number"),
            Some(Value::Bool(_)) => Some("boolean"),
            _ => None,
        };
        let guessed = primary.or(const_type).or_else(|| {
            if map.properties().is_some() || map.additional_properties().is_some() {
                Some("object")
            } else if map.items().is_some() {
                Some("array")
            } else {
                None
            }
        });
        if guessed.is_none()
            && let Some(Value::Array(types)) = map.type_keyword()
        {
            let listed: Vec<&str> = types
                .iter()
                .filter_map(Value::as_str)
                .filter(|t| *t != "null")
                .collect();
            self.warn(
                Diagnostic::new(
                    join(pointer, "type"),
                    format!("a value of several types ({})", listed.join(", ")),
                )
                .note("it is read as `serde_json::Value`"),
            );
            return TypeRef::Any;
        }
        match guessed {
            Some("string") => {
                let binary = format == "binary"
                    || map
                        .content_media_type()
                        .is_some_and(|m| !m.starts_with("text/") && !m.contains("json"));
                if binary {
                    TypeRef::Binary
                } else {
                    TypeRef::String
                }
            }
            Some("integer") => TypeRef::Integer(integer_kind(map, format)),
            Some("number") => match format {
                "int32" | "int64" | "integer" => TypeRef::Integer(int_kind(format)),
                // `float` and `double` too: the kind of the number sent must survive.
                _ => TypeRef::Number,
            },
            Some("boolean") => TypeRef::Boolean,
            Some("null") => TypeRef::Option(Box::new(TypeRef::Any)),
            Some("array") => match map.items() {
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
            Some("object") => match map.additional_properties() {
                Some(Value::Object(value_schema)) if !value_schema.is_empty() => {
                    let value_hint = format!("{hint}Value");
                    let ap = map.additional_properties().unwrap_or(&Value::Null);
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
        if map.ref_keyword().is_some() || map.properties().is_some_and(|p| p.as_object().is_none())
        {
            // References, and malformed schemas (reported there), are handled as uses.
            return TypeKind::Alias(self.schema_ref(pointer, schema, name));
        }
        if self.accepts_null(map) {
            self.nullable_types[index] = true;
        }
        if let Some(members) = map.all_of() {
            let has_properties = map.has_properties();
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
        if let Some(values) = map.enum_keyword()
            && let Some(kind) = self.enumeration(pointer, map, values)
        {
            return kind;
        }
        if map.has_properties() {
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
            if let Some(props) = part.properties() {
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
            match part.required() {
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
            if let Some(ap) = part.additional_properties() {
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
        let before = self.diagnostics.len();
        if !self.collect_all_of(pointer, map, &mut parts, 0) {
            if self.diagnostics.len() == before {
                self.warn(
                    Diagnostic::new(
                        join(pointer, "allOf"),
                        format!("`{name}` combines parts that are not all objects (a union, an enum or a scalar type)"),
                    )
                    .note(format!("`{name}` is read as `serde_json::Value`"))
                    .help("make every `allOf` part an object schema to get a struct"),
                );
            }
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
        if let Some(members) = map.all_of() {
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
                let mergeable_type = matches!(target_map.single_type(), None | Some("object"));
                if union_members(target_map).is_some()
                    || target_map.enum_keyword().is_some()
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
        let property = map.discriminator_property();
        let mapping = map.discriminator_mapping();
        for (i, member) in members.iter().enumerate() {
            if is_null_schema(member) {
                continue;
            }
            let member_pointer = format!("{pointer}/{key}/{i}");
            let reference = member.reference();
            let base = match reference {
                Some(r) => names::type_name(r.rsplit('/').next().unwrap_or(r)),
                None => member
                    .title()
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
        // The catch-all is named with the alternatives, from the same scope.
        let other_name = if scope.contains("Other") {
            scope.claim("Unrecognized".to_owned())
        } else {
            scope.claim("Other".to_owned())
        };
        TypeKind::Union(Union {
            variants,
            other_name,
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
        let custom_names = map
            .enum_names()
            .filter(|names| names.len() == non_null.len());
        let descriptions = map
            .enum_descriptions()
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

/// The integer type for `format`, or without one for the values the schema shows: a `maximum`,
/// `default` or `example` beyond `i64`, with no negative `minimum`, is `u64` (DigitalOcean's Kafka
/// settings go up to 2^63, which an `i64` cannot hold).
fn integer_kind(map: &Object, format: &str) -> IntKind {
    let beyond_i64 =
        |key: &str| matches!(map.keyword(key), Some(Value::UInt(n)) if *n > i64::MAX as u64);
    let negative_allowed = map
        .minimum()
        .is_some_and(|minimum| minimum.as_f64().is_some_and(|m| m < 0.0));
    if format.is_empty()
        && !negative_allowed
        && (beyond_i64("maximum") || beyond_i64("default") || beyond_i64("example"))
    {
        return IntKind::U64;
    }
    int_kind(format)
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
    let kind = member.single_type().or_else(|| {
        if member.properties().is_some() {
            Some("object")
        } else if member.items().is_some() {
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
