//! The shape of a spec file (which keys, which value types), checked on the located YAML tree
//! before deserialising, so every unknown, missing, duplicated or mistyped key is reported at
//! its exact place, all in one run.
//!
//! The schema mirrors [`crate::spec`] key for key; `tests` below keeps the two in step.

use crate::diagnostic::{did_you_mean, suggest, suggestion, Diagnostic};
use crate::keypath::KeyPath;
use crate::yaml::{Node, Pos, ScalarKind, Value};

/// What a value must be.
#[derive(Debug, Clone, Copy)]
enum Shape {
    /// A string (quoted, or plain text that is not a number, boolean or null).
    Str,
    /// `true` / `false`.
    Bool,
    /// A non-negative integer.
    UInt,
    /// An HTTP status number.
    Status,
    /// Any number.
    Num,
    /// Anything (examples, defaults).
    Any,
    /// One of these words.
    Word(&'static [&'static str]),
    /// A mapping with these keys.
    Struct(&'static str, &'static [Key]),
    /// A mapping from names the spec chooses to values of a shape.
    Dict(&'static str, &'static Shape),
    /// A list.
    List(&'static Shape),
    /// `none` or the response mapping.
    Response,
    /// An operation's error: a row, or `{ use: <table> }`.
    ErrorItem,
}

/// A key of a [`Shape::Struct`].
#[derive(Debug, Clone, Copy)]
struct Key {
    name: &'static str,
    required: bool,
    /// Whether `key:` with no value (null) is accepted, i.e. the Rust side is an `Option`.
    nullable: bool,
    shape: Shape,
}

const fn req(name: &'static str, shape: Shape) -> Key {
    Key {
        name,
        required: true,
        nullable: false,
        shape,
    }
}

/// Optional, may be null (`Option<T>` in [`crate::spec`]).
const fn opt(name: &'static str, shape: Shape) -> Key {
    Key {
        name,
        required: false,
        nullable: true,
        shape,
    }
}

/// Optional with a serde default, but not null.
const fn defaulted(name: &'static str, shape: Shape) -> Key {
    Key {
        name,
        required: false,
        nullable: false,
        shape,
    }
}

static STR: Shape = Shape::Str;
static FIELD: Shape = Shape::Struct("field", FIELD_KEYS);
static MODEL: Shape = Shape::Struct("model", MODEL_KEYS);
static OPERATION: Shape = Shape::Struct("operation", OPERATION_KEYS);
static ERROR: Shape = Shape::Struct("error", ERROR_KEYS);
static ERROR_USE: Shape = Shape::Struct("error table use", &[req("use", Shape::Str)]);
static ERROR_ITEM: Shape = Shape::ErrorItem;
static ERROR_TABLE: Shape = Shape::List(&ERROR);
static FIELDS: Shape = Shape::Dict("field", &FIELD);
static ENUM: Shape = Shape::Dict("enum value", &STR);
static PARAMS: Shape = Shape::Dict("parameter", &FIELD);

static ROOT_KEYS: &[Key] = &[
    req("service", Shape::Str),
    req("version", Shape::Str),
    req("title", Shape::Str),
    req("base_url", Shape::Str),
    opt("source", Shape::Str),
    opt("module", Shape::Str),
    defaulted("errors", Shape::Dict("error table", &ERROR_TABLE)),
    defaulted("models", Shape::Dict("model", &MODEL)),
    req("operations", Shape::Dict("operation", &OPERATION)),
];

static MODEL_KEYS: &[Key] = &[
    opt("description", Shape::Str),
    opt("fields", FIELDS),
    opt("enum", ENUM),
];

