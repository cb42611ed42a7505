//! When and how long to wait before trying a failed call again.

use std::time::Duration;

/// How failed calls are retried.
///
/// Only failures that are safe to repeat are retried: throttling (by DingTalk code first, HTTP
/// status second), server errors and timeouts for idempotent operations, and connection failures
/// before the request was sent. Client errors such as `paramError` never are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (default 3; 1 disables retries).
    pub max_attempts: u32,
    /// Delay before the first retry of a server error (default 200 ms); doubles each time.
    pub base_delay: Duration,
    /// Delay before the first retry of a throttled call (default 1 s, as DingTalk advises).
    pub throttle_delay: Duration,
    /// Longest single delay (default 10 s).
    pub max_delay: Duration,
    /// Most time spent waiting across all retries of a call (default 20 s).
    pub max_total_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(200),
            throttle_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(10),
            max_total_delay: Duration::from_secs(20),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The delay before retry number `retry` (1-based): exponential with jitter in [½, 1],
    /// at least `retry_after` when the server asked for it.
    pub(crate) fn delay(
        &self,
        retry: u32,
        throttled: bool,
        retry_after: Option<Duration>,
    ) -> Duration {
        let base = if throttled {
            self.throttle_delay
        } else {
            self.base_delay
        };
        let exp = base.saturating_mul(1u32 << retry.saturating_sub(1).min(16));
        let capped = exp.min(self.max_delay);
        // `mul_f64` panics when the product does not fit (a `max_delay` near `Duration::MAX`).
        let jittered = Duration::try_from_secs_f64(capped.as_secs_f64() * (0.5 + jitter() / 2.0))
            .unwrap_or(capped);
        match retry_after {
            Some(ra) => jittered.max(ra.min(self.max_delay)),
            None => jittered,
        }
    }
}

/// A number in [0, 1) that differs between calls, without a random-number dependency.
fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// DingTalk codes that mean "slow down": safe to retry for every operation.
pub(crate) fn is_throttle_code(code: &str) -> bool {
    matches!(
        code,
        "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi"
            | "Forbidden.AccessDenied.QpmLimitForAppkeyAndApi"
            | "Forbidden.AccessDenied.QpsLimitForApi"
            | "request.overlimit"
            | "Throttling"
    )
}

/// DingTalk codes that must not be retried whatever the status (monthly quota exhausted).
pub(crate) fn is_final_code(code: &str) -> bool {
    code == "Forbidden.AccessDenied.ApiCountLimitForOrg"
}

/// Whether an error answer is worth retrying at all: code first, status second.
pub(crate) fn is_retryable_answer(status: u16, code: &str) -> bool {
    if is_final_code(code) {
        return false;
    }
    is_throttle_code(code) || status == 429 || status >= 500
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_and_respect_bounds() {
        let p = RetryPolicy::default();
        for retry in 1..10 {
            let d = p.delay(retry, false, None);
            assert!(d <= p.max_delay, "{d:?}");
            assert!(d >= p.base_delay / 2);
        }
        assert!(p.delay(1, true, None) >= Duration::from_millis(500));
        assert!(p.delay(1, false, Some(Duration::from_secs(3))) >= Duration::from_secs(3));
    }

    #[test]
    fn huge_delays_do_not_overflow() {
        let p = RetryPolicy {
            base_delay: Duration::MAX,
            throttle_delay: Duration::MAX,
            max_delay: Duration::MAX,
            ..RetryPolicy::default()
        };
        for retry in [1, 2, 30, u32::MAX] {
            assert!(p.delay(retry, retry % 2 == 0, Some(Duration::MAX)) > Duration::ZERO);
        }
    }
}
