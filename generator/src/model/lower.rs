//! A checked spec file lowered into the model.

use std::collections::HashMap;

use super::docs::{described, error_docs, field_docs, operation_docs};
use super::marks::{box_cycles, mark_defaults, mark_use};
use super::{
    Accessor, Cursor, Enum, Field, Method, Operation, Paging, Param, RustType, Service, Struct,
    TypeDef, Variant,
};
use crate::doctext;
use crate::inline::{self, Fields};
use crate::names::{pascal, snake, type_join};
use crate::spec::{self, Auth, Location, SpecFile, Style};
use crate::types::TypeExpr;

/// Lowers a checked spec file into the model.
pub fn lower(spec: &SpecFile) -> Service {
    let mut cx = Lower {
        types: Vec::new(),
        inline: HashMap::new(),
        declared: inline::declared(spec),
    };
    for (name, model) in &spec.models {
        cx.model(name, model);
    }
    let mut operations: Vec<Operation> = spec
        .operations
        .iter()
        .map(|(name, op)| cx.operation(spec, name, op))
        .collect();
    let mut types = cx.types;
    box_cycles(&mut types);
    mark_use(&mut types, &operations);
    mark_defaults(&mut types);
    for (op, (_, written)) in operations.iter_mut().zip(&spec.operations) {
        op.pagination = written
            .pagination
            .as_ref()
            .and_then(|p| paging(p, written, op, &types));
    }
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
    /// The names of the current owner's inline types, by their key path below the owner.
    inline: HashMap<String, String>,
    /// The names no inline type may take ([`inline::declared`]).
    declared: std::collections::HashSet<String>,
}

impl Lower {
    /// Names the inline types of the owner `owner` ([`inline::names`]) before its fields are
    /// lowered.
    fn name_inline_types(&mut self, owner: &str, fields: &[Fields<'_>]) {
        self.inline = inline::names(owner, fields, &self.declared)
            .into_iter()
            .map(|i| (i.key_path, i.name))
            .collect();
    }

    /// The name of the inline type at `key_path`: as named, or (for a spec the check would have
    /// refused) the owner's name and the key.
    fn inline_name(&self, key_path: &str) -> String {
        self.inline.get(key_path).cloned().unwrap_or_else(|| {
            let key = key_path.rsplit('.').next().unwrap_or(key_path);
            pascal(key)
        })
    }

    fn model(&mut self, name: &str, model: &spec::Model) {
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
            (Some(values), _) => self.enum_def(rust, docs, values),
            (None, fields) => {
                let empty = indexmap::IndexMap::new();
                let fields = fields.as_ref().unwrap_or(&empty);
                let source = Fields {
                    above: None,
                    key: "fields",
                    fields,
                };
                self.name_inline_types(&rust, &[source]);
                self.struct_def(rust, docs, "fields", fields);
            }
        }
    }

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

    /// A struct of `fields`, declared at `key_path` (below the owner).
    fn struct_def(
        &mut self,
        name: String,
        docs: Vec<String>,
        key_path: &str,
        fields: &indexmap::IndexMap<String, spec::Field>,
    ) {
        let fields = fields
            .iter()
            .map(|(wire, f)| self.field(&format!("{key_path}.{wire}"), wire, f))
            .collect();
        self.types.push(TypeDef::Struct(Struct {
            name,
            docs,
            fields,
            default: true,
            sent: false,
            received: false,
        }));
    }

    /// The field `wire`, declared at `key_path` (below the owner).
    fn field(&mut self, key_path: &str, wire: &str, f: &spec::Field) -> Field {
        let expr = TypeExpr::parse(&f.ty).unwrap_or(TypeExpr::Any);
        Field {
            wire: wire.to_owned(),
            ident: snake(wire),
            ty: self.resolve(&expr, key_path, f),
            required: f.required || f.location == Some(Location::Path),
            docs: field_docs(wire, f),
            boxed: false,
        }
    }

