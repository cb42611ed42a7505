//! Paginated operations page through a list: unless a reply is scripted, the answer to an
//! operation with `pagination:` is page 1, 2 or 3 of a list, chosen by the cursor the request
//! carries (none for page 1), with the cursor of the next page (none on the last) and the
//! more-pages flag the spec names. Each page holds the items of the operation's example (or one
//! synthesised from the spec).

use dingtalk_openapi_codegen::spec::{self, Field, Pagination, SpecFile};
use dingtalk_openapi_codegen::types::TypeExpr;
use serde_json::{json, Value};

use super::registry::example_response;
use super::synth;
use super::ReceivedRequest;

/// How many pages the list has.
pub(crate) const PAGES: usize = 3;

/// The cursor of page `n` (2 and later; page 1 has none).
pub(crate) fn cursor(n: usize) -> String {
    format!("mock-page-{n}")
}

/// The page `req` asks for, or the message of the parameter error it gets.
pub(crate) fn answer(
    spec: &SpecFile,
    op: &spec::Operation,
    p: &Pagination,
    req: &ReceivedRequest,
) -> Result<Option<Value>, String> {
    let n = match cursor_of(p, req).filter(|c| !c.is_empty()) {
        None => 1,
        Some(c) => (2..=PAGES)
            .find(|n| cursor(*n) == c)
            .ok_or_else(|| format!("{} {c:?} is not a cursor this server gave", p.cursor))?,
    };
    Ok(page(spec, op, p, n))
}

/// Page `n` (from 1) of the list: the operation's example answer (or one synthesised), its
/// items there (synthesised when it has none), with the next page's cursor but on the last page
/// and the more-pages flag.
pub(crate) fn page(
    spec: &SpecFile,
    op: &spec::Operation,
    p: &Pagination,
    n: usize,
) -> Option<Value> {
    let mut page = example_response(spec, op)?;
    let Some(map) = page.as_object_mut() else {
        return Some(page);
    };
    let empty = map
        .get(&p.items)
        .and_then(Value::as_array)
        .is_none_or(Vec::is_empty);
    if empty {
        if let Some(f) = answer_field(spec, op, &p.items) {
            map.insert(p.items.clone(), synth::field(spec, &p.items, f));
        }
    }
    if n < PAGES {
        map.insert(p.next.clone(), json!(cursor(n + 1)));
    } else {
        map.remove(&p.next);
    }
    if let Some(h) = &p.has_more {
        map.insert(h.clone(), json!(n < PAGES));
    }
    Some(page)
}

/// The cursor the request carries: a query parameter, or a field of the body (`option.nextToken`).
fn cursor_of(p: &Pagination, req: &ReceivedRequest) -> Option<String> {
    if let Some(v) = req
        .query_param(&p.cursor)
        .filter(|_| !p.cursor.contains('.'))
    {
        return Some(v.to_owned());
    }
    let body: Value = serde_json::from_slice(&req.body).ok()?;
    body.pointer(&body_pointer(&p.cursor))?
        .as_str()
        .map(str::to_owned)
}

/// The JSON pointer of a cursor's place in the body: `option.nextToken` → `/option/nextToken`
/// (`~` and `/` in a name escaped as JSON pointers require).
pub(crate) fn body_pointer(cursor: &str) -> String {
    cursor
        .split('.')
        .map(|key| format!("/{}", key.replace('~', "~0").replace('/', "~1")))
        .collect()
}

/// The answer's field `name`: of `response.fields`, or of the model that is the response type.
fn answer_field<'s>(spec: &'s SpecFile, op: &'s spec::Operation, name: &str) -> Option<&'s Field> {
    let spec::Response::Body(b) = &op.response else {
        return None;
    };
    match b.ty.as_deref().map(TypeExpr::parse) {
        None => b.fields.get(name),
        Some(Ok(TypeExpr::Named(m))) => spec.models.get(&m)?.fields.as_ref()?.get(name),
        Some(_) => None,
    }
}
