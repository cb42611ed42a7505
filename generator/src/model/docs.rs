//! Doc text derived from the spec: fields, errors and operations.

use crate::doctext;
use crate::spec::{self, Auth, Location, Style};

/// The doc lines of a description, or `fallback` when there is none (or only white space).
pub(super) fn described(text: Option<&str>, fallback: String) -> Vec<String> {
    let docs = doctext::block(text.unwrap_or_default());
    if docs.is_empty() {
        vec![fallback]
    } else {
        docs
    }
}

pub(super) fn yaml_scalar(v: &serde_yaml::Value) -> String {
    match v {
        serde_yaml::Value::String(s) => s.clone(),
        // What serde_yaml writes for these, without running its emitter.
        serde_yaml::Value::Bool(b) => b.to_string(),
        serde_yaml::Value::Number(n) if n.is_i64() || n.is_u64() => n.to_string(),
        other => serde_yaml::to_string(other)
            .map(|s| s.trim().to_owned())
            .unwrap_or_default(),
    }
}

/// A field's or parameter's docs: its description, or a line of facts from its wire name and
/// type; then where and how it is sent, and its limits, default and example.
pub(super) fn field_docs(wire: &str, f: &spec::Field) -> Vec<String> {
    let mut docs = doctext::block(f.description.as_deref().unwrap_or_default());
    let mut facts = Vec::new();
    if docs.is_empty() {
        let place = match f.location {
            None => "Field",
            Some(Location::Path) => "Path parameter",
            Some(Location::Query) => "Query parameter",
            Some(Location::Header) => "Header",
            Some(Location::Body) => "Body field",
        };
        let required = if f.required { ", required" } else { "" };
        facts.push(format!(
            "{place} {} ({}{required}).",
            doctext::code(wire),
            doctext::code(f.ty.trim())
        ));
    }
    match f.style {
        Some(Style::Json) if f.location == Some(Location::Query) => {
            facts.push("Sent in the query as one JSON string.".to_owned())
        }
        Some(Style::Json) => facts.push("Sent as a string holding its JSON text.".to_owned()),
        Some(Style::Comma) => {
            facts.push("Sent in the query joined by commas (`a,b,c`).".to_owned())
        }
        Some(Style::Whole) => facts.push("Sent as the whole JSON body.".to_owned()),
        _ => {}
    }
    if f.secret {
        facts.push("A secret: `Debug` and `Display` never show it.".to_owned());
    }
    let l = &f.limits;
    let mut bound = |what: &str, v: Option<String>| {
        if let Some(v) = v {
            facts.push(format!("{what} {v}."));
        }
    };
    bound("At least", l.min_items.map(|n| format!("{n} items")));
    bound("At most", l.max_items.map(|n| format!("{n} items")));
    bound("At least", l.min_length.map(|n| format!("{n} characters")));
    bound("At most", l.max_length.map(|n| format!("{n} characters")));
    bound("Minimum", l.minimum.map(|n| n.to_string()));
    bound("Maximum", l.maximum.map(|n| n.to_string()));
    bound("Matches", l.pattern.as_deref().map(doctext::code));
    bound(
        "Default:",
        f.default.as_ref().map(|d| doctext::code(&yaml_scalar(d))),
    );
    bound(
        "Example:",
        f.example.as_ref().map(|d| doctext::code(&yaml_scalar(d))),
    );
    // Compact: the facts end the description's last line rather than opening a paragraph.
    if !facts.is_empty() {
        match docs.last_mut() {
            Some(last) if !last.is_empty() => {
                last.push(' ');
                last.push_str(&facts.join(" "));
            }
            _ => docs.push(facts.join(" ")),
        }
    }
    docs
}

pub(super) fn error_docs(e: &spec::ErrorEntry) -> Vec<String> {
    let mut line = format!("{} (HTTP {})", doctext::code(&e.code), e.status);
    if let Some(d) = e.description.as_deref().filter(|d| !d.trim().is_empty()) {
        line.push_str(": ");
        line.push_str(&doctext::inline(d));
    }
    if let Some(m) = e
        .message
        .as_deref()
        .filter(|m| !m.trim().is_empty() && m.trim() != "%s")
    {
        line.push_str(&format!(" Message: \"{}\"", doctext::inline(m)));
    }
    vec![line]
}

pub(super) fn operation_docs(name: &str, op: &spec::Operation, method: &str) -> Vec<String> {
    let summary = doctext::inline(&op.summary(name));
    let mut docs = vec![format!("{summary} ({})", doctext::code(name))];
    let description = doctext::block(op.description.as_deref().unwrap_or_default());
    if !description.is_empty() {
        docs.push(String::new());
        docs.extend(description);
    }
    // An answer that is a `type` has no struct of its own to carry its description.
    if let spec::Response::Body(spec::ResponseBody {
        ty: Some(_),
        description: Some(d),
        ..
    }) = &op.response
    {
        let d = doctext::block(d);
        if !d.is_empty() {
            docs.push(String::new());
            docs.push("The answer:".to_owned());
            docs.extend(d);
        }
    }
    docs.push(String::new());
    // One line: request, permission and app types.
    let mut line = doctext::code(&format!("{method} {}", op.path));
    if let Some(p) = &op.permission {
        let what = p
            .description
            .as_deref()
            .filter(|d| !d.trim().is_empty())
            .map(|d| format!(" ({})", doctext::inline(d)))
            .unwrap_or_default();
        line.push_str(&format!(" · permission {}{what}", doctext::code(&p.code)));
    }
    if !op.app_types.is_empty() {
        line.push_str(&format!(
            " · app types: {}",
            doctext::inline(&op.app_types.join(", "))
        ));
    }
    if op.auth == Some(Auth::None) {
        line.push_str(" · anonymous: sends no access token");
    }
    if let Some(p) = &op.pagination {
        line.push_str(&format!(
            " · paginated: cursor {}, next cursor in {}, items in {}",
            doctext::code(&p.cursor),
            doctext::code(&p.next),
            doctext::code(&p.items)
        ));
        if let Some(h) = &p.has_more {
            line.push_str(&format!(", more pages while {} is true", doctext::code(h)));
        }
    }
    docs.push(line);
    docs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_are_written_as_serde_yaml_writes_them() {
        for text in [
            "true",
            "False",
            "0",
            "7",
            "-3",
            "18446744073709551615",
            "1.5",
            "abc",
        ] {
            let v: serde_yaml::Value = serde_yaml::from_str(text).unwrap();
            let emitted = serde_yaml::to_string(&v).unwrap().trim().to_owned();
            let expected = if let serde_yaml::Value::String(s) = &v {
                s.clone()
            } else {
                emitted
            };
            assert_eq!(yaml_scalar(&v), expected, "`{text}`");
        }
    }
}
