//! Values synthesised from the spec: the documented example where there is one (a field's
//! `example`, or a model's value in another operation's example answer), otherwise the simplest
//! value the type and its limits allow. Used for responses without an example and for
//! requests made from the spec alone.
//!
//! Every level is produced: nested objects with all their fields, arrays and maps with one
//! item. Recursion is bounded by the models, not by depth: a named model met again inside
//! itself (`Node.children: array<Node>`) gets only its required fields (and arrays and maps in
//! it only their minimum of items), which ends every cycle the spec can express; [`MAX_DEPTH`]
//! is a last guard.

use dingtalk_openapi_codegen::spec::{Field, Response, SpecFile};
use dingtalk_openapi_codegen::types::TypeExpr;
use serde_json::{json, Map, Value};

/// A last guard against required fields that recurse forever (`next: { type: Node, required:
/// true }` has no finite value): past it a value is left empty. Below serde_json's recursion
/// limit (128), so what is produced can still be parsed; above the 32 levels a type may nest.
const MAX_DEPTH: usize = 100;

/// A value for field `f` named `name`.
pub(crate) fn field(spec: &SpecFile, name: &str, f: &Field) -> Value {
    Synth::new(spec).field(name, f)
}

/// A JSON object with the given fields: all of them when `all`, else only the required ones
/// (nested objects always have all their fields).
pub(crate) fn object<'a>(
    spec: &SpecFile,
    fields: impl IntoIterator<Item = (&'a String, &'a Field)>,
    all: bool,
) -> Value {
    Synth::new(spec).object(fields, all)
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

/// One synthesis: the named models being expanded, outermost first.
struct Synth<'s> {
    spec: &'s SpecFile,
    models: Vec<String>,
    depth: usize,
}

impl<'s> Synth<'s> {
    fn new(spec: &'s SpecFile) -> Self {
        Synth {
            spec,
            models: Vec::new(),
            depth: 0,
        }
    }

    /// Whether this synthesis is inside a model that is being expanded already: a cycle, so
    /// only what is required is produced.
    fn in_cycle(&self) -> bool {
        let Some((last, outer)) = self.models.split_last() else {
            return false;
        };
        outer.contains(last)
    }

    fn field(&mut self, name: &str, f: &Field) -> Value {
        let expr = TypeExpr::parse(&f.ty).unwrap_or(TypeExpr::Any);
        if let Some(ex) = example(f) {
            if (matches!(expr, TypeExpr::Array(_)) && ex.is_array())
                || (matches!(expr, TypeExpr::Object | TypeExpr::Map(_)) && ex.is_object())
            {
                return ex;
            }
        }
        self.value(name, &expr, f)
    }

    fn object<'a>(
        &mut self,
        fields: impl IntoIterator<Item = (&'a String, &'a Field)>,
        all: bool,
    ) -> Value {
        let mut out = Map::new();
        if self.depth > MAX_DEPTH {
            return Value::Object(out);
        }
        let all = all && !self.in_cycle();
        self.depth += 1;
        for (name, f) in fields {
            if f.required || all {
                let v = self.field(name, f);
                out.insert(name.clone(), v);
            }
        }
        self.depth -= 1;
        Value::Object(out)
    }

    fn value(&mut self, name: &str, expr: &TypeExpr, f: &Field) -> Value {
        let ex = example(f);
        match expr {
            TypeExpr::String => string(name, f, ex),
            TypeExpr::Boolean => match ex {
                Some(Value::Bool(b)) => json!(b),
                _ => json!(true),
            },
            TypeExpr::Int32 | TypeExpr::Int64 => {
                let n = ex
                    .as_ref()
                    .and_then(|e| e.as_i64().or_else(|| e.as_str()?.parse().ok()))
                    .unwrap_or(1) as f64;
                let n = clamp(n, f.limits.minimum, f.limits.maximum).round();
                json!(n as i64)
            }
            TypeExpr::Double => {
                let n = ex
                    .as_ref()
                    .and_then(|e| e.as_f64().or_else(|| e.as_str()?.parse().ok()))
                    .unwrap_or(1.0);
                json!(clamp(n, f.limits.minimum, f.limits.maximum))
            }
            TypeExpr::Any => ex.unwrap_or_else(|| json!({})),
            TypeExpr::Object => match &f.fields {
                Some(fields) => self.object(fields, true),
                None => json!({}),
            },
            TypeExpr::Array(t) => {
                let n = self.count(f);
                Value::Array((0..n).map(|_| self.item(name, t, f)).collect())
            }
            TypeExpr::Map(t) => {
                let n = self.count(f);
                Value::Object(
                    (0..n)
                        .map(|i| (format!("key{}", i + 1), self.item(name, t, f)))
                        .collect(),
                )
            }
            TypeExpr::Named(model) => self.model(model),
        }
    }

    /// An item of an array or map, one level down.
    fn item(&mut self, name: &str, t: &TypeExpr, f: &Field) -> Value {
        self.depth += 1;
        let v = if self.depth > MAX_DEPTH {
            Value::Null
        } else {
            self.value(name, t, f)
        };
        self.depth -= 1;
        v
    }

    /// How many items an array or map gets: one (or the documented minimum, within the
    /// maximum); inside a cycle only the minimum, so the recursion ends.
    fn count(&self, f: &Field) -> usize {
        let min = f.limits.min_items.unwrap_or(0) as usize;
        let n = if self.in_cycle() { min } else { min.max(1) };
        f.limits.max_items.map_or(n, |m| n.min(m as usize))
    }

    fn model(&mut self, name: &str) -> Value {
        let spec = self.spec;
        let Some(m) = spec.models.get(name) else {
            return json!({});
        };
        match (&m.values, &m.fields) {
            (Some(values), _) => json!(values.keys().next().cloned().unwrap_or_default()),
            (None, Some(fields)) => {
                if !self.models.iter().any(|o| o == name) {
                    if let Some(v) = documented(spec, name) {
                        return v;
                    }
                }
                self.models.push(name.to_owned());
                let v = self.object(fields, true);
                self.models.pop();
                v
            }
            (None, None) => json!({}),
        }
    }
}

