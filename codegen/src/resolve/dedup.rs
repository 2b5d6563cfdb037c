//! Merges inline schemas that have the same shape into one type.
//!
//! Large specs repeat the same anonymous object many times (GitHub's webhook payloads carry the
//! same inline `user`, `repository` and `label` objects hundreds of times). Each copy used to
//! become its own struct with its own serde code, which is most of what such a client costs to
//! compile. Two types are the same shape when they are the same kind with the same JSON names,
//! Rust names, requiredness and nullability, and the types they refer to are the same shape in
//! turn (the coarsest bisimulation, found by refining classes until they stop splitting).
//! Documentation is not part of the shape: the type that stays keeps its own.
//!
//! Only inline schemas are merged away. A component (`#/components/schemas/X`) is a name the spec
//! gives on purpose, so it always stays; an inline schema shaped like a component becomes that
//! component.

use crate::ir::{Api, Operation, TypeDef, TypeKind, TypeRef};
use rustc_hash::FxHashMap;

/// Merges same-shaped inline types of `api`, rewriting every reference to them. Types keep their
/// relative order; a merged type's pointer is kept in [`TypeDef::merged`] of the one that stays.
pub(crate) fn merge_same_shapes(api: &mut Api) {
    let class = shape_classes(&api.types);
    // The type each class keeps: its first component, else its first type.
    let mut keeper: FxHashMap<usize, usize> = FxHashMap::default();
    for (index, def) in api.types.iter().enumerate() {
        let entry = keeper.entry(class[index]).or_insert(index);
        if is_component(&api.types[*entry].pointer) {
            continue;
        }
        if is_component(&def.pointer) {
            *entry = index;
        }
    }
    let target: Vec<usize> = (0..api.types.len())
        .map(|index| {
            if is_component(&api.types[index].pointer) {
                index
            } else {
                keeper[&class[index]]
            }
        })
        .collect();
    if target.iter().enumerate().all(|(index, &to)| index == to) {
        return;
    }
    // New indexes of the types that stay, in their old order.
    let mut new_index = vec![usize::MAX; api.types.len()];
    let mut kept = 0;
    for (index, &to) in target.iter().enumerate() {
        if to == index {
            new_index[index] = kept;
            kept += 1;
        }
    }
    let remap = |old: usize| new_index[target[old]];
    let old_types = std::mem::take(&mut api.types);
    let mut merged_into: Vec<Vec<String>> = vec![Vec::new(); kept];
    let mut types = Vec::with_capacity(kept);
    for (index, mut def) in old_types.into_iter().enumerate() {
        if target[index] != index {
            merged_into[remap(index)].push(def.pointer);
            continue;
        }
        rewrite_kind(&mut def.kind, &remap);
        types.push(def);
    }
    for (def, pointers) in types.iter_mut().zip(merged_into) {
        def.merged.extend(pointers);
    }
    api.types = types;
    for operation in &mut api.operations {
        rewrite_operation(operation, &remap);
    }
}

/// Whether `pointer` names a component schema itself, not something inside one.
fn is_component(pointer: &str) -> bool {
    let pointer = pointer.strip_prefix('#').unwrap_or(pointer);
    pointer
        .strip_prefix("/components/schemas/")
        .is_some_and(|rest| !rest.contains('/'))
}

