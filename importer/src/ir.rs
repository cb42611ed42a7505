//! What the importer extracts from the wheel, in the spec's terms (before it is written as YAML).

/// A type, as the spec writes it.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    /// `string`
    String,
    /// `boolean`
    Boolean,
    /// `int64` (Python's `int` does not say how wide; DingTalk's numbers are Java longs or ints)
    Int64,
    /// `double`
    Double,
    /// `any`
    Any,
    /// `array<T>`
    Array(Box<Ty>),
    /// `map<string, T>`
    Map(Box<Ty>),
    /// An inline `object` with its fields.
    Object(Vec<Field>),
    /// A model of the file.
    Named(String),
}

impl Ty {
    /// The type expression (`array<object>` for an array of inline objects).
    pub fn expr(&self) -> String {
        match self {
            Ty::String => "string".into(),
            Ty::Boolean => "boolean".into(),
            Ty::Int64 => "int64".into(),
            Ty::Double => "double".into(),
            Ty::Any => "any".into(),
            Ty::Array(t) => format!("array<{}>", t.expr()),
            Ty::Map(t) => format!("map<string, {}>", t.expr()),
            Ty::Object(_) => "object".into(),
            Ty::Named(n) => n.clone(),
        }
    }

    /// The fields of the inline object at the leaf (through arrays and maps), if any.
    pub fn fields(&self) -> Option<&[Field]> {
        match self {
            Ty::Array(t) | Ty::Map(t) => t.fields(),
            Ty::Object(f) => Some(f),
            _ => None,
        }
    }

    /// Every model this type names, at any depth.
    pub fn named(&self, out: &mut Vec<String>) {
        match self {
            Ty::Array(t) | Ty::Map(t) => t.named(out),
            Ty::Object(fields) => fields.iter().for_each(|f| f.ty.named(out)),
            Ty::Named(n) => out.push(n.clone()),
            _ => {}
        }
    }
}

/// An example value (from the Node package), of a scalar type.
#[derive(Debug, Clone, PartialEq)]
pub enum Example {
    /// A string.
    Str(String),
    /// An integer.
    Int(i64),
    /// A number.
    Float(f64),
    /// A boolean.
    Bool(bool),
}

/// A field of a model, an inline object or a response.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Wire name, verbatim.
    pub wire: String,
    /// Type.
    pub ty: Ty,
    /// Whether the package marks it required.
    pub required: bool,
    /// An example value, when the Node package gives one that fits the type.
    pub example: Option<Example>,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Location {
    /// A path placeholder.
    Path,
    /// The query string.
    Query,
    /// An HTTP header.
    Header,
    /// The JSON body.
    Body,
}

impl Location {
    /// The spec's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
            Location::Body => "body",
        }
    }
}

/// How a value is encoded, when not the location's default (SPEC-V2 item 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// One JSON string (query), or a JSON string inside the JSON body.
    Json,
    /// Array items joined with `,` (query).
    Comma,
    /// The value is the whole JSON body.
    Whole,
}

impl Style {
    /// The spec's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Style::Json => "json",
            Style::Comma => "comma",
            Style::Whole => "whole",
        }
    }
}

/// An operation parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Wire name (path placeholders: the name in the path template).
    pub wire: String,
    /// Location.
    pub location: Location,
    /// Encoding, when not the default.
    pub style: Option<Style>,
    /// Type.
    pub ty: Ty,
    /// Required (path parameters always are).
    pub required: bool,
    /// An example value, when the Node package gives one that fits the type.
    pub example: Option<Example>,
}

/// The 2xx answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Response {
    /// No body.
    None,
    /// A JSON object with these fields.
    Fields(Vec<Field>),
    /// Any other JSON value (SPEC-V2 item 6).
    Type(Ty),
}

/// Cursor pagination (SPEC-V2 item 8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    /// Request parameter (or `param.field`) with the cursor.
    pub cursor: String,
    /// Request parameter (or `param.field`) with the page size.
    pub page_size: Option<String>,
    /// Response field with the next cursor.
    pub next: String,
    /// Response field with the items.
    pub items: String,
    /// Response field that says whether more pages follow.
    pub has_more: Option<String>,
}

/// An operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// DingTalk's name (`action=`), verbatim.
    pub name: String,
    /// HTTP method.
    pub method: String,
    /// Path template with `{wireName}` placeholders.
    pub path: String,
    /// `auth_type='Anonymous'`.
    pub anonymous: bool,
    /// Parameters in order: path, then as the method sends them.
    pub params: Vec<Param>,
    /// The answer.
    pub response: Response,
    /// Cursor pagination, when recognised.
    pub pagination: Option<Pagination>,
    /// Where it comes from (`…/client.py:123`), for reports.
    pub origin: String,
}

/// A named model.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// The package's class name (DingTalk's spelling: `DentryVO`).
    pub name: String,
    /// Fields.
    pub fields: Vec<Field>,
}

/// One service version: what one spec file holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    /// Product code as on the wire (`aiPaaS`).
    pub product: String,
    /// Version (`1.0`).
    pub version: String,
    /// The Rust module / feature / file name.
    pub module: String,
    /// Whether `module` overrides the name derived from product and version.
    pub module_override: bool,
    /// Operations, by name.
    pub operations: Vec<Operation>,
    /// Models, by name.
    pub models: Vec<Model>,
}
