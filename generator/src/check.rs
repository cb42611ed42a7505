//! Semantic checks of a parsed spec file. Every problem is reported, not just the first.

use std::collections::BTreeMap;
use std::fmt;

use indexmap::IndexMap;

use crate::diagnostic::{did_you_mean, suggest, suggestion, Diagnostic};
use crate::inline;
use crate::keypath::KeyPath;
use crate::names::{pascal, setter, snake, type_join, variant};
use crate::spec::{
    ErrorEntry, ErrorItem, Field, Location, Model, Operation, Response, ResponseBody, SpecFile,
    Style,
};
use crate::types::{TypeExpr, BUILTINS, MAX_DEPTH};
use crate::validate;

const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE"];
const APP_TYPES: &[&str] = &[
    "internal",
    "third_party_enterprise",
    "third_party_personal",
    "personal",
];

/// Checks one parsed spec file; `file` names it in the diagnostics.
pub fn check(file: &str, spec: &SpecFile) -> Vec<Diagnostic> {
    let mut cx = Checker {
        file,
        spec,
        out: Vec::new(),
        nesting: 0,
    };
    cx.file_level();
    for (name, rows) in &spec.errors {
        let key = KeyPath::Key(&KeyPath::top("errors"), name);
        let mut codes = BTreeMap::new();
        for (i, e) in rows.iter().enumerate() {
            cx.error_row(KeyPath::Index(&key, i), e, &mut codes);
        }
    }
    for (name, model) in &spec.models {
        cx.model(name, model);
    }
    for (name, op) in &spec.operations {
        cx.operation(name, op);
    }
    cx.type_names();
    cx.out
}

struct Checker<'a> {
    file: &'a str,
    spec: &'a SpecFile,
    out: Vec<Diagnostic>,
    /// Inline objects open around the fields being checked.
    nesting: usize,
}

impl<'a> Checker<'a> {
    /// Records a problem at `key`.
    fn err(&mut self, key: impl fmt::Display, msg: impl Into<String>, help: impl Into<String>) {
        self.report(key, msg, help);
    }

    /// Records a problem at `key` and returns it, to add what to point at or what it is about.
    fn report(
        &mut self,
        key: impl fmt::Display,
        msg: impl Into<String>,
        help: impl Into<String>,
    ) -> &mut Diagnostic {
        let at = self.out.len();
        self.out
            .push(Diagnostic::new(self.file, key.to_string(), msg).help(help));
        &mut self.out[at]
    }

