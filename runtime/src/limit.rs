//! Opt-in client-side rate limiting, so a busy service stays under DingTalk's limits.
//!
//! DingTalk allows about 20 calls per second per app and API on a standard organisation, and
//! bans the caller's IP for 5 minutes after 10,000 calls in 20 seconds.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

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

/// The limiters of one client: the time of the next slot of the global budget, and of each
/// operation's.
pub(crate) struct Limiter {
    global: Option<(Rate, Mutex<Option<Instant>>)>,
    per_operation: Option<(Rate, Mutex<NextSlots>)>,
}

/// The next free slot of each operation's budget, by `(service, operation)`.
type NextSlots = HashMap<(&'static str, &'static str), Option<Instant>>;

impl Limiter {
    pub(crate) fn new(limit: RateLimit) -> Option<Self> {
        let limiter = Limiter {
            global: limit
                .global_per_second
                .map(|n| (Rate::new(n), Mutex::default())),
            per_operation: limit
                .per_operation_per_second
                .map(|n| (Rate::new(n), Mutex::default())),
        };
        (limiter.global.is_some() || limiter.per_operation.is_some()).then_some(limiter)
    }

    /// Waits until a call of `operation` of `service` is allowed.
    pub(crate) async fn wait(&self, service: &'static str, operation: &'static str) {
        if let Some((rate, next)) = &self.per_operation {
            let at = {
                let mut next = next.lock().unwrap_or_else(|e| e.into_inner());
                rate.reserve(next.entry((service, operation)).or_default())
            };
            tokio::time::sleep_until(at).await;
        }
        if let Some((rate, next)) = &self.global {
            let at = rate.reserve(&mut next.lock().unwrap_or_else(|e| e.into_inner()));
            tokio::time::sleep_until(at).await;
        }
    }
}

/// `n` calls a second with bursts of up to `n`, by the generic cell rate algorithm (GCRA, as the
/// `governor` crate implements it, which this replaces to spare applications its 14 crates):
/// each call reserves the next slot, one every `1/n` s, and waits for it when it lies more than
/// a burst ahead. A call dropped while it waits keeps its slot, so the budget errs on the side
/// of fewer calls.
struct Rate {
    /// Time between two slots at the steady rate: `1/n` s.
    interval: Duration,
    /// How far ahead of now the next slot may be while a call still goes at once: `n - 1` slots.
    burst: Duration,
}

impl Rate {
    fn new(n: NonZeroU32) -> Self {
        let interval = Duration::from_secs(1) / n.get();
        Rate {
            interval,
            burst: interval * (n.get() - 1),
        }
    }

    /// Reserves the next slot of a budget whose next free slot is `next` (`None`: the budget is
    /// full): when the call may go.
    fn reserve(&self, next: &mut Option<Instant>) -> Instant {
        let now = Instant::now();
        let slot = next.map_or(now, |n| n.max(now));
        *next = Some(slot.checked_add(self.interval).unwrap_or(slot));
        slot.checked_sub(self.burst).map_or(now, |at| at.max(now))
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

    /// A burst of `n` goes at once, then one call every `1/n` s; the global budget applies to
    /// every operation together. On tokio's paused clock, so exact.
    #[tokio::test(start_paused = true)]
    async fn a_global_budget_of_4_a_second() {
        let limiter = Limiter::new(RateLimit {
            global_per_second: NonZeroU32::new(4),
            per_operation_per_second: None,
        })
        .unwrap();
        let start = tokio::time::Instant::now();
        let mut at = Vec::new();
        for op in ["A", "B", "C", "D", "E", "F"] {
            limiter.wait("s", op).await;
            at.push(start.elapsed().as_millis());
        }
        assert_eq!(at, [0, 0, 0, 0, 250, 500]);
        // After a quiet second the burst is back.
        tokio::time::sleep(Duration::from_secs(2)).await;
        let again = tokio::time::Instant::now();
        for _ in 0..4 {
            limiter.wait("s", "A").await;
        }
        assert_eq!(again.elapsed(), Duration::ZERO);
    }

    #[test]
    fn no_limits_no_limiter() {
        assert!(Limiter::new(RateLimit::default()).is_none());
    }
}