static FIELD_KEYS: &[Key] = &[
    req("type", Shape::Str),
    defaulted("required", Shape::Bool),
    opt("description", Shape::Str),
    opt("default", Shape::Any),
    opt("example", Shape::Any),
    opt("enum", ENUM),
    opt("fields", FIELDS),
    opt("min_items", Shape::UInt),
    opt("max_items", Shape::UInt),
    opt("min_length", Shape::UInt),
    opt("max_length", Shape::UInt),
    opt("minimum", Shape::Num),
    opt("maximum", Shape::Num),
    opt("pattern", Shape::Str),
    opt("in", Shape::Word(&["path", "query", "header", "body"])),
    opt(
        "style",
        Shape::Word(&["flat", "json", "comma", "field", "whole"]),
    ),
    opt("secret", Shape::Bool),
];

static OPERATION_KEYS: &[Key] = &[
    opt("summary", Shape::Str),
    opt("origin", Shape::Word(&["curated", "imported"])),
    opt("description", Shape::Str),
    req("method", Shape::Str),
    req("path", Shape::Str),
    opt(
        "permission",
        Shape::Struct(
            "permission",
            &[req("code", Shape::Str), opt("description", Shape::Str)],
        ),
    ),
    defaulted("app_types", Shape::List(&STR)),
    opt("idempotent", Shape::Bool),
    opt("auth", Shape::Word(&["token", "none"])),
    defaulted("get_body", Shape::Bool),
    defaulted("params", PARAMS),
    req("response", Shape::Response),
    opt(
        "pagination",
        Shape::Struct(
            "pagination",
            &[
                req("cursor", Shape::Str),
                opt("page_size", Shape::Str),
                req("next", Shape::Str),
                req("items", Shape::Str),
                opt("has_more", Shape::Str),
            ],
        ),
    ),
    defaulted("errors", Shape::List(&ERROR_ITEM)),
];

static ERROR_KEYS: &[Key] = &[
    req("status", Shape::Status),
    req("code", Shape::Str),
    opt("message", Shape::Str),
    opt("description", Shape::Str),
];

static RESPONSE_KEYS: &[Key] = &[
    opt("description", Shape::Str),
    defaulted("fields", FIELDS),
    opt("type", Shape::Str),
    opt("example", Shape::Str),
];

/// Checks the shape of a whole spec file; an empty result means serde will accept it.
pub fn check(file: &str, root: &Node) -> Vec<Diagnostic> {
    let mut cx = Cx {
        file,
        out: Vec::new(),
    };
    let top = Pos {
        start: 0,
        end: 0,
        line: 1,
        column: 1,
    };
    let top = root
        .as_map()
        .and_then(|m| m.first())
        .map_or(top, |(k, _)| k.pos);
    cx.value(
        KeyPath::Root,
        top,
        root,
        Shape::Struct("spec file", ROOT_KEYS),
        false,
    );
    cx.out
}

struct Cx<'a> {
    file: &'a str,
    out: Vec<Diagnostic>,
}

