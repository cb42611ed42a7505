//! When and how long to wait before trying a failed call again.

use std::time::Duration;

use super::classify::ErrorClass;

/// How failed calls are retried.
///
/// Only failures that may pass are retried ([`ErrorClass::is_retryable`]: throttling, server
/// errors, timeouts, connection failures), and for operations that are not idempotent only
/// those that certainly had no effect ([`ErrorClass::is_safe_to_repeat`]: throttling, and
/// connection failures before the request was sent). Client errors such as `paramError` never
/// are.
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
    /// The random part of each delay (default [`Jitter::Random`]; [`Jitter::Off`] in tests that
    /// need exact delays).
    pub jitter: Jitter,
}

/// The random part of retry delays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Jitter {
    /// Each delay is a random fraction, between half and all, of the backoff: clients that
    /// failed together do not all come back at once.
    #[default]
    Random,
    /// Each delay is the whole backoff: deterministic, for tests.
    Off,
}

impl Jitter {
    /// The fraction of the backoff to wait, in [½, 1].
    fn fraction(self) -> f64 {
        match self {
            Jitter::Random => 0.5 + random_unit() / 2.0,
            Jitter::Off => 1.0,
        }
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(200),
            throttle_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(10),
            max_total_delay: Duration::from_secs(20),
            jitter: Jitter::Random,
        }
    }
}

/// Where a call stands after a failed attempt.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Progress {
    /// The attempt that failed (1-based).
    pub(crate) attempt: u32,
    /// Attempts allowed in all.
    pub(crate) max_attempts: u32,
    /// Time already spent waiting before retries.
    pub(crate) waited: Duration,
    /// Time left before the call's deadline, if it has one.
    pub(crate) time_left: Option<Duration>,
    /// Whether the operation may be repeated after it reached the server.
    pub(crate) idempotent: bool,
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// How long to wait before the next attempt, or `None` to give up: `class` is the failure's,
    /// `retry_after` what the server asked for. A retry whose delay would end past the deadline
    /// or the total delay is not started: the caller gets the last answer rather than a timeout
    /// that hides it.
    pub(crate) fn next_delay(
        &self,
        class: ErrorClass,
        retry_after: Option<Duration>,
        progress: Progress,
    ) -> Option<Duration> {
        let repeatable = class.is_retryable() && (progress.idempotent || class.is_safe_to_repeat());
        if !repeatable || progress.attempt >= progress.max_attempts {
            return None;
        }
        let delay = self.delay(progress.attempt, class, retry_after);
        let over_budget = progress.waited.saturating_add(delay) > self.max_total_delay;
        let too_late = progress.time_left.is_some_and(|left| delay >= left);
        (!over_budget && !too_late).then_some(delay)
    }

    /// The delay before retry number `retry` (1-based): exponential from the throttle delay
    /// for throttling, else from the base delay, with jitter, and at least `retry_after` when
    /// the server asked for it.
    pub(crate) fn delay(
        &self,
        retry: u32,
        class: ErrorClass,
        retry_after: Option<Duration>,
    ) -> Duration {
        self.delay_with(retry, class, retry_after, self.jitter.fraction())
    }

    /// [`Self::delay`] with the jitter's `fraction` of the backoff, in [½, 1].
    fn delay_with(
        &self,
        retry: u32,
        class: ErrorClass,
        retry_after: Option<Duration>,
        fraction: f64,
    ) -> Duration {
        let base = match class {
            ErrorClass::Throttling => self.throttle_delay,
            _ => self.base_delay,
        };
        let exp = base.saturating_mul(1u32 << retry.saturating_sub(1).min(16));
        let capped = exp.min(self.max_delay);
        // `mul_f64` panics when the product does not fit (a `max_delay` near `Duration::MAX`).
        let jittered =
            Duration::try_from_secs_f64(capped.as_secs_f64() * fraction).unwrap_or(capped);
        match retry_after {
            Some(ra) => jittered.max(ra.min(self.max_delay)),
            None => jittered,
        }
    }
}

