//! One classification of every failure, decided once from what is known of it (the HTTP status,
//! DingTalk's error code, the transport) and stored in the error. The call loop and
//! `Error::is_retryable` both read it, so they cannot disagree.

/// What kind of failure a call ended in; it decides whether, and how soon, a call is retried.
///
/// | class | from | retried |
/// |---|---|---|
/// | `Throttling` | a throttling code (`Forbidden.AccessDenied.Qps…`, `…Qpm…`, `request.overlimit`, `Throttling`) or HTTP 429 | for every operation, from the policy's throttle delay |
/// | `Unreachable` | no connection (refused, or not made in time): nothing was sent | for every operation |
/// | `Transient` | HTTP 5xx, or a timeout or broken connection after sending | for idempotent operations |
/// | `Client` | HTTP 4xx, or DingTalk's error in a 2xx answer | never |
/// | `Quota` | `Forbidden.AccessDenied.ApiCountLimitForOrg` | never |
/// | `Ban` | DingTalk's IP ban (`{"punish":…}`, or an HTML 403) | never |
/// | `Auth` | HTTP 401 or an invalid-token code; no token obtained | never (a rejected token is refreshed once) |
/// | `Redirect` | HTTP 3xx, or an answer from another URL | never |
/// | `InvalidAnswer` | a 2xx that is not the documented JSON | never |
/// | `Configuration` | a request that cannot be built | never |
///
/// DingTalk's codes decide before the status: its throttling answers come with 403 or 400.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorClass {
    /// DingTalk asked the caller to slow down; the call was not carried out.
    Throttling,
    /// The server could not be reached; nothing was sent.
    Unreachable,
    /// The server failed, or the connection broke or timed out after the request was sent: the
    /// call may have been carried out.
    Transient,
    /// DingTalk refused the request as it is; the same request gets the same answer.
    Client,
    /// The organisation's API quota is used up until the next period.
    Quota,
    /// DingTalk bans the caller's IP, for minutes.
    Ban,
    /// The access token was rejected, or could not be obtained.
    Auth,
    /// A redirect, which the SDK never follows.
    Redirect,
    /// An answer that is not what the API documents, with a status that says nothing went
    /// wrong (a 2xx with a broken body).
    InvalidAnswer,
    /// The request cannot be sent as described.
    Configuration,
}

impl ErrorClass {
    /// Whether another attempt of the call may succeed (for an idempotent operation; see
    /// [`Self::is_safe_to_repeat`] for the others).
    pub fn is_retryable(self) -> bool {
        matches!(
            self,
            ErrorClass::Throttling | ErrorClass::Unreachable | ErrorClass::Transient
        )
    }

    /// Whether the failed attempt certainly had no effect, so that repeating it is safe even for
    /// an operation that is not idempotent (the server refused it, or never got it).
    pub fn is_safe_to_repeat(self) -> bool {
        matches!(self, ErrorClass::Throttling | ErrorClass::Unreachable)
    }
}

/// DingTalk's codes whose meaning does not depend on the status they come with.
pub(crate) const CODES: [(&str, ErrorClass); 9] = [
    (
        "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi",
        ErrorClass::Throttling,
    ),
    (
        "Forbidden.AccessDenied.QpmLimitForAppkeyAndApi",
        ErrorClass::Throttling,
    ),
    (
        "Forbidden.AccessDenied.QpsLimitForApi",
        ErrorClass::Throttling,
    ),
    ("request.overlimit", ErrorClass::Throttling),
    ("Throttling", ErrorClass::Throttling),
    (
        "Forbidden.AccessDenied.ApiCountLimitForOrg",
        ErrorClass::Quota,
    ),
    ("InvalidAuthentication", ErrorClass::Auth),
    ("Unauthorized", ErrorClass::Auth),
    ("InvalidAccessToken", ErrorClass::Auth),
];

/// The class of an answer with HTTP status `status` and, when it is DingTalk's error, `code`.
pub(crate) fn answer(status: u16, code: Option<&str>) -> ErrorClass {
    let known = code.and_then(|code| CODES.iter().find(|(c, _)| *c == code));
    if let Some((_, class)) = known {
        return *class;
    }
    match status {
        429 => ErrorClass::Throttling,
        401 => ErrorClass::Auth,
        500.. => ErrorClass::Transient,
        400..=499 => ErrorClass::Client,
        300..=399 => ErrorClass::Redirect,
        // DingTalk's error in a 2xx answer: a refusal like any other.
        _ if code.is_some() => ErrorClass::Client,
        _ => ErrorClass::InvalidAnswer,
    }
}

/// The class of a failure below HTTP; `sent`: the request may have reached the server.
pub(crate) fn transport(sent: bool) -> ErrorClass {
    if sent {
        ErrorClass::Transient
    } else {
        ErrorClass::Unreachable
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_decide_before_statuses() {
        for (code, class) in CODES {
            for status in [200, 400, 401, 403, 429, 500, 503] {
                assert_eq!(answer(status, Some(code)), class, "{code} with {status}");
            }
        }
    }

    #[test]
    fn statuses_decide_for_other_codes_and_for_answers_without_one() {
        let cases = [
            (429, Some("paramError"), ErrorClass::Throttling),
            (429, None, ErrorClass::Throttling),
            (401, Some("paramError"), ErrorClass::Auth),
            (401, None, ErrorClass::Auth),
            (500, Some("systemError"), ErrorClass::Transient),
            (503, None, ErrorClass::Transient),
            (999, None, ErrorClass::Transient),
            (400, Some("paramError"), ErrorClass::Client),
            (403, Some("permissionDenied"), ErrorClass::Client),
            (404, None, ErrorClass::Client),
            (302, None, ErrorClass::Redirect),
            (200, Some("workspaceNotExist"), ErrorClass::Client),
            (200, None, ErrorClass::InvalidAnswer),
            (204, None, ErrorClass::InvalidAnswer),
        ];
        for (status, code, class) in cases {
            assert_eq!(answer(status, code), class, "{status} {code:?}");
        }
    }

    #[test]
    fn transport_failures_are_unreachable_until_sent() {
        assert_eq!(transport(false), ErrorClass::Unreachable);
        assert_eq!(transport(true), ErrorClass::Transient);
    }

    #[test]
    fn only_refused_or_unsent_attempts_are_safe_to_repeat() {
        use ErrorClass::*;
        let all = [
            Throttling,
            Unreachable,
            Transient,
            Client,
            Quota,
            Ban,
            Auth,
            Redirect,
            InvalidAnswer,
            Configuration,
        ];
        let retryable: Vec<_> = all.into_iter().filter(|c| c.is_retryable()).collect();
        assert_eq!(retryable, [Throttling, Unreachable, Transient]);
        let safe: Vec<_> = all.into_iter().filter(|c| c.is_safe_to_repeat()).collect();
        assert_eq!(safe, [Throttling, Unreachable]);
    }
}
