//! From one service version's client methods and model classes to its operations and models.

use std::collections::{BTreeMap, BTreeSet};

use crate::client::{Assign, BodyKind, Method, Target};
use crate::examples::{self, ModuleExamples};
use crate::exclusions;
use crate::ir::{Example, Field, Location, Model, Operation, Param, Response, Service, Style, Ty};
use crate::models::{Class, Classes, PyField, PyType};
use crate::pagination;
use crate::problem::Problem;

/// The header every authenticated operation sends; the runtime adds it, so it is no parameter.
const TOKEN_HEADER: &str = "x-acs-dingtalk-access-token";

/// Turns one module's methods and classes into a service. Operations on the exclusion list are
/// left out (and listed in `found.excluded`).
pub fn service(
    dir: &str,
    methods: &[Method],
    classes: &Classes,
    examples: Option<&ModuleExamples>,
    found: &mut Findings,
) -> Option<Service> {
    let client = format!("{dir}/client.py");
    let models = format!("{dir}/models.py");
    let sync: Vec<&Method> = methods.iter().filter(|m| !m.is_async).collect();
    check_async_twins(&client, methods, &mut found.problems);
    let first = sync.first()?;
    let Some((product, version)) = first.params.version.rsplit_once('_') else {
        let what = format!(
            "version `{}` is not `<product>_<version>`",
            first.params.version
        );
        found
            .problems
            .push(Problem::new(&client, first.params.line, what));
        return None;
    };
    let named = named_classes(classes, &sync);
    let mut x = Extractor {
        models_file: &models,
        examples,
        classes,
        named: &named,
        problems: &mut found.problems,
        notes: &mut found.notes,
    };
    let operations = x.operations(&client, &sync, (product, version), &mut found.excluded);
    let models = x.models(&operations);
    let (module, module_override) = exclusions::module(product, version);
    Some(Service {
        product: product.to_owned(),
        version: version.to_owned(),
        module,
        module_override,
        operations,
        models,
    })
}

/// Each `_async` method must build the same request as its synchronous twin.
fn check_async_twins(file: &str, methods: &[Method], problems: &mut Vec<Problem>) {
    let sync: BTreeMap<&str, &Method> = methods
        .iter()
        .filter(|m| !m.is_async)
        .map(|m| (m.name.as_str(), m))
        .collect();
    for m in methods.iter().filter(|m| m.is_async) {
        let twin = m.name.strip_suffix("_async").and_then(|n| sync.get(n));
        let same = twin.is_some_and(|t| {
            let strip = |m: &Method| {
                let mut m = m.clone();
                m.name.clear();
                m.is_async = false;
                m.line = 0;
                m.params.line = 0;
                m.assigns.iter_mut().for_each(|a| a.line = 0);
                m
            };
            strip(t) == strip(m)
        });
        if !same {
            problems.push(Problem::new(
                file,
                m.line,
                format!("`{}` differs from its synchronous twin", m.name),
            ));
        }
    }
}

/// Classes that become named models instead of inline objects: those referenced from a class
/// whose name they do not extend (the package's shared models, `DentryVO`, `ResultValue`),
/// those referenced from more than one place, those on a reference cycle (`SpaceModel` ↔
/// `DentryModel`), and those inside an answer that is not an object (`List[…ResponseBody]`).
fn named_classes(classes: &Classes, methods: &[&Method]) -> BTreeSet<String> {
    let mut refs: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    // Only classes the operations use: a `…ShrinkRequest` repeats its request's fields and
    // would count every nested class twice.
    let roots = methods.iter().flat_map(|m| {
        [
            m.request.as_deref(),
            m.headers.as_deref(),
            Some(m.response.as_str()),
        ]
    });
    let mut reachable: BTreeSet<&str> = roots.flatten().collect();
    let mut todo: Vec<&str> = reachable.iter().copied().collect();
    while let Some(name) = todo.pop() {
        for f in classes.get(name).map_or(&[][..], |c| &c.fields[..]) {
            if let Some(to) = f.ty.class() {
                if reachable.insert(to) {
                    todo.push(to);
                }
            }
        }
    }
    for class in classes
        .values()
        .filter(|c| reachable.contains(c.name.as_str()))
    {
        for f in &class.fields {
            if let Some(to) = f.ty.class() {
                refs.entry(to).or_default().push(&class.name);
            }
        }
    }
    let mut named = BTreeSet::new();
    for (to, from) in &refs {
        let foreign = from.iter().any(|f| !to.starts_with(f));
        if foreign || from.len() > 1 || on_cycle(classes, to) {
            named.insert((*to).to_owned());
        }
    }
    for m in methods {
        if let Some(body) = classes.get(&m.response).and_then(|r| r.field("body")) {
            if !matches!(body.ty, PyType::Class(_)) {
                if let Some(c) = body.ty.class() {
                    named.insert(c.to_owned());
                }
            }
        }
    }
    named
}