/// The shape class of every type: equal classes mean interchangeable types.
fn shape_classes(types: &[TypeDef]) -> Vec<usize> {
    // Each type's own shape, with the types it refers to left out, is computed once; refining
    // then only compares the classes of those referred types.
    let mut local_ids: FxHashMap<String, usize> = FxHashMap::default();
    let mut refs: Vec<Vec<usize>> = Vec::with_capacity(types.len());
    let local: Vec<usize> = types
        .iter()
        .map(|def| {
            let mut referred = Vec::new();
            let key = shape_key(&def.kind, &mut referred);
            refs.push(referred);
            let fresh = local_ids.len();
            *local_ids.entry(key).or_insert(fresh)
        })
        .collect();
    let mut class = local.clone();
    let mut count = local_ids.len();
    loop {
        let mut ids: FxHashMap<(usize, Vec<usize>), usize> = FxHashMap::default();
        let next: Vec<usize> = (0..types.len())
            .map(|index| {
                let key = (
                    local[index],
                    refs[index].iter().map(|&r| class[r]).collect::<Vec<_>>(),
                );
                let fresh = ids.len();
                *ids.entry(key).or_insert(fresh)
            })
            .collect();
        // Refinement only ever splits classes, so an unchanged count means a fixed point.
        let done = ids.len() == count;
        count = ids.len();
        class = next;
        if done {
            return class;
        }
    }
}

/// A text that is equal for two kinds exactly when they have the same shape, but for the types
/// they refer to, which are pushed onto `referred` in order.
fn shape_key(kind: &TypeKind, referred: &mut Vec<usize>) -> String {
    use std::fmt::Write;
    let mut key = String::new();
    match kind {
        TypeKind::Struct(s) => {
            key.push('S');
            for field in &s.fields {
                let _ = write!(
                    key,
                    "|{:?}|{}|{}{}|",
                    field.json_name,
                    field.rust_name,
                    u8::from(field.required),
                    u8::from(field.nullable)
                );
                type_key(&mut key, &field.ty, referred);
            }
            match &s.extra {
                crate::ir::Extra::Keep { field } => {
                    let _ = write!(key, "#K{field}");
                }
                crate::ir::Extra::Typed { field, value } => {
                    let _ = write!(key, "#T{field}:");
                    type_key(&mut key, value, referred);
                }
                crate::ir::Extra::Ignore => key.push_str("#I"),
            }
        }
        TypeKind::Enum(e) => {
            let _ = write!(key, "E{:?}", e.repr);
            for variant in &e.variants {
                let _ = write!(key, "|{}={:?}", variant.rust_name, variant.value);
            }
        }
        TypeKind::Union(u) => {
            let _ = write!(key, "U{:?}|{}", u.discriminator, u.other_name);
            for variant in &u.variants {
                let _ = write!(key, "|{}{:?}:", variant.rust_name, variant.tags);
                type_key(&mut key, &variant.ty, referred);
            }
        }
        TypeKind::Alias(ty) => {
            key.push('A');
            type_key(&mut key, ty, referred);
        }
        TypeKind::Newtype(ty) => {
            key.push('N');
            type_key(&mut key, ty, referred);
        }
    }
    key
}

fn type_key(key: &mut String, ty: &TypeRef, referred: &mut Vec<usize>) {
    use std::fmt::Write;
    match ty {
        TypeRef::Named(index) => {
            key.push('@');
            referred.push(*index);
        }
        TypeRef::Array(inner) => {
            key.push('[');
            type_key(key, inner, referred);
        }
        TypeRef::Map(inner) => {
            key.push('{');
            type_key(key, inner, referred);
        }
        TypeRef::Option(inner) => {
            key.push('?');
            type_key(key, inner, referred);
        }
        other => {
            let _ = write!(key, "{other:?}");
        }
    }
}

fn rewrite_ref(ty: &mut TypeRef, remap: &impl Fn(usize) -> usize) {
    match ty {
        TypeRef::Named(index) => *index = remap(*index),
        TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) => {
            rewrite_ref(inner, remap)
        }
        _ => {}
    }
}

fn rewrite_kind(kind: &mut TypeKind, remap: &impl Fn(usize) -> usize) {
    kind.for_each_ref_mut(&mut |ty| rewrite_ref(ty, remap));
}

fn rewrite_operation(operation: &mut Operation, remap: &impl Fn(usize) -> usize) {
    operation.for_each_ref_mut(&mut |ty| rewrite_ref(ty, remap));
    if let Some(pagination) = &mut operation.pagination {
        pagination.page_type = remap(pagination.page_type);
    }
}
