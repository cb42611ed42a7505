//! Writes the imported operations and models as YAML text in the spec's layout.
//!
//! The importer owns this layout: one line per scalar field (a flow mapping such as
//! `operatorId: { in: query, type: string, required: true }`), block mappings only where a field
//! has `fields:`. Strings are written plain where YAML reads them back as the same string, and
//! double-quoted (JSON escapes, which YAML shares) otherwise.

use std::fmt::Write;

use crate::ir::{Example, Field, Model, Operation, Pagination, Param, Response};

/// Words YAML 1.1 or 1.2 may read as something other than a string.
const RESERVED: &[&str] = &[
    "true", "false", "null", "yes", "no", "on", "off", "y", "n", "~",
];

/// `s` as a scalar that is safe anywhere, flow mappings included: plain when it is a simple
/// name (`operatorId`, `x-client-token`, `array<string>`), else double-quoted.
pub fn flow(s: &str) -> String {
    let simple = s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '<' | '>'));
    if simple && !is_reserved(s) {
        s.to_owned()
    } else {
        quoted(s)
    }
}

/// `s` as a scalar in block context (a value on its own line): paths and type expressions
/// such as `/v1.0/x/{id}` or `map<string, any>` stay plain.
pub fn block(s: &str) -> String {
    let starts_ok = s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_' || c == '/');
    let chars_ok = s.chars().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(
                c,
                '_' | '.' | '-' | '<' | '>' | '/' | '{' | '}' | ',' | ' ' | '@'
            )
    });
    let spaces_ok = !s.ends_with(' ') && !s.contains("  ") && !s.contains(" #");
    if starts_ok && chars_ok && spaces_ok && !is_reserved(s) {
        s.to_owned()
    } else {
        quoted(s)
    }
}

fn is_reserved(s: &str) -> bool {
    RESERVED.iter().any(|r| r.eq_ignore_ascii_case(s))
}

/// A double-quoted YAML scalar (JSON string escapes are valid YAML escapes).
fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An example value as a YAML scalar of its type (strings always read back as strings).
fn example(e: &Example) -> String {
    match e {
        Example::Str(s) => flow(s),
        Example::Int(i) => i.to_string(),
        Example::Float(f) => format!("{f:?}"),
        Example::Bool(b) => b.to_string(),
    }
}

fn pad(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

/// One field (of a model, an inline object or a response) under `indent`.
fn field(out: &mut String, indent: usize, f: &Field) {
    let mut attrs = vec![("type", flow(&f.ty.expr()))];
    if f.required {
        attrs.push(("required", "true".to_owned()));
    }
    if let Some(e) = &f.example {
        attrs.push(("example", example(e)));
    }
    entry(out, indent, &f.wire, &attrs, f.ty.fields());
}

/// `name: { k: v, … }`, or a block mapping with `fields:` when the type has inline fields.
fn entry(
    out: &mut String,
    indent: usize,
    name: &str,
    attrs: &[(&str, String)],
    fields: Option<&[Field]>,
) {
    pad(out, indent);
    out.push_str(&flow(name));
    match fields {
        None => {
            out.push_str(": { ");
            let parts: Vec<String> = attrs.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            out.push_str(&parts.join(", "));
            out.push_str(" }\n");
        }
        Some(fields) => {
            out.push_str(":\n");
            for (k, v) in attrs {
                pad(out, indent + 2);
                let _ = writeln!(out, "{k}: {v}");
            }
            fields_block(out, indent + 2, fields);
        }
    }
}

/// `fields:` and each field, or `fields: {}`.
fn fields_block(out: &mut String, indent: usize, fields: &[Field]) {
    pad(out, indent);
    if fields.is_empty() {
        out.push_str("fields: {}\n");
        return;
    }
    out.push_str("fields:\n");
    for f in fields {
        field(out, indent + 2, f);
    }
}

fn param(out: &mut String, p: &Param) {
    let mut attrs = vec![("in", p.location.as_str().to_owned())];
    if let Some(style) = p.style {
        attrs.push(("style", style.as_str().to_owned()));
    }
    attrs.push(("type", flow(&p.ty.expr())));
    if p.required {
        attrs.push(("required", "true".to_owned()));
    }
    if let Some(e) = &p.example {
        attrs.push(("example", example(e)));
    }
    entry(out, 6, &p.wire, &attrs, p.ty.fields());
}

/// An imported operation, as an entry of `operations:` (two spaces in).
pub fn operation(op: &Operation) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "  {}:", flow(&op.name));
    out.push_str("    origin: imported\n");
    let _ = writeln!(out, "    method: {}", op.method);
    let _ = writeln!(out, "    path: {}", block(&op.path));
    if op.method != "GET" {
        // The package does not say; `false` never repeats a call that may have reached the server.
        out.push_str("    idempotent: false\n");
    }
    if op.anonymous {
        out.push_str("    auth: none\n");
    }
    if op.method == "GET"
        && op
            .params
            .iter()
            .any(|p| p.location == crate::ir::Location::Body)
    {
        out.push_str("    get_body: true\n");
    }
    if !op.params.is_empty() {
        out.push_str("    params:\n");
        for p in &op.params {
            param(&mut out, p);
        }
    }
    response(&mut out, &op.response);
    if let Some(p) = &op.pagination {
        pagination(&mut out, p);
    }
    out
}

