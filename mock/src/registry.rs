//! The operations the mock serves, read once per SDK from the spec text it hands over
//! ([`Sdk::specs`]).

use std::any::TypeId;
use std::collections::HashMap;
use std::sync::Mutex;

use dingtalk_openapi_codegen::spec::{self, Auth, SpecFile};
use dingtalk_openapi_codegen::Input;
use dingtalk_openapi_runtime::{Client, Endpoint, ErrorKind, Method, Request};
use serde_json::Value;

use super::synth;
use super::Sdk;

/// One operation of the embedded spec, as the mock serves it.
#[derive(Debug)]
pub struct OperationInfo {
    /// The spec file it is described in.
    pub(crate) spec: &'static SpecFile,
    pub(crate) op: spec::Operation,
    pub(crate) name: &'static str,
    pub(crate) module: &'static str,
    pub(crate) product: &'static str,
    pub(crate) version: &'static str,
    pub(crate) endpoint: &'static Endpoint,
    pub(crate) segments: Vec<Segment>,
    /// The summary, or the name in words when the spec has none.
    pub(crate) summary: String,
    /// The error rows, the file's tables expanded (`use:`).
    pub(crate) errors: Vec<spec::ErrorEntry>,
}

/// A piece of a path template between two `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    Literal(String),
    /// `{name}`, possibly with text glued on: the package has `{processId}definitions` (a `/`
    /// missing upstream), which the SDK sends as written, so the mock must route it.
    Param {
        name: String,
        prefix: String,
        suffix: String,
    },
}

impl Segment {
    fn parse(s: &str) -> Segment {
        let placeholder = s.find('{').and_then(|open| {
            let close = open + s[open..].find('}')?;
            Some((open, close))
        });
        match placeholder {
            Some((open, close)) => Segment::Param {
                name: s[open + 1..close].to_owned(),
                prefix: s[..open].to_owned(),
                suffix: s[close + 1..].to_owned(),
            },
            None => Segment::Literal(s.to_owned()),
        }
    }

    /// The raw (still percent-encoded) value of the parameter in `part`, when `part` fits.
    fn value<'p>(&self, part: &'p str) -> Option<&'p str> {
        let Segment::Param { prefix, suffix, .. } = self else {
            return None;
        };
        let value = part
            .strip_prefix(prefix.as_str())?
            .strip_suffix(suffix.as_str())?;
        (!value.is_empty()).then_some(value)
    }
}

/// Every operation of an SDK's spec files, parsed.
#[derive(Debug)]
pub(crate) struct Registry {
    pub(crate) ops: Vec<OperationInfo>,
}

fn leak(s: String) -> &'static str {
    // Built once per SDK and process (see `of`), so these few strings are not a growing leak.
    Box::leak(s.into_boxed_str())
}

fn method(m: &str) -> Method {
    match m.to_ascii_uppercase().as_str() {
        "POST" => Method::Post,
        "PUT" => Method::Put,
        "PATCH" => Method::Patch,
        "DELETE" => Method::Delete,
        _ => Method::Get,
    }
}

impl Registry {
    /// Parses `(file name, YAML text)` of each spec file.
    fn load(specs: &[(&str, &str)]) -> Result<Registry, String> {
        let mut ops = Vec::new();
        for (name, source) in specs {
            let input = Input { name, source };
            // The SDK's build script already checked these; a failure here means a mismatched
            // build, or a spec folder given to the binary that does not check.
            dingtalk_openapi_codegen::compile(&[input]).map_err(|d| d.to_string())?;
            let file = dingtalk_openapi_codegen::load(input).map_err(|d| d.to_string())?;
            let file: &'static SpecFile = Box::leak(Box::new(file));
            ops.extend(
                file.operations
                    .iter()
                    .map(|(name, op)| operation(file, name, op)),
            );
        }
        Ok(Registry { ops })
    }