impl Cx<'_> {
    fn err(&mut self, key: &str, pos: Pos, msg: String, help: String) {
        let mut d = Diagnostic::new(self.file, key, msg).help(help);
        d.set_pos(pos);
        self.out.push(d);
    }

    /// Checks `node` (at `at`, whose key is at `key_pos`) against `shape`.
    fn value(&mut self, at: KeyPath<'_>, key_pos: Pos, node: &Node, shape: Shape, nullable: bool) {
        if nullable && node.kind() == Some(ScalarKind::Null) {
            return;
        }
        if let Value::Alias = node.value {
            self.err(
                &at.to_string(),
                node.pos,
                "YAML aliases (`*name`) are not supported in specs".to_owned(),
                "write the value out; a spec is read by people first".to_owned(),
            );
            return;
        }
        match shape {
            Shape::Any => {}
            Shape::Str | Shape::Bool | Shape::UInt | Shape::Num | Shape::Status => {
                self.scalar(at, node, shape)
            }
            Shape::Word(words) => self.word(at, node, words),
            Shape::List(item) => self.list(at, node, item),
            Shape::Response => self.response(at, key_pos, node),
            Shape::ErrorItem => {
                let shape = if is_use(node) { ERROR_USE } else { ERROR };
                self.value(at, key_pos, node, shape, false);
            }
            Shape::Dict(what, item) => self.dict(at, node, what, item),
            Shape::Struct(what, keys) => match node.as_map() {
                Some(pairs) => self.structure(at, key_pos, pairs, what, keys),
                None => self.not_a_struct(at, node, what),
            },
        }
    }

    /// A string, boolean or number of the expected kind.
    fn scalar(&mut self, at: KeyPath<'_>, node: &Node, shape: Shape) {
        let kind = node.kind();
        let parses = |ok: fn(&str) -> bool| node.as_str().is_some_and(ok);
        let (fits, expected) = match shape {
            Shape::Str => (kind == Some(ScalarKind::Str), "a string"),
            Shape::Bool => (kind == Some(ScalarKind::Bool), "`true` or `false`"),
            Shape::UInt => (
                kind == Some(ScalarKind::Int) && parses(|t| t.parse::<u64>().is_ok()),
                "a whole number of at least 0",
            ),
            Shape::Status => (
                kind == Some(ScalarKind::Int) && parses(|t| t.parse::<u16>().is_ok()),
                "an HTTP status number",
            ),
            _ => (
                matches!(kind, Some(ScalarKind::Int | ScalarKind::Float)),
                "a number",
            ),
        };
        if fits {
            return;
        }
        let name = at.name();
        let help = match (shape, &node.value) {
            (Shape::Str, Value::Scalar { text, .. }) if !text.is_empty() => {
                format!("quote it to make it a string: `{name}: \"{text}\"`")
            }
            (Shape::Str, _) => format!("write text after `{name}:`"),
            (Shape::Bool, _) => format!("write `{name}: true` or `{name}: false`"),
            (Shape::UInt, _) => format!("write e.g. `{name}: 20`"),
            (Shape::Status, _) => "write the page's HttpCode, e.g. `status: 400`".to_owned(),
            _ => format!("write e.g. `{name}: 100`"),
        };
        self.wrong(at, node, expected, help);
    }

    /// One of `words`.
    fn word(&mut self, at: KeyPath<'_>, node: &Node, words: &[&str]) {
        let name = at.name();
        match node.as_str() {
            Some(w) if node.kind() == Some(ScalarKind::Str) && words.contains(&w) => {}
            Some(w) if node.kind() == Some(ScalarKind::Str) => {
                let help = suggest(w, words.iter().copied(), || {
                    format!("use one of: {}", words.join(", "))
                });
                self.err(
                    &at.to_string(),
                    node.pos,
                    format!("invalid `{name}` value `{w}`"),
                    help,
                );
            }
            _ => self.wrong(
                at,
                node,
                "a word",
                format!("use one of: {}", words.join(", ")),
            ),
        }
    }

    /// A list of `item`s.
    fn list(&mut self, at: KeyPath<'_>, node: &Node, item: &Shape) {
        let Value::Seq(items) = &node.value else {
            let name = at.name();
            let help = format!("write a list: `{name}: [a, b]` or one `- item` per line");
            self.wrong(at, node, "a list", help);
            return;
        };
        for (i, it) in items.iter().enumerate() {
            self.value(KeyPath::Index(&at, i), it.pos, it, *item, false);
        }
    }

    /// `response:`: `none`, or the mapping of an answer.
    fn response(&mut self, at: KeyPath<'_>, key_pos: Pos, node: &Node) {
        if node.kind() == Some(ScalarKind::Str) && node.as_str() == Some("none") {
            return;
        }
        if node.as_map().is_none() {
            self.wrong(
                at,
                node,
                "`none` or a mapping with `fields:` or `type:`",
                "write `response: none` for an answer without a body, else describe its `fields:` (a JSON object) or its `type:` (e.g. `type: boolean`)".to_owned(),
            );
            return;
        }
        let shape = Shape::Struct("response", RESPONSE_KEYS);
        self.value(at, key_pos, node, shape, false);
    }

    /// A mapping from names the spec chooses to `item`s.
    fn dict(&mut self, at: KeyPath<'_>, node: &Node, what: &str, item: &Shape) {
        let Some(pairs) = node.as_map() else {
            let help = format!(
                "write one `name: …` entry per {what} under `{}:`",
                at.name()
            );
            self.wrong(at, node, "a mapping", help);
            return;
        };
        self.duplicates(at, pairs, what);
        for (k, v) in pairs {
            let Some(kname) = self.key_name(at, k, what) else {
                continue;
            };
            self.value(KeyPath::Key(&at, kname), k.pos, v, *item, false);
        }
    }

    /// A value where a mapping of keys (`what`) was expected.
    fn not_a_struct(&mut self, at: KeyPath<'_>, node: &Node, what: &str) {
        let name = at.name();
        let help = if at.is_empty() {
            "a spec file is a mapping: `service:`, `version:`, `title:`, `base_url:`, `models:`, `operations:` (see spec/README.md)".to_owned()
        } else if what == "field" && node.kind() == Some(ScalarKind::Str) {
            format!(
                "write `{name}: {{ type: {} }}`",
                node.as_str().unwrap_or("string")
            )
        } else {
            format!("write the {what}'s keys under `{name}:`")
        };
        self.wrong(at, node, &format!("a {what} (a mapping)"), help);
    }

    /// The keys of a mapping of shape [`Shape::Struct`]: each known key checked, each unknown one
    /// reported with a suggestion, then the required ones missing. One pass over the pairs
    /// resolves each key (exactly or as the key a typo meant), so a mapping of any size costs
    /// time in proportion to it.
    fn structure(
        &mut self,
        at: KeyPath<'_>,
        key_pos: Pos,
        pairs: &[(Node, Node)],
        what: &str,
        keys: &'static [Key],
    ) {
        self.duplicates(at, pairs, "key");
        let mut meant = vec![false; keys.len()];
        for (k, v) in pairs {
            let Some(kname) = self.key_name(at, k, "key") else {
                continue;
            };
            if let Some(key) = keys.iter().find(|key| key.name == kname) {
                self.value(KeyPath::Key(&at, kname), k.pos, v, key.shape, key.nullable);
                if let Some(i) = keys.iter().position(|k| k.name == key.name) {
                    meant[i] = true;
                }
                continue;
            }
            let help = match did_you_mean(kname, keys.iter().map(|k| k.name)) {
                Some(s) => {
                    // A misspelt required key is reported here, not as missing too.
                    if let Some(i) = keys.iter().position(|k| k.name == s) {
                        meant[i] = true;
                    }
                    suggestion(s)
                }
                // `{ description: A, b. }`: the comma ended the value.
                None if kname.contains(' ') || kname.ends_with('.') => "this looks like the end of a value cut at a comma: inside `{ … }` a `,` ends a value, so quote text that has one (`description: \"A, b.\"`)".to_owned(),
                None => format!(
                    "{} has the keys {}",
                    a(what),
                    keys.iter()
                        .map(|k| format!("`{}`", k.name))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            self.err(
                &KeyPath::Key(&at, kname).to_string(),
                k.pos,
                format!("unknown key `{kname}` in {}", a(what)),
                help,
            );
        }
        self.missing_keys(at, key_pos, what, keys, &meant);
    }

    /// The required `keys` not written (or meant by a typo: `meant`), in one problem.
    fn missing_keys(
        &mut self,
        at: KeyPath<'_>,
        key_pos: Pos,
        what: &str,
        keys: &[Key],
        meant: &[bool],
    ) {
        let name = at.name();
        let missing: Vec<&str> = keys
            .iter()
            .zip(meant)
            .filter(|(key, meant)| key.required && !**meant)
            .map(|(key, _)| key.name)
            .collect();
        if missing.is_empty() {
            return;
        }
        let owner = if at.is_empty() {
            "the spec file".to_owned()
        } else {
            format!("{what} `{name}`")
        };
        let list = missing
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let add = missing
            .iter()
            .map(|k| format!("`{k}: …`"))
            .collect::<Vec<_>>()
            .join(", ");
        self.err(
            &at.to_string(),
            key_pos,
            format!(
                "{owner} is missing the required key{} {list}",
                if missing.len() == 1 { "" } else { "s" }
            ),
            format!("add {add} (see spec/README.md)"),
        );
    }

    fn wrong(&mut self, at: KeyPath<'_>, node: &Node, expected: &str, help: String) {
        let what = if at.is_empty() {
            "the file".to_owned()
        } else {
            format!("`{}`", at.name())
        };
        self.err(
            &at.to_string(),
            node.pos,
            format!("{what} should be {expected}, found {}", node.describe()),
            help,
        );
    }

    /// The text of a mapping key, which must be a plain string.
    fn key_name<'n>(&mut self, at: KeyPath<'_>, k: &'n Node, what: &str) -> Option<&'n str> {
        match k.kind() {
            Some(ScalarKind::Str) => k.as_str(),
            _ => {
                self.err(
                    &at.to_string(),
                    k.pos,
                    format!("the {what} name should be a string, found {}", k.describe()),
                    match k.as_str() {
                        Some(t) => format!("quote it: `\"{t}\": …`"),
                        None => "use a plain name as the key".to_owned(),
                    },
                );
                None
            }
        }
    }

    /// Keys given twice in one mapping, each reported at the second (and later) one. A hash of
    /// the names seen for large mappings, so 100,000 keys cost 100,000 lookups, not 5 billion
    /// comparisons; a short scan for the small ones that make up most of a spec.
    fn duplicates(&mut self, at: KeyPath<'_>, pairs: &[(Node, Node)], what: &str) {
        let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        let large = pairs.len() > 16;
        if large {
            seen.reserve(pairs.len());
        }
        for (i, (k, _)) in pairs.iter().enumerate() {
            let Some(name) = k.as_str() else { continue };
            let first = if large {
                match seen.entry(name) {
                    std::collections::hash_map::Entry::Occupied(e) => Some(&pairs[*e.get()].0),
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(i);
                        None
                    }
                }
            } else {
                pairs[..i]
                    .iter()
                    .find(|(f, _)| f.as_str() == Some(name))
                    .map(|(f, _)| f)
            };
            if let Some(first) = first {
                self.err(
                    &KeyPath::Key(&at, name).to_string(),
                    k.pos,
                    format!("duplicate {what} `{name}`"),
                    format!(
                        "`{name}` is already defined on line {}; keep one of them",
                        first.pos.line
                    ),
                );
            }
        }
    }
}

