//! Credentials that fetch access tokens from DingTalk, and their caches.
//!
//! - [`AppCredentials`]: an internal app (appKey + appSecret), `POST /v1.0/oauth2/accessToken`.
//! - [`SuiteCredentials`]: a third-party enterprise app (suiteKey + suiteSecret + suiteTicket);
//!   [`SuiteCredentials::for_corp`] gives the provider of one authorizing organization
//!   (`POST /v1.0/oauth2/corpAccessToken`), cached per `authCorpId`.
//!
//! The SDK makes them token providers (cargo feature `oauth2_1_0`, on by default): it calls the
//! generated `oauth2_1_0` operations through the calling client, so its host, timeouts, retries
//! and rate limits apply, inside their token cache (`token_cache.rs`). A token is reused until
//! `expireIn` minus a safety margin ([`DEFAULT_REFRESH_MARGIN`]).

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use super::client::BoxFuture;
use super::clock::{lock, Clock, SystemClock};
use super::error::{Error, TransportError};
use super::response::ResponseMeta;
use super::secret::{is_sendable, AccessToken, Secret};
use super::token_cache::{Cache, FetchError, DEFAULT_REFRESH_MARGIN};
use super::token_error::{TokenError, TokenErrorKind};

/// What a token endpoint answered: the token, its `expireIn` in seconds, and the answer's
/// status and request id (`send_with_meta` of the generated operation).
type Issued = (Secret, i64, ResponseMeta);

/// The token and lifetime to cache from a token endpoint's `answer`, or the failure to share.
fn to_cache<E>(answer: Result<Issued, Error<E>>) -> Result<(AccessToken, i64), FetchError> {
    let (token, expire_in, meta) = answer.map_err(|e| FetchError::Endpoint(token_error(e)))?;
    issued(token, expire_in, &meta).map_err(FetchError::Endpoint)
}

/// Turns the token endpoint's failure into a [`TokenError`]. Its texts are already free of the
/// credentials: they were `Secret` parameters of the call, which removes them from its errors.
fn token_error<E>(e: Error<E>) -> TokenError {
    let class = e.class();
    let error = match e {
        Error::Api(e) => TokenError::new(TokenErrorKind::Api {
            status: e.status,
            code: e.code,
            message: e.message,
            request_id: e.request_id,
        }),
        Error::InvalidResponse(e) => TokenError::new(TokenErrorKind::InvalidResponse {
            status: e.status,
            reason: e.reason,
            request_id: e.request_id,
        }),
        Error::Redirect(e) => TokenError::new(TokenErrorKind::InvalidResponse {
            status: e.status,
            reason: e.to_string(),
            request_id: e.request_id,
        }),
        Error::Timeout(t) => transport_error(|message| TokenErrorKind::Timeout { message }, t),
        Error::Connect(t) => transport_error(|message| TokenErrorKind::Connect { message }, t),
        Error::Build(b) => TokenError::other(b.message),
        Error::Token(t) => return t,
    };
    error.of_class(class)
}

/// A token error of `kind` (timeout or connection) for the failure `t`, its source kept.
fn transport_error(kind: fn(String) -> TokenErrorKind, t: TransportError) -> TokenError {
    let error = TokenError::new(kind(t.to_string()));
    match t.source {
        Some(s) => error.with_boxed_source(s),
        None => error,
    }
}

/// The token and lifetime a token endpoint issued, if the token can be sent: one that cannot
/// (empty, a line break, non-ASCII) would fail every call until it expired, so it is an error
/// and never cached.
fn issued(
    token: Secret,
    expire_in: i64,
    meta: &ResponseMeta,
) -> Result<(AccessToken, i64), TokenError> {
    if !is_sendable(token.expose()) {
        return Err(TokenError::new(TokenErrorKind::InvalidResponse {
            status: meta.status,
            reason: "the token endpoint issued an access token that cannot be sent in a header (empty, or with characters other than visible ASCII)".to_owned(),
            request_id: meta.request_id.clone(),
        }));
    }
    Ok((AccessToken::from(token), expire_in))
}

/// Credentials of an internal app (appKey and appSecret, from the developer console): a token
/// provider that fetches the app's access token with `GetAccessToken` and caches it.
///
/// ```no_run
/// use dingtalk_openapi_runtime::AppCredentials;
/// let credentials = AppCredentials::new("dingappkey", "app secret");
/// // With the SDK: let client = dingtalk_openapi::Client::new(credentials);
/// ```
///
/// Clones share the cached token.
#[derive(Clone)]
pub struct AppCredentials {
    app_key: String,
    app_secret: Secret,
    clock: Arc<dyn Clock>,
    cache: Arc<Cache>,
}

