//! Token providers that fetch access tokens from DingTalk and cache them (cargo feature
//! `oauth2_1_0`, on by default).
//!
//! - [`AppCredentials`]: an internal app (appKey + appSecret), `POST /v1.0/oauth2/accessToken`.
//! - [`SuiteCredentials`]: a third-party enterprise app (suiteKey + suiteSecret + suiteTicket);
//!   [`SuiteCredentials::for_corp`] gives the provider of one authorizing organization
//!   (`POST /v1.0/oauth2/corpAccessToken`), cached per `authCorpId`.
//!
//! Both call the generated `oauth2_1_0` operations through the calling [`Client`], so its host,
//! timeouts, retries and rate limits apply. A token is reused until `expireIn` minus a safety
//! margin ([`DEFAULT_REFRESH_MARGIN`]), then refreshed by one call while concurrent calls wait
//! for it (single flight). A token DingTalk rejects is forgotten ([`TokenProvider::invalidate`]).
//! After a failed refresh, calls share that failure for a while instead of asking again: 1 s
//! after the first failure, doubling with each failure in a row up to 30 s, until a success.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::{Duration, Instant};

use super::auth::{
    is_sendable, AccessToken, BoxFuture, Secret, TokenError, TokenErrorKind, TokenProvider,
};
use super::client::Client;
use super::error::Error;
use super::request::ResponseMeta;
use super::time::saturating_add;

/// How long before its expiry a cached token is refreshed, unless configured otherwise.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// The time source of token caches; inject a [`ManualClock`] in tests to expire tokens without
/// waiting.
pub trait Clock: Send + Sync + 'static {
    /// The current instant.
    fn now(&self) -> Instant;
}

/// The real monotonic clock (the default).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// A clock that only moves when told to; clones share the time.
#[derive(Debug, Clone)]
pub struct ManualClock {
    now: Arc<Mutex<Instant>>,
}

impl Default for ManualClock {
    fn default() -> Self {
        ManualClock::new()
    }
}

impl ManualClock {
    /// A clock standing at the current instant.
    pub fn new() -> Self {
        ManualClock {
            now: Arc::new(Mutex::new(Instant::now())),
        }
    }

    /// Moves the clock forward by `d` (at most to the furthest instant that can be represented).
    pub fn advance(&self, d: Duration) {
        let mut now = lock(&self.now);
        *now = saturating_add(*now, d);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        *lock(&self.now)
    }
}

/// Locks a mutex even if a panic poisoned it (the data stays meaningful).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// One cached token and when to refresh it.
struct Cached {
    token: AccessToken,
    refresh_at: Instant,
}

/// How long callers share a failed refresh before the next one: this after the first failure,
/// doubling with each further failure in a row, up to [`MAX_BACKOFF`]; a success resets it.
const FIRST_BACKOFF: Duration = Duration::from_secs(1);
/// See [`FIRST_BACKOFF`].
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// The last failed refresh, shared with callers until `retry_at`.
struct Failure {
    /// The number of the fetch that failed.
    fetch: u64,
    error: TokenError,
    /// The interval that ends at `retry_at` (zero: none); the next endpoint failure doubles it.
    backoff: Duration,
    retry_at: Instant,
}

/// Why fetching a token failed.
pub(crate) enum FetchError {
    /// The token endpoint failed (or issued an unusable token): callers back off.
    Endpoint(TokenError),
    /// No request was made (no suite ticket yet): only the callers waiting for this fetch share
    /// it, so the call after `SuiteTicket::set` fetches at once.
    Local(TokenError),
}

/// The cache of one token: reuse until `refresh_at`, refresh single-flight, forget on rejection.
pub(crate) struct Cache {
    clock: Arc<dyn Clock>,
    margin: Duration,
    current: Mutex<Option<Cached>>,
    /// Held while fetching: one refresh at a time, the other callers wait for its result.
    refresh: tokio::sync::Mutex<()>,
    /// Fetches finished so far, and the last failure in a row: callers that were waiting while a
    /// fetch failed, or that come before its backoff ends, get that failure instead of firing
    /// one fetch each.
    fetches: AtomicU64,
    failure: Mutex<Option<Failure>>,
}

impl fmt::Debug for Cache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCache")
            .field("cached", &lock(&self.current).is_some())
            .field("refresh_margin", &self.margin)
            .finish_non_exhaustive()
    }
}