    /// A field's Rust type, declaring its inline struct or enum.
    fn resolve(&mut self, expr: &TypeExpr, key_path: &str, f: &spec::Field) -> RustType {
        let key = key_path.rsplit('.').next().unwrap_or(key_path);
        match expr {
            TypeExpr::String => match &f.values {
                Some(values) => {
                    let name = self.inline_name(key_path);
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
                    let name = self.inline_name(key_path);
                    let docs = described(
                        f.description.as_deref(),
                        format!("The object in {}.", doctext::code(key)),
                    );
                    self.struct_def(name.clone(), docs, &format!("{key_path}.fields"), fields);
                    RustType::Named(name)
                }
                None => RustType::Any,
            },
            TypeExpr::Array(t) => RustType::Vec(Box::new(self.resolve(t, key_path, f))),
            TypeExpr::Map(t) => RustType::Map(Box::new(self.resolve(t, key_path, f))),
            TypeExpr::Named(n) => RustType::Named(pascal(n)),
        }
    }

    fn operation(&mut self, spec: &SpecFile, name: &str, op: &spec::Operation) -> Operation {
        let rust = pascal(name);
        let no_fields = indexmap::IndexMap::new();
        let answer = match &op.response {
            spec::Response::Body(b) if b.ty.is_none() => &b.fields,
            _ => &no_fields,
        };
        let sources = [
            Fields {
                above: None,
                key: "params",
                fields: &op.params,
            },
            Fields {
                above: Some("Response"),
                key: "response.fields",
                fields: answer,
            },
        ];
        self.name_inline_types(&rust, &sources);
        let mut params: Vec<Param> = op
            .params
            .iter()
            .map(|(wire, p)| {
                let location = p.location.unwrap_or(Location::Body);
                Param {
                    field: self.field(&format!("params.{wire}"), wire, p),
                    location,
                    style: p.style.unwrap_or(Style::default_for(location)),
                }
            })
            .collect();
        // Required first (stable), each group in location order: path, query, header, body.
        params.sort_by_key(|p| (!p.field.required, p.location as u8));
        let (response, object_answer) = match &op.response {
            spec::Response::Empty(_) => (None, true),
            spec::Response::Body(b) => self.response(spec, &rust, b),
        };
        let method = Method::parse(&op.method).unwrap_or(Method::Get);
        Operation {
            fn_name: snake(name),
            docs: operation_docs(name, op, method.as_str()),
            idempotent: op.idempotent.unwrap_or(method == Method::Get),
            auth: op.auth != Some(Auth::None),
            path: op.path.clone(),
            errors: errors(spec, op, &rust),
            pagination: None,
            name: rust,
            method,
            params,
            response,
            object_answer,
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
            self.struct_def(name.clone(), docs, "response.fields", &b.fields);
            return (Some(RustType::Named(name)), true);
        };
        let expr = TypeExpr::parse(ty).unwrap_or(TypeExpr::Any);
        let object = match &expr {
            TypeExpr::Map(_) => true,
            TypeExpr::Named(n) => spec.models.get(n).is_some_and(|m| m.fields.is_some()),
            _ => false,
        };
        let f = spec::Field::of_type(ty);
        (Some(self.resolve(&expr, "response.type", &f)), object)
    }
}

/// The error codes of an operation, as an enum (without variants when none is documented).
fn errors(spec: &SpecFile, op: &spec::Operation, rust: &str) -> Enum {
    Enum {
        name: type_join(rust, "Error"),
        docs: vec![format!(
            "The error codes documented for {}.",
            doctext::link(rust)
        )],
        variants: spec
            .errors_of(op)
            .iter()
            .map(|e| Variant {
                wire: e.code.clone(),
                ident: crate::names::variant(&e.code),
                docs: error_docs(e),
            })
            .collect(),
        sent: false,
    }
}

