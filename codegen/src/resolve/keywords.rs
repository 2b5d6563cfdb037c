//! A typed view of the schema keywords the resolver reads.
//!
//! Every keyword of a Schema Object that changes the generated type is read here, by name, once;
//! the resolver asks `schema.all_of()` or `schema.nullable_flag()` instead of looking up strings,
//! so what it handles (and how a keyword's value is interpreted) is visible in one place.

use crate::value::{Object, Value};

/// The keywords of a schema, read from a mapping (or from a value that may be one).
pub(crate) trait Keywords<'a>: Copy {
    /// The value of the keyword `name`, when this is a mapping that has it. The named accessors
    /// below are the ones the resolver uses; this is for keywords read in a loop.
    fn keyword(self, name: &str) -> Option<&'a Value>;

    /// `$ref`, as written (a string when well formed).
    fn ref_keyword(self) -> Option<&'a Value> {
        self.keyword("$ref")
    }

    /// `$ref` when it is a string.
    fn reference(self) -> Option<&'a str> {
        self.ref_keyword().and_then(Value::as_str)
    }

    /// `type`, as written: a string, or in OpenAPI 3.1 a list of strings.
    fn type_keyword(self) -> Option<&'a Value> {
        self.keyword("type")
    }

    /// `type` when it is a single string.
    fn single_type(self) -> Option<&'a str> {
        self.type_keyword().and_then(Value::as_str)
    }

    /// `nullable: true` (OpenAPI 3.0).
    fn nullable_flag(self) -> bool {
        self.keyword("nullable").and_then(Value::as_bool) == Some(true)
    }

    /// `enum`, as written.
    fn enum_keyword(self) -> Option<&'a Value> {
        self.keyword("enum")
    }

    /// `enum` when it is a list.
    fn enum_values(self) -> Option<&'a [Value]> {
        self.enum_keyword().and_then(Value::as_array)
    }

    /// `x-enum-varnames` (or `x-enumNames`): Rust-friendly names of the `enum` values.
    fn enum_names(self) -> Option<&'a [Value]> {
        ["x-enum-varnames", "x-enumNames"]
            .iter()
            .find_map(|key| self.keyword(key).and_then(Value::as_array))
    }

    /// `x-enum-descriptions`: one description per `enum` value.
    fn enum_descriptions(self) -> Option<&'a [Value]> {
        self.keyword("x-enum-descriptions")
            .and_then(Value::as_array)
    }

    /// `const` (OpenAPI 3.1).
    fn const_value(self) -> Option<&'a Value> {
        self.keyword("const")
    }

    /// `format`, or `""` when absent.
    fn format(self) -> &'a str {
        self.keyword("format")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// `contentMediaType` (OpenAPI 3.1): a string of another media type's bytes.
    fn content_media_type(self) -> Option<&'a str> {
        self.keyword("contentMediaType").and_then(Value::as_str)
    }

    /// `properties`, as written (a mapping when well formed).
    fn properties(self) -> Option<&'a Value> {
        self.keyword("properties")
    }

    /// Whether `properties` is a mapping with at least one property.
    fn has_properties(self) -> bool {
        self.properties()
            .and_then(Value::as_object)
            .is_some_and(|properties| !properties.is_empty())
    }

    /// `required`, as written (a list of names when well formed).
    fn required(self) -> Option<&'a Value> {
        self.keyword("required")
    }

    /// `additionalProperties`: `false`, or the schema of the values.
    fn additional_properties(self) -> Option<&'a Value> {
        self.keyword("additionalProperties")
    }

    /// `items`: the schema of an array's items.
    fn items(self) -> Option<&'a Value> {
        self.keyword("items")
    }

    /// `allOf` when it is a list.
    fn all_of(self) -> Option<&'a [Value]> {
        self.keyword("allOf").and_then(Value::as_array)
    }

    /// `oneOf` when it is a list.
    fn one_of(self) -> Option<&'a [Value]> {
        self.keyword("oneOf").and_then(Value::as_array)
    }

    /// `anyOf` when it is a list.
    fn any_of(self) -> Option<&'a [Value]> {
        self.keyword("anyOf").and_then(Value::as_array)
    }

    /// `discriminator.propertyName`.
    fn discriminator_property(self) -> Option<&'a str> {
        self.keyword("discriminator")
            .and_then(|d| d.get("propertyName"))
            .and_then(Value::as_str)
    }

    /// `discriminator.mapping`: tag values to `$ref`s.
    fn discriminator_mapping(self) -> Option<&'a Object> {
        self.keyword("discriminator")
            .and_then(|d| d.get("mapping"))
            .and_then(Value::as_object)
    }

    /// `title`.
    fn title(self) -> Option<&'a str> {
        self.keyword("title").and_then(Value::as_str)
    }

    /// `minimum`.
    fn minimum(self) -> Option<&'a Value> {
        self.keyword("minimum")
    }
}

impl<'a> Keywords<'a> for &'a Object {
    fn keyword(self, name: &str) -> Option<&'a Value> {
        self.get(name)
    }
}

impl<'a> Keywords<'a> for &'a Value {
    fn keyword(self, name: &str) -> Option<&'a Value> {
        self.get(name)
    }
}