/// The spec as serde should see it, with every part the shape check rejected left out: an
/// invalid key or list item is dropped, a mapping missing a required key is dropped from its
/// parent. The semantic checks then still run on the rest, so one run reports all problems.
/// `dropped` collects the key paths that were left out.
pub fn cleaned(root: &Node, dropped: &mut Vec<String>) -> serde_yaml::Value {
    clean(
        KeyPath::Root,
        root,
        Shape::Struct("spec file", ROOT_KEYS),
        false,
        dropped,
    )
    .unwrap_or(serde_yaml::Value::Null)
}

fn clean(
    path: KeyPath<'_>,
    node: &Node,
    shape: Shape,
    nullable: bool,
    dropped: &mut Vec<String>,
) -> Option<serde_yaml::Value> {
    use serde_yaml::Value as Y;
    if nullable && node.kind() == Some(ScalarKind::Null) {
        return Some(Y::Null);
    }
    let v = match shape {
        Shape::Any => Some(any(node)),
        Shape::Response => {
            if node.kind() == Some(ScalarKind::Str) && node.as_str() == Some("none") {
                Some(Y::String("none".to_owned()))
            } else if node.as_map().is_some() {
                let shape = Shape::Struct("response", RESPONSE_KEYS);
                clean(path, node, shape, false, dropped)
            } else {
                None
            }
        }
        Shape::ErrorItem => {
            let shape = if is_use(node) { ERROR_USE } else { ERROR };
            clean(path, node, shape, false, dropped)
        }
        Shape::List(item) => match &node.value {
            Value::Seq(items) => Some(Y::Sequence(
                items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, it)| {
                        clean(KeyPath::Index(&path, i), it, *item, false, dropped)
                    })
                    .collect(),
            )),
            _ => None,
        },
        Shape::Dict(_, item) => node
            .as_map()
            .map(|pairs| clean_dict(path, pairs, item, dropped)),
        Shape::Struct(_, keys) => node
            .as_map()
            .and_then(|pairs| clean_struct(path, pairs, keys, dropped)),
        scalar => clean_scalar(node, scalar),
    };
    if v.is_none() {
        dropped.push(path.to_string());
    }
    v
}

