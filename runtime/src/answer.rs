//! Reading one HTTP answer: a redirect is refused unread, the body is read up to a limit, then
//! decoded (see [`decode`](super::decode)) into the output or the error it is.

use std::future::Future;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use super::classify::{self, ErrorClass};
use super::decode::{decode_body, BodyError, Expect};
use super::error::{Error, ErrorKind, InvalidResponse, RedirectError};
use super::redact::Redactor;
use super::response::{header_request_id, Response, ResponseMeta};

/// An answer's status line and headers.
pub(crate) struct Head {
    status: u16,
    headers: HeaderMap,
    request_id: Option<String>,
    /// The attempt that got it.
    attempts: u32,
}

impl Head {
    /// The answer is not what the operation returns: why, its class, and the start of its body
    /// (quoted without `redactor`'s secrets, and not at all when `expect.sensitive`).
    fn invalid<E>(
        &self,
        reason: String,
        class: ErrorClass,
        body: &[u8],
        expect: Expect,
        redactor: &Redactor,
    ) -> Error<E> {
        Error::InvalidResponse(InvalidResponse {
            status: self.status,
            reason,
            snippet: match expect.sensitive {
                true => String::new(),
                false => snippet(body, redactor),
            },
            request_id: self.request_id.clone(),
            attempts: self.attempts,
            class,
        })
    }

    /// The body is larger than `expect.limit`; `start` is what was read of it.
    fn too_large<E>(&self, start: &[u8], expect: Expect, redactor: &Redactor) -> Error<E> {
        let reason = format!("the body is larger than the {}-byte limit", expect.limit);
        let class = classify::answer(self.status, None);
        self.invalid(reason, class, start, expect, redactor)
    }
}

/// An answer read whole, not decoded yet.
pub(crate) struct Received {
    head: Head,
    body: Bytes,
}

/// Reads the body (up to `expect.limit` bytes) and decodes it.
#[cfg(test)]
pub(crate) async fn read<O: DeserializeOwned, E: ErrorKind>(
    response: reqwest::Response,
    sent: &reqwest::Url,
    expect: Expect,
    redactor: &Redactor,
    attempts: u32,
) -> Result<Response<O>, Error<E>> {
    let answer = std::future::ready(Ok(response));
    let (received, _) = exchange(answer, sent, expect, redactor, attempts).await;
    decode(received?, expect, redactor)
}

/// Awaits the `answer` to a request sent to `sent` (the HTTP client's future) and reads its
/// body (up to `expect.limit` bytes); with the server's `Retry-After`. A redirect, or an answer
/// from another URL than `sent` (a caller's HTTP client followed a redirect), is refused unread.
/// Snippets are cut from the body without `redactor`'s secrets.
///
/// One future, not one awaiting another: each level of futures moves the one it holds.
pub(crate) async fn exchange<E>(
    answer: impl Future<Output = reqwest::Result<reqwest::Response>>,
    sent: &reqwest::Url,
    expect: Expect,
    redactor: &Redactor,
    attempts: u32,
) -> (Result<Received, Error<E>>, Option<Duration>) {
    let mut response = match answer.await {
        Ok(r) => r,
        Err(e) => return (Err(Error::transport(e, attempts)), None),
    };
    let status = response.status().as_u16();
    let headers = std::mem::take(response.headers_mut());
    let retry_after = retry_after(&headers);
    let request_id = header_request_id(&headers);
    if let Some(e) = redirect(status, &headers, response.url(), sent) {
        let e = RedirectError {
            request_id,
            attempts,
            ..e
        };
        return (Err(Error::Redirect(e)), retry_after);
    }
    let head = Head {
        status,
        headers,
        request_id,
        attempts,
    };
    let limit = expect.limit;
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return (Err(head.too_large(b"", expect, redactor)), retry_after);
    }
    let received = match read_body(&mut response, limit).await {
        Ok(body) => Ok(Received { head, body }),
        Err(Unread::TooLarge(start)) => Err(head.too_large(&start, expect, redactor)),
        Err(Unread::Broken(e)) => Err(Error::transport(e, attempts)),
    };
    (received, retry_after)
}

