//! The intermediate model: a spec file resolved into the Rust items to emit.
//!
//! [`lower`] builds it from a checked spec. Lowering assumes [`crate::check`] passed; where the
//! spec is still inconsistent it falls back to something harmless (`serde_json::Value`) instead
//! of panicking.

mod docs;
mod lower;
mod marks;

pub use lower::lower;

use crate::spec::{Location, Style};

/// One service version, ready to emit.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    /// Rust module and cargo feature (`wiki_2_0`).
    pub module: String,
    /// Product code (`wiki`).
    pub service: String,
    /// Version (`2.0`).
    pub version: String,
    /// One-line title.
    pub title: String,
    /// Default host.
    pub base_url: String,
    /// Structs and enums, in spec order (named models first, then per operation).
    pub types: Vec<TypeDef>,
    /// Operations in spec order.
    pub operations: Vec<Operation>,
}

/// A generated type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeDef {
    /// A struct.
    Struct(Struct),
    /// A string enum.
    Enum(Enum),
}

/// A generated struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    /// Rust name.
    pub name: String,
    /// Doc lines.
    pub docs: Vec<String>,
    /// Fields in spec order.
    pub fields: Vec<Field>,
    /// Whether it derives `Default`: every field type has one, and it is not sent with
    /// required fields (a default value would be an invalid request).
    pub default: bool,
    /// Whether it is ever sent (part of a request): then unset fields are left out, not `null`.
    pub sent: bool,
    /// Whether it is ever received (part of an answer).
    pub received: bool,
}

impl Struct {
    /// Whether field `f` is an `Option`: an optional field, or any field of a type that is sent
    /// and received alike (an answer may leave out what a request must carry, and decoding it
    /// must not fail for that; the constructor still takes the required ones).
    pub fn is_option(&self, f: &Field) -> bool {
        !f.required || (self.sent && self.received)
    }

    /// Whether it has a constructor taking its required fields: it is sent and has some.
    pub fn has_constructor(&self) -> bool {
        self.sent && self.fields.iter().any(|f| f.required)
    }
}

/// A field of a struct (or the value of a parameter).
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Wire name.
    pub wire: String,
    /// Rust name (without `r#`).
    pub ident: String,
    /// Rust type, without the `Option` of an optional field.
    pub ty: RustType,
    /// Whether the spec requires the value.
    pub required: bool,
    /// Doc lines.
    pub docs: Vec<String>,
    /// Whether the field is boxed to break a cycle of models.
    pub boxed: bool,
}

/// An operation parameter: its value, where it goes and how it is encoded there.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Name, type, docs; `required` for every path parameter.
    pub field: Field,
    /// Where it goes.
    pub location: Location,
    /// How its value is encoded there.
    pub style: Style,
}

/// A Rust type of a field.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RustType {
    /// `String`
    String,
    /// `rt::Secret`: a string that `Debug` and `Display` never show (`secret: true`).
    Secret,
    /// `bool`
    Bool,
    /// `i32`
    I32,
    /// `i64`
    I64,
    /// `f64`
    F64,
    /// `serde_json::Value`
    Any,
    /// `Vec<T>`
    Vec(Box<RustType>),
    /// `BTreeMap<String, T>`
    Map(Box<RustType>),
    /// A generated struct or enum.
    Named(String),
}

impl RustType {
    /// The name of the generated struct or enum it holds, through `Vec` and maps.
    pub fn named(&self) -> Option<&str> {
        match self {
            RustType::Vec(t) | RustType::Map(t) => t.named(),
            RustType::Named(n) => Some(n),
            _ => None,
        }
    }
}

/// A generated string enum.
#[derive(Debug, Clone, PartialEq)]
pub struct Enum {
    /// Rust name.
    pub name: String,
    /// Doc lines.
    pub docs: Vec<String>,
    /// Documented values.
    pub variants: Vec<Variant>,
    /// Whether it is ever sent (part of a request).
    pub sent: bool,
}

/// One documented enum value or error code.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// As sent on the wire.
    pub wire: String,
    /// Rust variant name.
    pub ident: String,
    /// Doc lines.
    pub docs: Vec<String>,
}

/// An HTTP method the spec allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// PATCH
    Patch,
    /// DELETE
    Delete,
}

impl Method {
    /// The method of a spec's `method:` (any case); `None` for another word.
    pub fn parse(method: &str) -> Option<Method> {
        Some(match method.to_ascii_uppercase().as_str() {
            "GET" => Method::Get,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            "PATCH" => Method::Patch,
            "DELETE" => Method::Delete,
            _ => return None,
        })
    }

    /// Upper case, as on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    /// The variant of the runtime's `Method` (`Get`).
    pub fn variant(self) -> &'static str {
        match self {
            Method::Get => "Get",
            Method::Post => "Post",
            Method::Put => "Put",
            Method::Patch => "Patch",
            Method::Delete => "Delete",
        }
    }
}

/// One operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// Official name (`GetWorkspace`), also the builder's type name.
    pub name: String,
    /// Method name on the service (`get_workspace`).
    pub fn_name: String,
    /// Doc lines.
    pub docs: Vec<String>,
    /// HTTP method.
    pub method: Method,
    /// Path template.
    pub path: String,
    /// Whether a retry after the request reached the server is safe.
    pub idempotent: bool,
    /// Whether the access-token header is sent.
    pub auth: bool,
    /// Parameters, required first, each group in location order (path, query, header, body).
    pub params: Vec<Param>,
    /// The output type (the response struct, or the response `type`); `None` for
    /// `response: none`.
    pub response: Option<RustType>,
    /// Whether the answer is a JSON object (a struct or a map), as most are.
    pub object_answer: bool,
    /// The error-kind enum (without variants when no code is documented).
    pub errors: Enum,
    /// Cursor pagination, resolved against the parameters and the answer.
    pub pagination: Option<Paging>,
}

/// Operations with more required parameters than this take them in one struct
/// ([`Operation::params_struct`]), whose named fields say which value is which.
pub const MAX_POSITIONAL: usize = 3;

impl Operation {
    /// Required parameters in argument order: path, query, header, then body.
    pub fn required(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|p| p.field.required)
    }

    /// Optional parameters, each with a setter.
    pub fn optional(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|p| !p.field.required)
    }

    /// The name of the struct of its required parameters (`GetWorkspaceParams`) when it has
    /// more than [`MAX_POSITIONAL`]; `None` when they are arguments.
    pub fn params_struct(&self) -> Option<String> {
        (self.required().count() > MAX_POSITIONAL)
            .then(|| crate::names::type_join(&self.name, "Params"))
    }
}

/// How an operation pages: where the cursor goes, and what of the answer says what.
#[derive(Debug, Clone, PartialEq)]
pub struct Paging {
    /// Where the next page's cursor is set.
    pub cursor: Cursor,
    /// The answer's field with the next cursor.
    pub next: Accessor,
    /// The answer's field with the page's items.
    pub items: Accessor,
    /// The type of one item.
    pub item: RustType,
    /// The answer's boolean field that says whether more pages follow.
    pub has_more: Option<Accessor>,
}

/// Where a cursor is set on the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cursor {
    /// A query parameter (its wire name).
    Query(String),
    /// A field of the JSON body, or of an object in it: wire names from the top
    /// (`["option", "nextToken"]`).
    Body(Vec<String>),
}

/// A field of the answer read by the paginator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accessor {
    /// Its Rust name.
    pub ident: String,
    /// Whether it is an `Option`.
    pub option: bool,
}