/// A scalar of the expected kind, as serde reads it; `None` if it is not one.
fn clean_scalar(node: &Node, shape: Shape) -> Option<serde_yaml::Value> {
    use serde_yaml::Value as Y;
    let kind = node.kind();
    let text = node.as_str().unwrap_or_default();
    match shape {
        Shape::Str => (kind == Some(ScalarKind::Str)).then(|| Y::String(text.to_owned())),
        Shape::Bool => {
            (kind == Some(ScalarKind::Bool)).then(|| Y::Bool(text.eq_ignore_ascii_case("true")))
        }
        Shape::UInt => text
            .parse::<u64>()
            .ok()
            .filter(|_| kind == Some(ScalarKind::Int))
            .map(Y::from),
        Shape::Status => text
            .parse::<u16>()
            .ok()
            .filter(|_| kind == Some(ScalarKind::Int))
            .map(Y::from),
        Shape::Num => match kind {
            Some(ScalarKind::Int | ScalarKind::Float) => text.parse::<f64>().ok().map(Y::from),
            _ => None,
        },
        Shape::Word(words) => (kind == Some(ScalarKind::Str) && words.contains(&text))
            .then(|| Y::String(text.to_owned())),
        _ => None,
    }
}

/// A mapping of names the spec chooses: each entry cleaned, the first of duplicated keys kept
/// (the shape check reports the others).
fn clean_dict(
    path: KeyPath<'_>,
    pairs: &[(Node, Node)],
    item: &Shape,
    dropped: &mut Vec<String>,
) -> serde_yaml::Value {
    use serde_yaml::Value as Y;
    let mut m = serde_yaml::Mapping::with_capacity(pairs.len());
    for (k, v) in pairs {
        let Some(name) = k.as_str().filter(|_| k.kind() == Some(ScalarKind::Str)) else {
            continue;
        };
        if let serde_yaml::mapping::Entry::Vacant(slot) = m.entry(Y::String(name.to_owned())) {
            if let Some(v) = clean(KeyPath::Key(&path, name), v, *item, false, dropped) {
                slot.insert(v);
            }
        }
    }
    Y::Mapping(m)
}

