//! Checks a received request against its operation's parameters in the spec: presence of required
//! parameters, types, documented enum values and limits. The first problem found is reported, with
//! a message that names the parameter (`option.withPermissionRole`, `workspaceIds[3]`).
//!
//! This file decodes what arrived (query, path, headers, `style`d values) into JSON; the value
//! itself is checked by the generator's walk (`dingtalk_openapi_codegen::validate`), the same
//! that checks the spec's example answers.

use dingtalk_openapi_codegen::spec::{Field, Location, Operation, SpecFile, Style};
use dingtalk_openapi_codegen::types::TypeExpr;
use dingtalk_openapi_codegen::validate as walk;
use serde_json::{Map, Value};

/// What arrived, decoded.
pub(crate) struct Incoming<'a> {
    pub(crate) path: &'a [(String, String)],
    pub(crate) query: &'a [(String, String)],
    pub(crate) headers: &'a [(String, String)],
    pub(crate) body: &'a [u8],
}

/// `Ok` or the message of a DingTalk parameter error.
pub(crate) fn validate(spec: &SpecFile, op: &Operation, req: &Incoming<'_>) -> Result<(), String> {
    let mut body_fields: Vec<(&String, &Field)> = Vec::new();
    let mut whole = None;
    for (name, f) in &op.params {
        let expr = TypeExpr::parse(&f.ty).unwrap_or(TypeExpr::Any);
        let found = match (f.location.unwrap_or(Location::Body), f.style) {
            (Location::Body, Some(Style::Whole)) => {
                whole = Some((name, f));
                continue;
            }
            (Location::Body, _) => {
                body_fields.push((name, f));
                continue;
            }
            (Location::Path, _) => lookup(req.path, name)
                .map(|raw| coerce(spec, name, &expr, raw))
                .transpose()?,
            (Location::Header, _) => lookup_header(req.headers, name)
                .map(|raw| coerce(spec, name, &expr, raw))
                .transpose()?,
            // One JSON string (`"a"`, `[1,2]`, `{…}`); a bare string is taken as it is.
            (Location::Query, Some(Style::Json)) => lookup(req.query, name)
                .map(|raw| json_text(spec, name, &expr, raw))
                .transpose()?,
            (Location::Query, Some(Style::Comma)) => lookup(req.query, name)
                .map(|raw| comma(spec, name, &expr, raw))
                .transpose()?,
            (Location::Query, _) => query_value(spec, name, &expr, f, req.query)?,
        };
        match found {
            None if f.required || f.location == Some(Location::Path) => return Err(missing(name)),
            None => {}
            Some(v) => check(spec, name, &expr, f, &v)?,
        }
    }
    if let Some((name, f)) = whole {
        return whole_body(spec, name, f, req.body);
    }
    if body_fields.is_empty() {
        return Ok(());
    }
    let mut body = if req.body.iter().all(u8::is_ascii_whitespace) {
        Map::new()
    } else {
        match serde_json::from_slice(req.body) {
            Ok(Value::Object(m)) => m,
            Ok(_) => return Err("the request body must be a JSON object".to_owned()),
            Err(e) => return Err(format!("the request body is not valid JSON: {e}")),
        }
    };
    // `style: json` fields hold the JSON text of their value: check the value.
    for (name, f) in &body_fields {
        if f.style != Some(Style::Json) {
            continue;
        }
        match body.get(*name) {
            None | Some(Value::Null) => {}
            Some(Value::String(text)) => {
                let expr = TypeExpr::parse(&f.ty).unwrap_or(TypeExpr::Any);
                let v = json_text(spec, name, &expr, text)?;
                body.insert((*name).clone(), v);
            }
            Some(other) => {
                return Err(format!(
                    "{name} must be a string holding JSON text, got {other}"
                ))
            }
        }
    }
    check_fields(spec, body_fields, &body)
}

/// A value sent as JSON text (`style: json`); text that is not JSON is taken as a string.
fn json_text(spec: &SpecFile, name: &str, expr: &TypeExpr, raw: &str) -> Result<Value, String> {
    match serde_json::from_str::<Value>(raw) {
        Ok(v) if v.is_string() || *expr != TypeExpr::String => Ok(v),
        _ => coerce(spec, name, expr, raw),
    }
}

