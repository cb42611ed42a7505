//! The shape of a spec file (which keys, which value types), checked on the located YAML tree
//! before deserialising, so every unknown, missing, duplicated or mistyped key is reported at
//! its exact place, all in one run.
//!
//! The schema mirrors [`crate::spec`] key for key; `tests` below keeps the two in step.

use crate::diagnostic::{did_you_mean, Diagnostic};
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
const fn dflt(name: &'static str, shape: Shape) -> Key {
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
    dflt("errors", Shape::Dict("error table", &ERROR_TABLE)),
    dflt("models", Shape::Dict("model", &MODEL)),
    req("operations", Shape::Dict("operation", &OPERATION)),
];

static MODEL_KEYS: &[Key] = &[
    opt("description", Shape::Str),
    opt("fields", FIELDS),
    opt("enum", ENUM),
];

static FIELD_KEYS: &[Key] = &[
    req("type", Shape::Str),
    dflt("required", Shape::Bool),
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
    dflt("app_types", Shape::List(&STR)),
    opt("idempotent", Shape::Bool),
    opt("auth", Shape::Word(&["token", "none"])),
    dflt("get_body", Shape::Bool),
    dflt("params", PARAMS),
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
    dflt("errors", Shape::List(&ERROR_ITEM)),
];

static ERROR_KEYS: &[Key] = &[
    req("status", Shape::Status),
    req("code", Shape::Str),
    opt("message", Shape::Str),
    opt("description", Shape::Str),
];

