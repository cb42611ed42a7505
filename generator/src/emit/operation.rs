//! Operations: the service handle with one constructor per operation, and per operation its
//! request builder (setters, paginator), its parameters struct and its error codes.

use proc_macro2::{Delimiter, Group, Ident, TokenStream};
use quote::{format_ident, quote};

use super::types::{table, variants};
use super::{arg, braced, complexity, docs, ident, str_lit, ty, Options, COMPLEX};
use crate::model::{Cursor, Enum, Method, Operation, Paging, Param, Service};
use crate::names::setter;
use crate::spec::{Location, Style};

/// The request method call that sets parameter `p` to `value`.
fn set(p: &Param, value: TokenStream) -> TokenStream {
    let wire = &p.field.wire;
    let method = match (p.location, p.style) {
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

/// The service's defaults, its handle (with the `Client` accessor when asked for) and one
/// constructor per operation.
pub(super) fn handle(svc: &Service, opts: &Options) -> TokenStream {
    let module = format_ident!("{}", svc.module);
    let title = format!(
        " {} — DingTalk `{}` {} (default host `{}`).",
        crate::doctext::inline(&svc.title),
        svc.service,
        svc.version,
        svc.base_url
    );
    let ctors = svc.operations.iter().map(constructor);
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
        /// What the operations of this service share: its name and default host.
        const SERVICE: rt::ServiceVersion = rt::ServiceVersion::new(#service, #base);
        #[doc = #title]
        #[derive(Debug, Clone)]
        pub struct Service {
            client: rt::Client,
        }
        #accessor
        impl Service #ctors
    }
}

/// The constructor's docs: the operation's summary, then each required parameter (the
/// arguments) with its description, limits and example, or where they are.
fn constructor_docs(op: &Operation, params: Option<&str>) -> Vec<String> {
    let mut lines = op.docs[..1].to_vec();
    if let Some(params) = params {
        lines.push(String::new());
        lines.push(format!(
            "The required parameters are the fields of [`{params}`]."
        ));
        return lines;
    }
    let mut args = op.required().peekable();
    if args.peek().is_some() {
        lines.push(String::new());
    }
    lines.extend(args.map(|p| format!("- `{}`: {}", p.field.ident, p.field.docs.join(" "))));
    lines
}

/// The service's method that starts a call of `op`, taking its required parameters: as
/// arguments, or as the fields of its parameters struct when there are more than
/// [`crate::model::MAX_POSITIONAL`].
fn constructor(op: &Operation) -> TokenStream {
    let name = ident(&op.name);
    let fn_name = ident(&op.fn_name);
    let params = op.params_struct();
    let summary = docs(&constructor_docs(op, params.as_deref()));
    let mut call = quote!(rt::Request::new(&self.client, &#name::ENDPOINT));
    let (args, allow) = match &params {
        Some(params) => {
            let params = ident(params);
            call.extend(op.required().map(|p| {
                let field = ident(&p.field.ident);
                set(p, quote!(&params.#field))
            }));
            (quote!(params: #params), None)
        }
        None => {
            let args = op.required().map(|p| {
                let n = ident(&p.field.ident);
                let (t, value) = arg(&p.field, &n);
                call.extend(set(p, value));
                quote!(#n: #t)
            });
            let args = quote!(#(#args),*);
            let complex = op.required().any(|p| complexity(&p.field.ty, 1) > COMPLEX);
            (
                args,
                complex.then(|| quote!(#[allow(clippy::type_complexity)])),
            )
        }
    };
    let call = Group::new(Delimiter::Parenthesis, call);
    quote! {
        #summary
        #allow
        pub fn #fn_name(&self, #args) -> #name {
            #name #call
        }
    }
}

/// An operation: its builder (with its setters and paginator), its parameters struct and its
/// error codes.
pub(super) fn operation(op: &Operation) -> TokenStream {
    let name = ident(&op.name);
    let doc = docs(&op.docs);
    let err = ident(&op.errors.name);
    let out = match &op.response {
        Some(r) => ty(r),
        None => quote!(()),
    };
    let endpoint = endpoint(op);
    let allow = complex(op).then(|| quote!(#[allow(clippy::type_complexity)]));
    let mut body = quote!(const ENDPOINT: rt::Endpoint = #endpoint;);
    body.extend(op.optional().map(setter_fn));
    if let Some(p) = &op.pagination {
        body.extend(paginator(p, &out, &err));
    }
    let body = Group::new(Delimiter::Brace, body);
    let mut tokens = quote! {
        #doc
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is sent"]
        #allow
        pub struct #name(rt::Request<#out, #err>);
        rt::operation!(#name, #out, #err);
        #allow
        impl #name #body
    };
    if let Some(params) = op.params_struct() {
        tokens.extend(params_struct(op, &params));
    }
    tokens.extend(error_enum(&op.errors, &op.name));
    tokens
}

/// The operation's endpoint, from the service's defaults: method and path, then only what
/// differs from the defaults (idempotent when a GET, authenticated, a JSON object answer).
fn endpoint(op: &Operation) -> TokenStream {
    let (op_name, path) = (&op.name, &op.path);
    let method = match op.method {
        Method::Get => quote!(get),
        Method::Post => quote!(post),
        Method::Put => quote!(put),
        Method::Patch => quote!(patch),
        Method::Delete => quote!(delete),
    };
    let flags = [
        (op.idempotent != (op.method == Method::Get)).then(|| {
            if op.idempotent {
                quote!(.idempotent())
            } else {
                quote!(.not_idempotent())
            }
        }),
        (!op.auth).then(|| quote!(.anonymous())),
        op.response.is_none().then(|| quote!(.no_response_body())),
        (!op.object_answer).then(|| quote!(.non_object_response())),
    ]
    .into_iter()
    .flatten();
    quote!(SERVICE.#method(#op_name, #path) #(#flags)*)
}

/// The setter of an optional parameter.
fn setter_fn(p: &Param) -> TokenStream {
    let doc = docs(&p.field.docs);
    let setter = ident(&setter(&p.field.ident));
    let value = format_ident!("value");
    let (t, v) = arg(&p.field, &value);
    let set = set(p, v);
    quote! {
        #doc
        pub fn #setter(self, #value: #t) -> Self {
            Self(self.0 #set)
        }
    }
}

/// `into_paginator()`: the runtime's paginator, told where the cursor goes and how to read a
/// page's next cursor, more-pages flag and items.
fn paginator(p: &Paging, out: &TokenStream, err: &Ident) -> TokenStream {
    let item = ty(&p.item);
    let cursor = match &p.cursor {
        Cursor::Query(name) => quote!(rt::Cursor::Query(#name)),
        Cursor::Body(path) => quote!(rt::Cursor::Body(&[#(#path),*])),
    };
    let field = |a: &crate::model::Accessor| ident(&a.ident);
    let next = field(&p.next);
    let next = if p.next.option {
        quote!(page.#next.as_deref())
    } else {
        quote!(Some(page.#next.as_str()))
    };
    let more = match &p.has_more {
        Some(h) if h.option => {
            let h = field(h);
            quote!(page.#h != Some(false))
        }
        Some(h) => {
            let h = field(h);
            quote!(page.#h)
        }
        None => quote!(true),
    };
    let items = field(&p.items);
    let items = if p.items.option {
        quote!(page.#items.unwrap_or_default())
    } else {
        quote!(page.#items)
    };
    let doc = str_lit(
        " ",
        &format!(
            "Pages through the answers: `.send()` on the paginator streams them page by page, `.items()` streams the `{}` of every page ([`rt::Paginator`]).",
            p.items.ident
        ),
    );
    quote! {
        #[doc = #doc]
        pub fn into_paginator(self) -> rt::Paginator<#out, #err, #item> {
            rt::Paginator::new(self.0, #cursor, |page| (#next, #more), |page| #items)
        }
    }
}

/// The struct of an operation's required parameters, one named field each.
fn params_struct(op: &Operation, name: &str) -> TokenStream {
    let fields = op.required().map(|p| {
        let doc = docs(&p.field.docs);
        let n = ident(&p.field.ident);
        let t = ty(&p.field.ty);
        quote! { #doc pub #n: #t, }
    });
    let fields = braced(fields, TokenStream::new());
    let doc = str_lit(
        " ",
        &format!(
            "The required parameters of {}, named so that none is given for another.",
            crate::doctext::link(&op.name)
        ),
    );
    let name = ident(name);
    let allow = op
        .required()
        .any(|p| complexity(&p.field.ty, 1) > COMPLEX)
        .then(|| quote!(#[allow(clippy::type_complexity)]));
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone)]
        #allow
        pub struct #name #fields
    }
}

/// The error codes of an operation: a variant per documented code, the catch-all keeping any
/// other, and one invocation of the runtime's `error_codes!` with the table of codes. An
/// operation without documented codes (every imported one) gets a name for the runtime's
/// `rt::UndocumentedCode` instead: the same name and `Other(code)` variant once codes are
/// documented.
fn error_enum(e: &Enum, op: &str) -> TokenStream {
    let name = ident(&e.name);
    if e.variants.is_empty() {
        let doc = format!(
            " The error codes of {}: none documented yet, so each is kept as `Other(code)`.",
            crate::doctext::link(op)
        );
        return quote! {
            #[doc = #doc]
            pub type #name = rt::UndocumentedCode;
        };
    }
    let doc = docs(&e.docs);
    let variants = variants(
        e,
        quote! {
            /// A code not documented for this operation, as sent.
            Other(String),
        },
    );
    let table = table(e);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name #variants
        rt::error_codes!(#name #table);
    }
}

/// Whether a type of the operation (its request, output or a parameter) is complex enough for
/// clippy's `type_complexity`: `rt::Request<Out, Err>`, or a parameter's `Option<T>`.
fn complex(op: &Operation) -> bool {
    let out = op.response.as_ref().map_or(0, |r| complexity(r, 2));
    10 + out + 20 > COMPLEX
        || op
            .params
            .iter()
            .any(|p| complexity(&p.field.ty, 2) + 10 > COMPLEX)
}