/// An array sent joined by commas (`style: comma`): `a,b,c`; empty text is an empty array.
fn comma(spec: &SpecFile, name: &str, expr: &TypeExpr, raw: &str) -> Result<Value, String> {
    let TypeExpr::Array(item) = expr else {
        return coerce(spec, name, expr, raw);
    };
    if raw.is_empty() {
        return Ok(Value::Array(Vec::new()));
    }
    raw.split(',')
        .enumerate()
        .map(|(i, v)| coerce(spec, &format!("{name}[{}]", i + 1), item, v))
        .collect::<Result<Vec<_>, _>>()
        .map(Value::Array)
}

/// The body that is one parameter's value (`style: whole`): any JSON of its type.
fn whole_body(spec: &SpecFile, name: &str, f: &Field, body: &[u8]) -> Result<(), String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return if f.required {
            Err(missing(name))
        } else {
            Ok(())
        };
    }
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| format!("the request body is not valid JSON: {e}"))?;
    let expr = TypeExpr::parse(&f.ty).unwrap_or(TypeExpr::Any);
    check(spec, name, &expr, f, &v)
}

/// Whether `v` is a valid value of model `model` (required fields, types, enums, limits).
pub(crate) fn conforms(spec: &SpecFile, model: &str, v: &Value) -> bool {
    let f = Field::of_type(model);
    check(spec, model, &TypeExpr::Named(model.to_owned()), &f, v).is_ok()
}

fn missing(name: &str) -> String {
    format!("{name} is mandatory for this action.")
}

fn lookup<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn lookup_header<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// A query parameter in the official SDKs' flat encoding: `name=v`, `name.1=a&name.2=b` for
/// arrays, `name.key=v` for objects and maps.
fn query_value(
    spec: &SpecFile,
    name: &str,
    expr: &TypeExpr,
    f: &Field,
    query: &[(String, String)],
) -> Result<Option<Value>, String> {
    let prefix = format!("{name}.");
    let nested: Vec<(&str, &str)> = query
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix(&prefix)?, v.as_str())))
        .collect();
    match expr {
        TypeExpr::Array(item) => {
            let mut items: Vec<(u64, &str)> = Vec::new();
            for (k, v) in &nested {
                match k.parse::<u64>() {
                    Ok(i) => items.push((i, v)),
                    Err(_) => return Err(format!("{name}.{k} is not an array index of {name}")),
                }
            }
            items.sort_by_key(|(i, _)| *i);
            // Also accept the repeated-name form (`name=a&name=b`).
            let mut raw: Vec<&str> = items.into_iter().map(|(_, v)| v).collect();
            raw.extend(
                query
                    .iter()
                    .filter(|(k, _)| k == name)
                    .map(|(_, v)| v.as_str()),
            );
            if raw.is_empty() {
                return Ok(None);
            }
            let values = raw
                .iter()
                .enumerate()
                .map(|(i, v)| coerce(spec, &format!("{name}[{}]", i + 1), item, v))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Some(Value::Array(values)))
        }
        TypeExpr::Object | TypeExpr::Map(_) | TypeExpr::Named(_) if !nested.is_empty() => {
            let mut map = Map::new();
            for (k, v) in nested {
                let sub = sub_field(spec, expr, f, k);
                let value = match (sub, expr) {
                    (Some(sf), _) => {
                        let se = TypeExpr::parse(&sf.ty).unwrap_or(TypeExpr::Any);
                        coerce(spec, &format!("{name}.{k}"), &se, v)?
                    }
                    (None, TypeExpr::Map(t)) => coerce(spec, &format!("{name}.{k}"), t, v)?,
                    (None, _) => Value::String(v.to_owned()),
                };
                map.insert(k.to_owned(), value);
            }
            Ok(Some(Value::Object(map)))
        }
        _ => lookup(query, name)
            .map(|raw| coerce(spec, name, expr, raw))
            .transpose(),
    }
}

/// Field `key` of an object type, inline or a model.
fn sub_field<'a>(
    spec: &'a SpecFile,
    expr: &TypeExpr,
    f: &'a Field,
    key: &str,
) -> Option<&'a Field> {
    match expr {
        TypeExpr::Object => f.fields.as_ref()?.get(key),
        TypeExpr::Named(n) => spec.models.get(n)?.fields.as_ref()?.get(key),
        _ => None,
    }
}

