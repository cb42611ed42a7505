//! Reads a `client.py`: each operation's `*_with_options` method, statement by statement.
//!
//! Every method of the `Client` class is read (the synchronous and `_async` twins, and the
//! convenience wrappers that only build default headers and call them); every line must match
//! a known statement. The docstrings are the vendor's prose and are skipped unread.

use crate::pattern::{capture, is, Line};
use crate::problem::Problem;

/// Where a request value goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    /// `query['w'] = …`
    Query,
    /// `body['w'] = …`
    Body,
    /// `real_headers['w'] = …`
    Header,
}

/// How the request body is built (`OpenApiRequest(body=…)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyKind {
    /// No body.
    None,
    /// `OpenApiUtilClient.parse_to_map(body)`: a JSON object of the `body['w']` fields.
    Fields,
    /// `UtilClient.to_array(request.body)` or `request.body`: the request's `body` field is the
    /// whole body.
    Whole,
}

/// One value the method puts into the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assign {
    /// Query, body or header.
    pub target: Target,
    /// The wire name (the dict key).
    pub wire: String,
    /// The attribute read: of the request (or of its shrink twin), or of the headers model.
    pub attr: String,
    /// Line of the assignment.
    pub line: usize,
}

/// `request.a_shrink = OpenApiUtilClient.array_to_string_with_specified_style(tmp_req.a, 'p', 'style')`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shrink {
    /// The original request attribute (`a`).
    pub from: String,
    /// The shrunk attribute (`a_shrink`).
    pub to: String,
    /// `json` or `simple`.
    pub style: String,
}

/// The keyword arguments of `open_api_models.Params(…)`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Params {
    /// `action`: the operation name.
    pub action: String,
    /// `version`: `<product>_<version>`.
    pub version: String,
    /// `pathname`, the f-string's text (placeholders in snake_case).
    pub pathname: String,
    /// `method`.
    pub method: String,
    /// `auth_type`: `AK` or `Anonymous`.
    pub auth_type: String,
    /// `body_type`: `json`, `none`, `boolean`, `any`, `array`.
    pub body_type: String,
    /// Line of `action=`.
    pub line: usize,
}

/// A `*_with_options` method: everything an operation is made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Method {
    /// Python method name.
    pub name: String,
    /// `async def`.
    pub is_async: bool,
    /// Line of `def`.
    pub line: usize,
    /// Path parameters: the `name: str` arguments before the request.
    pub path_args: Vec<String>,
    /// The request class, if the method takes one.
    pub request: Option<String>,
    /// The headers class (`None` for `headers: Dict[str, str]`).
    pub headers: Option<String>,
    /// The shrink request class (`…ShrinkRequest`), if values are shrunk.
    pub shrink_request: Option<String>,
    /// Shrunk values.
    pub shrinks: Vec<Shrink>,
    /// Values put into query, body and headers, in order.
    pub assigns: Vec<Assign>,
    /// How the body is built.
    pub body: BodyKind,
    /// The `Params(…)`.
    pub params: Params,
    /// The response class.
    pub response: String,
}

