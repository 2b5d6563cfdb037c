//! Splits a client into cargo features, one per group of operations, for specs so large that a
//! user should compile only the part they call (GitHub's: 1,100 operations in 47 groups).
//!
//! An operation belongs to the feature of its first tag. A type belongs to every feature whose
//! operations reach it through parameters, bodies, answers and the fields of the types those
//! use; a type every feature reaches is always compiled, and types no operation reaches get a
//! feature of their own ([`Features::UNREACHABLE`]).

use crate::ir::{Api, Features, TypeRef};
use crate::names::Scope;

/// Decides the features of `api`'s operations and types.
pub fn plan(api: &Api) -> Features {
    let mut names: Vec<String> = Vec::new();
    let mut taken = Scope::with_reserved(&["default", "full", Features::UNREACHABLE]);
    let mut by_tag: rustc_hash::FxHashMap<&str, usize> = Default::default();
    let of_operation: Vec<usize> = api
        .operations
        .iter()
        .map(|operation| {
            let tag = operation.tag.as_deref().unwrap_or(Features::UNTAGGED);
            *by_tag.entry(tag).or_insert_with(|| {
                names.push(taken.claim(feature_name(tag)));
                names.len() - 1
            })
        })
        .collect();
    let mut reached: Vec<Vec<usize>> = vec![Vec::new(); api.types.len()];
    for (operation, &feature) in api.operations.iter().zip(&of_operation) {
        let mut roots = Vec::new();
        operation.for_each_ref(&mut |ty| push_named(ty, &mut roots));
        mark_reachable(api, roots, feature, &mut reached);
    }
    let operation_features = names.len();
    // Types no operation uses get a feature of their own, which also needs every type they use.
    let unused: Vec<usize> = (0..api.types.len())
        .filter(|&index| reached[index].is_empty())
        .collect();
    if !unused.is_empty() {
        names.push(Features::UNREACHABLE.to_owned());
        mark_reachable(api, unused, names.len() - 1, &mut reached);
    }
    let of_type = reached
        .into_iter()
        .map(|mut features| {
            features.sort_unstable();
            let operations_reaching = features
                .iter()
                .filter(|&&feature| feature < operation_features)
                .count();
            (operations_reaching < operation_features).then_some(features)
        })
        .collect();
    Features {
        names,
        of_operation,
        of_type,
    }
}

/// Records `feature` on the types `roots` and on every type they use, field by field.
fn mark_reachable(api: &Api, mut stack: Vec<usize>, feature: usize, reached: &mut [Vec<usize>]) {
    while let Some(index) = stack.pop() {
        // Recorded means this type and all it reaches were walked for this feature.
        if reached[index].contains(&feature) {
            continue;
        }
        reached[index].push(feature);
        api.types[index]
            .kind
            .for_each_ref(&mut |ty| push_named(ty, &mut stack));
    }
}

/// The named types `ty` mentions directly.
fn push_named(ty: &TypeRef, stack: &mut Vec<usize>) {
    match ty {
        TypeRef::Named(index) => stack.push(*index),
        TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) => {
            push_named(inner, stack)
        }
        _ => {}
    }
}

/// A cargo feature name for the tag `tag`: lower case, words joined by `-`.
fn feature_name(tag: &str) -> String {
    let mut name = String::new();
    for word in tag
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
    {
        if !name.is_empty() {
            name.push('-');
        }
        name.push_str(&word.to_ascii_lowercase());
    }
    if name.is_empty() {
        name.push_str("tag");
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r#"
openapi: 3.0.3
info: {title: Pets, version: "1"}
paths:
  /pets:
    get:
      operationId: listPets
      tags: [pets, extra]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}
  /owners:
    post:
      operationId: createOwner
      tags: [Owner Records]
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Owner'}
      responses:
        '204': {description: created}
  /health:
    get:
      operationId: health
      responses:
        '204': {description: fine}
components:
  schemas:
    Pet:
      type: object
      properties:
        owner: {$ref: '#/components/schemas/Owner'}
    Owner:
      type: object
      properties:
        name: {type: string}
    Orphan:
      type: object
      properties:
        id: {type: string}
        pet: {$ref: '#/components/schemas/Pet'}
"#;

    #[test]
    fn operations_take_their_first_tag_and_types_follow_their_users() {
        let api = crate::load(SPEC, &crate::Config::new("pets.yaml")).unwrap();
        let features = plan(&api);
        assert_eq!(
            features.names,
            ["pets", "owner-records", "untagged", Features::UNREACHABLE]
        );
        assert_eq!(features.of_operation, [0, 1, 2]);
        let of = |name: &str| {
            let index = api.types.iter().position(|t| t.name == name).unwrap();
            features.of_type[index].clone()
        };
        // Only `listPets` reaches `Pet`; `Owner` is reached by two of the three operation
        // features, so it is compiled under either.
        // `Orphan`, which no operation uses, has a feature of its own, which also needs the
        // types it refers to.
        assert_eq!(of("Pet"), Some(vec![0, 3]));
        assert_eq!(of("Owner"), Some(vec![0, 1, 3]));
        assert_eq!(of("Orphan"), Some(vec![3]));
    }

    #[test]
    fn a_type_every_feature_uses_is_always_compiled() {
        let spec = SPEC
            .replace("tags: [Owner Records]", "tags: [pets]")
            .replace(
                "      operationId: health\n",
                "      operationId: health\n      tags: [pets]\n",
            );
        let api = crate::load(&spec, &crate::Config::new("pets.yaml")).unwrap();
        let features = plan(&api);
        assert_eq!(features.names, ["pets", Features::UNREACHABLE]);
        let owner = api.types.iter().position(|t| t.name == "Owner").unwrap();
        assert_eq!(features.of_type[owner], None);
    }

    #[test]
    fn feature_names_are_what_cargo_accepts() {
        assert_eq!(feature_name("repos"), "repos");
        assert_eq!(feature_name("Code Scanning"), "code-scanning");
        assert_eq!(feature_name("dependency_graph"), "dependency-graph");
        assert_eq!(feature_name("???"), "tag");
    }
}