/// Turns text (query, path, header) into the JSON value of the declared type.
fn coerce(spec: &SpecFile, name: &str, expr: &TypeExpr, raw: &str) -> Result<Value, String> {
    let bad = || wrong_type(name, expr, spec, &Value::String(raw.to_owned()));
    Ok(match expr {
        TypeExpr::String | TypeExpr::Any => Value::String(raw.to_owned()),
        TypeExpr::Boolean => match raw {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err(bad()),
        },
        TypeExpr::Int32 | TypeExpr::Int64 => raw.parse::<i64>().map_err(|_| bad())?.into(),
        TypeExpr::Double => {
            let n: f64 = raw.parse().map_err(|_| bad())?;
            serde_json::Number::from_f64(n)
                .map(Value::Number)
                .ok_or_else(bad)?
        }
        TypeExpr::Named(n) if spec.models.get(n).is_some_and(|m| m.values.is_some()) => {
            Value::String(raw.to_owned())
        }
        _ => serde_json::from_str(raw).map_err(|_| bad())?,
    })
}

fn describe(expr: &TypeExpr, spec: &SpecFile) -> String {
    match expr {
        TypeExpr::String => "a string".to_owned(),
        TypeExpr::Boolean => "a boolean (true or false)".to_owned(),
        TypeExpr::Int32 => "a 32-bit integer".to_owned(),
        TypeExpr::Int64 => "a 64-bit integer".to_owned(),
        TypeExpr::Double => "a number".to_owned(),
        TypeExpr::Any => "any JSON value".to_owned(),
        TypeExpr::Object | TypeExpr::Map(_) => "a JSON object".to_owned(),
        TypeExpr::Array(_) => "a JSON array".to_owned(),
        TypeExpr::Named(n) => match spec.models.get(n) {
            Some(m) if m.values.is_some() => format!("a string ({n})"),
            _ => format!("a JSON object ({n})"),
        },
    }
}

fn wrong_type(name: &str, expr: &TypeExpr, spec: &SpecFile, got: &Value) -> String {
    format!("{name} must be {}, got {got}", describe(expr, spec))
}

/// The body's fields against their parameters: each required one present, each present one of
/// its type.
fn check_fields(
    spec: &SpecFile,
    fields: Vec<(&String, &Field)>,
    map: &Map<String, Value>,
) -> Result<(), String> {
    for (k, f) in fields {
        match map.get(k) {
            None | Some(Value::Null) if f.required => return Err(missing(k)),
            None | Some(Value::Null) => {}
            Some(v) => {
                let expr = TypeExpr::parse(&f.ty).unwrap_or(TypeExpr::Any);
                check(spec, k, &expr, f, v)?;
            }
        }
    }
    Ok(())
}

/// Checks `v` against type `expr` of field `f` with the generator's own walk (required fields,
/// types, enum values, limits and patterns, at any depth), and words the first problem as
/// DingTalk's parameter errors do, naming the parameter (`items[1].id`).
fn check(spec: &SpecFile, name: &str, expr: &TypeExpr, f: &Field, v: &Value) -> Result<(), String> {
    // A pattern the spec check let through but this engine cannot compile is not enforced.
    let matcher = |pattern: &str, text: &str| {
        regex_lite::Regex::new(pattern)
            .ok()
            .map(|re| re.is_match(text))
    };
    let rules = walk::Rules {
        undeclared: false,
        limits: true,
        pattern: Some(&matcher),
        first_index: 1,
    };
    match walk::value(spec, rules, name, None, expr, f, v).first() {
        None => Ok(()),
        Some(p) => Err(worded(spec, p)),
    }
}