/// A mapping of `keys`: each known key cleaned, a misspelt one (`tpye`) read as the key it was
/// meant to be (so what is under it is still checked and nothing is reported as missing), the
/// rest left out; `None` when a required key is missing.
fn clean_struct(
    path: KeyPath<'_>,
    pairs: &[(Node, Node)],
    keys: &'static [Key],
    dropped: &mut Vec<String>,
) -> Option<serde_yaml::Value> {
    use serde_yaml::Value as Y;
    let index = |n: &str| keys.iter().position(|key| key.name == n);
    // Which of `keys` are written exactly, found in one pass (not one per typo).
    let mut exact = vec![false; keys.len()];
    for i in pairs.iter().filter_map(|(k, _)| index(k.as_str()?)) {
        exact[i] = true;
    }
    let meant = |n: &str| {
        index(n).or_else(|| {
            let meant = did_you_mean(n, keys.iter().map(|k| k.name))?;
            index(meant).filter(|i| !exact[*i])
        })
    };
    let mut m = serde_yaml::Mapping::with_capacity(pairs.len());
    // Which of `keys` are in `m` already, without hashing them again.
    let mut taken = vec![false; keys.len()];
    for (k, v) in pairs {
        let Some(i) = k.as_str().and_then(meant).filter(|i| !taken[*i]) else {
            continue;
        };
        let key = &keys[i];
        let path = KeyPath::Key(&path, key.name);
        if let Some(v) = clean(path, v, key.shape, key.nullable, dropped) {
            m.insert(Y::String(key.name.to_owned()), v);
            taken[i] = true;
        }
    }
    let complete = keys
        .iter()
        .zip(&taken)
        .all(|(k, taken)| *taken || !k.required);
    complete.then_some(Y::Mapping(m))
}

