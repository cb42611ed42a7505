//! The cache of one access token: reused until shortly before it expires, refreshed by one
//! caller while the others wait (single flight), forgotten when DingTalk rejects it, and after a
//! failed refresh the failure is shared for a while instead of asking again: 1 s after the first
//! failure, doubling with each failure in a row up to 30 s, until a success.

use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::clock::{lock, Clock};
use super::secret::AccessToken;
use super::time::saturating_add;
use super::token_error::TokenError;

/// How long before its expiry a cached token is refreshed, unless configured otherwise.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

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
    pub(crate) margin: Duration,
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
    pub(crate) fn new(clock: Arc<dyn Clock>, margin: Duration) -> Self {
        Cache {
            clock,
            margin,
            current: Mutex::new(None),
            refresh: tokio::sync::Mutex::new(()),
            fetches: AtomicU64::new(0),
            failure: Mutex::new(None),
        }
    }

    /// The cached token if it is still fresh.
    pub(crate) fn fresh(&self) -> Option<AccessToken> {
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
    pub(crate) async fn get<F, Fut>(&self, fetch: F) -> Result<AccessToken, TokenError>
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
        self.record(result)
    }

    /// Keeps the token a fetch got, or the failure it ended in for callers to share.
    fn record(
        &self,
        result: Result<(AccessToken, i64), FetchError>,
    ) -> Result<AccessToken, TokenError> {
        let n = self.fetches.fetch_add(1, Ordering::SeqCst) + 1;
        let now = self.clock.now();
        let mut failure = lock(&self.failure);
        let e = match result {
            Ok((token, expire_in)) => {
                let lifetime = Duration::from_secs(expire_in.max(0).unsigned_abs());
                // A lifetime shorter than the margin: refresh half-way instead of every call.
                let keep = lifetime.checked_sub(self.margin).unwrap_or(lifetime / 2);
                *lock(&self.current) = Some(Cached {
                    token: token.clone(),
                    refresh_at: saturating_add(now, keep),
                });
                *failure = None;
                return Ok(token);
            }
            Err(e) => e,
        };
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

    /// Forgets `token` if it is the cached one (a newer token stays).
    pub(crate) fn invalidate(&self, token: &AccessToken) {
        let mut current = lock(&self.current);
        if current.as_ref().is_some_and(|c| &c.token == token) {
            *current = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ManualClock;

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
}