    /// The operation `name` of service `service` (product code `wiki`, module `wiki_2_0` or
    /// `wiki_2.0`), or why there is none.
    pub(crate) fn find(&self, service: &str, name: &str) -> Result<usize, String> {
        let hits: Vec<usize> = self
            .ops
            .iter()
            .enumerate()
            .filter(|(_, o)| o.matches_service(service) && o.name == name)
            .map(|(i, _)| i)
            .collect();
        match hits.as_slice() {
            [one] => Ok(*one),
            [] => Err(format!(
                "the mock has no operation `{name}` in service `{service}`; it serves: {}",
                self.ops
                    .iter()
                    .map(|o| format!("{}/{}", o.module, o.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            _ => Err(format!(
                "`{service}/{name}` is in several versions; name the version (`{}`)",
                hits.iter()
                    .map(|i| self.ops[*i].module)
                    .collect::<Vec<_>>()
                    .join("`, `")
            )),
        }
    }

    /// The operation whose method and path template match, with its decoded path parameters.
    pub(crate) fn route(&self, method: &str, path: &str) -> Option<(usize, Vec<(String, String)>)> {
        let parts: Vec<&str> = path.split('/').collect();
        'ops: for (i, op) in self.ops.iter().enumerate() {
            if op.endpoint.method.as_str() != method || op.segments.len() != parts.len() {
                continue;
            }
            let mut params = Vec::new();
            for (seg, part) in op.segments.iter().zip(&parts) {
                match seg {
                    Segment::Literal(l) if l == part => {}
                    Segment::Literal(_) => continue 'ops,
                    Segment::Param { name, .. } => match seg.value(part) {
                        Some(value) => params.push((
                            name.clone(),
                            percent_encoding::percent_decode_str(value)
                                .decode_utf8_lossy()
                                .into_owned(),
                        )),
                        None => continue 'ops,
                    },
                }
            }
            return Some((i, params));
        }
        None
    }
}

/// The operation `name` of `file`, as the mock serves it.
fn operation(file: &'static SpecFile, name: &str, op: &spec::Operation) -> OperationInfo {
    let m = method(&op.method);
    let endpoint: &'static Endpoint = Box::leak(Box::new(Endpoint {
        service: leak(format!("{}_{}", file.service, file.version)),
        operation: leak(name.to_owned()),
        method: m,
        path: leak(op.path.clone()),
        base_url: leak(file.base_url.clone()),
        idempotent: op.idempotent.unwrap_or(m == Method::Get),
        auth: op.auth != Some(Auth::None),
        response_body: matches!(op.response, spec::Response::Body(_)),
        object_answer: object_answer(file, &op.response),
    }));
    let segments = op.path.split('/').map(Segment::parse).collect();
    OperationInfo {
        spec: file,
        op: op.clone(),
        name: endpoint.operation,
        module: leak(file.module()),
        product: leak(file.service.clone()),
        version: leak(file.version.clone()),
        endpoint,
        segments,
        summary: op.summary(name),
        errors: file.errors_of(op).into_iter().cloned().collect(),
    }
}

/// Whether a 2xx answer is a JSON object: `fields`, a map, or a model with fields.
fn object_answer(file: &SpecFile, response: &spec::Response) -> bool {
    use dingtalk_openapi_codegen::types::TypeExpr;
    match response {
        spec::Response::Body(spec::ResponseBody { ty: Some(ty), .. }) => {
            match TypeExpr::parse(ty) {
                Ok(TypeExpr::Map(_)) => true,
                Ok(TypeExpr::Named(n)) => file.models.get(&n).is_some_and(|m| m.fields.is_some()),
                _ => false,
            }
        }
        _ => true,
    }
}

/// The parsed spec of SDK `S`, or why it could not be read; parsed once per process.
pub(crate) fn of<S: Sdk>() -> Result<&'static Registry, String> {
    type Loaded = Result<&'static Registry, String>;
    static REGISTRIES: Mutex<Option<HashMap<TypeId, Loaded>>> = Mutex::new(None);
    let mut registries = REGISTRIES.lock().unwrap_or_else(|e| e.into_inner());
    let registries = registries.get_or_insert_with(HashMap::new);
    let loaded = registries.entry(TypeId::of::<S>()).or_insert_with(|| {
        let registry = Registry::load(S::specs())?;
        Ok(Box::leak(Box::new(registry)))
    });
    loaded.clone()
}

/// Every operation that SDK `S` serves, in spec order (services by file name).
///
/// # Panics
/// If its spec does not load (an SDK's build script rules that out).
pub fn operations<S: Sdk>() -> &'static [OperationInfo] {
    match of::<S>() {
        Ok(r) => &r.ops,
        Err(e) => panic!("the spec does not load: {e}"),
    }
}

/// An error code of an operation called without its typed error enum (any code is kept).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UntypedError(pub String);

impl ErrorKind for UntypedError {
    fn from_code(code: &str) -> Self {
        UntypedError(code.to_owned())
    }
}