impl fmt::Debug for AppCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppCredentials")
            .field("app_key", &self.app_key)
            .field("app_secret", &self.app_secret)
            .field("cache", &self.cache)
            .finish()
    }
}

impl AppCredentials {
    /// The credentials of an internal app.
    pub fn new(app_key: impl Into<String>, app_secret: impl Into<Secret>) -> Self {
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        AppCredentials {
            app_key: app_key.into(),
            app_secret: app_secret.into(),
            cache: Arc::new(Cache::new(Arc::clone(&clock), DEFAULT_REFRESH_MARGIN)),
            clock,
        }
    }

    /// Refreshes a token this long before it expires (default [`DEFAULT_REFRESH_MARGIN`]).
    /// Starts with an empty cache.
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.cache = Arc::new(Cache::new(Arc::clone(&self.clock), margin));
        self
    }

    /// Uses `clock` to decide when a token expires (default [`SystemClock`]). Starts with an
    /// empty cache.
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self.cache = Arc::new(Cache::new(Arc::clone(&self.clock), self.cache.margin));
        self
    }

    /// The appKey.
    pub fn app_key(&self) -> &str {
        &self.app_key
    }
}

impl AppCredentials {
    /// The cached token, or the one `fetch(app_key, app_secret)` gets (the SDK calls the
    /// generated `GetAccessToken` there).
    #[doc(hidden)]
    pub async fn token_with<E, F, Fut>(&self, fetch: F) -> Result<AccessToken, TokenError>
    where
        F: FnOnce(&str, Secret) -> Fut,
        Fut: Future<Output = Result<Issued, Error<E>>>,
    {
        let app_secret = self.app_secret.clone();
        (self.cache)
            .get(|| async { to_cache(fetch(&self.app_key, app_secret).await) })
            .await
    }

    /// The cached token if it is still fresh (no fetch).
    #[doc(hidden)]
    pub fn cached(&self) -> Option<AccessToken> {
        self.cache.fresh()
    }

    /// Forgets `token` if it is the cached one (DingTalk rejected it).
    #[doc(hidden)]
    pub fn forget(&self, token: &AccessToken) {
        self.cache.invalidate(token);
    }
}

/// Where a third-party app's current suiteTicket comes from. DingTalk pushes a new ticket to
/// the app's event subscription periodically; a [`SuiteTicket`] holds the latest one.
pub trait SuiteTicketSource: Send + Sync + 'static {
    /// The current ticket.
    fn ticket(&self) -> BoxFuture<'_, Result<Secret, TokenError>>;
}

impl SuiteTicketSource for Secret {
    fn ticket(&self) -> BoxFuture<'_, Result<Secret, TokenError>> {
        let t = self.clone();
        Box::pin(async move { Ok(t) })
    }
}

/// The latest suiteTicket, updated from your event subscription handler with [`SuiteTicket::set`].
/// Clones share the ticket.
#[derive(Clone, Default)]
pub struct SuiteTicket(Arc<RwLock<Option<Secret>>>);

impl fmt::Debug for SuiteTicket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set = self.0.read().map(|t| t.is_some()).unwrap_or(false);
        f.debug_struct("SuiteTicket")
            .field("set", &set)
            .finish_non_exhaustive()
    }
}

impl SuiteTicket {
    /// A holder with a first ticket.
    pub fn new(ticket: impl Into<Secret>) -> Self {
        SuiteTicket(Arc::new(RwLock::new(Some(ticket.into()))))
    }

    /// Replaces the ticket (when DingTalk pushes a new one).
    pub fn set(&self, ticket: impl Into<Secret>) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = Some(ticket.into());
    }
}

impl SuiteTicketSource for SuiteTicket {
    fn ticket(&self) -> BoxFuture<'_, Result<Secret, TokenError>> {
        let t = self.0.read().unwrap_or_else(|e| e.into_inner()).clone();
        Box::pin(async move {
            t.ok_or_else(|| TokenError::other("no suiteTicket has been received from DingTalk yet"))
        })
    }
}

/// Credentials of a third-party enterprise app (suiteKey, suiteSecret and the current
/// suiteTicket). [`SuiteCredentials::for_corp`] gives the token provider of one authorizing
/// organization; tokens are cached per `authCorpId`, shared by all clones and providers.
///
/// ```no_run
/// use dingtalk_openapi_runtime::{SuiteCredentials, SuiteTicket};
/// let ticket = SuiteTicket::new("ticket pushed by DingTalk"); // `ticket.set(..)` on each push
/// let suite = SuiteCredentials::new("suitekey", "suite secret", ticket.clone());
/// let corp = suite.for_corp("ding9f50b15bccd1xxxx");
/// // With the SDK: let client = dingtalk_openapi::Client::new(corp);
/// ```
#[derive(Clone)]
pub struct SuiteCredentials {
    suite_key: String,
    suite_secret: Secret,
    ticket: Arc<dyn SuiteTicketSource>,
    clock: Arc<dyn Clock>,
    margin: Duration,
    corps: Arc<Mutex<HashMap<String, Arc<Cache>>>>,
}

