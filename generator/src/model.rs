//! The intermediate model: a spec file resolved into the Rust items to emit.
//!
//! Lowering assumes [`crate::check`] passed; where the spec is still inconsistent it falls back
//! to something harmless (`serde_json::Value`) instead of panicking.

use std::collections::{BTreeMap, BTreeSet};

use crate::doctext;
use crate::names::{pascal, snake, type_join};
use crate::spec::{self, Auth, Location, SpecFile, Style};
use crate::types::TypeExpr;

/// One service version, ready to emit.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    /// Rust module and cargo feature (`wiki_2_0`).
    pub module: String,
    /// Product code (`wiki`).
    pub service: String,
    /// Version (`2.0`).
    pub version: String,
    /// One-line title.
    pub title: String,
    /// Default host.
    pub base_url: String,
    /// Structs and enums, in spec order (named models first, then per operation).
    pub types: Vec<TypeDef>,
    /// Operations in spec order.
    pub operations: Vec<Operation>,
}

/// A generated type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeDef {
    /// A struct.
    Struct(Struct),
    /// A string enum.
    Enum(Enum),
}

/// A generated struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    /// Rust name.
    pub name: String,
    /// Doc lines.
    pub docs: Vec<String>,
    /// Fields in spec order.
    pub fields: Vec<FieldDef>,
    /// Whether every field type has a `Default`.
    pub default: bool,
    /// Whether it is ever sent (part of a request): then unset fields are left out, not `null`.
    pub sent: bool,
}

/// A struct field or an operation parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldDef {
    /// Wire name.
    pub wire: String,
    /// Rust name (without `r#`).
    pub ident: String,
    /// Rust type, without the `Option` of an optional field.
    pub ty: RustType,
    /// Whether the value must be present.
    pub required: bool,
    /// Doc lines.
    pub docs: Vec<String>,
    /// Whether the field is boxed to break a cycle of models.
    pub boxed: bool,
    /// Parameters only: where it goes.
    pub location: Location,
    /// Parameters only: how its value is encoded there.
    pub style: Style,
}

/// A Rust type of a field.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RustType {
    /// `String`
    String,
    /// `rt::Secret`: a string that `Debug` and `Display` never show (`secret: true`).
    Secret,
    /// `bool`
    Bool,
    /// `i32`
    I32,
    /// `i64`
    I64,
    /// `f64`
    F64,
    /// `serde_json::Value`
    Any,
    /// `Vec<T>`
    Vec(Box<RustType>),
    /// `BTreeMap<String, T>`
    Map(Box<RustType>),
    /// A generated struct or enum.
    Named(String),
}

/// A generated string enum.
#[derive(Debug, Clone, PartialEq)]
pub struct Enum {
    /// Rust name.
    pub name: String,
    /// Doc lines.
    pub docs: Vec<String>,
    /// Documented values.
    pub variants: Vec<Variant>,
    /// Whether it is ever sent (part of a request).
    pub sent: bool,
}

/// One documented enum value or error code.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// As sent on the wire.
    pub wire: String,
    /// Rust variant name.
    pub ident: String,
    /// Doc lines.
    pub docs: Vec<String>,
}

/// One operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// Official name (`GetWorkspace`), also the builder's type name.
    pub name: String,
    /// Method name on the service (`get_workspace`).
    pub fn_name: String,
    /// Doc lines.
    pub docs: Vec<String>,
    /// HTTP method, upper case.
    pub method: String,
    /// Path template.
    pub path: String,
    /// Whether a retry after the request reached the server is safe.
    pub idempotent: bool,
    /// Whether the access-token header is sent.
    pub auth: bool,
    /// Parameters, required first, each group in location order (path, query, header, body).
    pub params: Vec<FieldDef>,
    /// The output type (the response struct, or the response `type`); `None` for
    /// `response: none`.
    pub response: Option<RustType>,
    /// Whether the answer is a JSON object (a struct or a map), as most are.
    pub object_answer: bool,
    /// The error-kind enum (without variants when no code is documented).
    pub errors: Enum,
    /// HTTP status of each documented error code.
    pub error_status: Vec<u16>,
    /// Cursor pagination, as written in the spec.
    pub pagination: Option<spec::Pagination>,
}

