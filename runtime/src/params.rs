//! Encoding structured parameter values, for operations whose query parameters are objects.

use crate::{Error, Request};

/// How an object-valued query parameter is written (OpenAPI `style` and `explode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectStyle {
    /// `style: deepObject`: `name[key]=value` per property.
    DeepObject,
    /// `style: form, explode: true`: `key=value` per property.
    Form,
    /// Anything else: the value as JSON text in `name`.
    Json,
}

/// Adds the structured `value` to `request` under `name` in the given style. Scalars are written
/// as text; nested objects and arrays inside an object are written as JSON text.
pub fn query_structured<T: serde::Serialize + ?Sized>(
    request: &mut Request,
    name: &'static str,
    value: &T,
    style: ObjectStyle,
) -> Result<(), Error> {
    let value = serde_json::to_value(value).map_err(|err| {
        Error::InvalidArgument(format!("query parameter `{name}` cannot be encoded: {err}"))
    })?;
    match (&value, style) {
        (serde_json::Value::Object(map), ObjectStyle::DeepObject) => {
            for (key, item) in map {
                request.query_owned(format!("{name}[{key}]"), scalar_text(item));
            }
        }
        (serde_json::Value::Object(map), ObjectStyle::Form) => {
            for (key, item) in map {
                request.query_owned(key.clone(), scalar_text(item));
            }
        }
        (serde_json::Value::Null, _) => {}
        (other, _) => request.query(name, scalar_text(other)),
    }
    Ok(())
}

/// `value` as JSON text, for header values and multipart parts that hold structured data.
pub fn json_text<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    serde_json::to_string(value)
        .map_err(|err| Error::InvalidArgument(format!("value cannot be encoded as JSON: {err}")))
}

/// `value` as parameter text: strings as they are, other scalars as written in JSON, structured
/// values as JSON text (for path, header and cookie parameters whose schema is a union or object).
pub fn param_text<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    let value = serde_json::to_value(value).map_err(|err| {
        Error::InvalidArgument(format!("parameter value cannot be encoded: {err}"))
    })?;
    Ok(scalar_text(&value))
}

/// The items of an array parameter separated by commas (OpenAPI `style: form, explode: false`
/// and `style: simple`): `[1, 2, 3]` -> `1,2,3`.
pub fn comma_separated<T: std::fmt::Display>(items: &[T]) -> String {
    let mut text = String::new();
    for (index, item) in items.iter().enumerate() {
        if index > 0 {
            text.push(',');
        }
        text.push_str(&item.to_string());
    }
    text
}

fn scalar_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_are_plain_text_and_objects_json() {
        assert_eq!(scalar_text(&serde_json::json!("a b")), "a b");
        assert_eq!(scalar_text(&serde_json::json!(2.5)), "2.5");
        assert_eq!(scalar_text(&serde_json::json!({"a": 1})), r#"{"a":1}"#);
        assert_eq!(
            json_text(&serde_json::json!([1, "x"])).unwrap(),
            r#"[1,"x"]"#
        );
    }
}
