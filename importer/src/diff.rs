//! Differences between two versions of an operation or model, key by key, for reports.

use serde_yaml::{Mapping, Value};

/// The value of a sliced entry (`  Name:\n    …`): the mapping under its one key.
pub fn entry_value(text: &str) -> Option<Value> {
    let doc: Value = serde_yaml::from_str(text).ok()?;
    let Value::Mapping(m) = doc else { return None };
    m.into_iter().next().map(|(_, v)| v)
}

/// Every difference from `old` to `new` as `path: what` lines (`params.x added`,
/// `response.fields.id.type: string → int64`).
pub fn diff(old: &Value, new: &Value) -> Vec<String> {
    let mut out = Vec::new();
    walk(old, new, "", &mut out);
    out
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn walk(old: &Value, new: &Value, path: &str, out: &mut Vec<String>) {
    match (old, new) {
        (Value::Mapping(a), Value::Mapping(b)) => {
            for (k, v) in b {
                let key = join(path, &short(k));
                match a.get(k) {
                    None => out.push(format!("{key} added: {}", short(v))),
                    Some(o) => walk(o, v, &key, out),
                }
            }
            for (k, v) in a {
                if !b.contains_key(k) {
                    out.push(format!(
                        "{} removed (was {})",
                        join(path, &short(k)),
                        short(v)
                    ));
                }
            }
        }
        (a, b) if a != b => out.push(format!("{}: {} → {}", or_root(path), short(a), short(b))),
        _ => {}
    }
}

fn or_root(path: &str) -> &str {
    if path.is_empty() {
        "(whole)"
    } else {
        path
    }
}

/// A value on one line, shortened.
fn short(v: &Value) -> String {
    let s = match v {
        Value::String(s) => s.clone(),
        Value::Mapping(m) if m.is_empty() => "{}".to_owned(),
        Value::Mapping(m) => {
            let t = m.get("type").map(short);
            t.unwrap_or_else(|| "{…}".to_owned())
        }
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .replace('\n', " "),
    };
    if s.chars().count() > 60 {
        s.chars().take(57).collect::<String>() + "…"
    } else {
        s
    }
}

/// What a curated operation lacks or types differently compared with the wheel's version of
/// it: missing parameters and answer fields, and type or location differences. Descriptions,
/// limits, errors and examples are the curator's and are not compared.
pub fn curated(curated: &Value, imported: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for key in ["method", "path"] {
        let (a, b) = (curated.get(key), imported.get(key));
        if a.map(placeholders) != b.map(placeholders) {
            out.push(format!("{key}: {} here, {} in the wheel", opt(a), opt(b)));
        }
    }
    let params = |v: &Value| {
        v.get("params")
            .and_then(Value::as_mapping)
            .cloned()
            .unwrap_or_default()
    };
    compare_fields(
        &params(curated),
        &params(imported),
        "params",
        "parameter",
        &mut out,
    );
    let answer = |v: &Value| {
        v.get("response")
            .and_then(|r| r.get("fields"))
            .and_then(Value::as_mapping)
            .cloned()
            .unwrap_or_default()
    };
    compare_fields(
        &answer(curated),
        &answer(imported),
        "response.fields",
        "answer field",
        &mut out,
    );
    out
}

fn opt(v: Option<&Value>) -> String {
    v.map_or_else(|| "(none)".to_owned(), short)
}

/// A path with its placeholder names blanked (`/a/{x}` → `/a/{}`): names are local.
fn placeholders(v: &Value) -> String {
    let s = v.as_str().unwrap_or_default();
    let mut out = String::new();
    let mut skip = false;
    for c in s.chars() {
        match c {
            '{' => {
                skip = true;
                out.push('{');
            }
            '}' => {
                skip = false;
                out.push('}');
            }
            c if !skip => out.push(c),
            _ => {}
        }
    }
    out
}

fn compare_fields(here: &Mapping, wheel: &Mapping, path: &str, what: &str, out: &mut Vec<String>) {
    for (name, w) in wheel {
        let key = format!("{path}.{}", short(name));
        let Some(h) = here.get(name) else {
            out.push(format!(
                "{key}: the wheel has {what} `{}` ({}), missing here",
                short(name),
                summary(w)
            ));
            continue;
        };
        if h.get("in") != w.get("in") && w.get("in").is_some() {
            out.push(format!(
                "{key}.in: {} here, {} in the wheel",
                opt(h.get("in")),
                opt(w.get("in"))
            ));
        }
        let (ht, wt) = (h.get("type").map(short), w.get("type").map(short));
        if let (Some(ht), Some(wt)) = (&ht, &wt) {
            if !compatible(ht, wt) {
                out.push(format!("{key}.type: {ht} here, {wt} in the wheel"));
            }
        }
        if let (Some(Value::Mapping(hf)), Some(Value::Mapping(wf))) =
            (h.get("fields"), w.get("fields"))
        {
            compare_fields(hf, wf, &format!("{key}.fields"), "field", out);
        }
    }
    for name in here.keys() {
        if !wheel.contains_key(name) {
            out.push(format!("{path}.{}: not in the wheel", short(name)));
        }
    }
}

fn summary(v: &Value) -> String {
    let mut parts = Vec::new();
    for k in ["in", "type"] {
        if let Some(x) = v.get(k) {
            parts.push(short(x));
        }
    }
    if v.get("required").and_then(Value::as_bool) == Some(true) {
        parts.push("required".to_owned());
    }
    parts.join(", ")
}

/// Whether a curated type says the same as the wheel's: Python's `int` is `int64` to the
/// importer but may be `int32` by hand, and a curated named model stands for the wheel's
/// inline object (or a model of another name).
fn compatible(here: &str, wheel: &str) -> bool {
    let norm = |s: &str| s.replace("int32", "int64");
    if norm(here) == norm(wheel) {
        return true;
    }
    let unwrap = |s: &str| -> Option<(String, String)> {
        for p in ["array<", "map<string, "] {
            if let Some(inner) = s.strip_prefix(p).and_then(|s| s.strip_suffix('>')) {
                return Some((p.to_owned(), inner.to_owned()));
            }
        }
        None
    };
    match (unwrap(here), unwrap(wheel)) {
        (Some((a, x)), Some((b, y))) => a == b && compatible(&x, &y),
        (None, None) => is_model(here) && (wheel == "object" || is_model(wheel)),
        _ => false,
    }
}

fn is_model(ty: &str) -> bool {
    !matches!(
        ty,
        "string" | "boolean" | "int32" | "int64" | "double" | "any" | "object"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Value {
        serde_yaml::from_str(s).unwrap()
    }

    #[test]
    fn key_by_key() {
        let old = v("params: { a: { in: query, type: string }, b: { in: body, type: int64 } }");
        let new = v("params: { a: { in: query, type: int64 }, c: { in: body, type: string } }");
        assert_eq!(
            diff(&old, &new),
            [
                "params.a.type: string → int64",
                "params.c added: string",
                "params.b removed (was int64)"
            ]
        );
    }

    #[test]
    fn curated_differences() {
        let here = v("method: GET\npath: /a/{id}\nparams: { id: { in: path, type: string }, n: { in: query, type: int32 }, old: { in: query, type: string } }\nresponse: { fields: { w: { type: Workspace } } }");
        let wheel = v("method: GET\npath: /a/{x}\nparams: { id: { in: path, type: string }, n: { in: query, type: int64 }, extra: { in: query, type: boolean, required: true } }\nresponse: { fields: { w: { type: object, fields: {} }, more: { type: string } } }");
        assert_eq!(
            curated(&here, &wheel),
            [
                "params.extra: the wheel has parameter `extra` (query, boolean, required), missing here",
                "params.old: not in the wheel",
                "response.fields.more: the wheel has answer field `more` (string), missing here",
            ]
        );
    }
}
