//! Access tokens: a redacting wrapper and the provider abstraction the client asks for them.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use super::client::Client;

/// A boxed future, as returned by [`TokenProvider::token`].
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A DingTalk access token. Its `Debug` and `Display` never show the value.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken(String);

impl AccessToken {
    /// Wraps a token obtained from DingTalk.
    pub fn new(token: impl Into<String>) -> Self {
        AccessToken(token.into())
    }

    /// The raw token, for the `x-acs-dingtalk-access-token` header. Do not log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(<redacted>)")
    }
}

impl fmt::Display for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl From<Secret> for AccessToken {
    fn from(secret: Secret) -> Self {
        AccessToken(secret.0)
    }
}

/// A credential or token (app secret, suite ticket, access token in a response): generated for
/// every spec field marked `secret: true`. Serialized as the plain string; `Debug` and `Display`
/// never show it, and a request that carries it removes it from its errors and logs.
#[derive(Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // A request serializing its parameters learns its secrets here (see `redact::noting`).
        super::redact::note(&self.0);
        serializer.serialize_str(&self.0)
    }
}

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The raw value, to send it. Do not log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Why an access token could not be obtained. `Display` and `Debug` never contain a secret.
#[derive(Debug, Clone)]
pub struct TokenError {
    kind: TokenErrorKind,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

/// What went wrong while obtaining an access token.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenErrorKind {
    /// The token endpoint answered with an error (wrong credentials, expired suite ticket, …).
    Api {
        /// HTTP status.
        status: u16,
        /// DingTalk's error code (`invalidClientIdOrSecret`).
        code: String,
        /// DingTalk's message (credentials it might echo are removed).
        message: String,
        /// DingTalk's request id, when the answer carried one.
        request_id: Option<String>,
    },
    /// The token endpoint's answer was not the documented JSON (no body is quoted: it could hold
    /// a token).
    InvalidResponse {
        /// HTTP status.
        status: u16,
        /// What was wrong with it.
        reason: String,
        /// DingTalk's request id, when the header carried one.
        request_id: Option<String>,
    },
    /// The token endpoint did not answer in time.
    Timeout {
        /// What happened.
        message: String,
    },
    /// The connection to the token endpoint failed.
    Connect {
        /// What happened.
        message: String,
    },
    /// Anything else: a request that could not be built, or a custom provider's own failure.
    Other {
        /// What happened.
        message: String,
    },
}

impl TokenError {
    /// An error of this kind.
    pub fn new(kind: TokenErrorKind) -> Self {
        TokenError { kind, source: None }
    }

    /// A failure described by `message`, for custom providers. Never put a secret in it.
    pub fn other(message: impl Into<String>) -> Self {
        TokenError::new(TokenErrorKind::Other {
            message: message.into(),
        })
    }

    /// Attaches the underlying error (returned by `std::error::Error::source`).
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Arc::new(source));
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> &TokenErrorKind {
        &self.kind
    }

    /// DingTalk's error code, when the token endpoint answered with one.
    pub fn code(&self) -> Option<&str> {
        match &self.kind {
            TokenErrorKind::Api { code, .. } => Some(code),
            _ => None,
        }
    }

    /// DingTalk's message, when the token endpoint answered with an error.
    pub fn message(&self) -> Option<&str> {
        match &self.kind {
            TokenErrorKind::Api { message, .. } => Some(message),
            _ => None,
        }
    }

    /// HTTP status of the token endpoint's answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        match &self.kind {
            TokenErrorKind::Api { status, .. } | TokenErrorKind::InvalidResponse { status, .. } => {
                Some(*status)
            }
            _ => None,
        }
    }

    /// DingTalk's request id of the token endpoint's answer, when it carried one.
    pub fn request_id(&self) -> Option<&str> {
        match &self.kind {
            TokenErrorKind::Api { request_id, .. }
            | TokenErrorKind::InvalidResponse { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// Removes the secrets `redactor` knows from every text of the error.
    pub(crate) fn redact(&mut self, redactor: &super::redact::Redactor) {
        match &mut self.kind {
            TokenErrorKind::Api {
                code,
                message,
                request_id,
                ..
            } => {
                redactor.clean(code);
                redactor.clean(message);
                if let Some(id) = request_id {
                    redactor.clean(id);
                }
            }
            TokenErrorKind::InvalidResponse {
                reason, request_id, ..
            } => {
                redactor.clean(reason);
                if let Some(id) = request_id {
                    redactor.clean(id);
                }
            }
            TokenErrorKind::Timeout { message }
            | TokenErrorKind::Connect { message }
            | TokenErrorKind::Other { message } => redactor.clean(message),
        }
    }

    /// Whether asking again later may succeed (throttling, server errors, timeouts, connection
    /// failures); wrong credentials are not.
    pub fn is_retryable(&self) -> bool {
        match &self.kind {
            TokenErrorKind::Api { status, code, .. } => {
                super::retry::is_retryable_answer(*status, code)
            }
            TokenErrorKind::InvalidResponse { status, .. } => *status >= 500 || *status == 429,
            TokenErrorKind::Timeout { .. } | TokenErrorKind::Connect { .. } => true,
            TokenErrorKind::Other { .. } => false,
        }
    }
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("could not obtain an access token: ")?;
        let rid = |f: &mut fmt::Formatter<'_>, id: &Option<String>| match id {
            Some(id) => write!(f, ", request id {id})"),
            None => f.write_str(")"),
        };
        match &self.kind {
            TokenErrorKind::Api {
                status,
                code,
                message,
                request_id,
            } => {
                write!(
                    f,
                    "the token endpoint answered {code}: {message} (HTTP {status}"
                )?;
                rid(f, request_id)
            }
            TokenErrorKind::InvalidResponse {
                status,
                reason,
                request_id,
            } => {
                write!(
                    f,
                    "unexpected answer from the token endpoint: {reason} (HTTP {status}"
                )?;
                rid(f, request_id)
            }
            TokenErrorKind::Timeout { message } => {
                write!(f, "the token endpoint timed out: {message}")
            }
            TokenErrorKind::Connect { message } => {
                write!(f, "the token endpoint could not be reached: {message}")
            }
            TokenErrorKind::Other { message } => f.write_str(message),
        }
    }
}

