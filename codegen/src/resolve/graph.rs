//! Passes over the graph of named types, once every schema is lowered: which fields and variants
//! need `Box` (a type that contains itself), which aliases must become newtypes (a `type` alias
//! that mentions itself), and which schemas are only references to each other in a cycle.

use crate::ir::{TypeDef, TypeKind, TypeRef};

/// Marks the fields and variants that need `Box` because a type contains itself through them,
/// and returns the indexes of types that are only aliases of each other in a cycle.
pub(crate) fn mark_boxes(types: &mut [TypeDef]) -> Vec<usize> {
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
