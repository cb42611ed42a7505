//! Values synthesised from the spec: the documented example where there is one (a field's
//! `example`, or a model's value in another operation's example answer), otherwise the simplest
//! value the type and its limits allow. Used for responses without an example and for
//! requests made from the spec alone.

use dingtalk_openapi_codegen::spec::{Field, Response, SpecFile};
use dingtalk_openapi_codegen::types::TypeExpr;
use serde_json::{json, Map, Value};

/// Below this depth optional fields are left out and arrays left empty, so recursive models end.
const DEEP: usize = 4;

/// A value for field `f` named `name`.
pub(crate) fn field(spec: &SpecFile, name: &str, f: &Field, depth: usize) -> Value {
    let expr = TypeExpr::parse(&f.ty).unwrap_or(TypeExpr::Any);
    if let Some(ex) = example(f) {
        if (matches!(expr, TypeExpr::Array(_)) && ex.is_array())
            || (matches!(expr, TypeExpr::Object | TypeExpr::Map(_)) && ex.is_object())
        {
            return ex;
        }
    }
    value(spec, name, &expr, f, depth)
}

/// A JSON object with the required fields (all of them when `all`, down to a depth).
pub(crate) fn object<'a>(
    spec: &SpecFile,
    fields: impl IntoIterator<Item = (&'a String, &'a Field)>,
    all: bool,
    depth: usize,
) -> Value {
    let mut out = Map::new();
    for (name, f) in fields {
        if f.required || (all && depth < DEEP) {
            out.insert(name.clone(), field(spec, name, f, depth + 1));
        }
    }
    Value::Object(out)
}

/// A value as text (path parameters).
pub(crate) fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn example(f: &Field) -> Option<Value> {
    f.example
        .as_ref()
        .and_then(|e| serde_json::to_value(e).ok())
}

fn value(spec: &SpecFile, name: &str, expr: &TypeExpr, f: &Field, depth: usize) -> Value {
    let l = &f.limits;
    let ex = example(f);
    match expr {
        TypeExpr::String => {
            if let Some(values) = &f.values {
                let ex = ex.as_ref().and_then(Value::as_str);
                let pick = ex
                    .filter(|e| values.contains_key(*e))
                    .or_else(|| values.keys().next().map(String::as_str));
                return json!(pick.unwrap_or(""));
            }
            let mut s = match ex {
                Some(Value::String(s)) => s,
                Some(Value::Number(n)) => n.to_string(),
                Some(Value::Bool(b)) => b.to_string(),
                _ => format!("sample-{name}"),
            };
            let min = l.min_length.unwrap_or(0) as usize;
            while s.chars().count() < min {
                s.push('x');
            }
            if let Some(max) = l.max_length {
                s = s.chars().take(max as usize).collect();
            }
            json!(s)
        }
        TypeExpr::Boolean => match ex {
            Some(Value::Bool(b)) => json!(b),
            _ => json!(true),
        },
        TypeExpr::Int32 | TypeExpr::Int64 => {
            let n = ex
                .as_ref()
                .and_then(|e| e.as_i64().or_else(|| e.as_str()?.parse().ok()))
                .unwrap_or(1) as f64;
            let n = clamp(n, l.minimum, l.maximum).round();
            json!(n as i64)
        }
        TypeExpr::Double => {
            let n = ex
                .as_ref()
                .and_then(|e| e.as_f64().or_else(|| e.as_str()?.parse().ok()))
                .unwrap_or(1.0);
            json!(clamp(n, l.minimum, l.maximum))
        }
        TypeExpr::Any => ex.unwrap_or_else(|| json!({})),
        TypeExpr::Object => match &f.fields {
            Some(fields) => object(spec, fields, depth < DEEP, depth),
            None => json!({}),
        },
        TypeExpr::Array(t) => {
            let min = l.min_items.unwrap_or(0) as usize;
            let n = if depth < DEEP { min.max(1) } else { min };
            let n = l.max_items.map_or(n, |m| n.min(m as usize));
            Value::Array((0..n).map(|_| value(spec, name, t, f, depth + 1)).collect())
        }
        TypeExpr::Map(t) => {
            let min = l.min_items.unwrap_or(0) as usize;
            let n = if depth < DEEP { min.max(1) } else { min };
            let n = l.max_items.map_or(n, |m| n.min(m as usize));
            Value::Object(
                (0..n)
                    .map(|i| (format!("key{}", i + 1), value(spec, name, t, f, depth + 1)))
                    .collect(),
            )
        }
        TypeExpr::Named(name) => match spec.models.get(name) {
            Some(m) => match (&m.values, &m.fields) {
                (Some(values), _) => json!(values.keys().next().cloned().unwrap_or_default()),
                (None, Some(fields)) => documented(spec, name)
                    .unwrap_or_else(|| object(spec, fields, depth < DEEP, depth)),
                (None, None) => json!({}),
            },
            None => json!({}),
        },
    }
}