fn response(out: &mut String, r: &Response) {
    match r {
        Response::None => out.push_str("    response: none\n"),
        Response::Type(ty) => {
            // A named model or a type without inline fields (classes in non-object answers
            // are always named models).
            let _ = writeln!(out, "    response: {{ type: {} }}", flow(&ty.expr()));
        }
        Response::Fields(fields) if fields.is_empty() => {
            out.push_str("    response: { fields: {} }\n")
        }
        Response::Fields(fields) => {
            out.push_str("    response:\n");
            fields_block(out, 6, fields);
        }
    }
}

fn pagination(out: &mut String, p: &Pagination) {
    let mut parts = vec![format!("cursor: {}", flow(&p.cursor))];
    if let Some(size) = &p.page_size {
        parts.push(format!("page_size: {}", flow(size)));
    }
    parts.push(format!("next: {}", flow(&p.next)));
    parts.push(format!("items: {}", flow(&p.items)));
    if let Some(more) = &p.has_more {
        parts.push(format!("has_more: {}", flow(more)));
    }
    let _ = writeln!(out, "    pagination: {{ {} }}", parts.join(", "));
}

/// An imported model, as an entry of `models:` (two spaces in).
pub fn model(m: &Model) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "  {}:", flow(&m.name));
    fields_block(&mut out, 4, &m.fields);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars() {
        assert_eq!(flow("operatorId"), "operatorId");
        assert_eq!(flow("x-client-token"), "x-client-token");
        assert_eq!(flow("map<string, any>"), "\"map<string, any>\"");
        assert_eq!(flow("true"), "\"true\"");
        assert_eq!(flow("No"), "\"No\"");
        assert_eq!(flow("1x"), "\"1x\"");
        assert_eq!(flow("a b"), "\"a b\"");
        assert_eq!(flow("中文"), "\"中文\"");
        assert_eq!(block("/v1.0/x/{id}"), "/v1.0/x/{id}");
        assert_eq!(block("map<string, any>"), "map<string, any>");
        assert_eq!(block("a: b"), "\"a: b\"");
        assert_eq!(block("{x}"), "\"{x}\"");
        assert_eq!(block("a 1, b from @c/d 2"), "a 1, b from @c/d 2");
        assert_eq!(block("@x"), "\"@x\"");
        assert_eq!(quoted("a\"b\\\u{1}"), "\"a\\\"b\\\\\\u0001\"");
    }

    #[test]
    fn scalars_read_back_as_written() {
        let tricky = [
            "operatorId",
            "x-client-token",
            "map<string, any>",
            "true",
            "Off",
            "~",
            "1.0",
            "12",
            "-x",
            ": x",
            "a: b",
            "a #b",
            "{x}",
            "[x]",
            "中文",
            "\"q\"",
            "back\\slash",
            "tab\t",
            "/v1.0/a/{id}",
            "/v1.0/a/b ",
            "",
            " lead",
            "é",
            "line\nbreak",
            "null",
            "y",
        ];
        for s in tricky {
            let doc = format!("f: {{ k: {} }}\nb: {}\n{}: 1\n", flow(s), block(s), flow(s));
            let v: serde_yaml::Value =
                serde_yaml::from_str(&doc).unwrap_or_else(|e| panic!("{doc}: {e}"));
            assert_eq!(v["f"]["k"].as_str(), Some(s), "flow {doc}");
            assert_eq!(v["b"].as_str(), Some(s), "block {doc}");
            assert!(v.get(s).is_some(), "key {doc}");
        }
    }
}