impl std::error::Error for TokenError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as _)
    }
}

/// Supplies the access token for each authenticated call.
///
/// [`AccessToken`] itself is a provider of a fixed token. Implement this trait to fetch and
/// cache tokens your own way.
pub trait TokenProvider: Send + Sync + 'static {
    /// The token to send now. `client` is the client making the call (same host, timeouts and
    /// retries), for providers that fetch tokens from DingTalk's anonymous token endpoints.
    fn token<'a>(&'a self, client: &'a Client) -> BoxFuture<'a, Result<AccessToken, TokenError>>;

    /// Called when DingTalk rejected `token` as invalid or expired (HTTP 401,
    /// `InvalidAuthentication`). Forget exactly this token (not a newer one another task fetched
    /// meanwhile), and return whether the next [`Self::token`] may give a different one: only
    /// then does the client repeat the call, once, with it.
    ///
    /// The default forgets nothing and returns `false`, as for a fixed [`AccessToken`]: the
    /// rejection is returned at once instead of sending the same token again.
    fn invalidate(&self, token: &AccessToken) -> bool {
        let _ = token;
        false
    }
}

/// Whether `token` can be sent as the access-token header: not empty, and only characters a
/// header carries (a token with a line break or non-ASCII could never be sent).
pub(crate) fn is_sendable(token: &str) -> bool {
    !token.is_empty() && reqwest::header::HeaderValue::from_str(token).is_ok()
}

impl TokenProvider for AccessToken {
    fn token<'a>(&'a self, _client: &'a Client) -> BoxFuture<'a, Result<AccessToken, TokenError>> {
        let token = self.clone();
        Box::pin(async move { Ok(token) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_is_never_printed() {
        let t = AccessToken::new("s3cr3t-token");
        assert!(!format!("{t:?}").contains("s3cr3t"));
        assert!(!format!("{t}").contains("s3cr3t"));
        assert_eq!(t.expose(), "s3cr3t-token");
    }

    #[test]
    fn secret_is_never_printed_but_serialized_as_is() {
        let s = Secret::from("app-s3cr3t");
        assert!(!format!("{s:?} {s}").contains("s3cr3t"));
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"app-s3cr3t\"");
        let back: Secret = serde_json::from_str("\"x\"").unwrap();
        assert_eq!(back, Secret::new("x"));
        assert_eq!(AccessToken::from(back).expose(), "x");
    }

    #[test]
    fn token_errors_say_what_the_endpoint_said() {
        let e = TokenError::new(TokenErrorKind::Api {
            status: 400,
            code: "invalidClientIdOrSecret".into(),
            message: "Invalid appKey or appSecret.".into(),
            request_id: Some("R1".into()),
        });
        assert_eq!(
            e.to_string(),
            "could not obtain an access token: the token endpoint answered invalidClientIdOrSecret: Invalid appKey or appSecret. (HTTP 400, request id R1)"
        );
        assert_eq!(
            (e.code(), e.status(), e.request_id(), e.is_retryable()),
            (
                Some("invalidClientIdOrSecret"),
                Some(400),
                Some("R1"),
                false
            )
        );
    }
}