fn string(name: &str, f: &Field, ex: Option<Value>) -> Value {
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
    let min = f.limits.min_length.unwrap_or(0) as usize;
    while s.chars().count() < min {
        s.push('x');
    }
    if let Some(max) = f.limits.max_length {
        s = s.chars().take(max as usize).collect();
    }
    json!(s)
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
        let v = object(&spec, &b.fields, true);
        assert_eq!(v["root"]["name"], "documented name");
        assert_eq!(v["count"], 42);
    }

    #[test]
    fn synthesised_values_follow_types_and_limits_and_end_on_recursion() {
        let spec = spec();
        let node = &spec.models["Node"];
        let v = object(&spec, node.fields.as_ref().unwrap(), true);
        assert!(super::super::validate::conforms(&spec, "Node", &v), "{v}");
        assert_eq!(v["name"].as_str().unwrap().chars().count(), 12);
        assert_eq!(v["kind"], "LEAF");
        assert_eq!(v["size"], 5);
        assert!(v["tags"].is_object());
        // Nested nodes come from the documented example (the first Node answer) and stop there.
        assert_eq!(v["children"].as_array().unwrap().len(), 2);
        let ids = &spec.operations["Bare"].params["ids"];
        assert_eq!(field(&spec, "ids", ids), json!(["id", "id", "id"]));
    }

    const DEEP: &str = r#"
service: deep
version: "1.0"
title: Deep
base_url: https://api.dingtalk.io
models:
  Tree:
    fields:
      label: { type: string }
      kids: { type: array<Tree> }
      byName: { type: "map<string, Tree>" }
      parent: { type: Tree }
  Chain:
    fields:
      next: { type: Chain, required: true }
operations:
  Get:
    method: GET
    path: /v1.0/deep
    response:
      fields:
        a:
          type: object
          fields:
            b:
              type: array<object>
              fields:
                c:
                  type: object
                  fields:
                    d:
                      type: "map<string, object>"
                      fields:
                        e:
                          type: object
                          fields:
                            f: { type: string }
        tree: { type: Tree }
        chain: { type: Chain }
"#;

    #[test]
    fn every_nested_level_is_produced_and_cycles_end() {
        let spec = dingtalk_openapi_codegen::load(dingtalk_openapi_codegen::Input {
            name: "deep.yaml",
            source: DEEP,
        })
        .expect("deep spec loads");
        let Response::Body(b) = &spec.operations["Get"].response else {
            panic!("Get has a body")
        };
        let v = object(&spec, &b.fields, true);
        // Six levels of inline objects, arrays and maps: all there, down to the string.
        assert_eq!(
            v["a"]["b"][0]["c"]["d"]["key1"]["e"]["f"], "sample-f",
            "{v}"
        );
        // A model inside itself: the outer one in full, the inner ones only what is required
        // (nothing), so the value ends.
        let tree = &v["tree"];
        assert_eq!(tree["label"], "sample-label", "{v}");
        assert_eq!(tree["kids"], json!([{}]), "{v}");
        assert_eq!(tree["byName"], json!({"key1": {}}), "{v}");
        assert_eq!(tree["parent"], json!({}), "{v}");
        // A required field that recurses forever stops at the guard, still parseable JSON.
        let text = v["chain"].to_string();
        assert!(text.matches("next").count() <= MAX_DEPTH, "{text}");
        assert!(serde_json::from_str::<Value>(&text).is_ok());
    }
}