static RESPONSE_KEYS: &[Key] = &[
    opt("description", Shape::Str),
    dflt("fields", FIELDS),
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
        let name = at.name();
        match shape {
            Shape::Any => {}
            Shape::Str => {
                if node.kind() != Some(ScalarKind::Str) {
                    let help = match &node.value {
                        Value::Scalar { text, .. } if !text.is_empty() => {
                            format!("quote it to make it a string: `{name}: \"{text}\"`")
                        }
                        _ => format!("write text after `{name}:`"),
                    };
                    self.wrong(at, node, "a string", help);
                }
            }
            Shape::Bool => {
                if node.kind() != Some(ScalarKind::Bool) {
                    self.wrong(
                        at,
                        node,
                        "`true` or `false`",
                        format!("write `{name}: true` or `{name}: false`"),
                    );
                }
            }
            Shape::UInt => {
                let ok = node.kind() == Some(ScalarKind::Int)
                    && node.as_str().is_some_and(|t| t.parse::<u64>().is_ok());
                if !ok {
                    self.wrong(
                        at,
                        node,
                        "a whole number of at least 0",
                        format!("write e.g. `{name}: 20`"),
                    );
                }
            }
            Shape::Num => {
                if !matches!(node.kind(), Some(ScalarKind::Int | ScalarKind::Float)) {
                    self.wrong(at, node, "a number", format!("write e.g. `{name}: 100`"));
                }
            }
            Shape::Status => {
                let ok = node.kind() == Some(ScalarKind::Int)
                    && node.as_str().is_some_and(|t| t.parse::<u16>().is_ok());
                if !ok {
                    self.wrong(
                        at,
                        node,
                        "an HTTP status number",
                        "write the page's HttpCode, e.g. `status: 400`".to_owned(),
                    );
                }
            }
            Shape::Word(words) => match node.as_str() {
                Some(w) if node.kind() == Some(ScalarKind::Str) && words.contains(&w) => {}
                Some(w) if node.kind() == Some(ScalarKind::Str) => {
                    let help = match did_you_mean(w, words.iter().copied()) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!("use one of: {}", words.join(", ")),
                    };
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
            },
            Shape::List(item) => match &node.value {
                Value::Seq(items) => {
                    for (i, it) in items.iter().enumerate() {
                        self.value(KeyPath::Index(&at, i), it.pos, it, *item, false);
                    }
                }
                _ => self.wrong(
                    at,
                    node,
                    "a list",
                    format!("write a list: `{name}: [a, b]` or one `- item` per line"),
                ),
            },
            Shape::Response => {
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
                self.value(
                    at,
                    key_pos,
                    node,
                    Shape::Struct("response", RESPONSE_KEYS),
                    false,
                );
            }
            Shape::ErrorItem => {
                let shape = if is_use(node) { ERROR_USE } else { ERROR };
                self.value(at, key_pos, node, shape, false);
            }
            Shape::Dict(what, item) => {
                let Some(pairs) = node.as_map() else {
                    self.wrong(
                        at,
                        node,
                        "a mapping",
                        format!("write one `name: …` entry per {what} under `{name}:`"),
                    );
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
            Shape::Struct(what, keys) => {
                let Some(pairs) = node.as_map() else {
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
                    return;
                };
                self.structure(at, key_pos, pairs, what, keys);
            }
        }
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
        let name = at.name();
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
            let suggestion = did_you_mean(kname, keys.iter().map(|k| k.name));
            let help = match suggestion {
                Some(s) => {
                    // A misspelt required key is reported here, not as missing too.
                    if let Some(i) = keys.iter().position(|k| k.name == s) {
                        meant[i] = true;
                    }
                    format!("did you mean `{s}`?")
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
        let missing: Vec<&str> = keys
            .iter()
            .zip(&meant)
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
    let kind = node.kind();
    let text = node.as_str().unwrap_or_default();
    let v = match shape {
        Shape::Any => Some(any(node)),
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
        Shape::Response => {
            if kind == Some(ScalarKind::Str) && text == "none" {
                Some(Y::String("none".to_owned()))
            } else if node.as_map().is_some() {
                clean(
                    path,
                    node,
                    Shape::Struct("response", RESPONSE_KEYS),
                    false,
                    dropped,
                )
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
        Shape::Dict(_, item) => node.as_map().map(|pairs| {
            let mut m = serde_yaml::Mapping::with_capacity(pairs.len());
            for (k, v) in pairs {
                let Some(name) = k.as_str().filter(|_| k.kind() == Some(ScalarKind::Str)) else {
                    continue;
                };
                // The first of duplicated keys counts (the shape check reports the others).
                if let serde_yaml::mapping::Entry::Vacant(slot) =
                    m.entry(Y::String(name.to_owned()))
                {
                    if let Some(v) = clean(KeyPath::Key(&path, name), v, *item, false, dropped) {
                        slot.insert(v);
                    }
                }
            }
            Y::Mapping(m)
        }),
        Shape::Struct(_, keys) => node.as_map().and_then(|pairs| {
            let mut m = serde_yaml::Mapping::with_capacity(pairs.len());
            // Which of `keys` are written exactly, found in one pass (not one per typo).
            let mut exact = vec![false; keys.len()];
            for (k, _) in pairs {
                if let Some(i) = k
                    .as_str()
                    .and_then(|n| keys.iter().position(|key| key.name == n))
                {
                    exact[i] = true;
                }
            }
            let present = |n: &str| {
                keys.iter()
                    .position(|key| key.name == n)
                    .is_some_and(|i| exact[i])
            };
            // Which of `keys` are in `m` already, without hashing them again.
            let mut taken = vec![false; keys.len()];
            for (k, v) in pairs {
                // A misspelt key (`tpye`) is read as the key it was meant to be, so what is
                // under it is still checked and nothing is reported as missing.
                let Some(i) = k.as_str().and_then(|n| {
                    keys.iter().position(|key| key.name == n).or_else(|| {
                        let meant = did_you_mean(n, keys.iter().map(|k| k.name))?;
                        if present(meant) {
                            return None;
                        }
                        keys.iter().position(|key| key.name == meant)
                    })
                }) else {
                    continue;
                };
                let key = &keys[i];
                if taken[i] {
                    continue;
                }
                if let Some(v) = clean(
                    KeyPath::Key(&path, key.name),
                    v,
                    key.shape,
                    key.nullable,
                    dropped,
                ) {
                    m.insert(Y::String(key.name.to_owned()), v);
                    taken[i] = true;
                }
            }
            keys.iter()
                .zip(&taken)
                .all(|(k, taken)| *taken || !k.required)
                .then_some(Y::Mapping(m))
        }),
    };
    if v.is_none() {
        dropped.push(path.to_string());
    }
    v
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