    /// The file's own keys: service, version, base URL, operations, module and file name.
    fn file_level(&mut self) {
        let s = self.spec;
        if s.service.is_empty()
            || !s
                .service
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            self.err(
                "service",
                format!("service `{}` is not a product code", s.service),
                "use the code of the official SDKs, e.g. `wiki` for dingtalkwiki_2_0",
            );
        }
        if s.version.is_empty() || !s.version.chars().all(|c| c.is_ascii_digit() || c == '.') {
            self.err(
                "version",
                format!("version `{}` is not of the form `2.0`", s.version),
                "write the version quoted, e.g. `version: \"2.0\"`",
            );
        }
        if !(s.base_url.starts_with("https://") || s.base_url.starts_with("http://"))
            || s.base_url.ends_with('/')
        {
            self.err(
                "base_url",
                format!(
                    "base_url `{}` is not an http(s) URL without a trailing slash",
                    s.base_url
                ),
                "write e.g. `base_url: https://api.dingtalk.io`",
            );
        }
        if s.operations.is_empty() {
            self.err(
                "operations",
                "the file declares no operations",
                "add at least one operation under `operations:`",
            );
        }
        if let Some(m) = &s.module {
            self.module_name(m);
        }
        self.file_name();
    }

    /// `module:` is a snake_case Rust identifier.
    fn module_name(&mut self, m: &str) {
        let s = self.spec;
        let ok = m.starts_with(|c: char| c.is_ascii_lowercase())
            && m.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            && !m.contains("__")
            && !m.ends_with('_')
            && !crate::names::is_keyword(m);
        if !ok {
            let words: Vec<String> = m
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_ascii_lowercase)
                .collect();
            let fix = if words.is_empty() {
                crate::names::module(&s.service, &s.version)
            } else {
                words.join("_")
            };
            self.err(
                "module",
                format!("module `{m}` is not a snake_case Rust identifier"),
                format!("write lower-case words joined by `_`, e.g. `module: {fix}`"),
            );
        }
    }

    /// The file is named after its module (`wiki_2_0.yaml`), except test fixtures.
    fn file_name(&mut self) {
        let s = self.spec;
        let expected = format!("{}.yaml", s.module());
        let actual = self.file.rsplit(['/', '\\']).next().unwrap_or(self.file);
        if actual.ends_with(".yaml")
            && !self.file.contains("fixtures")
            && !self.file.contains("malformed")
            && actual != expected
        {
            self.err(
                "service",
                format!(
                    "file `{actual}` declares {} {}, which belongs in `{expected}`",
                    s.service, s.version
                ),
                if s.module.is_some() {
                    format!("rename the file to `{expected}` (the name `module:` gives)")
                } else {
                    format!("rename the file to `{expected}`, or set `module:` to the name the file should give")
                },
            );
        }
    }

    fn model(&mut self, name: &str, model: &Model) {
        let key = KeyPath::Key(&KeyPath::top("models"), name);
        match (&model.fields, &model.values) {
            (Some(_), Some(_)) => self.err(
                key,
                format!("model `{name}` has both `fields` and `enum`"),
                "a model is either a struct (`fields`) or a string enum (`enum`)",
            ),
            (None, None) => self.err(
                key,
                format!("model `{name}` has neither `fields` nor `enum`"),
                "add `fields:` for a struct or `enum:` for a string enum",
            ),
            (Some(fields), None) => self.fields(KeyPath::Key(&key, "fields"), fields, false),
            (None, Some(values)) => self.enum_values(KeyPath::Key(&key, "enum"), values),
        }
    }

    fn enum_values(&mut self, key: KeyPath<'_>, values: &IndexMap<String, String>) {
        if values.is_empty() {
            self.err(
                key,
                "an enum needs at least one value",
                "list the documented values: `VALUE: description`",
            );
        }
        self.collisions(
            key,
            values.keys().map(String::as_str),
            variant,
            "enum value",
        );
    }

    /// Reports names that differ on the wire but collide in Rust.
    fn collisions<'n>(
        &mut self,
        key: KeyPath<'_>,
        names: impl Iterator<Item = &'n str>,
        rust: fn(&str) -> String,
        what: &str,
    ) {
        let mut seen: BTreeMap<String, &str> = BTreeMap::new();
        for name in names {
            let r = rust(name);
            if let Some(first) = seen.get(&r) {
                self.report(
                    format!("{key}.{name}"),
                    format!("{what} `{name}` and `{first}` both become `{r}` in Rust"),
                    "keep one of them; the Rust name is derived from the wire name",
                )
                .on_key = true;
            } else {
                seen.insert(r, name);
            }
        }
    }

    fn fields(&mut self, key: KeyPath<'_>, fields: &IndexMap<String, Field>, params: bool) {
        self.collisions(
            key,
            fields.keys().map(String::as_str),
            snake,
            if params { "parameter" } else { "field" },
        );
        for (name, f) in fields {
            self.field(KeyPath::Key(&key, name), f, params);
        }
    }

    /// A field or parameter: where it may go, its type, enum, secrecy, inline fields, limits,
    /// example and default.
    fn field(&mut self, key: KeyPath<'_>, f: &Field, param: bool) {
        if !param && f.location.is_some() {
            self.err(
                format!("{key}.in"),
                "`in` is only for operation parameters",
                "remove `in` from this field",
            );
        }
        if !param && f.style.is_some() {
            self.err(
                format!("{key}.style"),
                "`style` is only for operation parameters",
                "remove `style` from this field",
            );
        }
        let Some(expr) = self.parse_type(KeyPath::Key(&key, "type"), &f.ty) else {
            return;
        };
        self.type_refs(key, &expr);
        self.values_and_secrecy(key, f, &expr);
        self.inline_fields(key, f, expr.leaf());
        self.limits(key, f, &expr);
        self.samples(key, f, &expr);
    }

    /// `enum:` only on strings, `secret` only on plain strings outside the URL.
    fn values_and_secrecy(&mut self, key: KeyPath<'_>, f: &Field, expr: &TypeExpr) {
        let leaf = expr.leaf();
        if f.values.is_some() && *leaf != TypeExpr::String {
            self.err(
                format!("{key}.enum"),
                format!("`enum` values on a `{}` field", f.ty),
                "only string fields can be enums: set `type: string`",
            );
        }
        if let Some(values) = &f.values {
            self.enum_values(KeyPath::Key(&key, "enum"), values);
        }
        if f.secret && (*expr != TypeExpr::String || f.values.is_some()) {
            self.err(
                format!("{key}.secret"),
                format!("`secret` on a `{}` field", f.ty),
                "only plain `string` fields (no `enum`) can be secrets",
            );
        }
        if f.secret && matches!(f.location, Some(Location::Path | Location::Query)) {
            self.err(
                format!("{key}.secret"),
                "a secret in the URL would end up in logs",
                "send secrets in the body or a header",
            );
        }
    }

    /// `fields:` exactly on inline objects, at most [`MAX_DEPTH`] deep.
    fn inline_fields(&mut self, key: KeyPath<'_>, f: &Field, leaf: &TypeExpr) {
        match (f.fields.as_ref(), *leaf == TypeExpr::Object) {
            (Some(_), true) if self.nesting >= MAX_DEPTH => self.err(
                format!("{key}.fields"),
                format!("inline objects nested deeper than {MAX_DEPTH} levels"),
                "declare the inner object as a model under `models:` and refer to it by name",
            ),
            (Some(fields), true) => {
                self.nesting += 1;
                self.fields(KeyPath::Key(&key, "fields"), fields, false);
                self.nesting -= 1;
            }
            (Some(_), false) => self.err(
                format!("{key}.fields"),
                format!("`fields` on a `{}` field", f.ty),
                "inline fields need `type: object` (or `array<object>`, `map<string, object>`)",
            ),
            (None, true) => {
                self.report(
                    format!("{key}.type"),
                    "an `object` without `fields`",
                    "list its `fields:`, refer to a model by name, or use `any` for free-form JSON",
                )
                .refers_to = Some(format!("{key}.fields"));
            }
            (None, false) => {}
        }
    }

    /// Limits that fit the type and do not contradict each other.
    fn limits(&mut self, key: KeyPath<'_>, f: &Field, expr: &TypeExpr) {
        let l = &f.limits;
        let is_coll = matches!(expr, TypeExpr::Array(_) | TypeExpr::Map(_));
        let is_num = matches!(expr, TypeExpr::Int32 | TypeExpr::Int64 | TypeExpr::Double);
        let which = |a: &str, has_a: bool, b: &str| if has_a { a.to_owned() } else { b.to_owned() };
        if (l.min_items.is_some() || l.max_items.is_some()) && !is_coll {
            self.err(
                format!(
                    "{key}.{}",
                    which("max_items", l.max_items.is_some(), "min_items")
                ),
                format!("`min_items`/`max_items` on a `{}` field", f.ty),
                "item limits apply to arrays and maps; use `max_length` for strings",
            );
        }
        if (l.min_length.is_some() || l.max_length.is_some() || l.pattern.is_some())
            && *expr != TypeExpr::String
        {
            let at = if l.max_length.is_some() {
                "max_length"
            } else if l.min_length.is_some() {
                "min_length"
            } else {
                "pattern"
            };
            self.err(
                format!("{key}.{at}"),
                format!("`min_length`/`max_length`/`pattern` on a `{}` field", f.ty),
                "length limits apply to strings; use `max_items` for arrays",
            );
        }
        if (l.minimum.is_some() || l.maximum.is_some()) && !is_num {
            self.err(
                format!("{key}.{}", which("maximum", l.maximum.is_some(), "minimum")),
                format!("`minimum`/`maximum` on a `{}` field", f.ty),
                "numeric limits apply to int32, int64 and double",
            );
        }
        self.limits_agree(key, l);
    }

    /// Lower limits not above upper ones, and a `pattern` that says something.
    fn limits_agree(&mut self, key: KeyPath<'_>, l: &crate::spec::Limits) {
        for (lo_key, lo, hi_key, hi) in [
            (
                "min_items",
                l.min_items.map(|v| v as f64),
                "max_items",
                l.max_items.map(|v| v as f64),
            ),
            (
                "min_length",
                l.min_length.map(|v| v as f64),
                "max_length",
                l.max_length.map(|v| v as f64),
            ),
            ("minimum", l.minimum, "maximum", l.maximum),
        ] {
            if let (Some(lo), Some(hi)) = (lo, hi) {
                if lo > hi {
                    self.err(
                        format!("{key}.{lo_key}"),
                        format!("{lo_key} {lo} is above {hi_key} {hi}"),
                        "swap or correct the limits: no value could satisfy both",
                    );
                }
            }
        }
        if let Some(p) = &l.pattern {
            if p.is_empty() {
                self.err(
                    format!("{key}.pattern"),
                    "an empty `pattern`",
                    "write the regular expression the page documents, or remove `pattern`",
                );
            }
        }
    }

    /// An `example` and a `default` that fit the type.
    fn samples(&mut self, key: KeyPath<'_>, f: &Field, expr: &TypeExpr) {
        for (what, v) in [("example", &f.example), ("default", &f.default)] {
            if let Some(v) = v {
                if let Some(problem) = scalar_mismatch(expr, f, v) {
                    self.err(
                        format!("{key}.{what}"),
                        format!("the {what} {problem}"),
                        format!("correct the {what} or the field's `type`"),
                    );
                }
            }
        }
    }

    /// A type expression, or a located error (a long one quoted in part).
    fn parse_type(&mut self, key: KeyPath<'_>, ty: &str) -> Option<TypeExpr> {
        match TypeExpr::parse(ty) {
            Ok(t) => Some(t),
            Err(e) => {
                let shown: String = ty.chars().take(60).collect();
                let shown = if shown.len() < ty.len() {
                    format!("{shown}…")
                } else {
                    shown
                };
                let help = if e.0.contains("deeper") {
                    format!("nest at most {MAX_DEPTH} levels: declare the inner part as a model under `models:` and refer to it by name")
                } else {
                    format!("use one of {}", BUILTINS.join(", "))
                };
                self.err(key, format!("invalid type `{shown}`: {}", e.0), help);
                None
            }
        }
    }

    /// Named types must exist in this file.
    fn type_refs(&mut self, key: KeyPath<'_>, expr: &TypeExpr) {
        if let TypeExpr::Named(n) = expr.leaf() {
            if !self.spec.models.contains_key(n) {
                let models = self.spec.models.keys().map(String::as_str);
                let builtins = [
                    "string", "boolean", "int32", "int64", "double", "any", "object",
                ];
                let help = suggest(n, models.chain(builtins), || {
                    "declare it under `models:` or use a built-in type (string, boolean, int32, int64, double, any, object)".to_owned()
                });
                let d = self.report(format!("{key}.type"), format!("unknown type `{n}`"), help);
                d.focus = Some(n.clone());
                d.refers_to = Some(format!("models.{n}"));
            }
        }
    }

    /// An operation: method, app types, path, parameters, answer, errors and pagination.
    fn operation(&mut self, name: &str, op: &'a Operation) {
        let key = KeyPath::Key(&KeyPath::top("operations"), name);
        let method = self.method(key, op);
        for (i, t) in op.app_types.iter().enumerate() {
            if !APP_TYPES.contains(&t.as_str()) {
                self.err(
                    format!("{key}.app_types.{i}"),
                    format!("unknown app type `{t}`"),
                    format!("use one of {}", APP_TYPES.join(", ")),
                );
            }
        }
        self.path(key, op);
        let params = KeyPath::Key(&key, "params");
        self.fields(params, &op.params, true);
        self.get_body(key, name, op, &method);
        self.param_places(params, op);
        self.whole_body(params, op);
        self.builder_names(key, name, op);
        if let Response::Body(body) = &op.response {
            self.response(KeyPath::Key(&key, "response"), body);
        }
        self.operation_errors(key, op);
        self.pagination(key, name, op);
    }

    /// A known HTTP method (upper-cased, as returned), and `idempotent` said on all but GET.
    fn method(&mut self, key: KeyPath<'_>, op: &Operation) -> String {
        let method = op.method.to_ascii_uppercase();
        if !METHODS.contains(&method.as_str()) {
            let help = suggest(&method, METHODS.iter().copied(), || {
                format!("use one of {}", METHODS.join(", "))
            });
            self.err(
                format!("{key}.method"),
                format!("invalid HTTP method `{}`", op.method),
                help,
            );
        }
        if method != "GET" && METHODS.contains(&method.as_str()) && op.idempotent.is_none() {
            self.err(format!("{key}.method"), format!("a {method} operation must say whether it is idempotent"), "add `idempotent: true` if repeating the call is harmless (reads such as batchQuery), else `idempotent: false`");
        }
        method
    }

    /// Body parameters on a GET only with `get_body: true`, and `get_body` only on a GET with
    /// body parameters.
    fn get_body(&mut self, key: KeyPath<'_>, name: &str, op: &Operation, method: &str) {
        let has_body = op
            .params
            .values()
            .any(|p| p.location == Some(Location::Body));
        if method == "GET" && has_body && !op.get_body {
            let body: Vec<&str> = op
                .params
                .iter()
                .filter(|(_, p)| p.location == Some(Location::Body))
                .map(|(n, _)| n.as_str())
                .collect();
            self.err(
                format!("{key}.params.{}.in", body[0]),
                format!(
                    "GET operation `{name}` has body parameters: {}",
                    body.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                ),
                "move them to `in: query`, or add `get_body: true` to the operation if DingTalk really reads a JSON body on this GET",
            );
        }
        if op.get_body && method != "GET" {
            self.err(
                format!("{key}.get_body"),
                "`get_body` on a non-GET operation",
                "remove it: other methods carry a body anyway",
            );
        }
        if op.get_body && method == "GET" && !has_body {
            self.err(
                format!("{key}.get_body"),
                "`get_body: true` on a GET without body parameters",
                "remove `get_body`, or mark the parameters DingTalk reads from the body `in: body`",
            );
        }
    }

    /// Each parameter says where it goes (`in`), path parameters are required scalars, and its
    /// `style` fits the place.
    fn param_places(&mut self, params: KeyPath<'_>, op: &Operation) {
        for (pname, p) in &op.params {
            let pkey = KeyPath::Key(&params, pname);
            match p.location {
                None => self.err(
                    format!("{pkey}.in"),
                    format!("parameter `{pname}` does not say where it goes"),
                    "add `in: path`, `in: query`, `in: header` or `in: body`",
                ),
                Some(Location::Path) if !p.required => self.err(
                    format!("{pkey}.required"),
                    format!("path parameter `{pname}` is optional"),
                    "path parameters are always required: add `required: true`",
                ),
                Some(Location::Path)
                    if !matches!(p.ty.as_str(), "string" | "int32" | "int64" | "boolean") =>
                {
                    self.err(
                        format!("{pkey}.type"),
                        format!("path parameter `{pname}` is not a string, integer or boolean"),
                        "a path parameter fills one segment of the path: use `type: string` (with or without `enum`), `int32`, `int64` or `boolean`",
                    )
                }
                _ => {}
            }
            if let Some(style) = p.style {
                self.style(pkey, pname, p, style);
            }
        }
    }

    /// The operation's error rows and tables, no code twice.
    fn operation_errors(&mut self, key: KeyPath<'_>, op: &'a Operation) {
        let mut codes = BTreeMap::new();
        let errors = KeyPath::Key(&key, "errors");
        for (i, item) in op.errors.iter().enumerate() {
            let ekey = KeyPath::Index(&errors, i);
            match item {
                ErrorItem::Row(e) => self.error_row(ekey, e, &mut codes),
                ErrorItem::Use(u) => self.error_use(ekey, &u.table, &mut codes),
            }
        }
    }

    /// One row of an error table (an operation's or the file's): a 4xx/5xx status and a code
    /// whose Rust variant no earlier row of the same table has (`codes`: variant → code).
    fn error_row<'c>(
        &mut self,
        key: KeyPath<'_>,
        e: &'c ErrorEntry,
        codes: &mut BTreeMap<String, (&'c str, Option<&'c str>)>,
    ) {
        if !(400..=599).contains(&e.status) {
            self.err(
                format!("{key}.status"),
                format!("error status {} is not an HTTP error status", e.status),
                "use the page's HttpCode: 400–599",
            );
        }
        if e.code.trim().is_empty() {
            self.err(
                format!("{key}.code"),
                "an empty error code",
                "write the code exactly as DingTalk sends it, e.g. `paramError`",
            );
            return;
        }
        if let Some(first) = codes.insert(variant(&e.code), (&e.code, None)) {
            self.err(
                format!("{key}.code"),
                format!(
                    "error code `{}` collides with {} (both become `{}`)",
                    e.code,
                    first_code(first),
                    variant(&e.code)
                ),
                "list each code once: codes that differ only in case or punctuation are the same Rust variant",
            );
        }
    }

    /// `- use: <table>`: the table exists, and none of its codes is already listed.
    fn error_use<'c>(
        &mut self,
        key: KeyPath<'_>,
        table: &'c str,
        codes: &mut BTreeMap<String, (&'c str, Option<&'c str>)>,
    ) where
        'a: 'c,
    {
        let Some(rows) = self.spec.errors.get(table) else {
            let tables = &self.spec.errors;
            let help = suggest(table, tables.keys().map(String::as_str), || {
                if tables.is_empty() {
                    format!("declare it under the file's `errors:` (`{table}: [ … ]`), or list the rows here")
                } else {
                    format!(
                        "use one of the file's tables ({}), or list the rows here",
                        tables
                            .keys()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            });
            self.report(
                format!("{key}.use"),
                format!("unknown error table `{table}`"),
                help,
            )
            .refers_to = Some(format!("errors.{table}"));
            return;
        };
        if codes.values().any(|(_, t)| *t == Some(table)) {
            self.err(
                format!("{key}.use"),
                format!("error table `{table}` is used twice"),
                "use each table once",
            );
            return;
        }
        // Codes that collide within the table were reported at the table.
        let mut own = std::collections::BTreeSet::new();
        for e in rows.iter().filter(|e| !e.code.trim().is_empty()) {
            if !own.insert(variant(&e.code)) {
                continue;
            }
            if let Some(first) = codes.insert(variant(&e.code), (&e.code, Some(table))) {
                self.err(
                    format!("{key}.use"),
                    format!(
                        "error code `{}` of table `{table}` collides with {} (both become `{}`)",
                        e.code,
                        first_code(first),
                        variant(&e.code)
                    ),
                    format!("list each code once: drop the row that repeats one of `{table}`, or do not use the table twice"),
                );
            }
        }
    }

    /// A parameter's `style` fits its location and, for `comma`, its type.
    fn style(&mut self, key: KeyPath<'_>, name: &str, p: &Field, style: Style) {
        let allowed: &[Style] = match p.location {
            Some(Location::Query) => &[Style::Flat, Style::Json, Style::Comma],
            Some(Location::Body) => &[Style::Field, Style::Json, Style::Whole],
            _ => &[],
        };
        let word = |s: &Style| format!("{s:?}").to_ascii_lowercase();
        if !allowed.contains(&style) {
            let place = match p.location {
                Some(Location::Query) => "the query",
                Some(Location::Body) => "the body",
                Some(Location::Path) => "the path",
                Some(Location::Header) => "a header",
                None => "an unknown place",
            };
            let help = if allowed.is_empty() {
                "remove `style`: only query and body parameters have one".to_owned()
            } else {
                format!(
                    "a parameter in {place} takes `style: {}`; or change `in`",
                    allowed.iter().map(word).collect::<Vec<_>>().join("`, `")
                )
            };
            self.err(
                format!("{key}.style"),
                format!("`style: {}` on parameter `{name}` in {place}", word(&style)),
                help,
            );
            return;
        }
        if style == Style::Comma {
            let fits = match TypeExpr::parse(&p.ty) {
                Ok(TypeExpr::Array(inner)) => inner.is_scalar() || self.is_enum_model(&inner),
                Ok(_) => false,
                Err(_) => true,
            };
            if !fits {
                self.err(
                    format!("{key}.style"),
                    format!("`style: comma` on the `{}` parameter `{name}`", p.ty),
                    "comma style joins an array of strings, numbers or booleans (`a,b,c`): use it on an `array<string>` (or of numbers), else `style: json`",
                );
            }
        }
    }

    fn is_enum_model(&self, t: &TypeExpr) -> bool {
        matches!(t, TypeExpr::Named(n) if self.spec.models.get(n).is_some_and(|m| m.values.is_some()))
    }

    /// A `style: whole` body parameter is the entire body: no other body parameter beside it.
    fn whole_body(&mut self, params: KeyPath<'_>, op: &Operation) {
        let body: Vec<&str> = op
            .params
            .iter()
            .filter(|(_, p)| p.location == Some(Location::Body))
            .map(|(n, _)| n.as_str())
            .collect();
        let Some(whole) = op
            .params
            .iter()
            .find(|(_, p)| p.location == Some(Location::Body) && p.style == Some(Style::Whole))
            .map(|(n, _)| n.as_str())
        else {
            return;
        };
        for other in body.into_iter().filter(|n| *n != whole) {
            self.report(
                KeyPath::Key(&params, other),
                format!("body parameter `{other}` beside `{whole}`, which is the whole body (`style: whole`)"),
                "a `whole` parameter is the entire JSON body: move the others to the query or a header, or drop `style: whole`",
            )
            .on_key = true;
        }
    }

    /// The answer: `fields` (an object) or a `type`, never both, and the example fits it.
    fn response(&mut self, key: KeyPath<'_>, body: &ResponseBody) {
        let example = KeyPath::Key(&key, "example");
        let Some(ty) = &body.ty else {
            let fields = KeyPath::Key(&key, "fields");
            self.fields(fields, &body.fields, false);
            if let Some(text) = &body.example {
                let at = fields.to_string();
                self.example(example, text, Expected::Fields(&body.fields, &at));
            }
            return;
        };
        if !body.fields.is_empty() {
            self.err(
                format!("{key}.type"),
                "a response with both `fields` and `type`",
                "keep `fields:` for a JSON object answer, or `type:` for any other answer (a model, `boolean`, `array<…>`, `map<string, any>`)",
            );
            return;
        }
        let Some(expr) = self.parse_type(KeyPath::Key(&key, "type"), ty) else {
            return;
        };
        if *expr.leaf() == TypeExpr::Object {
            self.err(
                format!("{key}.type"),
                format!("an inline `object` as the response type `{ty}`"),
                "describe an object answer with `fields:` under `response:` (without `type:`), or name a model",
            );
            return;
        }
        self.type_refs(key, &expr);
        if let Some(text) = &body.example {
            let at = format!("{key}.type");
            self.example(example, text, Expected::Type(&expr, ty, &at));
        }
    }

    /// The fields of an object answer: `response.fields` (`None`: declared there), or the
    /// fields of the model that is the response `type` (and their key path); `None` for other
    /// answers.
    fn response_fields(
        &self,
        body: &'a ResponseBody,
    ) -> Option<(&'a IndexMap<String, Field>, Option<String>)> {
        match &body.ty {
            None => Some((&body.fields, None)),
            Some(ty) => match TypeExpr::parse(ty) {
                Ok(TypeExpr::Named(n)) => {
                    let fields = self.spec.models.get(&n)?.fields.as_ref()?;
                    Some((fields, Some(format!("models.{n}.fields"))))
                }
                _ => None,
            },
        }
    }

    /// `pagination:` names a cursor (and page size) among the parameters, and the next cursor,
    /// the items (and the has-more flag) among the fields of an object answer.
    fn pagination(&mut self, key: KeyPath<'_>, name: &str, op: &'a Operation) {
        let Some(p) = &op.pagination else {
            return;
        };
        for (what, path) in [
            ("cursor", Some(&p.cursor)),
            ("page_size", p.page_size.as_ref()),
        ] {
            if let Some(path) = path {
                self.pagination_param(key, name, op, what, path);
            }
        }
        let (fields, fields_at) = match &op.response {
            Response::Body(b) => match self.response_fields(b) {
                Some((fields, at)) => (
                    fields,
                    at.unwrap_or_else(|| format!("{key}.response.fields")),
                ),
                None => {
                    self.err(
                        format!("{key}.pagination"),
                        "a paginated operation whose answer is not an object with fields",
                        "describe the answer's `fields:` (or make its `type:` a model with fields), or remove `pagination`",
                    );
                    return;
                }
            },
            Response::Empty(_) => {
                self.err(
                    format!("{key}.pagination"),
                    "a paginated operation without a response body",
                    "remove `pagination` or describe the response",
                );
                return;
            }
        };
        self.pagination_fields(key, p, fields, &fields_at);
    }

    /// The next cursor, the items and the has-more flag of `pagination:` are fields of the
    /// answer (declared at `fields_at`) of the right type.
    fn pagination_fields(
        &mut self,
        key: KeyPath<'_>,
        p: &crate::spec::Pagination,
        fields: &IndexMap<String, Field>,
        fields_at: &str,
    ) {
        let named = [
            (
                "next",
                Some(&p.next),
                TypeExpr::String,
                "a string cursor",
                "name the response field that holds the next cursor (a `string`)",
            ),
            (
                "items",
                Some(&p.items),
                TypeExpr::Array(Box::new(TypeExpr::Any)),
                "an array",
                "name the response field that holds the page's items (an `array<…>`)",
            ),
            (
                "has_more",
                p.has_more.as_ref(),
                TypeExpr::Boolean,
                "a boolean",
                "name the boolean response field that says whether more pages follow",
            ),
        ];
        // Fields of the wrong type first, then names that are not fields.
        for (what, field, kind, noun, help) in &named {
            let Some((field, f)) = field.and_then(|n| Some((n, fields.get(n)?))) else {
                continue;
            };
            let fits = match TypeExpr::parse(&f.ty) {
                Ok(TypeExpr::Array(_)) => matches!(kind, TypeExpr::Array(_)),
                Ok(t) => t == *kind,
                Err(_) => true,
            };
            if !fits {
                self.report(
                    format!("{key}.pagination.{what}"),
                    format!("pagination {what} `{field}` is a `{}`, not {noun}", f.ty),
                    *help,
                )
                .refers_to = Some(format!("{fields_at}.{field}"));
            }
        }
        for (what, field, ..) in named {
            let Some(field) = field.filter(|n| !fields.contains_key(*n)) else {
                continue;
            };
            let help = suggest(field, fields.keys().map(String::as_str), || {
                "name a top-level field of the answer".to_owned()
            });
            self.report(
                format!("{key}.pagination.{what}"),
                format!("pagination {what} `{field}` is not a response field"),
                help,
            )
            .refers_to = Some(format!("{fields_at}.{field}"));
        }
    }

    /// The cursor or page size of `pagination:` names a parameter, or a field of a body object
    /// (`option.nextToken`).
    fn pagination_param(
        &mut self,
        key: KeyPath<'_>,
        name: &str,
        op: &Operation,
        what: &str,
        path: &str,
    ) {
        let outer = path.split('.').next().unwrap_or(path);
        let refers = Some(format!("{key}.params.{outer}"));
        let at = format!("{key}.pagination.{what}");
        if let Some(p) = op
            .params
            .get(outer)
            .filter(|p| path != outer && p.fields.is_none())
        {
            self.report(
                at,
                format!(
                    "pagination {what} `{path}` needs `{outer}` to be an object, but it is a `{}`",
                    p.ty
                ),
                format!(
                    "give `{outer}` `type: object` with `fields:`, or name a top-level parameter"
                ),
            )
            .refers_to = refers;
        } else if !param_path_exists(op, path) {
            let help = suggest(path, op.params.keys().map(String::as_str), || {
                "name a request parameter, or `param.field` for a field of a body object".to_owned()
            });
            self.report(
                at,
                format!("pagination {what} `{path}` is not a parameter of {name}"),
                help,
            )
            .refers_to = refers;
        } else if what == "cursor" {
            self.cursor_place(at, op, path, refers);
        }
    }

    /// The paginator sets the cursor as text in the query, or in the body (a field of it, or of
    /// an object in it): the cursor names a string parameter or body field there.
    fn cursor_place(&mut self, at: String, op: &Operation, path: &str, refers: Option<String>) {
        let outer = path.split('.').next().unwrap_or(path);
        let Some(location) = op.params.get(outer).and_then(|p| p.location) else {
            return;
        };
        let placed = match location {
            Location::Body => true,
            Location::Query => path == outer,
            Location::Path | Location::Header => false,
        };
        let ty = param_field(op, path).map_or("", |f| f.ty.trim());
        let problem = if !placed {
            let place = match location {
                Location::Path => "a path parameter",
                Location::Header => "a header",
                _ => "a field of a query object",
            };
            format!("pagination cursor `{path}` is {place}")
        } else if !ty.is_empty() && ty != "string" {
            format!("pagination cursor `{path}` is a `{ty}`, not a string")
        } else {
            return;
        };
        self.report(
            at,
            problem,
            "the paginator sets the cursor as text: name a `string` query parameter, or a `string` field of the body or of a body object",
        )
        .refers_to = refers;
    }

    /// Names the emitter derives per operation must not collide with each other or with the
    /// builder's own methods (`build`, `send`, `clone`) and the service's `new`.
    fn builder_names(&mut self, key: KeyPath<'_>, name: &str, op: &Operation) {
        // `new` is the handle's constructor; `clone` and `cmp` would read as the methods of
        // `Clone` and `Ord` (clippy's `should_implement_trait`).
        if matches!(snake(name).as_str(), "new" | "clone" | "cmp") {
            self.err(
                key,
                if snake(name) == "new" {
                    format!("operation `{name}` becomes the method `new`, which the service handle already has")
                } else {
                    format!(
                        "operation `{name}` becomes the method `{}`, which reads as the standard trait method of that name",
                        snake(name)
                    )
                },
                "use DingTalk's operation name, which has a verb and an object (e.g. `CreateWorkspace`)",
            );
        }
        let mut setters: BTreeMap<String, &str> = BTreeMap::new();
        let params = KeyPath::Key(&key, "params");
        for (pname, p) in &op.params {
            let pkey = KeyPath::Key(&params, pname);
            let ident = snake(pname);
            if p.required || p.location == Some(Location::Path) {
                continue;
            }
            let setter = setter(&ident);
            if let Some(first) = setters.get(&setter) {
                self.err(
                    pkey,
                    format!(
                        "the setter of parameter `{pname}` is `{setter}()`, the same as the setter of `{first}`"
                    ),
                    format!("a setter named like a builder method or a standard word (`option`, `map`) gets a `with_` prefix; keep one of `{first}` and `{pname}`"),
                );
            } else {
                setters.insert(setter, pname);
            }
        }
    }

    fn path(&mut self, key: KeyPath<'_>, op: &Operation) {
        if !op.path.starts_with('/') {
            self.err(
                format!("{key}.path"),
                format!("path `{}` does not start with `/`", op.path),
                "write the path without the host, e.g. `/v2.0/wiki/workspaces`",
            );
        }
        let mut holes = Vec::new();
        let mut rest = op.path.as_str();
        while let Some(open) = rest.find('{') {
            match rest[open..].find('}') {
                Some(close) => {
                    holes.push(&rest[open + 1..open + close]);
                    rest = &rest[open + close + 1..];
                }
                None => {
                    self.err(
                        format!("{key}.path"),
                        format!("unclosed `{{` in path `{}`", op.path),
                        "close the placeholder: `{name}`",
                    );
                    break;
                }
            }
        }
        let mut seen = Vec::new();
        for h in &holes {
            if h.is_empty()
                || !h
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                self.report(
                    format!("{key}.path"),
                    format!("placeholder `{{{h}}}` is not a parameter name"),
                    "write the path parameter's wire name between the braces, e.g. `{workspaceId}`",
                )
                .focus = Some(format!("{{{h}}}"));
                continue;
            }
            if seen.contains(h) {
                self.err(
                    format!("{key}.path"),
                    format!("placeholder `{{{h}}}` appears twice in the path"),
                    "each path parameter fills one placeholder",
                );
                continue;
            }
            seen.push(*h);
            match op.params.get(*h) {
                Some(p) if p.location == Some(Location::Path) => {}
                Some(_) => self.err(format!("{key}.params.{h}.in"), format!("parameter `{h}` fills the placeholder `{{{h}}}` of the path but is not `in: path`"), "set `in: path` (path parameters are always required)"),
                None => {
                    let add = format!("add `{h}: {{ in: path, type: string, required: true, description: … }}` under `params`");
                    let help = match did_you_mean(h, op.params.keys().map(String::as_str)) {
                        Some(s) => format!("{} Else {add}", suggestion(&format!("{{{s}}}"))),
                        None => add,
                    };
                    let d = self.report(format!("{key}.path"), format!("placeholder `{{{h}}}` has no path parameter"), help);
                    d.focus = Some(format!("{{{h}}}"));
                    d.refers_to = Some(format!("{key}.params.{h}"));
                }
            }
        }
        for (name, p) in &op.params {
            if p.location == Some(Location::Path) && !holes.contains(&name.as_str()) {
                self.err(
                    format!("{key}.params.{name}"),
                    format!("path parameter `{name}` is not in the path `{}`", op.path),
                    format!("add `{{{name}}}` to the path or change `in`"),
                );
            }
        }
    }

    /// The example answer is JSON that fits the response; each problem points at the JSON key it
    /// is about (when the example shows it) and refers to the field it breaks.
    fn example(&mut self, key: KeyPath<'_>, example: &str, expected: Expected<'_>) {
        let value = match serde_json::from_str::<serde_json::Value>(example) {
            Ok(v) => v,
            Err(e) => {
                self.err(
                    key,
                    format!("the example is not valid JSON: {e}"),
                    "paste the page's example verbatim",
                );
                return;
            }
        };
        let rules = validate::Rules {
            undeclared: true,
            ..Default::default()
        };
        let (problems, against) = match expected {
            Expected::Fields(fields, at) => (
                validate::fields(self.spec, rules, "", Some(at), fields, &value),
                "the response fields".to_owned(),
            ),
            Expected::Type(expr, ty, at) => {
                let f = Field::of_type(ty);
                let problems =
                    validate::value(self.spec, rules, "(root)", Some(at), expr, &f, &value);
                (problems, format!("the response type `{ty}`"))
            }
        };
        for p in problems {
            let (what, help) = self.example_problem(&p.at, &p.kind);
            // The JSON key of the offending field (or of the object missing one).
            let focus =
                p.at.split('.')
                    .rev()
                    .map(|seg| format!("\"{}\"", seg.split('[').next().unwrap_or(seg)))
                    .find(|quoted| example.contains(quoted.as_str()));
            let d = self.report(
                key,
                format!("the example does not match {against}: {what}"),
                help,
            );
            d.focus = focus;
            d.refers_to = p.declared_at;
        }
    }

    /// What an example's problem says, and how to fix it.
    fn example_problem(&self, at: &str, kind: &validate::ProblemKind) -> (String, &'static str) {
        use validate::ProblemKind as K;
        let wrong = "correct the example's value or the field's `type`";
        match kind {
            K::Missing => (
                format!("required field `{at}` is missing"),
                "add it to the example, or drop `required: true` if DingTalk may omit it",
            ),
            K::Undeclared => (
                format!("field `{at}` is not declared"),
                "declare it under `fields:` (the example shows DingTalk sends it), or remove it from the example",
            ),
            K::NotInEnum { value, model, .. } => {
                let what = match model {
                    Some(m) => format!("`{at}` is `{value}`, not a value of `{m}`"),
                    None => format!("`{at}` is `{value}`, not one of the enum values"),
                };
                (what, "add the value to the `enum:`, or correct the example")
            }
            K::WrongType { expected, .. } if self.is_object(expected) => {
                (format!("`{at}` should be an object"), wrong)
            }
            K::WrongType {
                expected, found, ..
            } => {
                (format!("`{at}` should be {expected}, found {found}"), wrong)
            }
            // Limits are not checked in examples.
            other => (format!("`{at}`: {other:?}"), wrong),
        }
    }

    /// Whether values of the type are JSON objects with fields (inline, or a model's).
    fn is_object(&self, t: &TypeExpr) -> bool {
        match t {
            TypeExpr::Object => true,
            TypeExpr::Named(n) => self.spec.models.get(n).is_some_and(|m| m.fields.is_some()),
            _ => false,
        }
    }

    /// Generated type names (models and the per-operation ones) must be unique.
    fn type_names(&mut self) {
        let spec = self.spec;
        let mut seen: BTreeMap<String, Origin<'_>> = RESERVED_TYPES
            .iter()
            .map(|r| ((*r).to_owned(), Origin::Reserved(r)))
            .collect();
        let mut add = |this: &mut Self, name: String, key| {
            if let Some(first) = seen.get(&name) {
                this.err(
                    &key,
                    format!("`{key}` generates the type `{name}`, which is also generated for `{first}`"),
                    "rename one of them (an inline object or enum is named after its model or operation and its key)",
                );
            } else {
                seen.insert(name, key);
            }
        };
        for name in spec.models.keys() {
            let rust = pascal(name);
            if let Some(r) = RESERVED_TYPES.iter().find(|r| **r == rust) {
                self.err(
                    format!("models.{name}"),
                    format!("model `{name}` would shadow `{r}`, which the generated code uses"),
                    format!("give the model a more specific name (e.g. `{r}Info`)"),
                );
                continue;
            }
            add(self, rust, Origin::Key("models", name));
        }
        let mut fns: BTreeMap<String, &str> = BTreeMap::new();
        for (name, op) in &spec.operations {
            let rust = pascal(name);
            let fields = matches!(&op.response, Response::Body(b) if b.ty.is_none());
            let params = op
                .params
                .values()
                .filter(|p| p.required || p.location == Some(Location::Path))
                .count()
                > crate::model::MAX_POSITIONAL;
            for suffix in ["", "Error", "Response", "Params"] {
                if (suffix == "Response" && !fields) || (suffix == "Params" && !params) {
                    continue;
                }
                add(
                    self,
                    type_join(&rust, suffix),
                    Origin::Key("operations", name),
                );
            }
            match fns.get(&snake(name)) {
                // Names whose types collide were reported just above.
                Some(first) if pascal(first) != rust => self.err(
                    format!("operations.{name}"),
                    format!(
                        "operations `{first}` and `{name}` both become the method `{}()`",
                        snake(name)
                    ),
                    "keep one of them; the method name is derived from the operation name",
                ),
                Some(_) => {}
                None => {
                    fns.insert(snake(name), name);
                }
            }
        }
        for (name, key) in self.inline_names() {
            add(self, name, Origin::Inline(key));
        }
    }

    /// The inline types of every model and operation ([`inline::names`]): name and key path.
    fn inline_names(&self) -> Vec<(String, String)> {
        let spec = self.spec;
        let taken = inline::declared(spec);
        let mut out = Vec::new();
        let mut named = |owner: &str, key: String, fields: &[inline::Fields<'_>]| {
            for i in inline::names(owner, fields, &taken) {
                out.push((i.name, format!("{key}.{}", i.key_path)));
            }
        };
        for (name, model) in &spec.models {
            if let Some(fields) = &model.fields {
                let source = inline::Fields {
                    above: None,
                    key: "fields",
                    fields,
                };
                named(&pascal(name), format!("models.{name}"), &[source]);
            }
        }
        let none = IndexMap::new();
        for (name, op) in &spec.operations {
            let rust = pascal(name);
            let answer = match &op.response {
                Response::Body(b) if b.ty.is_none() => &b.fields,
                _ => &none,
            };
            let sources = [
                inline::Fields {
                    above: None,
                    key: "params",
                    fields: &op.params,
                },
                inline::Fields {
                    above: Some("Response"),
                    key: "response.fields",
                    fields: answer,
                },
            ];
            named(&rust, format!("operations.{name}"), &sources);
        }
        out
    }
}