impl Operation {
    /// Required parameters in argument order: path, query, header, then body.
    pub fn required(&self) -> impl Iterator<Item = &FieldDef> {
        self.params.iter().filter(|p| p.required)
    }

    /// Optional parameters, each with a setter.
    pub fn optional(&self) -> impl Iterator<Item = &FieldDef> {
        self.params.iter().filter(|p| !p.required)
    }
}

/// Lowers a checked spec file into the model.
pub fn lower(spec: &SpecFile) -> Service {
    let mut cx = Lower { types: Vec::new() };
    for (name, model) in &spec.models {
        let rust = pascal(name);
        let what = if model.values.is_some() {
            "values"
        } else {
            "model"
        };
        let docs = described(
            model.description.as_deref(),
            format!("The {} {what}.", doctext::code(name)),
        );
        match (&model.values, &model.fields) {
            (Some(values), _) => cx.enum_def(rust, docs, values),
            (None, fields) => cx.struct_def(rust, docs, fields.iter().flatten()),
        }
    }
    let operations: Vec<Operation> = spec
        .operations
        .iter()
        .map(|(name, op)| cx.operation(spec, name, op))
        .collect();
    let mut types = cx.types;
    box_cycles(&mut types);
    mark_defaults(&mut types);
    mark_sent(&mut types, &operations);
    Service {
        module: spec.module(),
        service: spec.service.clone(),
        version: spec.version.clone(),
        title: spec.title.clone(),
        base_url: spec.base_url.clone(),
        types,
        operations,
    }
}

struct Lower {
    types: Vec<TypeDef>,
}

impl Lower {
    fn enum_def(
        &mut self,
        name: String,
        docs: Vec<String>,
        values: &indexmap::IndexMap<String, String>,
    ) {
        let variants = values
            .iter()
            .map(|(wire, doc)| Variant {
                wire: wire.clone(),
                // `Unknown(String)` is the catch-all; a documented `Unknown` value gets another name.
                ident: crate::names::variant(wire),
                docs: vec![format!("{}: {}", doctext::code(wire), doctext::inline(doc))],
            })
            .collect();
        self.types.push(TypeDef::Enum(Enum {
            name,
            docs,
            variants,
            sent: false,
        }));
    }