/// Decodes an answer read whole into the output or the error it is.
pub(crate) fn decode<O: DeserializeOwned, E: ErrorKind>(
    received: Received,
    expect: Expect,
    redactor: &Redactor,
) -> Result<Response<O>, Error<E>> {
    let Received { head, body } = received;
    let (status, attempts) = (head.status, head.attempts);
    match decode_body(status, &head.headers, &body, expect, attempts) {
        Ok(output) => Ok(Response {
            output,
            meta: ResponseMeta {
                status,
                request_id: head.request_id,
                headers: head.headers,
                attempts,
            },
        }),
        Err(BodyError::Api(e)) => Err(Error::Api(*e)),
        Err(BodyError::Invalid(reason)) => {
            let class = classify::answer(status, None);
            Err(head.invalid(reason, class, &body, expect, redactor))
        }
        Err(BodyError::Ban(reason)) => {
            Err(head.invalid(reason, ErrorClass::Ban, &body, expect, redactor))
        }
    }
}

/// Why a body was not read whole.
enum Unread {
    /// It is larger than the limit; what was read before it went over (empty when the first
    /// chunk did).
    TooLarge(Vec<u8>),
    /// The connection broke.
    Broken(reqwest::Error),
}

/// The whole body, if it is at most `limit` bytes. Most answers arrive in one chunk: that one is
/// returned as it is, and chunks are copied together only when there are more.
async fn read_body(response: &mut reqwest::Response, limit: usize) -> Result<Bytes, Unread> {
    let mut first: Option<Bytes> = None;
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) if first.is_none() && body.is_empty() => {
                if chunk.len() > limit {
                    return Err(Unread::TooLarge(Vec::new()));
                }
                first = Some(chunk);
            }
            Ok(Some(chunk)) => {
                if let Some(f) = first.take() {
                    body.extend_from_slice(&f);
                }
                if body.len() + chunk.len() > limit {
                    return Err(Unread::TooLarge(body));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(first.unwrap_or_else(|| Bytes::from(body))),
            Err(e) => return Err(Unread::Broken(e)),
        }
    }
}

/// The redirect this answer is, if it is one: a 3xx (never followed by the SDK's own client),
/// or an answer from another URL than `sent` (followed by a caller's client). Only the target's
/// origin is kept: its path and query may carry anything.
fn redirect(
    status: u16,
    headers: &HeaderMap,
    answered: &reqwest::Url,
    sent: &reqwest::Url,
) -> Option<RedirectError> {
    let followed = answered != sent;
    if !followed && !(300..400).contains(&status) {
        return None;
    }
    let target = if followed {
        Some(answered.clone())
    } else {
        headers
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|l| sent.join(l).ok())
    };
    let origin = |u: &reqwest::Url| {
        let host = u.host_str().filter(|h| !h.is_empty())?;
        Some(format!(
            "{}://{host}:{}",
            u.scheme(),
            u.port_or_known_default()?
        ))
    };
    Some(RedirectError {
        status,
        location: target.as_ref().and_then(origin),
        followed,
        request_id: None,
        attempts: 0,
    })
}

/// `Retry-After` in seconds (DingTalk and proxies send seconds, not dates).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    let secs: f64 = v.trim().parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(3600.0)))
}

/// The start of a body for an error message: at most 256 characters, control characters
/// replaced, and the secrets in flight (should a server echo them) removed before the cut.
fn snippet(body: &[u8], redactor: &Redactor) -> String {
    let text = redactor.cleaned(&String::from_utf8_lossy(&body[..body.len().min(4096)]));
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(256)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_are_short_and_never_show_the_token() {
        let mut redactor = Redactor::default();
        redactor.add_token(crate::AccessToken::new("tok-123"));
        let s = snippet(
            format!("echo tok-123 {}", "x".repeat(5000)).as_bytes(),
            &redactor,
        );
        assert!(!s.contains("tok-123"));
        assert!(s.chars().count() <= 256);
    }

    #[test]
    fn retry_after_is_seconds_capped_at_an_hour() {
        let after = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(reqwest::header::RETRY_AFTER, v.parse().unwrap());
            retry_after(&h)
        };
        assert_eq!(after("2"), Some(Duration::from_secs(2)));
        assert_eq!(after(" 0.5 "), Some(Duration::from_millis(500)));
        assert_eq!(after("99999"), Some(Duration::from_secs(3600)));
        assert_eq!(after("-1"), None);
        assert_eq!(after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }
}
