//! Emits the Rust source of one service from the model, with `quote`.
//!
//! The output is thin on purpose: types, and per operation a builder that wraps the runtime's
//! request description (`rt::Request`): its constructor and setters set parameters on it, and
//! `build` hands it over. Sending, retrying and decoding live in the runtime, once.

use proc_macro2::{Delimiter, Group, Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};

use crate::model::{Enum, FieldDef, Operation, RustType, Service, Struct, TypeDef};
use crate::names::{is_keyword, serde_camel, setter};
use crate::spec::{Location, Style};

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
            #[allow(unused_imports)]
            use serde::{Deserialize, Serialize};
        };
        out.extend(handle(svc, opts));
        out
    });
    head.chain(svc.operations.iter().map(operation))
        .chain(svc.types.iter().map(|t| type_def(t, opts)))
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

/// The declared type of a struct field: boxed and/or optional.
fn field_ty(f: &FieldDef) -> TokenStream {
    let mut t = ty(&f.ty);
    if f.boxed {
        t = quote!(Box<#t>);
    }
    if f.required {
        t
    } else {
        quote!(Option<#t>)
    }
}

/// An argument type that is easy to call with, and the expression handing it to the request.
fn arg(f: &FieldDef, name: &Ident) -> (TokenStream, TokenStream) {
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

/// The request method call that sets parameter `f` from the variable `name`.
fn set(f: &FieldDef, name: &Ident) -> TokenStream {
    let wire = &f.wire;
    let (_, value) = arg(f, name);
    let method = match (f.location, f.style) {
        (Location::Path, _) => quote!(path_param),
        (Location::Query, Style::Json) => quote!(query_json),
        (Location::Query, Style::Comma) => quote!(query_comma),
        (Location::Query, _) => quote!(query),
        (Location::Header, _) => quote!(header),
        (Location::Body, Style::Json) => quote!(field_json),
        (Location::Body, Style::Whole) => return quote!(.json(#value)),
        (Location::Body, _) => quote!(field),
    };
    quote!(.#method(#wire, #value))
}

/// A public, documented model: a struct of serde fields.
fn struct_def(s: &Struct, opts: &Options) -> TokenStream {
    let name = ident(&s.name);
    let (ser, ser_attr) = serialize(s.sent, opts);
    let doc = docs(&s.docs);
    let camel = s
        .fields
        .iter()
        .filter(|f| serde_camel(&f.ident) == f.wire)
        .count();
    let rename_all = camel * 2 > s.fields.len();
    let fields = s.fields.iter().map(|f| {
        let doc = docs(&f.docs);
        let fname = ident(&f.ident);
        let t = field_ty(f);
        let derived = if rename_all {
            serde_camel(&f.ident)
        } else {
            f.ident.clone()
        };
        let mut args = Vec::new();
        if derived != f.wire {
            let wire = &f.wire;
            args.push(quote!(rename = #wire));
        }
        if !f.required && s.sent {
            args.push(quote!(skip_serializing_if = "Option::is_none"));
        }
        let attr = (!args.is_empty()).then(|| quote!(#[serde(#(#args),*)]));
        quote! { #doc #attr pub #fname: #t, }
    });
    let fields = braced(fields, TokenStream::new());
    let container = rename_all.then(|| quote!(#[serde(rename_all = "camelCase")]));
    let default = s.default.then(|| quote!(Default,));
    // `Option<Box<T>>`: Option at 1, T at 2 (Box at 2, T at 3 when boxed).
    let allow = s
        .fields
        .iter()
        .any(|f| 10 + u32::from(f.boxed) * 20 + complexity(&f.ty, 2 + u32::from(f.boxed)) > COMPLEX)
        .then(|| quote!(#[allow(clippy::type_complexity)]));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #default #ser Deserialize)]
        #ser_attr
        #container
        #allow
        pub struct #name #fields
    }
}

/// Variants of a string enum, with the serde `rename_all` rule that spells most of them right
/// and explicit renames for the rest (for `Serialize`; it is deserialized from a `String`).
fn variants(e: &Enum) -> (TokenStream, Vec<TokenStream>) {
    let hits =
        |f: &dyn Fn(&str) -> String| e.variants.iter().filter(|v| f(&v.ident) == v.wire).count();
    // The first rule with the most hits, if it beats spelling variants as they are.
    let mut rule = None;
    let mut best = hits(&|s: &str| s.to_owned());
    for r in RULES {
        let n = hits(&r.1);
        if n > best {
            (rule, best) = (Some(r), n);
        }
    }
    let container = match rule {
        Some((name, _)) => quote!(#[serde(rename_all = #name, from = "String")]),
        None => quote!(#[serde(from = "String")]),
    };
    let variants = e
        .variants
        .iter()
        .map(|v| {
            let doc = docs(&v.docs);
            let var = ident(&v.ident);
            let wire = &v.wire;
            let spelled = rule.map_or_else(|| v.ident.clone(), |(_, apply)| apply(&v.ident));
            let rename = (spelled != v.wire).then(|| quote!(#[serde(rename = #wire)]));
            quote! { #doc #rename #var, }
        })
        .collect();
    (container, variants)
}

/// A serde `rename_all` rule: its name and how it spells an UpperCamelCase variant.
type Rule = (&'static str, fn(&str) -> String);

/// serde's variant `rename_all` rules, as serde applies them to an UpperCamelCase variant.
const RULES: &[Rule] = &[
    ("camelCase", |v| {
        let mut c = v.chars();
        c.next()
            .map(|f| f.to_lowercase().chain(c).collect())
            .unwrap_or_default()
    }),
    ("SCREAMING_SNAKE_CASE", |v| {
        snake_variant(v).to_ascii_uppercase()
    }),
    ("snake_case", snake_variant),
    ("lowercase", |v| v.to_ascii_lowercase()),
    ("UPPERCASE", |v| v.to_ascii_uppercase()),
    ("kebab-case", |v| snake_variant(v).replace('_', "-")),
];

fn snake_variant(v: &str) -> String {
    let mut out = String::new();
    for (i, c) in v.char_indices() {
        if i > 0 && c.is_uppercase() {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// A string enum: serialized by serde's derive (when [`serialize`] says so), deserialized from
/// a `String` by a `match` (serde's derive would buffer every value to try the untagged
/// catch-all: slower to compile and to decode).
fn enum_def(e: &Enum, opts: &Options) -> TokenStream {
    let name = ident(&e.name);
    let (ser, ser_attr) = serialize(e.sent, opts);
    // Values the SDK does not know: the `Unknown` variant's own doc says so.
    let doc = docs(&e.docs);
    let (container, variants) = variants(e);
    let variants = braced(
        variants,
        quote! {
            /// A value this SDK does not know, as sent (decoded, never an error).
            #[serde(untagged)]
            Unknown(String),
        },
    );
    let arms = arms(e, quote!(_ => Self::Unknown(value),));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash, #ser Deserialize)]
        #ser_attr
        #container
        #[non_exhaustive]
        pub enum #name #variants
        impl From<String> for #name {
            fn from(value: String) -> Self {
                match value.as_str() #arms
            }
        }
    }
}

/// The body of the `match` from a wire value to its variant: an arm per documented value, then
/// `fallback`.
fn arms(e: &Enum, fallback: TokenStream) -> Group {
    let arms = e.variants.iter().map(|v| {
        let (var, wire) = (ident(&v.ident), str_lit("", &v.wire));
        quote!(#wire => Self::#var,)
    });
    braced(arms, fallback)
}

fn type_def(t: &TypeDef, opts: &Options) -> TokenStream {
    match t {
        TypeDef::Struct(s) => struct_def(s, opts),
        TypeDef::Enum(e) => enum_def(e, opts),
    }
}

/// How a model gets `Serialize`: `Serialize,` in its derive list (a type that is sent, or no
/// feature configured), or else an attribute deriving it under the feature.
fn serialize(sent: bool, opts: &Options) -> (TokenStream, TokenStream) {
    match &opts.serialize_feature {
        Some(feature) if !sent => (
            TokenStream::new(),
            quote!(#[cfg_attr(feature = #feature, derive(Serialize))]),
        ),
        _ => (quote!(Serialize,), TokenStream::new()),
    }
}

/// The error codes of an operation: a variant per documented code, the catch-all keeping any
/// other, and the match from the code (no serde derive: cheaper to compile, and exact). An
/// operation without documented codes (every imported one) gets a name for the runtime's
/// `rt::UndocumentedCode` instead: two lines, no `match` with one arm, and the same name and
/// `Unknown(code)` variant once codes are documented.
fn error_enum(e: &Enum, op: &str) -> TokenStream {
    let name = ident(&e.name);
    if e.variants.is_empty() {
        let doc = format!(
            " The error codes of {}: none documented yet, so each is kept as `Unknown(code)`.",
            crate::doctext::link(op)
        );
        return quote! {
            #[doc = #doc]
            pub type #name = rt::UndocumentedCode;
        };
    }
    let doc = docs(&e.docs);
    let variants = e.variants.iter().map(|v| {
        let doc = docs(&v.docs);
        let var = ident(&v.ident);
        quote! { #doc #var, }
    });
    let variants = braced(
        variants,
        quote! {
            /// A code not documented for this operation, as sent.
            Unknown(String),
        },
    );
    let arms = arms(e, quote!(_ => Self::Unknown(code.to_owned()),));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name #variants
        impl rt::ErrorKind for #name {
            fn from_code(code: &str) -> Self {
                match code #arms
            }
        }
    }
}

/// The constructor's docs: the operation's summary, then each required parameter (the
/// arguments) with its description, limits and example.
fn ctor_docs(op: &Operation) -> Vec<String> {
    let mut lines = op.docs[..1].to_vec();
    let mut args = op.required().peekable();
    if args.peek().is_some() {
        lines.push(String::new());
    }
    lines.extend(args.map(|f| format!("- `{}`: {}", f.ident, f.docs.join(" "))));
    lines
}

fn handle(svc: &Service, opts: &Options) -> TokenStream {
    let module = format_ident!("{}", svc.module);
    let title = format!(
        " {} — DingTalk `{}` {} (default host `{}`).",
        crate::doctext::inline(&svc.title),
        svc.service,
        svc.version,
        svc.base_url
    );
    let ctors = svc.operations.iter().map(|op| {
        let name = ident(&op.name);
        let fn_name = ident(&op.fn_name);
        let summary = docs(&ctor_docs(op));
        let args = op.required().map(|f| {
            let n = ident(&f.ident);
            let (t, _) = arg(f, &n);
            quote!(#n: #t)
        });
        let mut call = quote!(rt::Request::new(&self.client, &#name::ENDPOINT));
        call.extend(op.required().map(|f| set(f, &ident(&f.ident))));
        let call = Group::new(Delimiter::Parenthesis, call);
        // `&self` and seven arguments are clippy's limit.
        let many = (op.required().count() >= 7).then(|| quote!(clippy::too_many_arguments,));
        let complex = op
            .required()
            .any(|f| complexity(&f.ty, 1) > COMPLEX)
            .then(|| quote!(clippy::type_complexity,));
        let allow = (many.is_some() || complex.is_some()).then(|| quote!(#[allow(#many #complex)]));
        quote! {
            #summary
            #allow
            pub fn #fn_name(&self, #(#args),*) -> #name {
                #name #call
            }
        }
    });
    let ctors = braced(
        std::iter::once(quote! {
            /// Calls the operations of this service through `client`.
            pub fn new(client: rt::Client) -> Self {
                Service { client }
            }
        })
        .chain(ctors),
        TokenStream::new(),
    );
    let accessor = opts.accessors.then(|| {
        let doc = format!(
            " The operations of DingTalk `{}` {}.",
            svc.service, svc.version
        );
        quote! {
            impl rt::Client {
                #[doc = #doc]
                pub fn #module(&self) -> Service {
                    Service::new(self.clone())
                }
            }
        }
    });
    let (service, base) = (format!("{}_{}", svc.service, svc.version), &svc.base_url);
    quote! {
        /// What the operations of this service share; each operation overrides what differs.
        const SERVICE: rt::Endpoint = rt::Endpoint {
            service: #service,
            operation: "",
            method: rt::Method::Get,
            path: "",
            base_url: #base,
            idempotent: true,
            auth: true,
            response_body: true,
            object_answer: true,
        };
        #[doc = #title]
        #[derive(Debug, Clone)]
        pub struct Service {
            client: rt::Client,
        }
        #accessor
        impl Service #ctors
    }
}

fn operation(op: &Operation) -> TokenStream {
    let name = ident(&op.name);
    let doc = docs(&op.docs);
    let err = ident(&op.errors.name);
    let out = match &op.response {
        Some(r) => ty(r),
        None => quote!(()),
    };
    let setters = op.optional().map(|f| {
        let doc = docs(&f.docs);
        let setter = ident(&setter(&f.ident));
        let value = format_ident!("value");
        let (t, _) = arg(f, &value);
        let set = set(f, &value);
        quote! {
            #doc
            pub fn #setter(self, #value: #t) -> Self {
                Self(self.0 #set)
            }
        }
    });
    let (op_name, path) = (&op.name, &op.path);
    let method = format_ident!("{}", crate::names::pascal(&op.method));
    // Only what differs from the service defaults (idempotent, authenticated, JSON object answer).
    let flags = [
        (!op.idempotent).then(|| quote!(.not_idempotent())),
        (!op.auth).then(|| quote!(.anonymous())),
        op.response.is_none().then(|| quote!(.no_response_body())),
        (!op.object_answer).then(|| quote!(.non_object_response())),
    ]
    .into_iter()
    .flatten();
    let mut body = quote! {
        const ENDPOINT: rt::Endpoint = SERVICE.op(#op_name, rt::Method::#method, #path) #(#flags)*;
    };
    body.extend(setters);
    body.extend(quote! {
        /// Describes the request without sending it (to set per-call options or inspect it).
        pub fn build(self) -> rt::Request<#out, #err> {
            self.0
        }
        /// Sends the request and decodes the answer.
        pub async fn send(self) -> rt::Result<#out, #err> {
            self.0.send().await
        }
    });
    let body = Group::new(Delimiter::Brace, body);
    let allow = complex(op).then(|| quote!(#[allow(clippy::type_complexity)]));
    let mut out = quote! {
        #doc
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is sent"]
        #allow
        pub struct #name(rt::Request<#out, #err>);
        #allow
        impl #name #body
    };
    out.extend(error_enum(&op.errors, &op.name));
    out
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

/// Whether a type of the operation (its request, output or a parameter) is complex enough for
/// clippy's `type_complexity`: `rt::Request<Out, Err>`, or a parameter's `Option<T>`.
fn complex(op: &Operation) -> bool {
    let out = op.response.as_ref().map_or(0, |r| complexity(r, 2));
    10 + out + 20 > COMPLEX
        || op
            .params
            .iter()
            .any(|p| complexity(&p.ty, 2) + 10 > COMPLEX)
}

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