    fn struct_def<'f>(
        &mut self,
        name: String,
        docs: Vec<String>,
        fields: impl IntoIterator<Item = (&'f String, &'f spec::Field)>,
    ) {
        let fields = self.fields(&name, fields);
        self.types.push(TypeDef::Struct(Struct {
            name,
            docs,
            fields,
            default: true,
            sent: false,
        }));
    }

    fn fields<'f>(
        &mut self,
        owner: &str,
        fields: impl IntoIterator<Item = (&'f String, &'f spec::Field)>,
    ) -> Vec<FieldDef> {
        fields
            .into_iter()
            .map(|(wire, f)| self.field(owner, wire, f))
            .collect()
    }

    fn field(&mut self, owner: &str, wire: &str, f: &spec::Field) -> FieldDef {
        let location = f.location.unwrap_or(Location::Body);
        FieldDef {
            wire: wire.to_owned(),
            ident: snake(wire),
            ty: self.ty(owner, wire, f),
            required: f.required || location == Location::Path,
            docs: field_docs(wire, f),
            boxed: false,
            location,
            style: f.style.unwrap_or(Style::default_for(location)),
        }
    }

    /// Resolves a field's type, declaring inline structs and enums named `{owner}{Key}`.
    fn ty(&mut self, owner: &str, key: &str, f: &spec::Field) -> RustType {
        let expr = TypeExpr::parse(&f.ty).unwrap_or(TypeExpr::Any);
        self.resolve(&expr, owner, key, f)
    }

    fn resolve(&mut self, expr: &TypeExpr, owner: &str, key: &str, f: &spec::Field) -> RustType {
        match expr {
            TypeExpr::String => match &f.values {
                Some(values) => {
                    let name = type_join(owner, &pascal(key));
                    let docs = described(
                        f.description.as_deref(),
                        format!("The values of {}.", doctext::code(key)),
                    );
                    self.enum_def(name.clone(), docs, values);
                    RustType::Named(name)
                }
                None if f.secret => RustType::Secret,
                None => RustType::String,
            },
            TypeExpr::Boolean => RustType::Bool,
            TypeExpr::Int32 => RustType::I32,
            TypeExpr::Int64 => RustType::I64,
            TypeExpr::Double => RustType::F64,
            TypeExpr::Any => RustType::Any,
            TypeExpr::Object => match &f.fields {
                Some(fields) => {
                    let name = type_join(owner, &pascal(key));
                    let docs = described(
                        f.description.as_deref(),
                        format!("The object in {}.", doctext::code(key)),
                    );
                    self.struct_def(name.clone(), docs, fields);
                    RustType::Named(name)
                }
                None => RustType::Any,
            },
            TypeExpr::Array(t) => RustType::Vec(Box::new(self.resolve(t, owner, key, f))),
            TypeExpr::Map(t) => RustType::Map(Box::new(self.resolve(t, owner, key, f))),
            TypeExpr::Named(n) => RustType::Named(pascal(n)),
        }
    }

    fn operation(&mut self, spec: &SpecFile, name: &str, op: &spec::Operation) -> Operation {
        let rust = pascal(name);
        let mut params: Vec<FieldDef> = op
            .params
            .iter()
            .map(|(wire, p)| self.field(&rust, wire, p))
            .collect();
        // Required first (stable), each group in location order: path, query, header, body.
        params.sort_by_key(|p| (!p.required, p.location as u8));
        let (response, object_answer) = match &op.response {
            spec::Response::Empty(_) => (None, true),
            spec::Response::Body(b) => self.response(spec, &rust, b),
        };
        let rows = spec.errors_of(op);
        let errors = Enum {
            name: type_join(&rust, "Error"),
            docs: vec![format!(
                "The error codes documented for {}.",
                doctext::link(&rust)
            )],
            variants: rows
                .iter()
                .map(|e| Variant {
                    wire: e.code.clone(),
                    ident: crate::names::variant(&e.code),
                    docs: error_docs(e),
                })
                .collect(),
            sent: false,
        };
        let method = op.method.to_ascii_uppercase();
        Operation {
            fn_name: snake(name),
            docs: operation_docs(name, op, &method),
            idempotent: op.idempotent.unwrap_or(method == "GET"),
            auth: op.auth != Some(Auth::None),
            path: op.path.clone(),
            error_status: rows.iter().map(|e| e.status).collect(),
            pagination: op.pagination.clone(),
            name: rust,
            method,
            params,
            response,
            object_answer,
            errors,
        }
    }

    /// The output type of a JSON answer, and whether it is an object: the `{Op}Response` struct
    /// of `fields`, or the response `type` itself.
    fn response(
        &mut self,
        spec: &SpecFile,
        rust: &str,
        b: &spec::ResponseBody,
    ) -> (Option<RustType>, bool) {
        let description = doctext::block(b.description.as_deref().unwrap_or_default());
        let Some(ty) = &b.ty else {
            let name = type_join(rust, "Response");
            let mut docs = vec![format!("The answer of {}.", doctext::link(rust))];
            if !description.is_empty() {
                docs.push(String::new());
                docs.extend(description);
            }
            self.struct_def(name.clone(), docs, &b.fields);
            return (Some(RustType::Named(name)), true);
        };
        let expr = TypeExpr::parse(ty).unwrap_or(TypeExpr::Any);
        let object = match &expr {
            TypeExpr::Map(_) => true,
            TypeExpr::Named(n) => spec.models.get(n).is_some_and(|m| m.fields.is_some()),
            _ => false,
        };
        let f = spec::Field::of_type(ty);
        (Some(self.resolve(&expr, rust, "Response", &f)), object)
    }
}