/// What an example answer must match, and where that is declared (a key path).
#[derive(Clone, Copy)]
enum Expected<'e> {
    /// The fields of an object answer.
    Fields(&'e IndexMap<String, Field>, &'e str),
    /// A response `type`, parsed and as written.
    Type(&'e TypeExpr, &'e str, &'e str),
}

/// The first of two colliding error codes, for a message: `` `code` `` or `` `code` (table
/// `common`) ``.
fn first_code((code, table): (&str, Option<&str>)) -> String {
    match table {
        Some(t) => format!("`{code}` of table `{t}`"),
        None => format!("`{code}`"),
    }
}

/// What generated a type name first, for the message about a second one.
enum Origin<'a> {
    /// A name the generated code uses itself.
    Reserved(&'static str),
    /// A model or operation: its section and name.
    Key(&'static str, &'a str),
    /// The key path of an inline struct or enum.
    Inline(String),
}

impl fmt::Display for Origin<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Reserved(r) => write!(f, "`{r}`, which the generated code uses"),
            Origin::Key(section, name) => write!(f, "{section}.{name}"),
            Origin::Inline(key) => f.write_str(key),
        }
    }
}

/// Type names the generated module uses unqualified (or declares itself).
const RESERVED_TYPES: &[&str] = &[
    "Service",
    "String",
    "Vec",
    "Option",
    "Box",
    "Result",
    "Into",
    "IntoIterator",
    "AsRef",
    "From",
    "Serialize",
    "Deserialize",
];

