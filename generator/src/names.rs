//! Rust names derived from wire names.
//!
//! The spec spells everything as DingTalk sends it; these functions derive the Rust spelling.

use std::cell::RefCell;
use std::collections::HashMap;
use std::thread::LocalKey;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words Rust reserves, which need the `r#` prefix as identifiers.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where",
    "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers either; they get a trailing underscore.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Splits a wire name on anything that is not a letter or a digit, so `paramError.spaceId`,
/// `lower-case` and `client_id` all become words heck understands.
fn words(wire: &str) -> String {
    wire.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

type Memo = RefCell<HashMap<String, String>>;

thread_local! {
    static SNAKE: Memo = RefCell::default();
    static PASCAL: Memo = RefCell::default();
}

/// `convert(wire)`, remembered on this thread: the same wire names recur across operations and
/// files (`operatorId`, `nextToken`), and a conversion by heck costs twenty lookups. The memo is
/// emptied when it reaches 4,096 names, so it stays small however many specs a process loads.
fn memo(cache: &'static LocalKey<Memo>, wire: &str, convert: fn(&str) -> String) -> String {
    cache.with(|cache| {
        if let Some(done) = cache.borrow().get(wire) {
            return done.clone();
        }
        let done = convert(wire);
        let mut cache = cache.borrow_mut();
        if cache.len() >= 4096 {
            cache.clear();
        }
        cache.insert(wire.to_owned(), done.clone());
        done
    })
}

/// The snake_case field or function name for a wire name, without any `r#` prefix.
pub fn snake(wire: &str) -> String {
    memo(&SNAKE, wire, snake_uncached)
}

fn snake_uncached(wire: &str) -> String {
    let mut s = words(wire).to_snake_case();
    if s.is_empty() {
        s.push_str("field");
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    if NOT_RAW.contains(&s.as_str()) {
        s.push('_');
    }
    s
}

/// The UpperCamelCase type or variant name for a wire name (`paramError.spaceId` →
/// `ParamErrorSpaceId`, `2FA` → `V2fa`).
pub fn pascal(wire: &str) -> String {
    memo(&PASCAL, wire, pascal_uncached)
}

fn pascal_uncached(wire: &str) -> String {
    let mut s = words(wire).to_upper_camel_case();
    if s.is_empty() {
        s.push_str("Value");
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'V');
    }
    if NOT_RAW.contains(&s.as_str()) {
        s.push('_');
    }
    s
}

/// The enum variant name for a wire value (enum value or error code): [`pascal`], except that
/// `Unknown` is taken by the catch-all `Unknown(String)` variant, so a documented `Unknown`
/// becomes `UnknownValue`.
pub fn variant(wire: &str) -> String {
    match pascal(wire) {
        id if id == "Unknown" => "UnknownValue".to_owned(),
        id => id,
    }
}

/// Builder methods that a parameter setter must not shadow.
const BUILDER_METHODS: &[&str] = &["build", "send", "new", "clone"];

/// The setter name of an optional parameter whose Rust name is `snake`: the name itself, or
/// `with_` + the name when the builder already has a method of that name.
pub fn setter(snake: &str) -> String {
    if BUILDER_METHODS.contains(&snake) {
        format!("with_{snake}")
    } else {
        snake.to_owned()
    }
}

/// Whether an identifier must be written as `r#ident`.
pub fn is_keyword(ident: &str) -> bool {
    KEYWORDS.contains(&ident)
}

/// The camelCase spelling serde's `rename_all = "camelCase"` gives a snake_case field name.
pub fn serde_camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The module name of a service version: `wiki` + `2.0` → `wiki_2_0`.
pub fn module(service: &str, version: &str) -> String {
    format!("{}_{}", snake(service), version.replace(['.', '-'], "_"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_names() {
        assert_eq!(snake("workspaceId"), "workspace_id");
        assert_eq!(snake("client_id"), "client_id");
        assert_eq!(snake("userIDList"), "user_id_list");
        assert_eq!(snake("URL"), "url");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("2fa"), "_2fa");
        assert!(is_keyword(&snake("type")));
    }

    #[test]
    fn pascal_names() {
        assert_eq!(pascal("paramError.spaceId"), "ParamErrorSpaceId");
        assert_eq!(pascal("no.priviledge"), "NoPriviledge");
        assert_eq!(pascal("TEAM"), "Team");
        assert_eq!(pascal("lower-case"), "LowerCase");
        assert_eq!(pascal("2FA"), "V2fa");
        assert_eq!(
            pascal("Forbidden.AccessDenied.QpsLimitForAppkeyAndApi"),
            "ForbiddenAccessDeniedQpsLimitForAppkeyAndApi"
        );
    }

    #[test]
    fn camel_round_trip() {
        assert_eq!(serde_camel("workspace_id"), "workspaceId");
        assert_ne!(serde_camel(&snake("client_id")), "client_id");
        assert_eq!(module("wiki", "2.0"), "wiki_2_0");
    }
}
