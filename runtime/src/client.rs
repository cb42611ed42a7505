//! The client (shared HTTP connection pool, configuration, token source) and its builder.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use super::limit::{Limiter, RateLimit};
use super::retry::RetryPolicy;
use super::secret::AccessToken;
use super::token_error::TokenError;

/// A boxed future, as returned by [`TokenSource::token`] (and the SDK's `TokenProvider::token`).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where a [`Client`] gets the access token of each authenticated call.
///
/// The SDK's `TokenProvider` (implemented by its credentials, by [`AccessToken`] and by your
/// own providers) is adapted to this trait by the SDK's `Client`: implement that one. This one
/// hands the runtime's client, which the SDK's `TokenProvider` sees as the SDK's.
pub trait TokenSource: Send + Sync + 'static {
    /// The token to send now; `client` is the client making the call.
    fn token<'a>(&'a self, client: &'a Client) -> BoxFuture<'a, Result<AccessToken, TokenError>>;

    /// The token to send now if one is at hand without waiting (a fixed token, a cached one
    /// that is still fresh); `None` makes the call ask [`Self::token`]. Spares a call the boxed
    /// future of `token`. The default returns `None`.
    fn ready_token(&self) -> Option<AccessToken> {
        None
    }

    /// DingTalk rejected `token`: forget exactly it, and say whether the next [`Self::token`]
    /// may give another one (only then is the call repeated, once). The default forgets
    /// nothing and returns `false`.
    fn invalidate(&self, token: &AccessToken) -> bool {
        let _ = token;
        false
    }
}

/// A fixed token: always the same, never refreshed.
impl TokenSource for AccessToken {
    fn token<'a>(&'a self, _client: &'a Client) -> BoxFuture<'a, Result<AccessToken, TokenError>> {
        let token = self.clone();
        Box::pin(async move { Ok(token) })
    }

    fn ready_token(&self) -> Option<AccessToken> {
        Some(self.clone())
    }
}

/// A DingTalk API client without the services: what the runtime sends calls through. Cheap to
/// clone; clones share connections and configuration.
///
/// The SDK's `Client` wraps it and adds one accessor per service version
/// (`client.wiki_2_0()`); untyped [`Request`](super::Request)s take either.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

impl AsRef<Client> for Client {
    fn as_ref(&self) -> &Client {
        self
    }
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    /// Overrides every operation's default host when set (e.g. `https://api.dingtalk.com`).
    pub(crate) base_url: Option<reqwest::Url>,
    /// The default host of the first operation called, parsed (every service of DingTalk's
    /// API has the same): each call's URL starts as a copy of it instead of a parse.
    pub(crate) default_base: OnceLock<(&'static str, reqwest::Url)>,
    pub(crate) tokens: Arc<dyn TokenSource>,
    /// Validated once, when the client is built.
    pub(crate) user_agent: reqwest::header::HeaderValue,
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) operation_timeout: Option<Duration>,
    pub(crate) retry: RetryPolicy,
    pub(crate) max_response_bytes: usize,
    pub(crate) limiter: Option<Limiter>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field(
                "base_url",
                &self.inner.base_url.as_ref().map(|u| u.as_str()),
            )
            .field("tokens", &"<redacted>")
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client with default settings that authenticates with `tokens`.
    ///
    /// # Panics
    /// Only if the TLS backend cannot initialise, as `reqwest::Client::new` does (the default
    /// settings are valid; [`ClientBuilder::build`] returns that failure instead).
    pub fn new(tokens: impl TokenSource) -> Self {
        match Client::builder(tokens).build() {
            Ok(client) => client,
            Err(e) => panic!("{e}"),
        }
    }

    /// Starts configuring a client.
    pub fn builder(tokens: impl TokenSource) -> ClientBuilder {
        ClientBuilder::new(tokens)
    }
}

/// Configures a client: this crate's [`Client`], or `C`, a client that wraps it (the SDK's
/// `Client`, whose `builder` returns a `ClientBuilder<Client>` of its own).
#[must_use]
pub struct ClientBuilder<C = Client> {
    tokens: Arc<dyn TokenSource>,
    base_url: Option<String>,
    http: Option<reqwest::Client>,
    user_agent: Option<String>,
    connect_timeout: Duration,
    attempt_timeout: Option<Duration>,
    operation_timeout: Option<Duration>,
    retry: RetryPolicy,
    max_response_bytes: usize,
    rate_limit: RateLimit,
    client: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("tokens", &"<redacted>")
            .finish_non_exhaustive()
    }
}

