//! Time sources for token caches: the real clock, and one tests move by hand.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::time::saturating_add;

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
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