impl Cache {
    fn new(clock: Arc<dyn Clock>, margin: Duration) -> Self {
        Cache {
            clock,
            margin,
            current: Mutex::new(None),
            refresh: tokio::sync::Mutex::new(()),
            fetches: AtomicU64::new(0),
            failure: Mutex::new(None),
        }
    }

    fn fresh(&self) -> Option<AccessToken> {
        let now = self.clock.now();
        lock(&self.current)
            .as_ref()
            .filter(|c| now < c.refresh_at)
            .map(|c| c.token.clone())
    }

    /// The failure callers share now: the last one while its backoff lasts, or one that
    /// finished after a caller saw `seen` fetches (it waited for that fetch).
    fn shared_failure(&self, seen: Option<u64>) -> Option<TokenError> {
        let now = self.clock.now();
        lock(&self.failure)
            .as_ref()
            .filter(|f| now < f.retry_at || seen.is_some_and(|seen| f.fetch > seen))
            .map(|f| f.error.clone())
    }

    /// The cached token, or a new one from `fetch` (token and `expireIn` seconds).
    async fn get<F, Fut>(&self, fetch: F) -> Result<AccessToken, TokenError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(AccessToken, i64), FetchError>>,
    {
        if let Some(t) = self.fresh() {
            return Ok(t);
        }
        if let Some(e) = self.shared_failure(None) {
            return Err(e);
        }
        let seen = self.fetches.load(Ordering::SeqCst);
        let _flight = self.refresh.lock().await;
        if let Some(t) = self.fresh() {
            return Ok(t);
        }
        if let Some(e) = self.shared_failure(Some(seen)) {
            return Err(e);
        }
        tracing::debug!("fetching an access token");
        let result = fetch().await;
        let n = self.fetches.fetch_add(1, Ordering::SeqCst) + 1;
        let now = self.clock.now();
        let mut failure = lock(&self.failure);
        match result {
            Ok((token, expire_in)) => {
                let lifetime = Duration::from_secs(expire_in.max(0).unsigned_abs());
                // A lifetime shorter than the margin: refresh half-way instead of every call.
                let keep = lifetime.checked_sub(self.margin).unwrap_or(lifetime / 2);
                *lock(&self.current) = Some(Cached {
                    token: token.clone(),
                    refresh_at: saturating_add(now, keep),
                });
                *failure = None;
                Ok(token)
            }
            Err(e) => {
                let last = failure.as_ref().map_or(Duration::ZERO, |f| f.backoff);
                let (error, backoff, retry_at) = match e {
                    FetchError::Endpoint(e) => {
                        let backoff = match last.is_zero() {
                            true => FIRST_BACKOFF,
                            false => (last * 2).min(MAX_BACKOFF),
                        };
                        (e, backoff, saturating_add(now, backoff))
                    }
                    // Shared with the callers that waited for it, then over.
                    FetchError::Local(e) => (e, last, now),
                };
                tracing::debug!(?backoff, "the access token could not be fetched");
                *failure = Some(Failure {
                    fetch: n,
                    error: error.clone(),
                    backoff,
                    retry_at,
                });
                Err(error)
            }
        }
    }

    /// Forgets `token` if it is the cached one (a newer token stays).
    fn invalidate(&self, token: &AccessToken) {
        let mut current = lock(&self.current);
        if current.as_ref().is_some_and(|c| &c.token == token) {
            *current = None;
        }
    }
}

