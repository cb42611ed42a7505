//! Recognises cursor pagination: a request `nextToken` and an answer `nextToken`.

use crate::ir::{Field, Location, Pagination, Param, Response, Ty};

const CURSOR: &str = "nextToken";
const PAGE_SIZES: &[&str] = &["maxResults", "pageSize"];

/// The pagination of an operation, when it takes a `nextToken` (a query or body parameter, or
/// a field of a body object such as `option.nextToken`) and answers one at the top level of its
/// JSON object, beside exactly one array (the page's items). `maxResults`/`pageSize` beside
/// the request cursor is the page size; a boolean `hasMore` answer field is `has_more`.
pub fn detect(params: &[Param], response: &Response) -> Option<Pagination> {
    let Response::Fields(answer) = response else {
        return None;
    };
    answer
        .iter()
        .find(|f| f.wire == CURSOR && f.ty == Ty::String)?;
    let mut arrays = answer.iter().filter(|f| matches!(f.ty, Ty::Array(_)));
    let items = arrays.next()?;
    if arrays.next().is_some() {
        return None;
    }
    let (cursor, page_size) = request_cursor(params)?;
    let has_more = answer
        .iter()
        .find(|f| f.wire == "hasMore" && f.ty == Ty::Boolean)
        .map(|f| f.wire.clone());
    Some(Pagination {
        cursor,
        page_size,
        next: CURSOR.to_owned(),
        items: items.wire.clone(),
        has_more,
    })
}

/// Where the request's cursor is, and the page size beside it.
fn request_cursor(params: &[Param]) -> Option<(String, Option<String>)> {
    let plain =
        |p: &&Param| p.style.is_none() && matches!(p.location, Location::Query | Location::Body);
    if params
        .iter()
        .filter(plain)
        .any(|p| is_cursor(&p.wire, &p.ty))
    {
        let size = params
            .iter()
            .filter(plain)
            .find(|p| is_page_size(&p.wire, &p.ty))
            .map(|p| p.wire.clone());
        return Some((CURSOR.to_owned(), size));
    }
    params
        .iter()
        .filter(|p| p.location == Location::Body && p.style.is_none())
        .find_map(|p| {
            let Ty::Object(fields) = &p.ty else {
                return None;
            };
            fields.iter().find(|f| is_cursor(&f.wire, &f.ty))?;
            let size = fields
                .iter()
                .find(|f: &&Field| is_page_size(&f.wire, &f.ty))
                .map(|f| format!("{}.{}", p.wire, f.wire));
            Some((format!("{}.{CURSOR}", p.wire), size))
        })
}

fn is_cursor(wire: &str, ty: &Ty) -> bool {
    wire == CURSOR && *ty == Ty::String
}

fn is_page_size(wire: &str, ty: &Ty) -> bool {
    PAGE_SIZES.contains(&wire) && *ty == Ty::Int64
}