/// The paginator's view of an operation: where the cursor goes (a string query parameter, or
/// a string field of the body or of an object in it) and which fields of the answer (a struct)
/// say what. `None` if the spec does not fit that (the check says why).
fn paging(
    p: &spec::Pagination,
    written: &spec::Operation,
    op: &Operation,
    types: &[TypeDef],
) -> Option<Paging> {
    let mut path = p.cursor.split('.');
    let outer = written.params.get(path.next()?)?;
    let cursor = match outer.location? {
        Location::Query if !p.cursor.contains('.') => Cursor::Query(p.cursor.clone()),
        Location::Body => Cursor::Body(p.cursor.split('.').map(str::to_owned).collect()),
        _ => return None,
    };
    let answer = types.iter().find_map(|t| match t {
        TypeDef::Struct(s) if op.response == Some(RustType::Named(s.name.clone())) => Some(s),
        _ => None,
    })?;
    let accessor = |wire: &str| {
        let f = answer.fields.iter().find(|f| f.wire == wire)?;
        let option = answer.is_option(f);
        Some((
            Accessor {
                ident: f.ident.clone(),
                option,
            },
            &f.ty,
        ))
    };
    let (items, items_ty) = accessor(&p.items)?;
    let RustType::Vec(item) = items_ty else {
        return None;
    };
    Some(Paging {
        cursor,
        next: accessor(&p.next)?.0,
        item: (**item).clone(),
        items,
        has_more: match &p.has_more {
            Some(h) => Some(accessor(h)?.0),
            None => None,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lowered(yaml: &str) -> Service {
        let head = "service: t\nversion: \"1.0\"\ntitle: T\nbase_url: https://x\n";
        lower(&serde_yaml::from_str(&format!("{head}{yaml}")).unwrap())
    }

    fn structs(svc: &Service) -> Vec<&Struct> {
        svc.types
            .iter()
            .filter_map(|t| match t {
                TypeDef::Struct(s) => Some(s),
                TypeDef::Enum(_) => None,
            })
            .collect()
    }

    #[test]
    fn sent_and_received_types_are_lenient_and_built_by_a_constructor() {
        let svc = lowered(
            "models:\n  Anchor:\n    fields:\n      col: { type: int32, required: true }\n      row: { type: int32 }\n  Seen:\n    fields:\n      id: { type: string, required: true }\noperations:\n  Put:\n    method: PUT\n    path: /p\n    idempotent: true\n    params:\n      anchor: { in: body, type: Anchor, required: true }\n    response:\n      fields:\n        anchor: { type: Anchor }\n        seen: { type: Seen }\n",
        );
        let s = structs(&svc);
        let (anchor, seen) = (s[0], s[1]);
        assert!(anchor.sent && anchor.received);
        assert!(
            anchor.is_option(&anchor.fields[0]),
            "an answer may omit `col`"
        );
        assert!(anchor.has_constructor() && !anchor.default);
        assert!(!seen.sent && seen.received && !seen.is_option(&seen.fields[0]));
        assert!(!seen.has_constructor() && seen.default);
    }

    #[test]
    fn paging_reads_the_cursor_place_and_the_answer_fields() {
        let svc = lowered(
            "operations:\n  List:\n    method: POST\n    path: /p\n    idempotent: true\n    params:\n      option: { in: body, type: object, fields: { nextToken: { type: string } } }\n    response:\n      fields:\n        items: { type: array<string>, required: true }\n        nextToken: { type: string }\n    pagination: { cursor: option.nextToken, next: nextToken, items: items }\n",
        );
        let p = svc.operations[0].pagination.clone().expect("paginated");
        assert_eq!(
            p.cursor,
            Cursor::Body(vec!["option".into(), "nextToken".into()])
        );
        assert_eq!((p.items.ident.as_str(), p.items.option), ("items", false));
        assert_eq!((p.next.ident.as_str(), p.next.option), ("next_token", true));
        assert_eq!(p.item, RustType::String);
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