/// Whether `start` can reach itself through field references.
fn on_cycle(classes: &Classes, start: &str) -> bool {
    let mut stack = vec![start];
    let mut seen = BTreeSet::new();
    while let Some(c) = stack.pop() {
        let Some(class) = classes.get(c) else {
            continue;
        };
        for f in &class.fields {
            if let Some(to) = f.ty.class() {
                if to == start {
                    return true;
                }
                if seen.insert(to) {
                    stack.push(to);
                }
            }
        }
    }
    false
}

struct Extractor<'a> {
    models_file: &'a str,
    examples: Option<&'a ModuleExamples>,
    classes: &'a Classes,
    named: &'a BTreeSet<String>,
    problems: &'a mut Vec<Problem>,
    notes: &'a mut Vec<String>,
}

/// What reading the wheel found besides the services.
#[derive(Debug, Default)]
pub struct Findings {
    /// Constructs not understood: the import fails.
    pub problems: Vec<Problem>,
    /// Operations left out on purpose: (`product version Operation`, reason).
    pub excluded: Vec<(String, String)>,
    /// Facts handled deliberately that a maintainer should know about.
    pub notes: Vec<String>,
}

impl Extractor<'_> {
    /// The module's operations, by name, without the excluded ones.
    fn operations(
        &mut self,
        client: &str,
        sync: &[&Method],
        (product, version): (&str, &str),
        excluded: &mut Vec<(String, String)>,
    ) -> Vec<Operation> {
        let code = format!("{product}_{version}");
        let mut operations = Vec::new();
        for m in sync {
            if m.params.version != code {
                let what = format!(
                    "version `{}` differs from the module's `{code}`",
                    m.params.version
                );
                self.problems
                    .push(Problem::new(client, m.params.line, what));
            } else if let Some(reason) = exclusions::junk(product, version, &m.params.action) {
                let op = format!("{product} {version} {}", m.params.action);
                excluded.push((op, reason.to_owned()));
            } else if let Some(op) = self.operation(client, m) {
                operations.push(op);
            }
        }
        operations.sort_by(|a, b| a.name.cmp(&b.name));
        for pair in operations.windows(2).filter(|p| p[0].name == p[1].name) {
            let what = format!(
                "operation `{}` appears twice (also at {})",
                pair[0].name, pair[0].origin
            );
            self.problems.push(Problem::new(client, 0, what));
        }
        operations
    }

    fn class(&mut self, name: &str, at: &str, line: usize) -> Option<&Class> {
        let found = self.classes.get(name);
        if found.is_none() {
            self.problems.push(Problem::new(
                at,
                line,
                format!("class `{name}` is not in models.py"),
            ));
        }
        found
    }

    fn operation(&mut self, file: &str, m: &Method) -> Option<Operation> {
        let p = &m.params;
        let anonymous = match p.auth_type.as_str() {
            "AK" => false,
            "Anonymous" => true,
            other => {
                self.problems.push(Problem::new(
                    file,
                    p.line,
                    format!("auth_type `{other}` not understood"),
                ));
                return None;
            }
        };
        if !matches!(
            p.method.as_str(),
            "GET" | "POST" | "PUT" | "PATCH" | "DELETE"
        ) {
            self.problems.push(Problem::new(
                file,
                p.line,
                format!("method `{}` not understood", p.method),
            ));
            return None;
        }
        let request = match &m.request {
            Some(r) => Some(self.class(r, file, m.line)?.clone()),
            None => None,
        };
        let (path, mut params) = self.path(file, m, request.as_ref())?;
        params.extend(self.sent(file, m, request.as_ref())?);
        let mut seen = BTreeSet::new();
        for param in &params {
            if !seen.insert(param.wire.as_str()) {
                self.problems.push(Problem::new(
                    file,
                    p.line,
                    format!("`{}` sends `{}` twice", p.action, param.wire),
                ));
                return None;
            }
        }
        let response = self.response(file, m)?;
        let pagination = pagination::detect(&params, &response);
        Some(Operation {
            name: p.action.clone(),
            method: p.method.clone(),
            path,
            anonymous,
            params,
            response,
            pagination,
            origin: format!("{file}:{}", p.line),
        })
    }

    /// The path template with wire placeholders, and the path parameters. The package writes
    /// placeholders in snake_case; the wire name is the request field of that attribute when
    /// there is one, else the lowerCamelCase of the argument (DingTalk's spelling of ids).
    fn path(
        &mut self,
        file: &str,
        m: &Method,
        request: Option<&Class>,
    ) -> Option<(String, Vec<Param>)> {
        let mut path = String::new();
        let mut params = Vec::new();
        let mut rest = m.params.pathname.trim();
        if rest != m.params.pathname {
            // A space cannot go into a request line; the package's own client cannot send it.
            self.notes.push(format!(
                "{file}:{}: {}: the package's path `{}` has spaces around it; trimmed",
                m.params.line, m.params.action, m.params.pathname
            ));
        }
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| open + c) else {
                self.problems.push(Problem::new(
                    file,
                    m.params.line,
                    "an unclosed `{` in the path",
                ));
                return None;
            };
            let arg = &rest[open + 1..close];
            if !m.path_args.iter().any(|a| a == arg) {
                let what = format!(
                    "path placeholder `{arg}` is not an argument of `{}`",
                    m.name
                );
                self.problems.push(Problem::new(file, m.params.line, what));
                return None;
            }
            let wire = request
                .and_then(|r| r.field(arg))
                .map_or_else(|| lower_camel(arg), |f| f.wire.clone());
            path.push_str(&rest[..open]);
            path.push('{');
            path.push_str(&wire);
            path.push('}');
            params.push(Param {
                wire,
                location: Location::Path,
                style: None,
                ty: Ty::String,
                required: true,
                example: None,
            });
            rest = &rest[close + 1..];
        }
        path.push_str(rest);
        for arg in m
            .path_args
            .iter()
            .filter(|a| !m.params.pathname.contains(&format!("{{{a}}}")))
        {
            // The package takes the argument and never sends it: neither does the spec.
            self.notes.push(format!(
                "{file}:{}: {} takes `{arg}` but never sends it; left out",
                m.line, m.params.action
            ));
        }
        Some((path, params))
    }

    /// The query, body and header parameters, in the order the method sends them.
    fn sent(&mut self, file: &str, m: &Method, request: Option<&Class>) -> Option<Vec<Param>> {
        let mut params = Vec::new();
        let headers = match &m.headers {
            Some(h) => Some(self.class(h, file, m.line)?.clone()),
            None => None,
        };
        for a in &m.assigns {
            if a.target == Target::Header && a.wire == TOKEN_HEADER {
                continue;
            }
            let (field, style) = match a.target {
                Target::Header => (headers.as_ref().and_then(|h| h.field(&a.attr)), None),
                _ => self.request_field(m, request, a),
            };
            let Some(field) = field else {
                let what = format!(
                    "`{}` is not a field of the request or headers model",
                    a.attr
                );
                self.problems.push(Problem::new(file, a.line, what));
                return None;
            };
            let field = field.clone();
            let location = match a.target {
                Target::Query => Location::Query,
                Target::Body => Location::Body,
                Target::Header => Location::Header,
            };
            if style == Some(Style::Comma) && location != Location::Query {
                self.problems.push(Problem::new(
                    file,
                    a.line,
                    "a comma-joined value outside the query",
                ));
                return None;
            }
            let class = match a.target {
                Target::Header => m.headers.as_deref(),
                _ => m.request.as_deref(),
            };
            let ty = self.ty(&field.ty, false);
            params.push(Param {
                wire: a.wire.clone(),
                location,
                style,
                example: self.example(class.unwrap_or_default(), &field.wire, &ty),
                ty,
                required: field.required,
            });
        }
        if m.body == BodyKind::Whole {
            params.push(self.whole_body(file, m, request, &params)?);
        }
        Some(params)
    }

    /// The request's `body` field when it is the whole JSON body (no other body parameter).
    fn whole_body(
        &mut self,
        file: &str,
        m: &Method,
        request: Option<&Class>,
        params: &[Param],
    ) -> Option<Param> {
        let Some(field) = request.and_then(|r| r.field("body")).cloned() else {
            self.problems.push(Problem::new(
                file,
                m.line,
                "a whole body without a request `body` field",
            ));
            return None;
        };
        if params.iter().any(|p| p.location == Location::Body) {
            self.problems.push(Problem::new(
                file,
                m.line,
                "a whole body besides body fields",
            ));
            return None;
        }
        Some(Param {
            wire: field.wire.clone(),
            location: Location::Body,
            style: Some(Style::Whole),
            ty: self.ty(&field.ty, false),
            required: field.required,
            example: None,
        })
    }

    /// The request field an assignment reads, through a shrink (`a_shrink` ← `a`).
    fn request_field<'c>(
        &self,
        m: &Method,
        request: Option<&'c Class>,
        a: &Assign,
    ) -> (Option<&'c PyField>, Option<Style>) {
        match m.shrinks.iter().find(|s| s.to == a.attr) {
            Some(s) => {
                let style = match s.style.as_str() {
                    "json" => Some(Style::Json),
                    "simple" => Some(Style::Comma),
                    _ => None,
                };
                (
                    request
                        .and_then(|r| r.field(&s.from))
                        .filter(|_| style.is_some()),
                    style,
                )
            }
            None => (request.and_then(|r| r.field(&a.attr)), None),
        }
    }

    /// The answer, from the response class's `body` field and `body_type`.
    fn response(&mut self, file: &str, m: &Method) -> Option<Response> {
        let class = self.class(&m.response, file, m.line)?.clone();
        let body = class.field("body");
        Some(match (m.params.body_type.as_str(), body) {
            ("none", _) => Response::None,
            // The package declares a JSON answer but has no model for it: keep what the
            // server says as free-form JSON.
            (_, None) => Response::Type(Ty::Any),
            (_, Some(body)) => match &body.ty {
                PyType::Class(c) if !self.named.contains(c) => {
                    let c = c.clone();
                    Response::Fields(self.fields(&c, true))
                }
                ty => Response::Type(self.ty(ty, true)),
            },
        })
    }

    /// A Python type as a spec type; classes are inline objects unless named. Answer-side
    /// fields are never required: the package's flags on answers are not reliable.
    fn ty(&mut self, t: &PyType, answer: bool) -> Ty {
        match t {
            PyType::Str | PyType::Binary => Ty::String,
            PyType::Int => Ty::Int64,
            PyType::Bool => Ty::Boolean,
            PyType::Float => Ty::Double,
            PyType::Any => Ty::Any,
            PyType::List(t) => Ty::Array(Box::new(self.ty(t, answer))),
            PyType::Dict(t) => Ty::Map(Box::new(self.ty(t, answer))),
            PyType::Class(c) if self.named.contains(c) => Ty::Named(c.clone()),
            PyType::Class(c) => Ty::Object(self.fields(&c.clone(), answer)),
        }
    }

    fn fields(&mut self, class: &str, answer: bool) -> Vec<Field> {
        let Some(c) = self.class(class, self.models_file, 0).cloned() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for f in &c.fields {
            let ty = self.ty(&f.ty, answer);
            out.push(Field {
                wire: f.wire.clone(),
                example: self.example(class, &f.wire, &ty),
                ty,
                required: f.required && !answer,
            });
        }
        out
    }

    /// The Node package's example for a field, if it gives one that fits.
    fn example(&self, class: &str, wire: &str, ty: &Ty) -> Option<Example> {
        examples::typed(self.examples, class, wire, ty)
    }

    /// The named models the operations use (transitively), by name. A model an answer refers
    /// to keeps no required flags, also when a request sends it too: a field a request must
    /// send may still be missing from an answer (the package's flags on answers are not
    /// reliable), and a required field would make that answer fail to decode. A model only
    /// requests send keeps them.
    fn models(&mut self, operations: &[Operation]) -> Vec<Model> {
        let mut sent = Vec::new();
        let mut received = Vec::new();
        for op in operations {
            op.params.iter().for_each(|p| p.ty.named(&mut sent));
            match &op.response {
                Response::Fields(f) => f.iter().for_each(|f| f.ty.named(&mut received)),
                Response::Type(t) => t.named(&mut received),
                Response::None => {}
            }
        }
        let mut out: BTreeMap<String, Model> = self.closure(sent, false);
        out.extend(self.closure(received, true));
        out.into_values().collect()
    }

    fn closure(&mut self, mut todo: Vec<String>, answer: bool) -> BTreeMap<String, Model> {
        let mut out = BTreeMap::new();
        while let Some(name) = todo.pop() {
            if out.contains_key(&name) {
                continue;
            }
            let fields = self.fields(&name, answer);
            fields.iter().for_each(|f| f.ty.named(&mut todo));
            out.insert(name.clone(), Model { name, fields });
        }
        out
    }
}

/// `product_key` → `productKey`.
pub fn lower_camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = !out.is_empty();
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}