/// A problem as the mock's parameter error says it.
fn worded(spec: &SpecFile, p: &walk::Problem) -> String {
    use walk::ProblemKind as K;
    let name = &p.at;
    match &p.kind {
        K::Missing => missing(name),
        K::Undeclared => format!("{name} is not a documented parameter"),
        K::WrongType {
            expected, value, ..
        } => format!("{name} must be {}, got {value}", describe(expected, spec)),
        K::NotInEnum {
            value, documented, ..
        } => format!(
            "{name} has the undocumented value {value:?}; the documented values are {}",
            documented.join(", ")
        ),
        K::TooShort { length, min } => {
            format!("{name} is {length} characters long; the documented minimum length is {min}")
        }
        K::TooLong { length, max } => {
            format!("{name} is {length} characters long; the documented maximum length is {max}")
        }
        K::NoMatch { value, pattern } => {
            format!("{name} is {value:?}, which does not match the documented pattern {pattern}")
        }
        K::BelowMinimum { value, min } => {
            format!("{name} is {value}; the documented minimum is {min}")
        }
        K::AboveMaximum { value, max } => {
            format!("{name} is {value}; the documented maximum is {max}")
        }
        K::TooFew { items, min } => {
            format!("{name} has {items} items; the documented minimum is {min}")
        }
        K::TooMany { items, max } => {
            format!("{name} has {items} items; the documented maximum is {max}")
        }
    }
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
  Color: { enum: { RED: Red., BLUE: Blue. } }
  Item:
    fields:
      id: { type: string, required: true, max_length: 4, pattern: "^[a-z]+$" }
      color: { type: Color }
operations:
  Op:
    summary: Demo.
    method: POST
    path: /v1.0/demo/{id}
    idempotent: true
    params:
      id: { in: path, type: int64, minimum: 1 }
      kind: { in: query, type: string, enum: { A: a., B: b. } }
      ids: { in: query, type: array<int32>, max_items: 2 }
      filter: { in: query, type: Item, style: json }
      label: { in: query, type: string, style: json, max_length: 3 }
      x-trace: { in: header, type: boolean }
      size: { in: body, type: double, maximum: 10 }
      items: { in: body, type: array<Item>, required: true, min_items: 1 }
      tags: { in: body, type: "map<string, int32>", max_items: 1 }
    response: none
"#;

    fn run(query: &[(&str, &str)], headers: &[(&str, &str)], body: &str) -> Result<(), String> {
        run_path("7", query, headers, body)
    }

    fn run_path(
        id: &str,
        query: &[(&str, &str)],
        headers: &[(&str, &str)],
        body: &str,
    ) -> Result<(), String> {
        let spec = dingtalk_openapi_codegen::load(dingtalk_openapi_codegen::Input {
            name: "demo.yaml",
            source: SPEC,
        })
        .expect("demo spec loads");
        let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
            v.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect()
        };
        let path = pairs(&[("id", id)]);
        let (query, headers) = (pairs(query), pairs(headers));
        let req = Incoming {
            path: &path,
            query: &query,
            headers: &headers,
            body: body.as_bytes(),
        };
        validate(&spec, &spec.operations["Op"], &req)
    }

    const OK_BODY: &str = r#"{"items":[{"id":"ab","color":"RED"}]}"#;

    fn fails(r: Result<(), String>, words: &[&str]) {
        let msg = r.expect_err("the request should be refused");
        for w in words {
            assert!(msg.contains(w), "{msg:?} does not mention {w:?}");
        }
    }

    #[test]
    fn a_valid_request_passes() {
        run(
            &[
                ("kind", "A"),
                ("ids.1", "1"),
                ("ids.2", "2"),
                ("filter", r#"{"id":"x"}"#),
            ],
            &[("X-Trace", "true")],
            r#"{"items":[{"id":"ab","color":"BLUE"}],"size":2.5,"tags":{"a":1}}"#,
        )
        .unwrap();
        run(&[], &[], OK_BODY).unwrap();
        run(&[("label", "\"abc\"")], &[], OK_BODY).unwrap();
        run(&[("label", "123")], &[], OK_BODY).unwrap();
    }

    #[test]
    fn each_rule_names_the_parameter() {
        fails(
            run(&[("kind", "C")], &[], OK_BODY),
            &["kind", "\"C\"", "A, B"],
        );
        fails(
            run(&[("ids.1", "x")], &[], OK_BODY),
            &["ids[1]", "32-bit integer"],
        );
        fails(run(&[("ids.1", "3000000000")], &[], OK_BODY), &["ids[1]"]);
        fails(
            run(
                &[("ids.1", "1"), ("ids.2", "2"), ("ids.3", "3")],
                &[],
                OK_BODY,
            ),
            &["ids", "3 items", "maximum is 2"],
        );
        fails(
            run(&[("filter", r#"{"color":"RED"}"#)], &[], OK_BODY),
            &["filter.id"],
        );
        fails(
            run(&[("filter", "[1]")], &[], OK_BODY),
            &["filter", "JSON object"],
        );
        fails(
            run(&[("label", "\"abcd\"")], &[], OK_BODY),
            &["label", "maximum length is 3"],
        );
        fails(
            run(&[], &[("x-trace", "yes")], OK_BODY),
            &["x-trace", "boolean"],
        );
        fails(run_path("0", &[], &[], OK_BODY), &["id", "minimum is 1"]);
        fails(
            run_path("seven", &[], &[], OK_BODY),
            &["id", "64-bit integer"],
        );
        fails(run(&[], &[], ""), &["items is mandatory"]);
        fails(run(&[], &[], r#"{"items":[]}"#), &["items", "minimum is 1"]);
        fails(
            run(&[], &[], r#"{"items":[{"id":"toolong"}]}"#),
            &["items[1].id", "maximum length is 4"],
        );
        fails(
            run(&[], &[], r#"{"items":[{"id":"a","color":"GREEN"}]}"#),
            &["items[1].color", "GREEN", "RED, BLUE"],
        );
        fails(
            run(&[], &[], r#"{"items":[{}]}"#),
            &["items[1].id is mandatory"],
        );
        fails(
            run(&[], &[], r#"{"items":[{"id":"a"}],"size":11}"#),
            &["size", "maximum is 10"],
        );
        fails(
            run(&[], &[], r#"{"items":[{"id":"a"}],"tags":{"a":1,"b":2}}"#),
            &["tags", "2 items"],
        );
        fails(
            run(&[], &[], r#"{"items":[{"id":"a"}],"tags":{"a":"x"}}"#),
            &["tags.a"],
        );
        fails(run(&[], &[], "[1]"), &["JSON object"]);
        fails(run(&[], &[], "{nope"), &["not valid JSON"]);
    }

    /// The newer constructs: `style: comma|json|whole` and `response: { type: … }`.
    const STYLES: &str = r#"
service: demo
version: "1.0"
title: Demo
base_url: https://api.dingtalk.io
models:
  Kind: { enum: { RED: Red., BLUE: Blue. } }
  Tag:
    fields:
      name: { type: string, required: true, max_length: 5 }
operations:
  Scale:
    method: GET
    path: /v1.0/demo/scale
    params:
      ids: { in: query, type: array<int32>, style: comma, required: true, max_items: 3 }
      kinds: { in: query, type: array<Kind>, style: comma }
    response: { type: boolean }
  Settings:
    method: POST
    path: /v1.0/demo/settings
    idempotent: true
    params:
      ids: { in: body, type: array<int64>, style: json, required: true }
      opts: { in: body, type: "map<string, int32>", style: json }
      name: { in: body, type: string }
    response: { type: any }
  Tags:
    method: POST
    path: /v1.0/demo/tags
    idempotent: false
    params:
      tags: { in: body, type: array<Tag>, style: whole, required: true, min_items: 1 }
    response: { type: Tag }
  Labels:
    method: POST
    path: /v1.0/demo/labels
    idempotent: false
    params:
      labels: { in: body, type: array<string>, style: whole }
    response: { type: "map<string, array<Kind>>" }
"#;

    fn styles() -> SpecFile {
        dingtalk_openapi_codegen::load(dingtalk_openapi_codegen::Input {
            name: "styles.yaml",
            source: STYLES,
        })
        .expect("styles spec loads")
    }

    use dingtalk_openapi_runtime as rt;

    type Untyped = rt::Request<Value, crate::UntypedError>;

    /// Checks what the runtime would send for `op`: its query pairs and body.
    fn sent(spec: &SpecFile, op: &str, req: Untyped) -> Result<(), String> {
        let body = req
            .body()
            .map(|b| serde_json::to_vec(b).unwrap())
            .unwrap_or_default();
        let incoming = Incoming {
            path: &[],
            query: req.query_pairs(),
            headers: &[],
            body: &body,
        };
        validate(spec, &spec.operations[op], &incoming)
    }

    fn raw(spec: &SpecFile, op: &str, query: &[(&str, &str)], body: &str) -> Result<(), String> {
        let query: Vec<(String, String)> = query
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        let incoming = Incoming {
            path: &[],
            query: &query,
            headers: &[],
            body: body.as_bytes(),
        };
        validate(spec, &spec.operations[op], &incoming)
    }

    fn request() -> Untyped {
        static EP: rt::Endpoint = rt::Endpoint {
            service: "demo_1.0",
            operation: "Demo",
            method: rt::Method::Post,
            path: "/v1.0/demo",
            base_url: "http://127.0.0.1:9",
            idempotent: true,
            auth: true,
            response_body: true,
            object_answer: true,
        };
        let client = rt::Client::new(rt::AccessToken::new("t"));
        rt::Request::new(&client, &EP)
    }

    #[test]
    fn what_the_runtime_sends_in_each_style_passes() {
        let spec = styles();
        let scale = request()
            .query_comma("ids", &[1, 2, 3])
            .query_comma("kinds", &["RED", "BLUE"]);
        sent(&spec, "Scale", scale).unwrap();
        let settings = request()
            .field_json("ids", &[1, 2])
            .field_json("opts", &serde_json::json!({"a": 1}))
            .field("name", "n");
        sent(&spec, "Settings", settings).unwrap();
        let tags = request().json(&serde_json::json!([{"name": "a"}, {"name": "b"}]));
        sent(&spec, "Tags", tags).unwrap();
        sent(&spec, "Labels", request()).unwrap();
        sent(&spec, "Labels", request().json(&["x"])).unwrap();
    }

    #[test]
    fn each_style_is_checked_item_by_item() {
        let spec = styles();
        fails(
            raw(&spec, "Scale", &[("ids", "1,x")], ""),
            &["ids[2]", "32-bit"],
        );
        fails(
            raw(&spec, "Scale", &[("ids", "1,2,3,4")], ""),
            &["ids", "4 items", "maximum is 3"],
        );
        fails(
            raw(&spec, "Scale", &[("ids", "1"), ("kinds", "RED,GREEN")], ""),
            &["kinds[2]", "GREEN"],
        );
        fails(raw(&spec, "Scale", &[], ""), &["ids is mandatory"]);
        fails(
            raw(&spec, "Settings", &[], r#"{"ids":[1,2]}"#),
            &["ids", "string holding JSON text"],
        );
        fails(
            raw(&spec, "Settings", &[], r#"{"ids":"[1,\"x\"]"}"#),
            &["ids[2]", "64-bit"],
        );
        fails(
            raw(
                &spec,
                "Settings",
                &[],
                r#"{"ids":"[1]","opts":"{\"a\":\"b\"}"}"#,
            ),
            &["opts.a"],
        );
        fails(
            raw(&spec, "Settings", &[], r#"{"name":"n"}"#),
            &["ids is mandatory"],
        );
        fails(raw(&spec, "Tags", &[], "{}"), &["tags", "JSON array"]);
        fails(raw(&spec, "Tags", &[], "[]"), &["tags", "minimum is 1"]);
        fails(
            raw(&spec, "Tags", &[], r#"[{"name":"toolong"}]"#),
            &["tags[1].name", "maximum length is 5"],
        );
        fails(raw(&spec, "Tags", &[], ""), &["tags is mandatory"]);
        fails(raw(&spec, "Labels", &[], "[1]"), &["labels[1]", "a string"]);
    }

    #[test]
    fn synthesised_requests_pass_and_answers_follow_the_response_type() {
        use super::super::registry::{example_request, example_response};
        let spec = styles();
        for (name, op) in &spec.operations {
            let ex = example_request(&spec, op);
            let mut req = request();
            for (k, v, json) in &ex.query {
                req = if *json {
                    req.query_json(k, v)
                } else {
                    req.query(k, v)
                };
            }
            if let Some(b) = &ex.body {
                req = req.json(b);
            }
            sent(&spec, name, req).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        let answer = |op: &str| example_response(&spec, &spec.operations[op]).unwrap();
        assert_eq!(answer("Scale"), serde_json::json!(true));
        assert!(answer("Settings").is_object(), "any: an empty object");
        assert!(
            conforms(&spec, "Tag", &answer("Tags")),
            "{}",
            answer("Tags")
        );
        let labels = answer("Labels");
        assert_eq!(labels["key1"], serde_json::json!(["RED"]), "{labels}");
    }
}
