//! The client: shared HTTP connection pool, configuration and token provider.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::auth::TokenProvider;
use super::limit::{Limiter, RateLimit};
use super::retry::RetryPolicy;

/// A DingTalk API client. Cheap to clone; clones share connections and configuration.
///
/// Operations are reached through one accessor per service version, e.g. `client.wiki_2_0()`.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    /// Overrides every operation's default host when set (e.g. `https://api.dingtalk.com`).
    pub(crate) base_url: Option<String>,
    pub(crate) tokens: Arc<dyn TokenProvider>,
    /// Validated once here rather than on every request; `None` if it cannot be a header value.
    pub(crate) user_agent: Option<reqwest::header::HeaderValue>,
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) operation_timeout: Option<Duration>,
    pub(crate) retry: RetryPolicy,
    pub(crate) max_response_bytes: usize,
    pub(crate) limiter: Option<Limiter>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("tokens", &"<redacted>")
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client with default settings that authenticates with `tokens`
    /// (an [`AccessToken`](super::AccessToken) or any [`TokenProvider`]).
    pub fn new(tokens: impl TokenProvider) -> Self {
        Client::builder(tokens).build()
    }

    /// Starts configuring a client.
    pub fn builder(tokens: impl TokenProvider) -> ClientBuilder {
        ClientBuilder {
            tokens: Arc::new(tokens),
            base_url: None,
            http: None,
            user_agent: None,
            connect_timeout: Duration::from_secs(10),
            attempt_timeout: Some(Duration::from_secs(30)),
            operation_timeout: Some(Duration::from_secs(90)),
            retry: RetryPolicy::default(),
            max_response_bytes: 16 * 1024 * 1024,
            rate_limit: RateLimit::default(),
        }
    }
}

/// Configures a [`Client`].
#[must_use]
pub struct ClientBuilder {
    tokens: Arc<dyn TokenProvider>,
    base_url: Option<String>,
    http: Option<reqwest::Client>,
    user_agent: Option<String>,
    connect_timeout: Duration,
    attempt_timeout: Option<Duration>,
    operation_timeout: Option<Duration>,
    retry: RetryPolicy,
    max_response_bytes: usize,
    rate_limit: RateLimit,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("tokens", &"<redacted>")
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Sends every call to this host instead of the spec's (e.g. `https://api.dingtalk.com` for
    /// mainland tenants, or a mock server). A trailing slash is ignored.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into().trim_end_matches('/').to_owned());
        self
    }

    /// Uses an existing `reqwest::Client` (its own timeouts and proxies apply).
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Replaces the `user-agent` header (default: `dingtalk-openapi-rust/<version>`).
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = Some(ua.into());
        self
    }

    /// Time allowed to open a connection (default 10 s; ignored with [`Self::http_client`]).
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = d;
        self
    }

    /// Time allowed for one attempt, sending to last byte (default 30 s; `None`: no limit).
    pub fn attempt_timeout(mut self, d: Option<Duration>) -> Self {
        self.attempt_timeout = d;
        self
    }

    /// Time allowed for a whole call including retries (default 90 s; `None`: no limit).
    pub fn operation_timeout(mut self, d: Option<Duration>) -> Self {
        self.operation_timeout = d;
        self
    }

    /// How failed calls are retried (default: [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Largest response body accepted, in bytes (default 16 MiB).
    pub fn max_response_bytes(mut self, n: usize) -> Self {
        self.max_response_bytes = n;
        self
    }

    /// Waits before calls that would exceed these rates (default: no limit). See
    /// [`RateLimit::dingtalk_standard`].
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = limit;
        self
    }

    /// Builds the client.
    ///
    /// # Panics
    /// Only if the TLS backend cannot initialise, as `reqwest::Client::new` does.
    pub fn build(self) -> Client {
        let http = self.http.unwrap_or_else(|| {
            reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .build()
                .unwrap_or_else(|_| reqwest::Client::new())
        });
        Client {
            inner: Arc::new(Inner {
                http,
                base_url: self.base_url,
                tokens: self.tokens,
                user_agent: match self.user_agent {
                    Some(ua) => reqwest::header::HeaderValue::try_from(ua).ok(),
                    None => Some(reqwest::header::HeaderValue::from_static(concat!(
                        "dingtalk-openapi-rust/",
                        env!("CARGO_PKG_VERSION")
                    ))),
                },
                attempt_timeout: self.attempt_timeout,
                operation_timeout: self.operation_timeout,
                retry: self.retry,
                max_response_bytes: self.max_response_bytes,
                limiter: Limiter::new(self.rate_limit),
            }),
        }
    }
}
