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
    if s.bytes().all(|b| b.is_ascii_digit() || b == b'_') {
        // Only digits: `_123` would be a name clippy rejects (`just_underscores_and_digits`).
        s.insert(0, 'n');
    } else if s.starts_with(|c: char| c.is_ascii_digit()) {
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
/// `Other` is taken by the catch-all `Other(String)` variant, so a documented `Other` becomes
/// `OtherValue`.
pub fn variant(wire: &str) -> String {
    match pascal(wire) {
        id if id == "Other" => "OtherValue".to_owned(),
        id => id,
    }
}

/// Names a parameter setter gets a `with_` prefix for: the builder's own methods; the operator
/// methods of `std::ops`, whose signature a setter (`fn add(self, value: T) -> Self`) would
/// have (clippy's `should_implement_trait`); and words a Rust reader takes for the standard
/// library's (`.option(..)` reads as a conversion to `Option`, `.map(..)` as a combinator).
const PREFIXED: &[&str] = &[
    // The builder's methods.
    "build",
    "send",
    "new",
    "clone",
    "into_future",
    "into_paginator",
    // Operators.
    "add",
    "sub",
    "mul",
    "div",
    "rem",
    "shl",
    "shr",
    "bitand",
    "bitor",
    "bitxor",
    "neg",
    "not",
    // Words of the standard library's types and conversions.
    "option",
    "result",
    "some",
    "none",
    "ok",
    "err",
    "into",
    "from",
    "default",
    "as_ref",
    "borrow",
    "to_owned",
    "to_string",
    "unwrap",
    "expect",
    "map",
    "iter",
];

/// The setter name of an optional parameter whose Rust name is `snake`: the name itself, or
/// `with_` + the name when it is a builder method, an operator or a word of the standard
/// library's types (`option` → `with_option`).
pub fn setter(snake: &str) -> String {
    if PREFIXED.contains(&snake) {
        format!("with_{snake}")
    } else {
        snake.to_owned()
    }
}

/// A generated type name made of `base` (a [`pascal`] name) and `suffix` (`GetSpace` +
/// `Error`): the underscore that keeps `Self_` apart from the keyword is dropped when something
/// follows, since `Self_Error` is not UpperCamelCase.
pub fn type_join(base: &str, suffix: &str) -> String {
    let base = if suffix.is_empty() {
        base
    } else {
        base.trim_end_matches('_')
    };
    [base, suffix].concat()
}

/// A name in words for a sentence: `GetWorkspace` → `Get workspace`, `GetDocContentForELM` →
/// `Get doc content for ELM`, `addGroupMember` → `Add group member`, `Diot_Market_Manager` →
/// `Diot market manager`. Acronyms keep their capitals, other words are lower case.
pub fn sentence(name: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    for part in name.split(|c: char| !c.is_alphanumeric()) {
        let chars: Vec<char> = part.chars().collect();
        let mut start = 0;
        for i in 1..chars.len() {
            let (prev, cur) = (chars[i - 1], chars[i]);
            let next_lower = chars.get(i + 1).is_some_and(|c| c.is_lowercase());
            // `docContent`: a capital after a small letter; `ELMFoo`: the last capital of a run
            // that a small letter follows; `v2Foo`: a capital after a digit.
            let boundary = cur.is_uppercase()
                && (prev.is_lowercase()
                    || prev.is_ascii_digit()
                    || (prev.is_uppercase() && next_lower));
            if boundary {
                words.push(chars[start..i].iter().collect());
                start = i;
            }
        }
        if start < chars.len() {
            words.push(chars[start..].iter().collect());
        }
    }
    let mut out = String::new();
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let acronym = w.chars().count() > 1 && w.chars().all(|c| !c.is_lowercase());
        if acronym {
            out.push_str(w);
        } else if i == 0 {
            let mut c = w.chars();
            out.extend(c.next().into_iter().flat_map(char::to_uppercase));
            out.push_str(&c.as_str().to_lowercase());
        } else {
            out.push_str(&w.to_lowercase());
        }
    }
    out
}

/// Whether an identifier must be written as `r#ident`.
pub fn is_keyword(ident: &str) -> bool {
    KEYWORDS.contains(&ident)
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
        assert_eq!(snake("123"), "n123");
        assert_eq!(snake("1_2"), "n1_2");
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
    fn names_in_words() {
        assert_eq!(sentence("GetWorkspace"), "Get workspace");
        assert_eq!(sentence("GetDocContentForELM"), "Get doc content for ELM");
        assert_eq!(sentence("addGroupMember"), "Add group member");
        assert_eq!(sentence("Diot_Market_Manager"), "Diot market manager");
        assert_eq!(sentence("getUserIDList"), "Get user ID list");
        assert_eq!(sentence("DentryVO"), "Dentry VO");
        assert_eq!(sentence("x"), "X");
        assert_eq!(sentence(""), "");
    }

    #[test]
    fn joined_type_names_stay_upper_camel_case() {
        assert_eq!(type_join(&pascal("Self"), "Error"), "SelfError");
        assert_eq!(type_join(&pascal("Self"), ""), "Self_");
        assert_eq!(type_join("GetSpace", "Response"), "GetSpaceResponse");
        assert_eq!(setter("add"), "with_add");
    }

    #[test]
    fn module_names() {
        assert_eq!(module("wiki", "2.0"), "wiki_2_0");
    }
}
