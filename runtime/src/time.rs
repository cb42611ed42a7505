//! Adding durations to instants without overflow: a user's `Duration::MAX` (a timeout, a clock
//! advanced in a test) or a server's `expireIn` of `i64::MAX` must never panic.

use std::time::{Duration, Instant};

/// About 30 years: the longest span added to an instant (tokio's own bound; much longer spans
/// overflow `Instant` on some platforms). Anything longer means "never" in practice.
pub(crate) const FOREVER: Duration = Duration::from_secs(86_400 * 365 * 30);

/// `at + d`, or as far as `Instant` safely goes when that overflows.
pub(crate) fn saturating_add(at: Instant, d: Duration) -> Instant {
    at.checked_add(d)
        .or_else(|| at.checked_add(FOREVER))
        .unwrap_or(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_durations_saturate() {
        let now = Instant::now();
        assert!(saturating_add(now, Duration::MAX) >= now + FOREVER);
        assert_eq!(
            saturating_add(now, Duration::from_secs(1)),
            now + Duration::from_secs(1)
        );
    }
}