/// Parameters of a call made from the spec alone: examples where documented, otherwise values
/// synthesised from the types (first enum value, smallest allowed length, …).
#[derive(Debug, Clone, PartialEq)]
pub struct ExampleRequest {
    /// Path parameters.
    pub path: Vec<(String, String)>,
    /// Query parameters, with whether each is sent as one JSON string (`style: json`).
    pub query: Vec<(String, Value, bool)>,
    /// Header parameters.
    pub headers: Vec<(String, Value)>,
    /// The JSON body, when the operation has body parameters.
    pub body: Option<Value>,
}

impl OperationInfo {
    /// Official operation name (`GetWorkspace`).
    pub fn name(&self) -> &'static str {
        self.name
    }
    /// Rust module and cargo feature (`wiki_2_0`).
    pub fn module(&self) -> &'static str {
        self.module
    }
    /// Product code (`wiki`).
    pub fn service(&self) -> &'static str {
        self.product
    }
    /// Version (`2.0`).
    pub fn version(&self) -> &'static str {
        self.version
    }
    /// One-line summary from the spec (the operation name in words when it has none).
    pub fn summary(&self) -> &str {
        &self.summary
    }
    /// The runtime's description of the endpoint, for untyped [`Request`]s.
    pub fn endpoint(&self) -> &'static Endpoint {
        self.endpoint
    }
    /// Whether calls carry the access-token header (`false` for `auth: none`).
    pub fn auth(&self) -> bool {
        self.endpoint.auth
    }
    /// HTTP method.
    pub fn method(&self) -> &'static str {
        self.endpoint.method.as_str()
    }
    /// Whether the operation is curated (written or edited by hand) rather than imported.
    pub fn curated(&self) -> bool {
        self.op.origin == spec::Origin::Curated
    }
    /// Path template (`/v2.0/wiki/workspaces/{workspaceId}`).
    pub fn path(&self) -> &'static str {
        self.endpoint.path
    }
    /// The documented errors: `(status, code, message)`.
    pub fn errors(&self) -> Vec<(u16, &str, &str)> {
        self.errors
            .iter()
            .map(|e| {
                (
                    e.status,
                    e.code.as_str(),
                    e.message.as_deref().unwrap_or(""),
                )
            })
            .collect()
    }

    /// What the mock answers by default: the spec's example, or one synthesised from the
    /// response fields or type (for a paginated operation, the first page of its list);
    /// `None` for `response: none`.
    pub fn example_response(&self) -> Option<Value> {
        match &self.op.pagination {
            Some(p) => super::pages::page(self.spec(), &self.op, p, 1),
            None => example_response(self.spec(), &self.op),
        }
    }

    /// Parameters for a valid call of this operation, from the spec alone, encoded as each
    /// parameter's `style` says (a `comma` query value joined, a `json` body field as its JSON
    /// text, a `whole` body parameter as the body itself).
    pub fn example_request(&self) -> ExampleRequest {
        example_request(self.spec(), &self.op)
    }

    /// An untyped call of this operation on `client` with [`Self::example_request`]'s
    /// parameters, decoded as JSON (`null` for operations without a response body).
    pub fn untyped_request(&self, client: &impl AsRef<Client>) -> Request<Value, UntypedError> {
        self.example_call(client)
    }

    /// A call of this operation on `client` with [`Self::example_request`]'s parameters,
    /// decoded as `O` with error codes `E`: the SDK's own output and error types give a typed
    /// call of any operation from the spec alone.
    pub fn example_call<O, E>(&self, client: &impl AsRef<Client>) -> Request<O, E> {
        let ex = self.example_request();
        let mut req = Request::new(client, self.endpoint());
        for (name, value) in &ex.path {
            req = req.path_param(name, value);
        }
        for (name, value, json) in &ex.query {
            req = if *json {
                req.query_json(name, value)
            } else {
                req.query(name, value)
            };
        }
        for (name, value) in &ex.headers {
            req = req.header(name, value);
        }
        if let Some(body) = &ex.body {
            req = req.json(body);
        }
        req
    }

    /// The Rust name of the operation's builder in the generated SDK (`GetWorkspace`,
    /// `addGroupMember` → `AddGroupMember`).
    pub fn type_name(&self) -> String {
        dingtalk_openapi_codegen::names::pascal(self.name)
    }

    pub(crate) fn spec(&self) -> &'static SpecFile {
        self.spec
    }

    fn matches_service(&self, s: &str) -> bool {
        s == self.product || s == self.module || s == self.endpoint.service
    }

    /// The code this operation documents for invalid parameters (`paramError`, `param.error`,
    /// `invalidParameter`, …), else `paramError`.
    pub(crate) fn param_error_code(&self) -> &str {
        self.errors
            .iter()
            .filter(|e| e.status == 400)
            .map(|e| e.code.as_str())
            .find(|c| {
                let l = c.to_ascii_lowercase();
                (!l.contains('.') && l.contains("param")) || l == "param.error"
            })
            .unwrap_or("paramError")
    }
}