/// A number in [0, 1) that differs between calls, without a random-number dependency.
fn random_unit() -> f64 {
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

#[cfg(test)]
mod tests {
    use super::*;

    const SERVER: ErrorClass = ErrorClass::Transient;
    const THROTTLED: ErrorClass = ErrorClass::Throttling;

    #[test]
    fn delays_grow_and_respect_bounds() {
        let p = RetryPolicy::default();
        for retry in 1..10 {
            let d = p.delay(retry, SERVER, None);
            assert!(d <= p.max_delay, "{d:?}");
            assert!(d >= p.base_delay / 2);
        }
        assert!(p.delay(1, THROTTLED, None) >= Duration::from_millis(500));
        assert!(p.delay(1, SERVER, Some(Duration::from_secs(3))) >= Duration::from_secs(3));
    }

    #[test]
    fn without_jitter_delays_are_exact() {
        let p = RetryPolicy {
            jitter: Jitter::Off,
            ..RetryPolicy::default()
        };
        let delays: Vec<_> = (1..=4).map(|r| p.delay(r, SERVER, None)).collect();
        assert_eq!(delays, [200, 400, 800, 1600].map(Duration::from_millis));
        let throttled: Vec<_> = (1..=5).map(|r| p.delay(r, THROTTLED, None)).collect();
        assert_eq!(throttled, [1, 2, 4, 8, 10].map(Duration::from_secs));
        // The jitter's fraction: half the backoff at least, all of it at most.
        assert_eq!(
            p.delay_with(2, SERVER, None, 0.5),
            Duration::from_millis(200)
        );
        let asked = Some(Duration::from_secs(3));
        assert_eq!(p.delay(1, SERVER, asked), Duration::from_secs(3));
    }

    #[test]
    fn the_next_delay_respects_attempts_budget_and_deadline() {
        let p = RetryPolicy {
            jitter: Jitter::Off,
            ..RetryPolicy::default()
        };
        let start = Progress {
            attempt: 1,
            max_attempts: 3,
            waited: Duration::ZERO,
            time_left: None,
            idempotent: true,
        };
        let next = |class, progress| p.next_delay(class, None, progress);
        assert_eq!(next(SERVER, start), Some(Duration::from_millis(200)));
        let last = Progress {
            attempt: 3,
            ..start
        };
        assert_eq!(next(SERVER, last), None, "no attempts left");
        let spent = Progress {
            waited: Duration::from_secs(20),
            ..start
        };
        assert_eq!(next(SERVER, spent), None, "the total delay is spent");
        let short = Progress {
            time_left: Some(Duration::from_millis(200)),
            ..start
        };
        assert_eq!(next(SERVER, short), None, "it would end at the deadline");
        let once = Progress {
            idempotent: false,
            ..start
        };
        assert_eq!(next(SERVER, once), None, "it may have been carried out");
        assert_eq!(next(THROTTLED, once), Some(Duration::from_secs(1)));
        let unsent = ErrorClass::Unreachable;
        assert_eq!(next(unsent, once), Some(Duration::from_millis(200)));
        assert_eq!(next(ErrorClass::Client, start), None);
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
            let class = if retry % 2 == 0 { THROTTLED } else { SERVER };
            assert!(p.delay(retry, class, Some(Duration::MAX)) > Duration::ZERO);
        }
    }

    /// Every kind of failure the runtime makes: answers decoded by the real reader (any status,
    /// DingTalk's codes and others, bans, HTML, broken bodies), transport failures, requests
    /// that cannot be built, redirects and token failures.
    mod agreement {
        use super::*;
        use crate::decode::Expect;
        use crate::error::{BuildError, Error, RedirectError, TransportError};
        use crate::{ErrorKind, TokenError, TokenErrorKind};
        use proptest::prelude::*;

        #[derive(Debug, Clone)]
        struct AnyCode;

        impl ErrorKind for AnyCode {
            fn from_code(_: &str) -> Self {
                AnyCode
            }
        }

        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Out {
            success: Option<bool>,
        }

        /// What the answer reader makes of `status` and `body` (an error, or `None`).
        fn read(status: u16, body: String) -> Option<Error<AnyCode>> {
            let response = http::Response::builder().status(status).body(body).ok()?;
            let response = reqwest::Response::from(response);
            let sent = response.url().clone();
            let expect = Expect {
                has_body: true,
                object: true,
                sensitive: false,
                limit: 1 << 20,
            };
            let redactor = crate::redact::Redactor::default();
            let read = crate::answer::read::<Out, AnyCode>(response, &sent, expect, &redactor, 1);
            let runtime = tokio::runtime::Builder::new_current_thread().build().ok()?;
            runtime.block_on(read).err()
        }

        fn bodies() -> impl Strategy<Value = String> {
            let codes: Vec<&str> = crate::classify::CODES.iter().map(|(c, _)| *c).collect();
            let code = prop_oneof![
                proptest::sample::select(codes).prop_map(str::to_owned),
                Just("paramError".to_owned()),
                Just("systemError".to_owned()),
                "[a-zA-Z.]{1,24}",
            ];
            prop_oneof![
                code.prop_map(|c| format!(r#"{{"code":"{c}","message":"m","requestid":"r"}}"#)),
                Just(r#"{"punish":"deny"}"#.to_owned()),
                Just("<html>denied</html>".to_owned()),
                Just(String::new()),
                Just("not json".to_owned()),
                Just(r#"{"success":true}"#.to_owned()),
            ]
        }

        fn answers() -> impl Strategy<Value = Error<AnyCode>> {
            (100u16..1000, bodies()).prop_filter_map("a success", |(s, b)| read(s, b))
        }

        fn others() -> impl Strategy<Value = Error<AnyCode>> {
            let transport = (any::<bool>(), any::<bool>()).prop_map(|(sent, timeout)| {
                let t = TransportError {
                    message: "m".into(),
                    attempts: 1,
                    class: crate::classify::transport(sent),
                    source: None,
                };
                if timeout {
                    Error::Timeout(t)
                } else {
                    Error::Connect(t)
                }
            });
            let token = (100u16..1000, "[a-zA-Z.]{1,24}").prop_map(|(status, code)| {
                let kind = TokenErrorKind::Api {
                    status,
                    code,
                    message: "m".into(),
                    request_id: None,
                };
                Error::Token(TokenError::new(kind))
            });
            let redirect = (300u16..400).prop_map(|status| {
                Error::Redirect(RedirectError {
                    status,
                    location: None,
                    followed: false,
                    request_id: None,
                    attempts: 1,
                })
            });
            let build = Just(()).prop_map(|()| {
                Error::Build(BuildError {
                    message: "m".into(),
                })
            });
            prop_oneof![transport, token, redirect, build]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(1000))]
            /// `Error::is_retryable` says what the loop does for an idempotent operation with
            /// attempts, time and delay budget left.
            #[test]
            fn is_retryable_is_what_the_loop_does(err in prop_oneof![answers(), others()]) {
                let policy = RetryPolicy { jitter: Jitter::Off, ..RetryPolicy::default() };
                let fresh = Progress {
                    attempt: 1,
                    max_attempts: 3,
                    waited: Duration::ZERO,
                    time_left: None,
                    idempotent: true,
                };
                let retried = policy.next_delay(err.class(), None, fresh).is_some();
                prop_assert_eq!(err.is_retryable(), retried, "{:?}", err);
            }
        }
    }
}
