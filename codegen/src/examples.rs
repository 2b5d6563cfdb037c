//! The examples a spec gives for its JSON answers and its schemas, each with the Rust type it
//! decodes into, so a test can check that every valid example survives a round trip through the
//! generated models unchanged (`scripts/round-trip-examples.sh` does, for every public spec).

use crate::emit::type_name;
use crate::ir::{Api, ResponseBody, TypeKind};
use crate::pointer::get as pointer_get;
use crate::value::Value;
use crate::{Config, Error};

/// One example value and what it claims to be.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// JSON pointer of the example value in the spec.
    pub pointer: String,
    /// JSON pointer of the schema the example follows.
    pub schema: String,
    /// The Rust type it decodes into, as written at the client's root (`types::Pet`,
    /// `Vec<types::Pet>`).
    pub rust_type: String,
    /// The example value.
    pub value: serde_json::Value,
}

/// Every example of `spec`: those of JSON success answers (the media type's `example` and
/// `examples`) and those of schemas that become named types (`example`, and the 3.1 `examples`
/// list). `null` examples are left out (there is nothing to round-trip).
pub fn collect(spec: &str, config: &Config) -> Result<Vec<Example>, Error> {
    let root = crate::parse(spec, config)?;
    let api = crate::resolve_tree(&root, spec, config)?;
    Ok(examples_of(&root, &api))
}

fn examples_of(root: &Value, api: &Api) -> Vec<Example> {
    let mut out = Vec::new();
    for op in &api.operations {
        for response in &op.responses {
            let (ResponseBody::Json(ty), Some(media)) = (&response.body, &response.media_type)
            else {
                continue;
            };
            let media_pointer =
                crate::diag::join(&crate::diag::join(&response.pointer, "content"), media);
            let Some(media_object) = pointer_get(root, &media_pointer) else {
                continue;
            };
            let schema = crate::diag::join(&media_pointer, "schema");
            let rust_type = type_name(api, ty, false);
            let mut push = |pointer: String, value: &Value| {
                if !matches!(value, Value::Null) {
                    out.push(Example {
                        pointer,
                        schema: schema.clone(),
                        rust_type: rust_type.clone(),
                        value: value.to_json(),
                    });
                }
            };
            if let Some(example) = media_object.get("example") {
                push(crate::diag::join(&media_pointer, "example"), example);
            }
            if let Some(examples) = media_object.get("examples").and_then(Value::as_object) {
                for (name, example) in examples {
                    let example_pointer =
                        crate::diag::join(&crate::diag::join(&media_pointer, "examples"), name);
                    // An example object, possibly a `$ref` to `components.examples`.
                    let (example_pointer, example) = follow_ref(root, example_pointer, example);
                    if let Some(value) = example.get("value") {
                        push(crate::diag::join(&example_pointer, "value"), value);
                    }
                }
            }
        }
    }
    for (index, def) in api.types.iter().enumerate() {
        if matches!(def.kind, TypeKind::Alias(crate::ir::TypeRef::Any)) {
            continue;
        }
        let rust_type = type_name(api, &crate::ir::TypeRef::Named(index), false);
        // A type merged from several same-shaped inline schemas follows each of their examples.
        for schema_pointer in std::iter::once(&def.pointer).chain(&def.merged) {
            let Some(schema) = pointer_get(root, schema_pointer) else {
                continue;
            };
            let mut candidates = Vec::new();
            if let Some(example) = schema.get("example") {
                candidates.push((crate::diag::join(schema_pointer, "example"), example));
            }
            if let Some(list) = schema.get("examples").and_then(Value::as_array) {
                for (i, example) in list.iter().enumerate() {
                    candidates.push((format!("{schema_pointer}/examples/{i}"), example));
                }
            }
            for (pointer, value) in candidates {
                if !matches!(value, Value::Null) {
                    out.push(Example {
                        pointer,
                        schema: schema_pointer.clone(),
                        rust_type: rust_type.clone(),
                        value: value.to_json(),
                    });
                }
            }
        }
    }
    out
}

/// Follows one `$ref` (to `#/components/examples/...`), if the node is one.
fn follow_ref<'v>(root: &'v Value, pointer: String, node: &'v Value) -> (String, &'v Value) {
    if let Some(reference) = node.get("$ref").and_then(Value::as_str)
        && reference.starts_with('#')
    {
        let target = crate::pointer::from_reference(reference);
        if let Some(found) = pointer_get(root, &target) {
            return (target.into_owned(), found);
        }
    }
    (pointer, node)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_answer_and_schema_examples() {
        let spec = r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /pets:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}
              example: [{id: 13}]
              examples:
                one: {value: [{id: 1.5}]}
                shared: {$ref: '#/components/examples/Pets'}
components:
  examples:
    Pets: {value: []}
  schemas:
    Pet:
      type: object
      properties: {id: {type: number}}
      example: {id: 2}
"##;
        let found = collect(spec, &Config::default()).unwrap();
        let summary: Vec<(&str, &str, String)> = found
            .iter()
            .map(|e| {
                (
                    e.pointer.as_str(),
                    e.rust_type.as_str(),
                    e.value.to_string(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (
                    "/paths/~1pets/get/responses/200/content/application~1json/example",
                    "Vec<types::Pet>",
                    r#"[{"id":13}]"#.to_owned()
                ),
                (
                    "/paths/~1pets/get/responses/200/content/application~1json/examples/one/value",
                    "Vec<types::Pet>",
                    r#"[{"id":1.5}]"#.to_owned()
                ),
                (
                    "/components/examples/Pets/value",
                    "Vec<types::Pet>",
                    "[]".to_owned()
                ),
                (
                    "/components/schemas/Pet/example",
                    "types::Pet",
                    r#"{"id":2}"#.to_owned()
                ),
            ]
        );
        assert_eq!(
            found[0].schema,
            "/paths/~1pets/get/responses/200/content/application~1json/schema"
        );
    }
}
