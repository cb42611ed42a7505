//! Why an access token could not be obtained.

use std::fmt;
use std::sync::Arc;

use super::classify::{self, ErrorClass};

/// Why an access token could not be obtained. `Display` and `Debug` never contain a secret.
#[derive(Debug, Clone)]
pub struct TokenError {
    kind: TokenErrorKind,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
    /// The token endpoint's failure, classified once.
    class: ErrorClass,
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
        let class = match &kind {
            TokenErrorKind::Api { status, code, .. } => classify::answer(*status, Some(code)),
            TokenErrorKind::InvalidResponse { status, .. } => classify::answer(*status, None),
            TokenErrorKind::Timeout { .. } | TokenErrorKind::Connect { .. } => {
                ErrorClass::Transient
            }
            TokenErrorKind::Other { .. } => ErrorClass::Configuration,
        };
        TokenError {
            kind,
            source: None,
            class,
        }
    }

    /// The same error, of the class of the failure it was made from (a ban, a redirect, a
    /// connection that was never made: its kind alone does not say).
    pub(crate) fn of_class(mut self, class: ErrorClass) -> Self {
        self.class = class;
        self
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

    /// Attaches the underlying error, already boxed.
    pub(crate) fn with_boxed_source(
        mut self,
        source: Box<dyn std::error::Error + Send + Sync>,
    ) -> Self {
        self.source = Some(Arc::from(source));
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

    /// Every text of the error, to remove secrets from.
    pub(crate) fn texts_mut(&mut self) -> Vec<&mut String> {
        match &mut self.kind {
            TokenErrorKind::Api {
                code,
                message,
                request_id,
                ..
            } => [code, message].into_iter().chain(request_id).collect(),
            TokenErrorKind::InvalidResponse {
                reason, request_id, ..
            } => std::iter::once(reason).chain(request_id).collect(),
            TokenErrorKind::Timeout { message }
            | TokenErrorKind::Connect { message }
            | TokenErrorKind::Other { message } => vec![message],
        }
    }

    /// What kind of failure the token endpoint's was (a custom provider's own failure is
    /// [`ErrorClass::Configuration`]).
    pub fn class(&self) -> ErrorClass {
        self.class
    }

    /// Whether asking again later may succeed (throttling, server errors, timeouts, connection
    /// failures); wrong credentials are not.
    pub fn is_retryable(&self) -> bool {
        self.class.is_retryable()
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

#[cfg(test)]
mod tests {
    use super::*;

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
