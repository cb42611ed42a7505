//! The one error type of every operation, generic over the operation's error codes.

use std::fmt;

use super::classify::ErrorClass;
use super::token_error::TokenError;

/// The documented error codes of one operation (generated per operation).
///
/// Generated enums map each documented code to its variant and keep any other code in an
/// `Other(String)` variant, so no code is lost.
pub trait ErrorKind: fmt::Debug + Clone + Send + Sync + 'static {
    /// The kind of an error code as the server sent it.
    #[doc(hidden)]
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
    /// From the status and the code, when the answer was decoded.
    pub(crate) class: ErrorClass,
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
    pub(crate) status: u16,
    pub(crate) reason: String,
    pub(crate) snippet: String,
    pub(crate) request_id: Option<String>,
    pub(crate) attempts: u32,
    /// From the status, or [`ErrorClass::Ban`] for DingTalk's IP ban.
    pub(crate) class: ErrorClass,
}

impl InvalidResponse {
    /// HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }
    /// What was wrong with it.
    pub fn reason(&self) -> &str {
        &self.reason
    }
    /// The start of the body, for diagnosis (at most 256 characters, secrets removed; empty for
    /// a token endpoint's answer, which may hold a token).
    pub fn snippet(&self) -> &str {
        &self.snippet
    }
    /// DingTalk's request id, when the header carried one.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
    /// Attempts made, the first included.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
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
    pub(crate) status: u16,
    pub(crate) location: Option<String>,
    pub(crate) followed: bool,
    pub(crate) request_id: Option<String>,
    pub(crate) attempts: u32,
}

impl RedirectError {
    /// HTTP status: the redirect's, or the final answer's when the HTTP client followed it.
    pub fn status(&self) -> u16 {
        self.status
    }
    /// Where it pointed, as `scheme://host:port` only (never its path or query); `None` when
    /// there was no usable `Location`.
    pub fn location(&self) -> Option<&str> {
        self.location.as_deref()
    }
    /// Whether the HTTP client followed the redirect (a client given to
    /// [`ClientBuilder::http_client`](super::ClientBuilder::http_client) without
    /// `redirect::Policy::none()`): the request then reached [`Self::location`].
    pub fn followed(&self) -> bool {
        self.followed
    }
    /// DingTalk's request id, when the header carried one.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
    /// Attempts made, the first included.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
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

/// A failure below HTTP: connection, timeout, broken body. The underlying error, when there is
/// one, is its [`source`](std::error::Error::source).
#[derive(Debug)]
pub struct TransportError {
    pub(crate) message: String,
    pub(crate) attempts: u32,
    /// [`ErrorClass::Unreachable`] when the request certainly did not reach the server, else
    /// [`ErrorClass::Transient`].
    pub(crate) class: ErrorClass,
    pub(crate) source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl TransportError {
    /// Classifies a failure of the HTTP client (`attempts` made so far).
    pub(crate) fn from_http(e: reqwest::Error, attempts: u32) -> Self {
        let message = if e.is_timeout() {
            "no answer in time"
        } else if e.is_connect() {
            "could not connect"
        } else {
            "the connection failed"
        };
        TransportError {
            message: message.to_owned(),
            attempts,
            class: super::classify::transport(!e.is_connect()),
            source: Some(Box::new(e.without_url())),
        }
    }

    /// What happened.
    pub fn message(&self) -> &str {
        &self.message
    }
    /// Attempts made, the first included.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
    /// Whether the request may have reached the server (`false`: it certainly did not).
    pub fn request_sent(&self) -> bool {
        self.class != ErrorClass::Unreachable
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|s| s as _)
    }
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
    pub(crate) message: String,
}

impl BuildError {
    /// Why.
    pub fn message(&self) -> &str {
        &self.message
    }
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
            Error::Timeout(e) | Error::Connect(e) => e.source.as_deref().map(|s| s as _),
            Error::Token(e) => Some(e),
            _ => None,
        }
    }
}

impl<E> Error<E> {
    /// A failure of the HTTP client after `attempts` attempts: a timeout or a connection failure.
    pub(crate) fn transport(e: reqwest::Error, attempts: u32) -> Self {
        let timeout = e.is_timeout();
        let t = TransportError::from_http(e, attempts);
        if timeout {
            Error::Timeout(t)
        } else {
            Error::Connect(t)
        }
    }

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

    /// What kind of failure this is, decided once when it happened; the call loop retried it
    /// (or not) by this class.
    pub fn class(&self) -> ErrorClass {
        match self {
            Error::Api(e) => e.class,
            Error::InvalidResponse(e) => e.class,
            Error::Timeout(e) | Error::Connect(e) => e.class,
            Error::Redirect(_) => ErrorClass::Redirect,
            Error::Build(_) => ErrorClass::Configuration,
            // The provider already used the client's retries (and backs off after a failure);
            // whether its endpoint's failure may pass is `TokenError::is_retryable`.
            Error::Token(_) => ErrorClass::Auth,
        }
    }

    /// Whether trying the same call again may succeed: throttling, server errors, timeouts and
    /// connection failures ([`ErrorClass::is_retryable`]). Client errors such as `paramError`,
    /// the quota, an IP ban, a rejected token or a redirect are not. The call loop retries by
    /// the same rule (only what [`ErrorClass::is_safe_to_repeat`] for operations that are not
    /// idempotent).
    pub fn is_retryable(&self) -> bool {
        self.class().is_retryable()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TokenErrorKind;

    fn invalid(status: u16, class: ErrorClass) -> Error<()> {
        Error::InvalidResponse(InvalidResponse {
            status,
            reason: "r".into(),
            snippet: String::new(),
            request_id: None,
            attempts: 1,
            class,
        })
    }

    fn transport(sent: bool, timeout: bool) -> Error<()> {
        let t = TransportError {
            message: "m".into(),
            attempts: 1,
            class: crate::classify::transport(sent),
            source: None,
        };
        match timeout {
            true => Error::Timeout(t),
            false => Error::Connect(t),
        }
    }

    /// The class each kind of error carries, and what `is_retryable` says of it.
    #[test]
    fn every_error_has_one_class() {
        let token = TokenError::new(TokenErrorKind::Timeout {
            message: "m".into(),
        });
        assert!(
            token.is_retryable(),
            "the token endpoint's failure may pass"
        );
        let cases = [
            (invalid(403, ErrorClass::Ban), ErrorClass::Ban, false),
            (
                invalid(502, ErrorClass::Transient),
                ErrorClass::Transient,
                true,
            ),
            (transport(false, false), ErrorClass::Unreachable, true),
            (transport(false, true), ErrorClass::Unreachable, true),
            (transport(true, true), ErrorClass::Transient, true),
            (Error::Token(token), ErrorClass::Auth, false),
            (
                Error::Build(BuildError {
                    message: "m".into(),
                }),
                ErrorClass::Configuration,
                false,
            ),
            (
                Error::Redirect(RedirectError {
                    status: 302,
                    location: None,
                    followed: false,
                    request_id: None,
                    attempts: 1,
                }),
                ErrorClass::Redirect,
                false,
            ),
        ];
        for (err, class, retryable) in cases {
            assert_eq!(
                (err.class(), err.is_retryable()),
                (class, retryable),
                "{err:?}"
            );
        }
        // `request_sent` is read from the class.
        for (sent, timeout) in [(false, false), (false, true), (true, false), (true, true)] {
            let (Error::Timeout(t) | Error::Connect(t)) = transport(sent, timeout) else {
                unreachable!()
            };
            assert_eq!(t.request_sent(), sent);
        }
    }
}