/// [`OperationInfo::example_response`] of operation `op` of `spec`.
pub(crate) fn example_response(spec: &SpecFile, op: &spec::Operation) -> Option<Value> {
    let spec::Response::Body(b) = &op.response else {
        return None;
    };
    if let Some(v) = b
        .example
        .as_deref()
        .and_then(|e| serde_json::from_str::<Value>(e).ok())
    {
        return Some(v);
    }
    Some(match &b.ty {
        Some(ty) => synth::field(spec, "answer", &spec::Field::of_type(ty)),
        None => synth::object(spec, &b.fields, true),
    })
}

/// [`OperationInfo::example_request`] of operation `op` of `spec`.
pub(crate) fn example_request(spec: &SpecFile, op: &spec::Operation) -> ExampleRequest {
    use spec::{Location as L, Style};
    let mut out = ExampleRequest {
        path: Vec::new(),
        query: Vec::new(),
        headers: Vec::new(),
        body: None,
    };
    let mut body = serde_json::Map::new();
    let mut whole = None;
    for (name, f) in &op.params {
        let location = f.location.unwrap_or(L::Body);
        if !(f.required || location == L::Path) {
            continue;
        }
        let v = synth::field(spec, name, f);
        match (location, f.style) {
            (L::Path, _) => out.path.push((name.clone(), synth::plain(&v))),
            (L::Query, Some(Style::Comma)) => {
                let items = v.as_array().map(Vec::as_slice).unwrap_or_default();
                let joined: Vec<String> = items.iter().map(synth::plain).collect();
                out.query
                    .push((name.clone(), Value::String(joined.join(",")), false))
            }
            (L::Query, style) => out
                .query
                .push((name.clone(), v, style == Some(Style::Json))),
            (L::Header, _) => out.headers.push((name.clone(), v)),
            (L::Body, Some(Style::Whole)) => whole = Some(v),
            (L::Body, Some(Style::Json)) => {
                body.insert(name.clone(), Value::String(v.to_string()));
            }
            (L::Body, _) => {
                body.insert(name.clone(), v);
            }
        }
    }
    let fields = op
        .params
        .values()
        .any(|f| f.location.unwrap_or(L::Body) == L::Body && f.style != Some(Style::Whole));
    out.body = whole.or(fields.then_some(Value::Object(body)));
    if let Some(p) = &op.pagination {
        first_page(&mut out, &p.cursor);
    }
    out
}

/// Asks for the first page: the pagination cursor (`nextToken`, `option.nextToken`) of a
/// synthesised request is an empty string, which the server takes as no cursor, rather than a
/// made-up value it never gave. (Empty rather than absent: some operations require the cursor.)
fn first_page(req: &mut ExampleRequest, cursor: &str) {
    let empty = || Value::String(String::new());
    if !cursor.contains('.') {
        for (name, value, _) in &mut req.query {
            if name == cursor {
                *value = empty();
            }
        }
    }
    let pointer = super::pages::body_pointer(cursor);
    if let Some(value) = req.body.as_mut().and_then(|b| b.pointer_mut(&pointer)) {
        *value = empty();
    }
}

#[cfg(test)]
mod tests {
    use super::Segment;

    #[test]
    fn a_placeholder_may_have_text_glued_on() {
        let seg = Segment::parse("{processId}definitions");
        assert_eq!(seg.value("p%2F1definitions"), Some("p%2F1"));
        assert_eq!(
            seg.value("definitions"),
            None,
            "an empty value does not route"
        );
        assert_eq!(seg.value("p1"), None);
        let seg = Segment::parse("{id}");
        assert_eq!(seg.value("x"), Some("x"));
        assert_eq!(seg.value(""), None);
        assert_eq!(Segment::parse("items"), Segment::Literal("items".into()));
    }
}