/// Whether an error item is `{ use: <table> }` rather than a row: it has `use`, or no row key
/// and a key that is a typo of `use` (`uses`).
fn is_use(node: &Node) -> bool {
    let Some(pairs) = node.as_map() else {
        return false;
    };
    let has = |name: &str| pairs.iter().any(|(k, _)| k.as_str() == Some(name));
    has("use")
        || (!has("code")
            && !has("status")
            && pairs.iter().any(|(k, _)| {
                k.as_str()
                    .is_some_and(|k| did_you_mean(k, ["use"]).is_some())
            }))
}

/// A free-form value (`example`, `default`) as serde_yaml would read it.
fn any(node: &Node) -> serde_yaml::Value {
    use serde_yaml::Value as Y;
    match &node.value {
        Value::Scalar { text, plain: true } => match node.kind() {
            // The common cases resolved here as serde_yaml would; the rest through serde_yaml.
            Some(ScalarKind::Null) => Y::Null,
            Some(ScalarKind::Bool) => Y::Bool(text.eq_ignore_ascii_case("true")),
            Some(ScalarKind::Int)
                if text.bytes().all(|b| b.is_ascii_digit()) && !text.starts_with('0') =>
            {
                text.parse::<u64>()
                    .map_or_else(|_| yaml_scalar(text), Y::from)
            }
            Some(ScalarKind::Str)
                if text.starts_with(|c: char| c.is_ascii_alphabetic())
                    && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') =>
            {
                Y::String(text.clone())
            }
            _ => yaml_scalar(text),
        },
        Value::Scalar { text, .. } => Y::String(text.clone()),
        Value::Seq(items) => Y::Sequence(items.iter().map(any).collect()),
        Value::Map(pairs) => Y::Mapping(pairs.iter().map(|(k, v)| (any(k), any(v))).collect()),
        Value::Alias => Y::Null,
    }
}

/// A plain scalar as serde_yaml reads it.
fn yaml_scalar(text: &str) -> serde_yaml::Value {
    serde_yaml::from_str(text).unwrap_or_else(|_| serde_yaml::Value::String(text.to_owned()))
}