impl fmt::Debug for SuiteCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SuiteCredentials")
            .field("suite_key", &self.suite_key)
            .field("suite_secret", &self.suite_secret)
            .field("suite_ticket", &"<redacted>")
            .field("corps", &lock(&self.corps).len())
            .finish()
    }
}

impl SuiteCredentials {
    /// The credentials of a third-party app; `ticket` is a [`SuiteTicket`], a fixed [`Secret`],
    /// or your own [`SuiteTicketSource`].
    pub fn new(
        suite_key: impl Into<String>,
        suite_secret: impl Into<Secret>,
        ticket: impl SuiteTicketSource,
    ) -> Self {
        SuiteCredentials {
            suite_key: suite_key.into(),
            suite_secret: suite_secret.into(),
            ticket: Arc::new(ticket),
            clock: Arc::new(SystemClock),
            margin: DEFAULT_REFRESH_MARGIN,
            corps: Arc::default(),
        }
    }

    /// Refreshes tokens this long before they expire (default [`DEFAULT_REFRESH_MARGIN`]).
    /// Starts with empty caches.
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self.corps = Arc::default();
        self
    }

    /// Uses `clock` to decide when tokens expire (default [`SystemClock`]). Starts with empty
    /// caches.
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self.corps = Arc::default();
        self
    }

    /// The suiteKey.
    pub fn suite_key(&self) -> &str {
        &self.suite_key
    }

    /// The token provider of the organization `auth_corp_id` (its corpId).
    pub fn for_corp(&self, auth_corp_id: impl Into<String>) -> CorpCredentials {
        let corp_id = auth_corp_id.into();
        let cache = Arc::clone(
            lock(&self.corps)
                .entry(corp_id.clone())
                .or_insert_with(|| Arc::new(Cache::new(Arc::clone(&self.clock), self.margin))),
        );
        CorpCredentials {
            suite: self.clone(),
            corp_id,
            cache,
        }
    }
}

/// The token provider of one organization that authorized a third-party app, from
/// `SuiteCredentials::for_corp`.
#[derive(Clone)]
pub struct CorpCredentials {
    suite: SuiteCredentials,
    corp_id: String,
    cache: Arc<Cache>,
}

impl fmt::Debug for CorpCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CorpCredentials")
            .field("auth_corp_id", &self.corp_id)
            .field("cache", &self.cache)
            .finish_non_exhaustive()
    }
}

impl CorpCredentials {
    /// The organization's corpId.
    pub fn auth_corp_id(&self) -> &str {
        &self.corp_id
    }
}

impl CorpCredentials {
    /// The cached token, or the one `fetch(suite_key, suite_secret, auth_corp_id, suite_ticket)`
    /// gets (the SDK calls the generated `GetCorpAccessToken` there).
    #[doc(hidden)]
    pub async fn token_with<E, F, Fut>(&self, fetch: F) -> Result<AccessToken, TokenError>
    where
        F: FnOnce(&str, Secret, &str, Secret) -> Fut,
        Fut: Future<Output = Result<Issued, Error<E>>>,
    {
        let suite = &self.suite;
        self.cache
            .get(|| async {
                // No ticket, no request: only the callers waiting for this fetch share it.
                let ticket = suite.ticket.ticket().await.map_err(FetchError::Local)?;
                let secret = suite.suite_secret.clone();
                to_cache(fetch(&suite.suite_key, secret, &self.corp_id, ticket).await)
            })
            .await
    }

    /// The cached token if it is still fresh (no fetch).
    #[doc(hidden)]
    pub fn cached(&self) -> Option<AccessToken> {
        self.cache.fresh()
    }

    /// Forgets `token` if it is the cached one (DingTalk rejected it).
    #[doc(hidden)]
    pub fn forget(&self, token: &AccessToken) {
        self.cache.invalidate(token);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_shows_no_secret() {
        let app = AppCredentials::new("key", "app-s3cret");
        let suite = SuiteCredentials::new("skey", "suite-s3cret", Secret::new("t1ck3t"));
        let text = format!("{app:?} {suite:?} {:?}", suite.for_corp("corp"));
        for s in ["s3cret", "t1ck3t"] {
            assert!(!text.contains(s), "{text}");
        }
    }
}
