//! A decoded answer and what came with it.

use reqwest::header::{HeaderMap, HeaderName};

/// A decoded answer with what came with it.
#[derive(Debug, Clone)]
pub struct Response<O> {
    /// The decoded body (`()` for operations without one).
    pub output: O,
    /// Status, request id, headers.
    pub meta: ResponseMeta,
}

/// What came with an answer besides its body.
#[derive(Debug, Clone)]
pub struct ResponseMeta {
    /// HTTP status.
    pub status: u16,
    /// DingTalk's request id (`x-acs-request-id`), when sent.
    pub request_id: Option<String>,
    /// All response headers.
    pub headers: HeaderMap,
    /// Attempts made, the first included.
    pub attempts: u32,
}

/// The header that carries DingTalk's request id.
const REQUEST_ID: HeaderName = HeaderName::from_static("x-acs-request-id");

/// DingTalk's request id from the `x-acs-request-id` header.
pub(crate) fn header_request_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}
