//! Access tokens: a redacting wrapper and the provider abstraction the client asks for them.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

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

/// Why a token could not be obtained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenError {
    /// What went wrong (never contains a secret).
    pub message: String,
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "could not obtain an access token: {}", self.message)
    }
}

impl std::error::Error for TokenError {}

/// Supplies the access token for each authenticated call.
///
/// [`AccessToken`] itself is a provider of a fixed token. Implement this trait to fetch and
/// cache tokens your own way.
pub trait TokenProvider: Send + Sync + 'static {
    /// The token to send now. `client` is the client making the call (same host, timeouts and
    /// retries), for providers that fetch tokens from DingTalk's anonymous token endpoints.
    fn token<'a>(&'a self, client: &'a Client) -> BoxFuture<'a, Result<AccessToken, TokenError>>;

    /// Called when DingTalk rejected `token` as invalid or expired, before one retry.
    fn invalidate(&self, token: &AccessToken) {
        let _ = token;
    }
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
}
