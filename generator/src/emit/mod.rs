//! Emits the Rust source of one service from the model, with `quote`.
//!
//! The output is thin on purpose: types, and per operation a builder that wraps the runtime's
//! request description (`rt::Request`): its constructor and setters set parameters on it; one
//! invocation of the runtime's `operation!` macro gives it `build`, `send` and `.await`.
//! Sending, retrying, decoding and paginating live in the runtime, once.

mod operation;
mod types;

use proc_macro2::{Delimiter, Group, Ident, Literal, Span, TokenStream};
use quote::quote;

use crate::model::{Field, RustType, Service};
use crate::names::is_keyword;

/// Where the generated code finds the runtime, and what it may add to it. Start from
/// [`Options::default`] (inside the SDK crate) or [`Options::external`], then set fields: more
/// options may come, so it is not built field by field outside this crate.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// Path of the runtime crate as seen from the generated code: `crate` inside the SDK.
    pub runtime: String,
    /// Whether to add `Client::<module>()` accessors (only possible inside the SDK crate).
    pub accessors: bool,
    /// The cargo feature under which the types that are only received also implement
    /// `Serialize` (`serialize` in the SDK: deriving it for every answer costs build time);
    /// `None`: they always do. Types that are sent always do.
    pub serialize_feature: Option<String>,
}

impl Options {
    /// For code generated in another crate than the SDK (from specs of your own) that calls the
    /// runtime of the SDK crate named `runtime` (`dingtalk_openapi`): no `Client` accessors, and
    /// every model implements `Serialize`.
    pub fn external(runtime: &str) -> Self {
        Options {
            runtime: runtime.to_owned(),
            accessors: false,
            serialize_feature: None,
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            runtime: "crate".to_owned(),
            accessors: true,
            serialize_feature: Some("serialize".to_owned()),
        }
    }
}

/// The tokens of one service module's contents.
pub fn service(svc: &Service, opts: &Options) -> TokenStream {
    // Extending by value moves each item's tokens; `#(#items)*` in `quote!` would copy them.
    items(svc, opts).collect()
}

/// [`service`] in pieces, each whole items, made one at a time as they are asked for: the
/// imports and the service handle, then each operation, then each type. Formatting them one by
/// one gives the same text as the whole, with each piece's memory still in cache.
pub fn items<'a>(svc: &'a Service, opts: &'a Options) -> impl Iterator<Item = TokenStream> + 'a {
    let head = std::iter::once_with(move || {
        let runtime: syn::Path =
            syn::parse_str(&opts.runtime).unwrap_or_else(|_| syn::parse_quote!(crate));
        let mut out = quote! {
            #[allow(unused_imports)]
            use #runtime::runtime as rt;
        };
        out.extend(operation::handle(svc, opts));
        out
    });
    head.chain(svc.operations.iter().map(operation::operation))
        .chain(svc.types.iter().map(move |t| types::type_def(t, opts)))
}

fn docs(lines: &[String]) -> TokenStream {
    lines
        .iter()
        .map(|l| {
            // `/// text` is `#[doc = " text"]`.
            let l = if l.is_empty() {
                str_lit("", "")
            } else {
                str_lit(" ", l)
            };
            quote!(#[doc = #l])
        })
        .collect()
}

/// The string literal of `prefix` + `s`. Text without quotes, backslashes or control
/// characters is quoted as it is: escaping it character by character (`Literal::string`) is a
/// large part of emitting the docs.
fn str_lit(prefix: &str, s: &str) -> Literal {
    use crate::doctext::plain_literal as plain;
    if plain(prefix) && plain(s) {
        let mut quoted = String::with_capacity(prefix.len() + s.len() + 2);
        for part in ["\"", prefix, s, "\""] {
            quoted.push_str(part);
        }
        if let Ok(lit) = quoted.parse() {
            return lit;
        }
    }
    Literal::string(&[prefix, s].concat())
}

/// `{ items… rest }` as one group. The items' tokens are moved into it: interpolating a stream
/// in `quote!` copies each of its top-level tokens, and emitting is mostly that.
fn braced(items: impl IntoIterator<Item = TokenStream>, rest: TokenStream) -> Group {
    let mut body: TokenStream = items.into_iter().collect();
    body.extend(rest);
    Group::new(Delimiter::Brace, body)
}

fn ident(name: &str) -> Ident {
    if is_keyword(name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

fn ty(t: &RustType) -> TokenStream {
    match t {
        RustType::String => quote!(String),
        RustType::Secret => quote!(rt::Secret),
        RustType::Bool => quote!(bool),
        RustType::I32 => quote!(i32),
        RustType::I64 => quote!(i64),
        RustType::F64 => quote!(f64),
        RustType::Any => quote!(rt::Value),
        RustType::Vec(t) => {
            let t = ty(t);
            quote!(Vec<#t>)
        }
        RustType::Map(t) => {
            let t = ty(t);
            quote!(std::collections::BTreeMap<String, #t>)
        }
        RustType::Named(n) => {
            let n = ident(n);
            quote!(#n)
        }
    }
}

/// An argument type that is easy to call with, and the expression that makes the value of
/// the variable `name` from it: `impl AsRef<str>` for text (borrowed: the request serializes
/// it), `impl Into<rt::Secret>` for secrets, any iterable of text for a list of text.
fn arg(f: &Field, name: &Ident) -> (TokenStream, TokenStream) {
    match &f.ty {
        RustType::String => (quote!(impl AsRef<str>), quote!(#name.as_ref())),
        RustType::Secret => (
            quote!(impl Into<rt::Secret>),
            quote!(&Into::<rt::Secret>::into(#name)),
        ),
        RustType::Vec(inner) if **inner == RustType::String => (
            quote!(impl IntoIterator<Item = impl Into<String>>),
            quote!(&rt::strings(#name)),
        ),
        t => (ty(t), quote!(&#name)),
    }
}

/// Clippy's `type_complexity` score of a type as emitted, `nest` levels deep (1 at the top):
/// each path counts ten times its depth, its generic arguments one level deeper.
fn complexity(t: &RustType, nest: u32) -> u32 {
    10 * nest
        + match t {
            RustType::Vec(t) => complexity(t, nest + 1),
            // `BTreeMap<String, T>`: the `String` too.
            RustType::Map(t) => 10 * (nest + 1) + complexity(t, nest + 1),
            _ => 0,
        }
}

/// Above this score clippy's `type_complexity` warns (its default threshold).
const COMPLEX: u32 = 250;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_literals_keep_their_text_whichever_way_they_are_made() {
        for text in [
            "plain words",
            "知识库 — wiki",
            "a \"quoted\" word",
            "back\\slash",
            "tab\there",
            "bell\u{7}",
            "",
        ] {
            let lit = str_lit(" ", text);
            let parsed: syn::LitStr = syn::parse_quote!(#lit);
            assert_eq!(parsed.value(), format!(" {text}"), "{lit}");
        }
        // Plain text is quoted as it is; the rest is escaped.
        assert_eq!(str_lit("", "知识库").to_string(), "\"知识库\"");
        assert_eq!(str_lit("", "a\"b").to_string(), r#""a\"b""#);
    }
}