/// The doc lines of a description, or `fallback` when there is none (or only white space).
fn described(text: Option<&str>, fallback: String) -> Vec<String> {
    let docs = doctext::block(text.unwrap_or_default());
    if docs.is_empty() {
        vec![fallback]
    } else {
        docs
    }
}

fn yaml_scalar(v: &serde_yaml::Value) -> String {
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
fn field_docs(wire: &str, f: &spec::Field) -> Vec<String> {
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

fn error_docs(e: &spec::ErrorEntry) -> Vec<String> {
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

fn operation_docs(name: &str, op: &spec::Operation, method: &str) -> Vec<String> {
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

/// Marks the types reachable from request parameters and bodies as sent ([`Struct::sent`],
/// [`Enum::sent`]).
fn mark_sent(types: &mut [TypeDef], operations: &[Operation]) {
    fn named(ty: &RustType) -> Option<&str> {
        match ty {
            RustType::Vec(t) | RustType::Map(t) => named(t),
            RustType::Named(n) => Some(n),
            _ => None,
        }
    }
    let mut todo: Vec<String> = operations
        .iter()
        .flat_map(|op| &op.params)
        .filter_map(|f| named(&f.ty).map(str::to_owned))
        .collect();
    let mut sent = BTreeSet::new();
    while let Some(name) = todo.pop() {
        if !sent.insert(name.clone()) {
            continue;
        }
        for t in types.iter() {
            if let TypeDef::Struct(s) = t {
                if s.name == name {
                    todo.extend(
                        s.fields
                            .iter()
                            .filter_map(|f| named(&f.ty).map(str::to_owned)),
                    );
                }
            }
        }
    }
    for t in types.iter_mut() {
        match t {
            TypeDef::Struct(s) => s.sent = sent.contains(&s.name),
            TypeDef::Enum(e) => e.sent = sent.contains(&e.name),
        }
    }
}

/// Named types a field refers to without a `Vec` or map in between.
fn direct_refs(ty: &RustType) -> Option<&str> {
    match ty {
        RustType::Named(n) => Some(n),
        _ => None,
    }
}

/// Boxes every direct struct field that closes a cycle, so recursive models have a finite size.
fn box_cycles(types: &mut [TypeDef]) {
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

/// Sets [`Struct::default`]: a struct has a `Default` unless a required field's type lacks one
/// (enums have none).
fn mark_defaults(types: &mut [TypeDef]) {
    let enums: BTreeSet<String> = types
        .iter()
        .filter_map(|t| match t {
            TypeDef::Enum(e) => Some(e.name.clone()),
            TypeDef::Struct(_) => None,
        })
        .collect();
    let mut no_default = enums;
    loop {
        let mut changed = false;
        for t in types.iter_mut() {
            if let TypeDef::Struct(s) = t {
                // A required field closing a cycle (boxed) would make `Default` recurse forever.
                let lacks = s.fields.iter().any(|f| {
                    f.required
                        && (f.boxed
                            || matches!(&f.ty, RustType::Named(n) if no_default.contains(n)))
                });
                if lacks && s.default {
                    s.default = false;
                    no_default.insert(s.name.clone());
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
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

    #[test]
    fn required_cycles_are_boxed_without_default() {
        let spec: SpecFile = serde_yaml::from_str(
            "service: t\nversion: \"1.0\"\ntitle: T\nbase_url: https://x\nmodels:\n  Node:\n    fields:\n      next: { type: Node, required: true }\n      kids: { type: array<Node> }\noperations: {}\n",
        )
        .unwrap();
        let svc = lower(&spec);
        let TypeDef::Struct(node) = &svc.types[0] else {
            panic!("a struct")
        };
        assert!(node.fields[0].boxed && !node.fields[1].boxed);
        assert!(!node.default, "Default would recurse forever");
    }
}
