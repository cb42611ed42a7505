//! Opt-in client-side rate limiting, so a busy service stays under DingTalk's limits.
//!
//! DingTalk allows about 20 calls per second per app and API on a standard organisation, and
//! bans the caller's IP for 5 minutes after 10,000 calls in 20 seconds.

use std::num::NonZeroU32;

use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota};

/// Calls per second allowed before the client waits (both limits apply when both are set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RateLimit {
    /// For all calls of the client together.
    pub global_per_second: Option<NonZeroU32>,
    /// For each operation separately (DingTalk counts per app and API).
    pub per_operation_per_second: Option<NonZeroU32>,
}

impl RateLimit {
    /// DingTalk's standard-organisation limit: 20 calls per second per operation, and 450 per
    /// second overall (under the IP ban threshold of 10,000 calls in 20 s).
    pub fn dingtalk_standard() -> Self {
        RateLimit {
            global_per_second: NonZeroU32::new(450),
            per_operation_per_second: NonZeroU32::new(20),
        }
    }
}

/// The limiters of one client.
pub(crate) struct Limiter {
    global: Option<DefaultDirectRateLimiter>,
    per_operation: Option<DefaultKeyedRateLimiter<(&'static str, &'static str)>>,
}

impl Limiter {
    pub(crate) fn new(limit: RateLimit) -> Option<Self> {
        let quota = |n: NonZeroU32| Quota::per_second(n).allow_burst(n);
        let limiter = Limiter {
            global: limit
                .global_per_second
                .map(|n| governor::RateLimiter::direct(quota(n))),
            per_operation: limit
                .per_operation_per_second
                .map(|n| governor::RateLimiter::keyed(quota(n))),
        };
        (limiter.global.is_some() || limiter.per_operation.is_some()).then_some(limiter)
    }

    /// Waits until a call of `operation` of `service` is allowed.
    pub(crate) async fn wait(&self, service: &'static str, operation: &'static str) {
        if let Some(l) = &self.per_operation {
            l.until_key_ready(&(service, operation)).await;
        }
        if let Some(l) = &self.global {
            l.until_ready().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[tokio::test]
    async fn per_operation_limit_spaces_calls() {
        let limiter = Limiter::new(RateLimit {
            global_per_second: None,
            per_operation_per_second: NonZeroU32::new(10),
        })
        .unwrap();
        let start = Instant::now();
        // A burst of 10 passes at once; the next 5 wait ~100 ms each.
        for _ in 0..15 {
            limiter.wait("wiki_2.0", "GetWorkspace").await;
        }
        assert!(
            start.elapsed() >= Duration::from_millis(400),
            "{:?}",
            start.elapsed()
        );
        // Another operation has its own budget.
        let other = Instant::now();
        limiter.wait("wiki_2.0", "GetWorkspaces").await;
        assert!(other.elapsed() < Duration::from_millis(50));
    }

    #[test]
    fn no_limits_no_limiter() {
        assert!(Limiter::new(RateLimit::default()).is_none());
    }
}
