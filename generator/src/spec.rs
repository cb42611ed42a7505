//! The YAML spec as written: one [`SpecFile`] per service version.
//!
//! These types mirror `spec/README.md` key for key. Unknown keys are rejected so a typo never
//! silently drops information.

use indexmap::IndexMap;
use serde::Deserialize;

/// One spec file: a service version with its models and operations.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecFile {
    /// Product code as the official SDKs spell it (`wiki`).
    pub service: String,
    /// Version (`2.0`).
    pub version: String,
    /// One-line title.
    pub title: String,
    /// Default host, e.g. `https://api.dingtalk.io`.
    pub base_url: String,
    /// Where imported operations came from (`alibabacloud-dingtalk 2.2.65`); documentation only.
    #[serde(default)]
    pub source: Option<String>,
    /// The Rust module, cargo feature and file name, when the one derived from `service` and
    /// `version` is unreadable (`aiPaaS` 1.0 → `ai_paas_1_0`, not `ai_paa_s_1_0`).
    #[serde(default)]
    pub module: Option<String>,
    /// Error tables shared by the operations of the file (`- use: common`), by name.
    #[serde(default)]
    pub errors: IndexMap<String, Vec<ErrorEntry>>,
    /// Named types.
    #[serde(default)]
    pub models: IndexMap<String, Model>,
    /// Operations keyed by their official name.
    pub operations: IndexMap<String, Operation>,
}

impl SpecFile {
    /// The Rust module, cargo feature and file stem: `module:` if set, else derived from
    /// `service` and `version` ([`crate::names::module`]).
    pub fn module(&self) -> String {
        match &self.module {
            Some(m) => m.clone(),
            None => crate::names::module(&self.service, &self.version),
        }
    }

    /// The error rows of `op`, `use:` items expanded from the file's tables in order (a table
    /// that does not exist, which the check reports, gives no rows).
    pub fn errors_of<'a>(&'a self, op: &'a Operation) -> Vec<&'a ErrorEntry> {
        op.errors
            .iter()
            .flat_map(|item| match item {
                ErrorItem::Row(row) => std::slice::from_ref(row),
                ErrorItem::Use(u) => self.errors.get(&u.table).map_or(&[][..], Vec::as_slice),
            })
            .collect()
    }
}

/// A named model: a struct (`fields`) or a string enum (`enum`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    /// What the model is.
    #[serde(default)]
    pub description: Option<String>,
    /// Fields of a struct model, keyed by wire name.
    #[serde(default)]
    pub fields: Option<IndexMap<String, Field>>,
    /// Values of an enum model: wire value → description.
    #[serde(default, rename = "enum")]
    pub values: Option<IndexMap<String, String>>,
}

/// A field of a model, body or response, or an operation parameter.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// Type expression (`string`, `array<Workspace>`, `map<string, int64>`, …).
    #[serde(rename = "type")]
    pub ty: String,
    /// Whether the field must be present.
    #[serde(default)]
    pub required: bool,
    /// What the field means.
    #[serde(default)]
    pub description: Option<String>,
    /// The server's default when omitted.
    #[serde(default)]
    pub default: Option<serde_yaml::Value>,
    /// An example value.
    #[serde(default)]
    pub example: Option<serde_yaml::Value>,
    /// String enum values: wire value → description.
    #[serde(default, rename = "enum")]
    pub values: Option<IndexMap<String, String>>,
    /// Fields of an inline object.
    #[serde(default)]
    pub fields: Option<IndexMap<String, Field>>,
    /// A credential or token (strings only): generated as `rt::Secret`, never printed.
    #[serde(default)]
    pub secret: bool,
    /// Limits.
    #[serde(flatten)]
    pub limits: Limits,
    /// Parameters only: where the value goes.
    #[serde(default, rename = "in")]
    pub location: Option<Location>,
    /// Parameters only: how the value is encoded (by location; see [`Style`]).
    #[serde(default)]
    pub style: Option<Style>,
}

impl Field {
    /// A field of type `ty` and nothing else (no limits, docs or enum): a response `type`
    /// seen as a field, for the code that checks and synthesises values of fields.
    pub fn of_type(ty: &str) -> Field {
        Field {
            ty: ty.to_owned(),
            required: false,
            description: None,
            default: None,
            example: None,
            values: None,
            fields: None,
            secret: false,
            limits: Limits::default(),
            location: None,
            style: None,
        }
    }
}

/// Documented limits of a value.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Fewest items of an array or map.
    #[serde(default)]
    pub min_items: Option<u64>,
    /// Most items of an array or map.
    #[serde(default)]
    pub max_items: Option<u64>,
    /// Shortest string.
    #[serde(default)]
    pub min_length: Option<u64>,
    /// Longest string.
    #[serde(default)]
    pub max_length: Option<u64>,
    /// Smallest number.
    #[serde(default)]
    pub minimum: Option<f64>,
    /// Largest number.
    #[serde(default)]
    pub maximum: Option<f64>,
    /// Regular expression a string must match.
    #[serde(default)]
    pub pattern: Option<String>,
}

/// Where a parameter goes in the HTTP request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Location {
    /// A `{placeholder}` of the path template.
    Path,
    /// The query string.
    Query,
    /// An HTTP header.
    Header,
    /// A field of the JSON body.
    Body,
}

/// How a parameter's value is encoded, by location.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Style {
    /// Query: arrays and objects flattened, `name.1=a&name.2=b`, `name.key=v` (the default).
    Flat,
    /// Query: the value as one JSON string. Body: a field whose value is the JSON text of the
    /// value (a string, `"ids":"[1,2]"`).
    Json,
    /// Query: an array of scalars joined with commas (`a,b,c`).
    Comma,
    /// Body: one field of the JSON object body (the default).
    Field,
    /// Body: the value is the whole JSON body (a top-level array, say).
    Whole,
}