/// Whether a field's `example`/`default` contradicts its type (`None` if it fits).
fn scalar_mismatch(expr: &TypeExpr, f: &Field, v: &serde_yaml::Value) -> Option<String> {
    use serde_yaml::Value as Y;
    let found = match v {
        Y::Null => return None,
        Y::Bool(_) => "a boolean",
        Y::Number(_) => "a number",
        Y::String(_) => "a string",
        Y::Sequence(_) => "a list",
        Y::Mapping(_) => "a mapping",
        Y::Tagged(_) => return None,
    };
    let fits = match (expr, v) {
        (TypeExpr::Boolean, Y::Bool(_)) => true,
        (TypeExpr::Int32, Y::Number(n)) => n.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
        (TypeExpr::Int64, Y::Number(n)) => n.as_i64().is_some(),
        (TypeExpr::Double, Y::Number(_)) => true,
        (TypeExpr::String, Y::String(s)) => {
            if let Some(values) = &f.values {
                if !values.contains_key(s) {
                    return Some(format!("`{s}` is not one of the enum values"));
                }
            }
            true
        }
        // Numbers and booleans written for a string field are IDs and flags as text: fine.
        (TypeExpr::String, Y::Number(_) | Y::Bool(_)) => f.values.is_none(),
        (TypeExpr::Boolean | TypeExpr::Int32 | TypeExpr::Int64 | TypeExpr::Double, _) => false,
        _ => true,
    };
    (!fits).then(|| format!("is {found}, which does not fit the type `{}`", f.ty))
}

fn param_path_exists(op: &Operation, path: &str) -> bool {
    param_field(op, path).is_some()
}

/// The parameter `path` names, or the field of a parameter's object (`option.nextToken`).
fn param_field<'o>(op: &'o Operation, path: &str) -> Option<&'o Field> {
    let mut parts = path.split('.');
    let mut field = op.params.get(parts.next()?)?;
    for part in parts {
        field = field.fields.as_ref()?.get(part)?;
    }
    Some(field)
}
