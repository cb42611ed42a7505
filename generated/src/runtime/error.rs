//! The one error type of every operation, generic over the operation's error codes.

use std::fmt;

use super::auth::TokenError;

/// The documented error codes of one operation (generated per operation).
///
/// Generated enums map each documented code to its variant and keep any other code in an
/// `Unknown(String)` variant, so no code is lost.
pub trait ErrorKind: fmt::Debug + Clone + Send + Sync + 'static {
    /// The kind of an error code as the server sent it.
    fn from_code(code: &str) -> Self;
}

/// What went wrong with a call; `E` is the operation's error-code enum.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// DingTalk answered with an error (a documented code or another one).
    Api(ApiError<E>),
    /// The answer was not the documented JSON (HTML from a proxy, empty, truncated, wrong types,
    /// too large, not an object where an object is documented, or an IP ban page).
    InvalidResponse(InvalidResponse),
    /// A redirect (HTTP 3xx), which the SDK never follows: DingTalk's API does not redirect,
    /// and following would carry the access token to another host. Never retried.
    Redirect(RedirectError),
    /// No answer in time (per attempt or for the whole call).
    Timeout(TransportError),
    /// The connection failed or broke.
    Connect(TransportError),
    /// The request could not be built (e.g. a path parameter `..` or empty).
    Build(BuildError),
    /// The access token could not be obtained.
    Token(TokenError),
}

/// An error answer from DingTalk: `{"code": …, "message": …, "requestid": …}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError<E> {
    pub(crate) kind: E,
    pub(crate) status: u16,
    pub(crate) code: String,
    pub(crate) message: String,
    pub(crate) request_id: Option<String>,
    pub(crate) body: String,
    pub(crate) attempts: u32,
}

impl<E> ApiError<E> {
    /// The typed error code.
    pub fn kind(&self) -> &E {
        &self.kind
    }
    /// HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }
    /// The code as sent (`paramError.spaceId`).
    pub fn code(&self) -> &str {
        &self.code
    }
    /// The message as sent.
    pub fn message(&self) -> &str {
        &self.message
    }
    /// DingTalk's request id (body `requestid`, else header `x-acs-request-id`).
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
    /// The whole error body as received.
    pub fn body(&self) -> &str {
        &self.body
    }
    /// Attempts made, the first included.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

impl<E> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} (HTTP {}", self.code, self.message, self.status)?;
        if let Some(id) = &self.request_id {
            write!(f, ", request id {id}")?;
        }
        f.write_str(")")
    }
}

/// An answer that is not what the API documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidResponse {
    /// HTTP status.
    pub status: u16,
    /// What was wrong with it.
    pub reason: String,
    /// The start of the body, for diagnosis (at most 256 characters, secrets removed).
    pub snippet: String,
    /// DingTalk's request id, when the header carried one.
    pub request_id: Option<String>,
    /// Attempts made.
    pub attempts: u32,
}

impl fmt::Display for InvalidResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unexpected answer (HTTP {}): {}",
            self.status, self.reason
        )?;
        if !self.snippet.is_empty() {
            write!(f, "; body starts {:?}", self.snippet)?;
        }
        Ok(())
    }
}

/// A redirect the SDK did not follow, or an answer that came from another URL than the one
/// requested (a caller-supplied HTTP client followed a redirect) and was not decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectError {
    /// HTTP status: the redirect's, or the final answer's when the HTTP client followed it.
    pub status: u16,
    /// Where it pointed, as `scheme://host:port` only (never its path or query); `None` when
    /// there was no usable `Location`.
    pub location: Option<String>,
    /// Whether the HTTP client followed the redirect (a client given to
    /// [`ClientBuilder::http_client`](super::ClientBuilder::http_client) without
    /// `redirect::Policy::none()`): the request then reached `location`.
    pub followed: bool,
    /// DingTalk's request id, when the header carried one.
    pub request_id: Option<String>,
    /// Attempts made.
    pub attempts: u32,
}

impl fmt::Display for RedirectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let to = self.location.as_deref().unwrap_or("an unusable location");
        if self.followed {
            write!(
                f,
                "the HTTP client followed a redirect to {to} and its answer (HTTP {}) was not decoded: build the reqwest::Client given to http_client(..) with redirect(reqwest::redirect::Policy::none())",
                self.status
            )
        } else {
            write!(
                f,
                "HTTP {} redirect to {to}, not followed: DingTalk's API does not redirect (check the base URL)",
                self.status
            )
        }
    }
}

/// A failure below HTTP: connection, timeout, broken body.
#[derive(Debug)]
pub struct TransportError {
    /// What happened.
    pub message: String,
    /// Attempts made.
    pub attempts: u32,
    /// Whether the request may have reached the server (false: it certainly did not).
    pub request_sent: bool,
    /// The underlying error, when there is one.
    pub source: Option<reqwest::Error>,
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (after {} attempt{})",
            self.message,
            self.attempts,
            if self.attempts == 1 { "" } else { "s" }
        )
    }
}

/// A request that could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError {
    /// Why.
    pub message: String,
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid request: {}", self.message)
    }
}

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => write!(f, "DingTalk error {e}")?,
            Error::InvalidResponse(e) => e.fmt(f)?,
            Error::Redirect(e) => e.fmt(f)?,
            // Transport errors say their attempts themselves.
            Error::Timeout(e) => return write!(f, "timed out: {e}"),
            Error::Connect(e) => return write!(f, "connection failed: {e}"),
            Error::Build(e) => return e.fmt(f),
            Error::Token(e) => return e.fmt(f),
        }
        match self.attempts() {
            0 | 1 => Ok(()),
            n => write!(f, " after {n} attempts"),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Timeout(e) | Error::Connect(e) => e.source.as_ref().map(|s| s as _),
            Error::Token(e) => Some(e),
            _ => None,
        }
    }
}

impl<E> Error<E> {
    /// The DingTalk error code, for API errors.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Api(e) => Some(&e.code),
            _ => None,
        }
    }

    /// DingTalk's request id, when the answer carried one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id.as_deref(),
            Error::InvalidResponse(e) => e.request_id.as_deref(),
            Error::Redirect(e) => e.request_id.as_deref(),
            _ => None,
        }
    }

    /// HTTP status, when there was an answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::InvalidResponse(e) => Some(e.status),
            Error::Redirect(e) => Some(e.status),
            _ => None,
        }
    }

    /// Attempts made before giving up (0 when the request was never sent).
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Api(e) => e.attempts,
            Error::InvalidResponse(e) => e.attempts,
            Error::Redirect(e) => e.attempts,
            Error::Timeout(e) | Error::Connect(e) => e.attempts,
            Error::Build(_) | Error::Token(_) => 0,
        }
    }

    /// Whether trying the same call later may succeed (throttling, server errors, timeouts,
    /// connection failures). Client errors such as `paramError` are not.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => super::retry::is_retryable_answer(e.status, &e.code),
            Error::InvalidResponse(e) => e.status >= 500 || e.status == 429,
            Error::Timeout(_) | Error::Connect(_) => true,
            Error::Token(e) => e.is_retryable(),
            Error::Build(_) | Error::Redirect(_) => false,
        }
    }
}