impl<C> ClientBuilder<C> {
    /// Starts configuring a client that authenticates with `tokens`, with default settings.
    pub fn new(tokens: impl TokenSource) -> Self {
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
            client: PhantomData,
        }
    }

    /// Sends every call to this host instead of the spec's (e.g. `https://api.dingtalk.com` for
    /// mainland tenants, or a mock server). A trailing slash is ignored; a path is kept as a
    /// prefix. Checked by [`Self::build`]: `http` or `https`, a host, no query or fragment.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into().trim_end_matches('/').to_owned());
        self
    }

    /// Uses an existing `reqwest::Client` (its own timeouts, proxies and TLS settings apply;
    /// [`Self::connect_timeout`] is then ignored).
    ///
    /// **Build it with `.redirect(reqwest::redirect::Policy::none())`.** DingTalk's API never
    /// redirects, and reqwest's default policy follows up to 10 redirects, carrying the
    /// `x-acs-dingtalk-access-token` header (and on 307/308 the body, e.g. an app secret) to
    /// whatever host the redirect names. The client the SDK builds itself follows none.
    ///
    /// reqwest does not expose a client's redirect policy, so the SDK cannot check it up front.
    /// It does check every answer's URL: an answer from another URL than the one requested is
    /// refused with [`Error::Redirect`](super::Error::Redirect) (`followed: true`) and never
    /// decoded — but by then the request has reached that other host.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Replaces the `user-agent` header (default: `dingtalk-openapi-rust/<version>`). Checked by
    /// [`Self::build`]: visible ASCII only.
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

    /// Builds the client, or says what is wrong with the configuration.
    ///
    /// # Errors
    /// A base URL without an `http`/`https` scheme or a host, or with a query or fragment; a
    /// user agent a header cannot carry; an HTTP client that cannot be built (TLS backend).
    pub fn build(self) -> Result<C, ConfigError>
    where
        C: From<Client>,
    {
        let base_url = self.base_url.map(check_base_url).transpose()?;
        let user_agent = match self.user_agent {
            Some(ua) => reqwest::header::HeaderValue::try_from(ua.as_str())
                .map_err(|_| ConfigError::UserAgent { user_agent: ua })?,
            None => reqwest::header::HeaderValue::from_static(concat!(
                "dingtalk-openapi-rust/",
                env!("CARGO_PKG_VERSION")
            )),
        };
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout.min(super::time::FOREVER))
                // DingTalk never redirects; a followed redirect would carry the token elsewhere.
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(ConfigError::HttpClient)?,
        };
        let client = Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                default_base: OnceLock::new(),
                tokens: self.tokens,
                user_agent,
                attempt_timeout: self.attempt_timeout,
                operation_timeout: self.operation_timeout,
                retry: self.retry,
                max_response_bytes: self.max_response_bytes,
                limiter: Limiter::new(self.rate_limit),
            }),
        };
        Ok(C::from(client))
    }
}

/// The base URL, parsed, if calls can be sent to it, else what is wrong with it.
fn check_base_url(url: String) -> Result<reqwest::Url, ConfigError> {
    let reason = match reqwest::Url::parse(&url) {
        // `127.0.0.1:9` is no URL, and `localhost:8080` one with the scheme `localhost`.
        _ if !url.contains("://") && !url.starts_with("http:") && !url.starts_with("https:") => {
            "it has no scheme: write https://host, or http://host:port for a local server"
                .to_owned()
        }
        Err(e) => format!("it is not a URL ({e})"),
        Ok(u) if !matches!(u.scheme(), "http" | "https") => {
            format!("its scheme is `{}`, not http or https", u.scheme())
        }
        Ok(u) if u.host_str().is_none_or(str::is_empty) => "it has no host".to_owned(),
        Ok(u) if u.query().is_some() => "it has a query; each operation sends its own".to_owned(),
        Ok(u) if u.fragment().is_some() => "it has a fragment (`#…`)".to_owned(),
        Ok(u) => return Ok(u),
    };
    Err(ConfigError::BaseUrl { url, reason })
}

/// A [`ClientBuilder`] setting that cannot work, found by [`ClientBuilder::build`].
#[derive(Debug)]
#[non_exhaustive]
pub enum ConfigError {
    /// The base URL cannot be called.
    BaseUrl {
        /// The URL as configured.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The user agent has characters a header cannot carry (control characters, non-ASCII).
    UserAgent {
        /// The user agent as configured.
        user_agent: String,
    },
    /// The HTTP client could not be built (its TLS backend did not initialise).
    HttpClient(reqwest::Error),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::BaseUrl { url, reason } => write!(f, "invalid base URL {url:?}: {reason}"),
            ConfigError::UserAgent { user_agent } => write!(
                f,
                "invalid user agent {user_agent:?}: a header carries visible ASCII characters only"
            ),
            ConfigError::HttpClient(e) => write!(f, "the HTTP client could not be built: {e}"),
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConfigError::HttpClient(e) => Some(e),
            _ => None,
        }
    }
}