impl Style {
    /// The style a parameter at `location` has when it names none.
    pub fn default_for(location: Location) -> Style {
        match location {
            Location::Body => Style::Field,
            _ => Style::Flat,
        }
    }
}

/// One operation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    /// One line; without it the docs start with the operation name in words.
    #[serde(default)]
    pub summary: Option<String>,
    /// Who wrote the operation: by hand (the default) or the importer.
    #[serde(default)]
    pub origin: Origin,
    /// Longer text.
    #[serde(default)]
    pub description: Option<String>,
    /// HTTP method.
    pub method: String,
    /// Path template with `{param}` placeholders.
    pub path: String,
    /// Required permission.
    #[serde(default)]
    pub permission: Option<Permission>,
    /// App types allowed to call it.
    #[serde(default)]
    pub app_types: Vec<String>,
    /// Whether a retry after the request reached the server is safe (default: true for GET).
    #[serde(default)]
    pub idempotent: Option<bool>,
    /// `none` for anonymous calls.
    #[serde(default)]
    pub auth: Option<Auth>,
    /// Set on a GET that carries a JSON body.
    #[serde(default)]
    pub get_body: bool,
    /// Parameters keyed by wire name.
    #[serde(default)]
    pub params: IndexMap<String, Field>,
    /// The 2xx answer.
    pub response: Response,
    /// Cursor pagination.
    #[serde(default)]
    pub pagination: Option<Pagination>,
    /// Documented errors: rows, and `use:` of the file's tables ([`SpecFile::errors_of`]).
    #[serde(default)]
    pub errors: Vec<ErrorItem>,
}

impl Operation {
    /// The summary, or the operation name in words (`GetWorkspace` → `Get workspace.`).
    pub fn summary(&self, name: &str) -> String {
        match self.summary.as_deref().map(str::trim) {
            Some(s) if !s.is_empty() => s.to_owned(),
            _ => format!("{}.", crate::names::sentence(name)),
        }
    }
}

/// Who wrote an operation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// Written (or edited) by hand: the importer never rewrites it.
    #[default]
    Curated,
    /// Written by the importer from the official package; it regenerates it.
    Imported,
}

/// An item of an operation's `errors:`: a row, or every row of a table of the file.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum ErrorItem {
    /// `{ use: common }`.
    Use(ErrorUse),
    /// One row.
    Row(ErrorEntry),
}

/// `{ use: <table> }` in an operation's `errors:`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorUse {
    /// The name of a table under the file's `errors:`.
    #[serde(rename = "use")]
    pub table: String,
}

/// A permission an app must hold.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Permission {
    /// Permission code (`Wiki.Workspace.Read`).
    pub code: String,
    /// What it grants.
    #[serde(default)]
    pub description: Option<String>,
}

/// How an operation authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Auth {
    /// The access-token header (the default).
    Token,
    /// No credentials at all.
    None,
}

/// The 2xx answer of an operation.
#[derive(Debug, Clone)]
pub enum Response {
    /// `response: none`: no body.
    Empty(NoBody),
    /// A JSON answer: an object of `fields`, or of a `type`.
    Body(ResponseBody),
}

/// `none` or a mapping, told apart by the YAML itself: serde's `untagged` would buffer the whole
/// mapping to try `none` first (over half the time of deserializing a spec from its YAML value).
impl<'de> Deserialize<'de> for Response {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Either;
        impl<'de> serde::de::Visitor<'de> for Either {
            type Value = Response;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("`none` or a mapping with `fields` or `type`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Response, E> {
                match v {
                    "none" => Ok(Response::Empty(NoBody::None)),
                    _ => Err(E::invalid_value(serde::de::Unexpected::Str(v), &self)),
                }
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Response, A::Error> {
                let map = serde::de::value::MapAccessDeserializer::new(map);
                ResponseBody::deserialize(map).map(Response::Body)
            }
        }
        deserializer.deserialize_any(Either)
    }
}

/// The literal `none`.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NoBody {
    /// No body.
    None,
}

/// A JSON response body.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseBody {
    /// What the answer is.
    #[serde(default)]
    pub description: Option<String>,
    /// Top-level fields (of a JSON object answer).
    #[serde(default)]
    pub fields: IndexMap<String, Field>,
    /// Instead of `fields`: the answer's type expression (`boolean`, `any`, `array<Thing>`, a
    /// model: the operation's output is then that type itself).
    #[serde(default, rename = "type")]
    pub ty: Option<String>,
    /// Verbatim example JSON.
    #[serde(default)]
    pub example: Option<String>,
}

/// Cursor pagination.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pagination {
    /// Request parameter (or `param.field`) carrying the cursor.
    pub cursor: String,
    /// Request parameter (or `param.field`) carrying the page size.
    #[serde(default)]
    pub page_size: Option<String>,
    /// Response field with the next cursor.
    pub next: String,
    /// Response field with the items.
    pub items: String,
    /// Boolean response field saying whether more pages follow (`hasMore`).
    #[serde(default)]
    pub has_more: Option<String>,
}

/// One row of an error table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorEntry {
    /// HTTP status.
    pub status: u16,
    /// Error code as sent (`paramError.spaceId`).
    pub code: String,
    /// Message as documented.
    #[serde(default)]
    pub message: Option<String>,
    /// What it means.
    #[serde(default)]
    pub description: Option<String>,
}