/// Reads every method of a `client.py`; returns the `*_with_options` ones (those that build a
/// `Params`), synchronous and asynchronous.
pub fn parse(file: &str, lines: &[Line<'_>]) -> (Vec<Method>, Vec<Problem>) {
    let mut r = Reader {
        file,
        problems: Vec::new(),
    };
    let mut methods = Vec::new();
    let mut i = 0;
    let mut in_class = false;
    while i < lines.len() {
        let l = lines[i];
        i += 1;
        if l.text.is_empty() {
            continue;
        }
        if l.indent == 0 && (l.text.starts_with('#') || is_import(l.text)) {
            continue;
        }
        if l.indent == 0 && l.text == "class Client(OpenApiClient):" {
            in_class = true;
            continue;
        }
        if !in_class || l.indent != 4 {
            r.not_understood(l, "the module");
            continue;
        }
        if l.text == "\"\"\"" {
            // The class docstring, unread.
            i = skip_docstring(lines, i, 4);
            continue;
        }
        // A multi-line signature closes with `):` or `) -> T:` back at the method's indentation.
        let start = i;
        if l.text.ends_with('(') {
            while i < lines.len() && !(lines[i].indent == 4 && lines[i].text.starts_with(')')) {
                i += 1;
            }
            i += 1;
        }
        while i < lines.len() && (lines[i].text.is_empty() || lines[i].indent > 4) {
            i += 1;
        }
        let body = &lines[start..i.min(lines.len())];
        if l.text == "def __init__(" {
            r.constructor(body);
            continue;
        }
        if let Some(Parsed::Operation(m)) = r.method(l, body) {
            methods.push(*m);
        }
    }
    (methods, r.problems)
}

fn is_import(text: &str) -> bool {
    is(text, "from {t} import {t}")
}

/// The index after the docstring whose opening `"""` is just before `start`.
fn skip_docstring(lines: &[Line<'_>], start: usize, indent: usize) -> usize {
    let mut i = start;
    while i < lines.len() {
        let l = lines[i];
        i += 1;
        if l.indent == indent && l.text == "\"\"\"" {
            break;
        }
    }
    i
}

enum Parsed {
    Operation(Box<Method>),
    Wrapper,
}

struct Reader<'a> {
    file: &'a str,
    problems: Vec<Problem>,
}

/// The statements of the client's constructor, all fixed. `_signature_algorithm` (15 modules)
/// only matters to Alibaba Cloud's request signing; the DingTalk gateway the clients use signs
/// nothing (it adds host, user agent, accept and the JSON body), so it changes nothing on the wire.
const CONSTRUCTOR: &[&str] = &[
    "self._signature_algorithm = 'v2'",
    "self,",
    "config: open_api_models.Config,",
    "):",
    "super().__init__(config)",
    "gateway_client = GatewayClientClient()",
    "self._spi = gateway_client",
    "self._endpoint_rule = ''",
    "if UtilClient.empty(self._endpoint):",
    "self._endpoint = '{s}'",
];

impl Reader<'_> {
    fn problem(&mut self, line: usize, what: impl Into<String>) {
        self.problems.push(Problem::new(self.file, line, what));
    }

    fn not_understood(&mut self, l: Line<'_>, context: &str) {
        self.problem(
            l.number,
            format!("not understood in {context}: `{}`", l.text),
        );
    }

    fn constructor(&mut self, body: &[Line<'_>]) {
        for l in body.iter().filter(|l| !l.text.is_empty()) {
            if !CONSTRUCTOR.iter().any(|p| is(l.text, p)) {
                self.not_understood(*l, "the client's constructor");
            }
        }
    }

    /// A method: its signature, docstring and statements.
    fn method(&mut self, head: Line<'_>, body: &[Line<'_>]) -> Option<Parsed> {
        let (is_async, rest) = match head.text.strip_prefix("async ") {
            Some(rest) => (true, rest),
            None => (false, head.text),
        };
        let (name, mut args, stmts) = if let Some(c) = capture(rest, "def {i}(self) -> {t}:") {
            (c[0].to_owned(), Vec::new(), body)
        } else if let Some(c) = capture(rest, "def {i}(") {
            let close = body
                .iter()
                .position(|l| l.indent == 4 && is(l.text, ") -> {t}:"));
            let Some(close) = close else {
                self.not_understood(head, "a method signature");
                return None;
            };
            let args = self.arguments(&body[..close]);
            (c[0].to_owned(), args, &body[close + 1..])
        } else {
            self.not_understood(head, "the client class");
            return None;
        };
        let stmts = self.skip_method_docstring(stmts);
        if args.first().is_some_and(|(n, _)| n == "self") {
            args.remove(0);
        }
        let mut m = Method {
            name,
            is_async,
            line: head.number,
            path_args: Vec::new(),
            request: None,
            headers: None,
            shrink_request: None,
            shrinks: Vec::new(),
            assigns: Vec::new(),
            body: BodyKind::None,
            params: Params::default(),
            response: String::new(),
        };
        let is_operation = stmts
            .iter()
            .any(|l| l.text == "params = open_api_models.Params(");
        if !is_operation {
            self.wrapper(stmts);
            return Some(Parsed::Wrapper);
        }
        self.signature(&mut m, &args, head);
        self.statements(&mut m, stmts);
        Some(Parsed::Operation(Box::new(m)))
    }

    /// `name: Type,` lines of a multi-line signature.
    fn arguments(&mut self, lines: &[Line<'_>]) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for l in lines.iter().filter(|l| !l.text.is_empty()) {
            if l.indent == 8 && l.text == "self," {
                out.push(("self".to_owned(), String::new()));
            } else if let Some(c) = capture(l.text, "{i}: {t},").filter(|_| l.indent == 8) {
                out.push((c[0].to_owned(), c[1].to_owned()));
            } else {
                self.not_understood(*l, "a method signature");
            }
        }
        out
    }

    fn skip_method_docstring<'l>(&mut self, stmts: &'l [Line<'l>]) -> &'l [Line<'l>] {
        let first = stmts.iter().position(|l| !l.text.is_empty());
        match first {
            Some(i) if stmts[i].text == "\"\"\"" => {
                let close = stmts[i + 1..]
                    .iter()
                    .position(|l| l.indent == 8 && l.text == "\"\"\"");
                match close {
                    Some(c) => &stmts[i + c + 2..],
                    None => {
                        self.problem(stmts[i].number, "a docstring that does not end");
                        &[]
                    }
                }
            }
            _ => stmts,
        }
    }

    /// The arguments of a `*_with_options` method: path arguments (`str`), the request,
    /// the headers and the runtime options.
    fn signature(&mut self, m: &mut Method, args: &[(String, String)], head: Line<'_>) {
        for (name, ty) in args {
            let class = capture(ty, "{i}.{i}").map(|c| c[1].to_owned());
            match (name.as_str(), ty.as_str(), class) {
                ("runtime", "util_models.RuntimeOptions", _) => {}
                ("headers", "Dict[str, str]", _) => {}
                ("headers", _, Some(class)) => m.headers = Some(class),
                ("request" | "tmp_req", _, Some(class)) => m.request = Some(class),
                (_, "str", _) if m.request.is_none() && m.headers.is_none() => {
                    m.path_args.push(name.clone())
                }
                _ => self.problem(
                    head.number,
                    format!("argument `{name}: {ty}` of `{}` not understood", m.name),
                ),
            }
        }
    }

    /// The statements of a convenience wrapper (default headers and runtime, then a call).
    fn wrapper(&mut self, stmts: &[Line<'_>]) {
        const SHAPES: &[&str] = &[
            "runtime = util_models.RuntimeOptions()",
            "headers = {i}.{i}()",
            "headers = {}",
            "return self.{i}({t})",
            "return await self.{i}({t})",
        ];
        for l in stmts.iter().filter(|l| !l.text.is_empty()) {
            if l.indent != 8 || !SHAPES.iter().any(|p| is(l.text, p)) {
                self.not_understood(*l, "a convenience method");
            }
        }
    }

    fn statements(&mut self, m: &mut Method, stmts: &[Line<'_>]) {
        let lines: Vec<Line<'_>> = stmts
            .iter()
            .copied()
            .filter(|l| !l.text.is_empty())
            .collect();
        let mut i = 0;
        while i < lines.len() {
            let l = lines[i];
            i += 1;
            if l.indent != 8 {
                self.not_understood(l, "an operation method");
                continue;
            }
            let next = lines.get(i).copied().filter(|n| n.indent == 12);
            if let Some(c) = capture(l.text, "if not UtilClient.is_unset({i}.{i}):") {
                let Some(next) = next else {
                    self.not_understood(l, "an operation method");
                    continue;
                };
                i += 1;
                self.conditional(m, c[0], c[1], next);
            } else if l.text == "req = open_api_models.OpenApiRequest(" {
                i = self.request(m, &lines, i);
            } else if l.text == "params = open_api_models.Params(" {
                i = self.params(m, &lines, i);
            } else if l.text == "return TeaCore.from_map(" {
                i = self.ret(m, &lines, i);
            } else if let Some(c) = capture(l.text, "request = {i}.{i}()") {
                m.shrink_request = Some(c[1].to_owned());
            } else if !is_plain_statement(l.text) {
                self.not_understood(l, "an operation method");
            }
        }
        if m.params.action.is_empty() || m.response.is_empty() {
            self.problem(
                m.line,
                format!("`{}` builds no complete `Params` and response", m.name),
            );
        }
    }

    /// `if not UtilClient.is_unset(owner.attr):` and the one statement it guards.
    fn conditional(&mut self, m: &mut Method, owner: &str, attr: &str, next: Line<'_>) {
        let t = next.text;
        let assign = |target, wire: &str| Assign {
            target,
            wire: wire.to_owned(),
            attr: attr.to_owned(),
            line: next.number,
        };
        match owner {
            "request" => {
                let query = capture(t, "query['{s}'] = request.{i}").map(|c| (Target::Query, c));
                let body = capture(t, "body['{s}'] = request.{i}").map(|c| (Target::Body, c));
                match query.or(body) {
                    Some((target, c)) if c[1] == attr => m.assigns.push(assign(target, c[0])),
                    _ => self.not_understood(next, "an operation method"),
                }
            }
            "headers" if attr == "common_headers" => {
                if t != "real_headers = headers.common_headers" {
                    self.not_understood(next, "an operation method");
                }
            }
            "headers" => match capture(
                t,
                "real_headers['{s}'] = UtilClient.to_jsonstring(headers.{i})",
            ) {
                Some(c) if c[1] == attr => m.assigns.push(assign(Target::Header, c[0])),
                _ => self.not_understood(next, "an operation method"),
            },
            "tmp_req" => {
                let p = "request.{i} = OpenApiUtilClient.array_to_string_with_specified_style(tmp_req.{i}, '{s}', '{s}')";
                match capture(t, p) {
                    Some(c) if c[1] == attr => m.shrinks.push(Shrink {
                        from: attr.to_owned(),
                        to: c[0].to_owned(),
                        style: c[3].to_owned(),
                    }),
                    _ => self.not_understood(next, "an operation method"),
                }
            }
            _ => self.not_understood(next, "an operation method"),
        }
    }

    /// The arguments of `OpenApiRequest(…)`; returns the index after its `)`.
    fn request(&mut self, m: &mut Method, lines: &[Line<'_>], mut i: usize) -> usize {
        while let Some(l) = lines.get(i) {
            i += 1;
            if l.indent == 8 && l.text == ")" {
                break;
            }
            let arg = l.text.strip_suffix(',').unwrap_or(l.text);
            match arg {
                "headers=real_headers"
                | "headers=headers"
                | "query=OpenApiUtilClient.query(query)" => {}
                "body=OpenApiUtilClient.parse_to_map(body)" => m.body = BodyKind::Fields,
                "body=UtilClient.to_array(request.body)" | "body=request.body" => {
                    m.body = BodyKind::Whole
                }
                _ => self.not_understood(*l, "`OpenApiRequest(…)`"),
            }
        }
        i
    }

    /// The keyword arguments of `Params(…)`; returns the index after its `)`.
    fn params(&mut self, m: &mut Method, lines: &[Line<'_>], mut i: usize) -> usize {
        while let Some(l) = lines.get(i) {
            i += 1;
            if l.indent == 8 && l.text == ")" {
                break;
            }
            let arg = l.text.strip_suffix(',').unwrap_or(l.text);
            let p = &mut m.params;
            if let Some(c) = capture(arg, "pathname=f'{s}'") {
                p.pathname = c[0].to_owned();
                continue;
            }
            let Some(c) = capture(arg, "{i}='{s}'") else {
                self.not_understood(*l, "`Params(…)`");
                continue;
            };
            let value = c[1].to_owned();
            match c[0] {
                "action" => {
                    p.action = value;
                    p.line = l.number;
                }
                "version" => p.version = value,
                "method" => p.method = value,
                "auth_type" => p.auth_type = value,
                "body_type" => p.body_type = value,
                "protocol" | "style" | "req_body_type" => {
                    let fixed = match c[0] {
                        "protocol" => "HTTP",
                        "style" => "ROA",
                        _ => "",
                    };
                    if !fixed.is_empty() && value != fixed {
                        self.problem(
                            l.number,
                            format!("`{}='{value}'` not understood (only '{fixed}')", c[0]),
                        );
                    }
                }
                _ => self.not_understood(*l, "`Params(…)`"),
            }
        }
        i
    }

    /// `return TeaCore.from_map(Module.Response(), self.execute(params, req, runtime))`.
    fn ret(&mut self, m: &mut Method, lines: &[Line<'_>], mut i: usize) -> usize {
        while let Some(l) = lines.get(i) {
            i += 1;
            if l.indent == 8 && l.text == ")" {
                break;
            }
            if let Some(c) = capture(l.text, "{i}.{i}(),") {
                m.response = c[1].to_owned();
            } else if !matches!(
                l.text,
                "self.execute(params, req, runtime)"
                    | "await self.execute_async(params, req, runtime)"
            ) {
                self.not_understood(*l, "the method's `return`");
            }
        }
        i
    }
}

/// Statements that only set up local dicts or validate: nothing to take from them.
fn is_plain_statement(text: &str) -> bool {
    matches!(
        text,
        "UtilClient.validate_model(request)"
            | "UtilClient.validate_model(tmp_req)"
            | "OpenApiUtilClient.convert(tmp_req, request)"
            | "query = {}"
            | "body = {}"
            | "real_headers = {}"
    )
}
