//! Models: structs of fields, with serde's traits from the runtime's `model!` (and a
//! constructor when they are sent with required fields), and string enums.

use proc_macro2::{Delimiter, Group, TokenStream};
use quote::quote;

use super::{braced, complexity, docs, ident, str_lit, ty, Options, COMPLEX};
use crate::model::{Enum, Field, RustType, Struct, TypeDef};

pub(super) fn type_def(t: &TypeDef, opts: &Options) -> TokenStream {
    match t {
        TypeDef::Struct(s) => struct_def(s, opts),
        TypeDef::Enum(e) => enum_def(e, opts),
    }
}

/// The declared type of a struct field: boxed and/or optional.
fn field_ty(s: &Struct, f: &Field) -> TokenStream {
    let mut t = ty(&f.ty);
    if f.boxed {
        t = quote!(Box<#t>);
    }
    if s.is_option(f) {
        quote!(Option<#t>)
    } else {
        t
    }
}

/// A public, documented model: a struct of fields, one invocation of the runtime's `model!`
/// with its table of fields (serde's traits, read and written by wire name), and its
/// constructor if it has one.
fn struct_def(s: &Struct, opts: &Options) -> TokenStream {
    let name = ident(&s.name);
    let doc = docs(&s.docs);
    let fields = s.fields.iter().map(|f| {
        let doc = docs(&f.docs);
        let fname = ident(&f.ident);
        let t = field_ty(s, f);
        quote! { #doc pub #fname: #t, }
    });
    let fields = braced(fields, TokenStream::new());
    let table = s.fields.iter().map(|f| {
        let fname = ident(&f.ident);
        let kind = if s.is_option(f) {
            quote!(optional)
        } else {
            quote!(required)
        };
        let wire = str_lit("", &f.wire);
        quote!(#fname #kind #wire)
    });
    let table = Group::new(Delimiter::Brace, quote!(#(#table),*));
    let cfg = serialize_cfg(s.sent, opts);
    let default = s.default.then(|| quote!(, Default));
    // `Option<Box<T>>`: Option at 1, T at 2 (Box at 2, T at 3 when boxed).
    let allow = s
        .fields
        .iter()
        .any(|f| 10 + u32::from(f.boxed) * 20 + complexity(&f.ty, 2 + u32::from(f.boxed)) > COMPLEX)
        .then(|| quote!(#[allow(clippy::type_complexity)]));
    let mut out = quote! {
        #doc
        #[derive(Debug, Clone, PartialEq #default)]
        #allow
        pub struct #name #fields
        rt::model!(#name #table #cfg);
    };
    if s.has_constructor() {
        out.extend(constructor(s));
    }
    out
}

/// `new(required fields…)` of a struct that is sent with required fields (it has no
/// `Default`, which would be an invalid request): the other fields are `None`.
fn constructor(s: &Struct) -> TokenStream {
    let name = ident(&s.name);
    let required: Vec<&Field> = s.fields.iter().filter(|f| f.required).collect();
    let args = required.iter().map(|f| {
        let n = ident(&f.ident);
        let t = match &f.ty {
            RustType::String => quote!(impl Into<String>),
            RustType::Secret => quote!(impl Into<rt::Secret>),
            t => ty(t),
        };
        quote!(#n: #t)
    });
    let values = s.fields.iter().map(|f| {
        let n = ident(&f.ident);
        if !f.required {
            return quote!(#n: None,);
        }
        let converted = matches!(f.ty, RustType::String | RustType::Secret);
        if !converted && !f.boxed && !s.is_option(f) {
            return quote!(#n,);
        }
        let mut value = if converted {
            quote!(#n.into())
        } else {
            quote!(#n)
        };
        if f.boxed {
            value = quote!(Box::new(#value));
        }
        if s.is_option(f) {
            value = quote!(Some(#value));
        }
        quote!(#n: #value,)
    });
    let fields = braced(values, TokenStream::new());
    let list = required
        .iter()
        .map(|f| format!("`{}`", f.ident))
        .collect::<Vec<_>>()
        .join(", ");
    let doc = str_lit(
        " ",
        &format!("A value with the required fields ({list}); the others are `None`."),
    );
    // Seven arguments are clippy's limit.
    let allow = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        impl #name {
            #[doc = #doc]
            #allow
            pub fn new(#(#args),*) -> Self {
                Self #fields
            }
        }
    }
}

/// A string enum: its variants and the catch-all `Other(String)`, and one invocation of the
/// runtime's `string_enum!` with the table of wire values, which makes `as_str`, `Display`,
/// `FromStr`, `From<String>` and serde's traits from it (`Serialize` under the `serialize`
/// feature when the enum is only received).
fn enum_def(e: &Enum, opts: &Options) -> TokenStream {
    let name = ident(&e.name);
    let doc = docs(&e.docs);
    let variants = variants(
        e,
        quote! {
            /// A value this SDK does not know, as sent (decoded, never an error).
            Other(String),
        },
    );
    let table = table(e);
    let cfg = serialize_cfg(e.sent, opts);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name #variants
        rt::string_enum!(#name #table #cfg);
    }
}

/// `{ Variant, … other }`: each documented variant of `e`, then its catch-all `other`.
pub(super) fn variants(e: &Enum, other: TokenStream) -> Group {
    let variants = e.variants.iter().map(|v| {
        let doc = docs(&v.docs);
        let var = ident(&v.ident);
        quote! { #doc #var, }
    });
    braced(variants, other)
}

/// `{ Variant = "wire", … }`: the table a runtime macro turns into conversions.
pub(super) fn table(e: &Enum) -> Group {
    let pairs = e.variants.iter().map(|v| {
        let (var, wire) = (ident(&v.ident), str_lit("", &v.wire));
        quote!(#var = #wire)
    });
    Group::new(Delimiter::Brace, quote!(#(#pairs),*))
}

/// `, cfg(feature = "…")`: the condition under which a type implements `Serialize`, passed to
/// the runtime's macros; nothing (always) for a type that is sent or when no feature is
/// configured.
fn serialize_cfg(sent: bool, opts: &Options) -> TokenStream {
    match &opts.serialize_feature {
        Some(feature) if !sent => quote!(, cfg(feature = #feature)),
        _ => TokenStream::new(),
    }
}