/// Turns the token endpoint's failure into a [`TokenError`]. Its texts are already free of the
/// credentials: they were `Secret` parameters of the call, which removes them from its errors.
fn token_error<E>(e: Error<E>) -> TokenError {
    match e {
        Error::Api(e) => TokenError::new(TokenErrorKind::Api {
            status: e.status(),
            code: e.code().to_owned(),
            message: e.message().to_owned(),
            request_id: e.request_id().map(str::to_owned),
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
        Error::Timeout(t) => {
            let kind = TokenErrorKind::Timeout {
                message: t.to_string(),
            };
            with_transport_source(TokenError::new(kind), t.source)
        }
        Error::Connect(t) => {
            let kind = TokenErrorKind::Connect {
                message: t.to_string(),
            };
            with_transport_source(TokenError::new(kind), t.source)
        }
        Error::Build(b) => TokenError::other(b.message),
        Error::Token(t) => t,
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

fn with_transport_source(e: TokenError, source: Option<reqwest::Error>) -> TokenError {
    match source {
        Some(s) => e.with_source(s),
        None => e,
    }
}

/// Credentials of an internal app (appKey and appSecret, from the developer console): a
/// [`TokenProvider`] that fetches the app's access token with `GetAccessToken` and caches it.
///
/// ```no_run
/// use dingtalk_openapi::{AppCredentials, Client};
/// let client = Client::new(AppCredentials::new("dingappkey", "app secret"));
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

impl TokenProvider for AppCredentials {
    fn token<'a>(&'a self, client: &'a Client) -> BoxFuture<'a, Result<AccessToken, TokenError>> {
        Box::pin(self.cache.get(move || async move {
            let out = crate::oauth2_1_0::Service::new(client.clone())
                .get_access_token(self.app_key.as_str(), self.app_secret.clone())
                .build()
                .send_with_meta()
                .await
                .map_err(|e| FetchError::Endpoint(token_error(e)))?;
            issued(out.output.access_token, out.output.expire_in, &out.meta)
                .map_err(FetchError::Endpoint)
        }))
    }

    fn invalidate(&self, token: &AccessToken) -> bool {
        self.cache.invalidate(token);
        true
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
/// suiteTicket). [`SuiteCredentials::for_corp`] gives the [`TokenProvider`] of one authorizing
/// organization; tokens are cached per `authCorpId`, shared by all clones and providers.
///
/// ```no_run
/// use dingtalk_openapi::{Client, SuiteCredentials, SuiteTicket};
/// let ticket = SuiteTicket::new("ticket pushed by DingTalk"); // `ticket.set(..)` on each push
/// let suite = SuiteCredentials::new("suitekey", "suite secret", ticket.clone());
/// let client = Client::new(suite.for_corp("ding9f50b15bccd1xxxx"));
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

/// The [`TokenProvider`] of one organization that authorized a third-party app, from
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

impl TokenProvider for CorpCredentials {
    fn token<'a>(&'a self, client: &'a Client) -> BoxFuture<'a, Result<AccessToken, TokenError>> {
        let suite = &self.suite;
        Box::pin(self.cache.get(move || async move {
            let ticket = suite.ticket.ticket().await.map_err(FetchError::Local)?;
            let out = crate::oauth2_1_0::Service::new(client.clone())
                .get_corp_access_token(
                    suite.suite_key.as_str(),
                    suite.suite_secret.clone(),
                    self.corp_id.as_str(),
                    ticket,
                )
                .build()
                .send_with_meta()
                .await
                .map_err(|e| FetchError::Endpoint(token_error(e)))?;
            issued(out.output.access_token, out.output.expire_in, &out.meta)
                .map_err(FetchError::Endpoint)
        }))
    }

    fn invalidate(&self, token: &AccessToken) -> bool {
        self.cache.invalidate(token);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fetches through `cache`, counting fetches, with a token lifetime of `expire_in` seconds.
    async fn get(cache: &Cache, fetches: &AtomicU64, expire_in: i64) -> AccessToken {
        cache
            .get(|| async {
                let n = fetches.fetch_add(1, Ordering::SeqCst) + 1;
                Ok((AccessToken::new(format!("t{n}")), expire_in))
            })
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn a_lifetime_shorter_than_the_margin_refreshes_half_way() {
        let clock = ManualClock::new();
        let cache = Cache::new(Arc::new(clock.clone()), DEFAULT_REFRESH_MARGIN);
        let fetches = AtomicU64::new(0);
        assert_eq!(get(&cache, &fetches, 100).await.expose(), "t1");
        clock.advance(Duration::from_secs(49));
        assert_eq!(get(&cache, &fetches, 100).await.expose(), "t1");
        clock.advance(Duration::from_secs(1));
        assert_eq!(get(&cache, &fetches, 100).await.expose(), "t2");
    }

    #[tokio::test]
    async fn a_token_without_a_lifetime_is_not_reused() {
        let cache = Cache::new(Arc::new(ManualClock::new()), DEFAULT_REFRESH_MARGIN);
        let fetches = AtomicU64::new(0);
        get(&cache, &fetches, 0).await;
        get(&cache, &fetches, -5).await;
        assert_eq!(fetches.load(Ordering::SeqCst), 2);
    }

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
