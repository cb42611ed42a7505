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
    /// Named types.
    #[serde(default)]
    pub models: IndexMap<String, Model>,
    /// Operations keyed by their official name.
    pub operations: IndexMap<String, Operation>,
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
    /// Parameters only: how a query value is encoded.
    #[serde(default)]
    pub style: Option<QueryStyle>,
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

/// How a query parameter is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QueryStyle {
    /// Arrays and objects flattened: `name.1=a&name.2=b`, `name.key=v` (the default).
    Flat,
    /// The whole value as one JSON string.
    Json,
}

/// One operation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    /// One line.
    pub summary: String,
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
    /// Documented errors.
    #[serde(default)]
    pub errors: Vec<ErrorEntry>,
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
    /// A JSON object.
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
                f.write_str("`none` or a mapping with `fields`")
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
    /// Top-level fields.
    #[serde(default)]
    pub fields: IndexMap<String, Field>,
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
