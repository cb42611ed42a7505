//! What lowering learns about the types once they are all declared: which are sent and
//! received, which fields close a cycle, which types have a `Default`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::{Operation, RustType, TypeDef};

/// Marks the types reachable from request parameters as sent and those reachable from answers
/// as received ([`super::Struct::sent`], [`super::Struct::received`], [`super::Enum::sent`]).
pub(super) fn mark_use(types: &mut [TypeDef], operations: &[Operation]) {
    let sent = reachable(
        types,
        operations
            .iter()
            .flat_map(|op| &op.params)
            .filter_map(|p| p.field.ty.named()),
    );
    let received = reachable(
        types,
        operations
            .iter()
            .filter_map(|op| op.response.as_ref()?.named()),
    );
    for t in types.iter_mut() {
        match t {
            TypeDef::Struct(s) => {
                s.sent = sent.contains(&s.name);
                s.received = received.contains(&s.name);
            }
            TypeDef::Enum(e) => e.sent = sent.contains(&e.name),
        }
    }
}

/// The names of the types `roots` refer to, and of those their fields refer to, and so on.
fn reachable<'t>(types: &'t [TypeDef], roots: impl Iterator<Item = &'t str>) -> BTreeSet<String> {
    let fields: HashMap<&str, Vec<&str>> = types
        .iter()
        .filter_map(|t| match t {
            TypeDef::Struct(s) => Some((
                s.name.as_str(),
                s.fields.iter().filter_map(|f| f.ty.named()).collect(),
            )),
            TypeDef::Enum(_) => None,
        })
        .collect();
    let mut todo: Vec<&str> = roots.collect();
    let mut seen = BTreeSet::new();
    while let Some(name) = todo.pop() {
        if seen.insert(name.to_owned()) {
            todo.extend(fields.get(name).into_iter().flatten());
        }
    }
    seen
}

/// Named types a field refers to without a `Vec` or map in between.
fn direct_refs(ty: &RustType) -> Option<&str> {
    match ty {
        RustType::Named(n) => Some(n),
        _ => None,
    }
}

/// Boxes every direct struct field that closes a cycle, so recursive models have a finite size.
pub(super) fn box_cycles(types: &mut [TypeDef]) {
    let graph: BTreeMap<String, Vec<String>> = types
        .iter()
        .filter_map(|t| match t {
            TypeDef::Struct(s) => Some((
                s.name.clone(),
                s.fields
                    .iter()
                    .filter_map(|f| direct_refs(&f.ty))
                    .map(str::to_owned)
                    .collect(),
            )),
            TypeDef::Enum(_) => None,
        })
        .collect();
    let reaches = |from: &str, to: &str| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_owned()];
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if seen.insert(n.clone()) {
                stack.extend(graph.get(&n).into_iter().flatten().cloned());
            }
        }
        false
    };
    for t in types.iter_mut() {
        if let TypeDef::Struct(s) = t {
            for f in &mut s.fields {
                if let Some(target) = direct_refs(&f.ty) {
                    f.boxed = graph.contains_key(target) && reaches(target, &s.name);
                }
            }
        }
    }
}

/// Sets [`super::Struct::default`]: a struct derives `Default` unless it is sent with required
/// fields (the default would be an invalid request) or a field that is not an `Option` has a
/// type without one (enums have none; a boxed field closing a cycle would recurse forever).
/// Run after [`mark_use`], which decides what is an `Option`.
pub(super) fn mark_defaults(types: &mut [TypeDef]) {
    let mut no_default: BTreeSet<String> = types
        .iter()
        .filter_map(|t| match t {
            TypeDef::Enum(e) => Some(e.name.clone()),
            TypeDef::Struct(_) => None,
        })
        .collect();
    for t in types.iter_mut() {
        if let TypeDef::Struct(s) = t {
            if s.has_constructor() {
                s.default = false;
                no_default.insert(s.name.clone());
            }
        }
    }
    loop {
        let mut changed = false;
        for t in types.iter_mut() {
            let TypeDef::Struct(s) = t else { continue };
            let lacks = s.fields.iter().any(|f| {
                !s.is_option(f)
                    && (f.boxed || matches!(&f.ty, RustType::Named(n) if no_default.contains(n)))
            });
            if lacks && s.default {
                s.default = false;
                no_default.insert(s.name.clone());
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
}