fn a(what: &str) -> String {
    if what.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {what}")
    } else {
        format!("a {what}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(src: &str) -> Vec<String> {
        let root = crate::yaml::parse(src).unwrap();
        check("t.yaml", &root)
            .into_iter()
            .map(|d| format!("{}:{} {}", d.line.unwrap(), d.column.unwrap(), d.message))
            .collect()
    }

    /// A spec using every key of the schema: the schema accepts it and serde (the spec types)
    /// accepts it, so the two stay in step.
    const EVERY_KEY: &str = r#"
service: demo
version: "1.0"
title: T
base_url: https://api.dingtalk.io
source: alibabacloud-dingtalk 2.2.65
module: demo_1_0
errors:
  common:
    - { status: 400, code: c, message: m, description: d }
models:
  M:
    description: d
    fields:
      a: { type: array<string>, required: true, description: d, default: [], example: [x], min_items: 1, max_items: 2, secret: true }
      b: { type: string, min_length: 1, max_length: 2, pattern: "^a", enum: { A: a } }
      c: { type: int32, minimum: 1, maximum: 2.5 }
      o: { type: object, fields: { x: { type: string } } }
  E:
    enum: { A: a }
operations:
  Op:
    summary: s
    origin: imported
    description: d
    method: POST
    path: /p
    permission: { code: c, description: d }
    app_types: [internal]
    idempotent: true
    auth: none
    get_body: false
    params:
      q: { in: query, type: array<string>, style: json, secret: true }
      t: { in: query, type: string }
    response:
      description: d
      fields: { n: { type: string }, items: { type: array<string> } }
      example: "{}"
    pagination: { cursor: t, page_size: t, next: n, items: items, has_more: more }
    errors:
      - use: common
      - { status: 400, code: c, message: m, description: d }
  Typed:
    method: GET
    path: /t
    response: { type: boolean }
"#;

    /// Free-form scalars (`example`, `default`) resolve as serde_yaml resolves them.
    #[test]
    fn free_form_scalars_resolve_as_serde_yaml_does() {
        for text in [
            "0",
            "7",
            "0123",
            "00",
            "12345678901234567890123",
            "-3",
            "+3",
            "0x1F",
            "0o17",
            "0b101",
            "1.5",
            "1e3",
            ".5",
            ".inf",
            "-.inf",
            ".nan",
            "NaN",
            "inf",
            "infinity",
            "null",
            "Null",
            "~",
            "true",
            "False",
            "TRUE",
            "yes",
            "no",
            "on",
            "off",
            "abc",
            "a_b",
            "ABC123",
            "x1e3",
            "e5",
            "_x",
            "2024-01-01",
            "a b",
            "é",
        ] {
            let node = crate::yaml::parse(&format!("v: {text}\n")).unwrap();
            let (_, v) = &node.as_map().unwrap()[0];
            // What serde_yaml makes of the text, or the text itself when serde_yaml refuses it.
            assert_eq!(any(v), yaml_scalar(text), "`{text}`");
        }
    }

    #[test]
    fn schema_and_spec_types_agree() {
        let root = crate::yaml::parse(EVERY_KEY).unwrap();
        assert_eq!(check("t.yaml", &root), []);
        serde_yaml::from_str::<crate::spec::SpecFile>(EVERY_KEY).unwrap();
        let mut dropped = Vec::new();
        let cleaned = cleaned(&root, &mut dropped);
        assert!(dropped.is_empty(), "{dropped:?}");
        serde_yaml::from_value::<crate::spec::SpecFile>(cleaned).unwrap();
        for keys in [
            ROOT_KEYS,
            MODEL_KEYS,
            FIELD_KEYS,
            OPERATION_KEYS,
            ERROR_KEYS,
            RESPONSE_KEYS,
            &[req("use", Shape::Str)],
        ] {
            for k in keys {
                assert!(EVERY_KEY.contains(&format!("{}:", k.name)), "{}", k.name);
            }
        }
    }

    #[test]
    fn reports_every_shape_problem() {
        let src = "service: wiki\nversion: 2.0\ntitle: t\nbase_url: https://x\noperations:\n  A:\n    summary: s\n    method: GET\n    path: /a\n    params:\n      p: { in: querry, type: string, requird: true }\n      p: { in: query, type: string }\n    response: none\n    errors:\n      - { status: abc, code: x }\n";
        let p = problems(src);
        assert_eq!(
            p,
            [
                "2:10 `version` should be a string, found the number `2.0`",
                "12:7 duplicate parameter `p`",
                "11:16 invalid `in` value `querry`",
                "11:38 unknown key `requird` in a field",
                "15:19 `status` should be an HTTP status number, found the string `abc`",
            ]
        );
    }
}