fn clamp(n: f64, min: Option<f64>, max: Option<f64>) -> f64 {
    let n = min.map_or(n, |m| n.max(m));
    max.map_or(n, |m| n.min(m))
}

/// A documented value of model `model`: in another operation's example answer, the answer
/// itself when its `type` is the model (or the first item of an array of it), or else the first
/// top-level response field of that type (or an array of it).
fn documented(spec: &SpecFile, model: &str) -> Option<Value> {
    let pick = |ty: &str, v: &Value| match TypeExpr::parse(ty).ok()? {
        TypeExpr::Named(n) if n == model => Some(v.clone()),
        TypeExpr::Array(t) if *t == TypeExpr::Named(model.to_owned()) => v.get(0).cloned(),
        _ => None,
    };
    spec.operations.values().find_map(|op| {
        let Response::Body(b) = &op.response else {
            return None;
        };
        let example: Value = serde_json::from_str(b.example.as_deref()?).ok()?;
        match &b.ty {
            Some(ty) => pick(ty, &example),
            None => b
                .fields
                .iter()
                .find_map(|(key, f)| pick(&f.ty, example.get(key)?)),
        }
        .filter(|v| super::validate::conforms(spec, model, v))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r#"
service: demo
version: "1.0"
title: Demo
base_url: https://api.dingtalk.io
models:
  Node:
    fields:
      name: { type: string, required: true, min_length: 12 }
      kind: { type: Kind, required: true }
      children: { type: array<Node>, min_items: 2 }
      size: { type: int32, minimum: 5, maximum: 9 }
      tags: { type: "map<string, string>" }
  Kind: { enum: { LEAF: Leaf., BRANCH: Branch. } }
operations:
  Documented:
    summary: Has an example.
    method: GET
    path: /v1.0/demo/a
    response:
      fields:
        node: { type: Node }
      example: '{"node": {"name": "documented name", "kind": "BRANCH"}}'
  Bare:
    summary: Has none.
    method: GET
    path: /v1.0/demo/b
    params:
      ids: { in: query, type: array<string>, required: true, min_items: 3, example: id }
    response:
      fields:
        root: { type: Node, required: true }
        count: { type: int64, example: 42 }
"#;

    fn spec() -> SpecFile {
        dingtalk_openapi_codegen::load(dingtalk_openapi_codegen::Input {
            name: "demo.yaml",
            source: SPEC,
        })
        .expect("demo spec loads")
    }

    #[test]
    fn models_reuse_documented_examples() {
        let spec = spec();
        let Response::Body(b) = &spec.operations["Bare"].response else {
            panic!("Bare has a body")
        };
        let v = object(&spec, &b.fields, true, 0);
        assert_eq!(v["root"]["name"], "documented name");
        assert_eq!(v["count"], 42);
    }

    #[test]
    fn synthesised_values_follow_types_and_limits_and_end_on_recursion() {
        let spec = spec();
        let node = &spec.models["Node"];
        let v = object(&spec, node.fields.as_ref().unwrap(), true, 0);
        assert!(super::super::validate::conforms(&spec, "Node", &v), "{v}");
        assert_eq!(v["name"].as_str().unwrap().chars().count(), 12);
        assert_eq!(v["kind"], "LEAF");
        assert_eq!(v["size"], 5);
        assert!(v["tags"].is_object());
        // Nested nodes come from the documented example (the first Node answer) and stop there.
        assert_eq!(v["children"].as_array().unwrap().len(), 2);
        let ids = &spec.operations["Bare"].params["ids"];
        assert_eq!(field(&spec, "ids", ids, 0), json!(["id", "id", "id"]));
    }
}
