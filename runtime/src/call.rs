//! The call loop: sends a described [`Request`], attempt after attempt, as the retry policy
//! says, and decodes the answer.

use std::future::Future;
use std::task::Poll;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{
    HeaderMap, HeaderName, HeaderValue, ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, HOST,
    TRANSFER_ENCODING, USER_AGENT,
};
use serde::de::DeserializeOwned;
use tokio::time::Instant;

use super::answer;
use super::classify::ErrorClass;
use super::client::BoxFuture;
use super::decode::Expect;
use super::endpoint::Method;
use super::error::{BuildError, Error, ErrorKind, TransportError};
use super::redact::{loggable, Redactor};
use super::request::Request;
use super::response::{Response, ResponseMeta};
use super::retry::Progress;
use super::secret::{header_value, AccessToken};
use super::token_error::TokenError;

/// The header that carries the access token.
const TOKEN_HEADER: HeaderName = HeaderName::from_static("x-acs-dingtalk-access-token");

/// The parts of a request that every attempt sends alike, made once a call.
struct Prepared {
    /// The URL, query included; each attempt sends a copy, and its answer must come from it.
    url: reqwest::Url,
    /// The headers set on the request, checked (usually none).
    headers: Vec<(HeaderName, HeaderValue)>,
    /// The serialized body; each attempt shares it.
    body: Option<Bytes>,
}

/// What one attempt came to: the answer or the failure, the server's `Retry-After`, and
/// whether it sent an access token (the redactor's last one: to invalidate exactly that one if
/// DingTalk rejects it).
struct Attempt<O, E> {
    result: Result<Response<O>, Error<E>>,
    retry_after: Option<Duration>,
    sent_token: bool,
}

impl<O, E> Attempt<O, E> {
    /// An attempt that failed before it had an answer.
    fn failed(e: Error<E>) -> Self {
        Attempt {
            result: Err(e),
            retry_after: None,
            sent_token: false,
        }
    }
}

/// `.await` on a request sends it: the same as [`Request::send`].
impl<O: DeserializeOwned + Send + 'static, E: ErrorKind> std::future::IntoFuture for Request<O, E> {
    type Output = Result<O, Error<E>>;
    type IntoFuture = BoxFuture<'static, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

impl<O: DeserializeOwned, E: ErrorKind> Request<O, E> {
    /// Sends the call (retrying as the policy allows) and decodes the answer.
    pub fn send(self) -> impl Future<Output = Result<O, Error<E>>> {
        self.run(|r| r.output)
    }

    /// Like [`Request::send`], also returning status, request id and headers.
    pub fn send_with_meta(self) -> impl Future<Output = Result<Response<O>, Error<E>>> {
        self.run(std::convert::identity)
    }

    /// The call, its answer passed through `output`. Both `send`s return this future itself
    /// rather than one wrapping it: each level of futures moves the one it holds, and a call's
    /// is large.
    async fn run<T>(self, output: fn(Response<O>) -> T) -> Result<T, Error<E>> {
        // Path, headers and body are made once; each attempt sends them.
        let prepared = match self.prepare() {
            Ok(p) => p,
            Err(message) => return Err(self.redactor.error(Error::Build(BuildError { message }))),
        };
        let span = tracing::info_span!(
            "dingtalk.call",
            service = self.endpoint.service,
            operation = self.endpoint.operation,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            code = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        let answer = if span.is_disabled() {
            // Nobody listens: no span to enter at each poll.
            self.attempts(&prepared, &span).await
        } else {
            // Instrumented, not entered: a guard held across `.await` would leak the span to
            // other tasks polled on this thread.
            let call = self.attempts(&prepared, &span);
            tracing::Instrument::instrument(call, span.clone()).await
        };
        answer.map(output)
    }

    /// What every attempt sends, or why the request cannot be sent.
    fn prepare(&self) -> Result<Prepared, String> {
        if let Some(problem) = &self.problem {
            return Err(problem.clone());
        }
        let body = match self.body.as_ref().map(serde_json::to_vec).transpose() {
            Ok(b) => b.map(Bytes::from),
            Err(e) => return Err(format!("body: {e}")),
        };
        let mut headers = Vec::with_capacity(self.headers.len());
        for (name, value) in &self.headers {
            let (Ok(n), Ok(v)) = (
                HeaderName::try_from(name.as_str()),
                HeaderValue::try_from(value.as_str()),
            ) else {
                return Err(format!("header `{name}` has a value that cannot be sent"));
            };
            if [CONTENT_LENGTH, TRANSFER_ENCODING, HOST].contains(&n) {
                return Err(format!("header `{name}` is set by the SDK itself"));
            }
            headers.push((n, v));
        }
        Ok(Prepared {
            url: self.url()?,
            headers,
            body,
        })
    }

    /// The URL of the call: the client's base URL (or the operation's host), the filled-in
    /// path and the query. The base is parsed once a client: each call copies it and sets its
    /// path, which parses only the path.
    fn url(&self) -> Result<reqwest::Url, String> {
        let mut url = self.base_url()?;
        let prefix = url.path().trim_end_matches('/');
        let mut path = String::with_capacity(prefix.len() + self.endpoint.path.len() + 32);
        path.push_str(prefix);
        self.write_path(&mut path);
        url.set_path(&path);
        if !self.query.is_empty() {
            // As reqwest's `RequestBuilder::query` encodes it (`application/x-www-form-urlencoded`).
            url.query_pairs_mut().extend_pairs(&self.query);
        }
        Ok(url)
    }

    /// The client's base URL, else the operation's host, parsed.
    fn base_url(&self) -> Result<reqwest::Url, String> {
        let inner = &self.client.inner;
        if let Some(base) = &inner.base_url {
            return Ok(base.clone());
        }
        let host = self.endpoint.base_url;
        let parse = |host| {
            reqwest::Url::parse(host)
                .map_err(|e| format!("the request cannot be built: invalid URL {host:?} ({e})"))
        };
        if let Some((first, url)) = inner.default_base.get() {
            return if *first == host {
                Ok(url.clone())
            } else {
                parse(host)
            };
        }
        let url = parse(host)?;
        // The first call's host is kept (another call may have been first meanwhile).
        let _ = inner.default_base.set((host, url.clone()));
        Ok(url)
    }

    /// The headers of one attempt: the SDK's, the request's (which replace the SDK's of the same
    /// name), and the access token's (which replaces a header of that name set on the request).
    fn headers(&self, prepared: &Prepared, token: Option<HeaderValue>) -> HeaderMap {
        let mut headers = HeaderMap::with_capacity(4 + prepared.headers.len());
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(USER_AGENT, self.client.inner.user_agent.clone());
        if prepared.body.is_some() {
            let json = HeaderValue::from_static("application/json; charset=utf-8");
            headers.insert(CONTENT_TYPE, json);
        } else if matches!(
            self.endpoint.method,
            Method::Post | Method::Put | Method::Patch
        ) {
            // As the official SDKs send it; some gateways answer 411 without it.
            headers.insert(CONTENT_LENGTH, HeaderValue::from_static("0"));
        }
        for (name, value) in &prepared.headers {
            headers.insert(name.clone(), value.clone());
        }
        if let Some(token) = token {
            headers.insert(TOKEN_HEADER, token);
        }
        headers
    }

    /// The attempts of one call, until one succeeds, the policy gives up or the call's time
    /// limit passes.
    async fn attempts(
        &self,
        prepared: &Prepared,
        span: &tracing::Span,
    ) -> Result<Response<O>, Error<E>> {
        let inner = &self.client.inner;
        let limit = self.timeout.or(inner.operation_timeout);
        // A limit too long to be an instant is no limit.
        let deadline = limit.and_then(|d| Instant::now().checked_add(d));
        let max_attempts = self.max_attempts.unwrap_or(inner.retry.max_attempts).max(1);
        let (mut waited, mut reauthenticated) = (Duration::ZERO, false);
        // The request's secrets, and every token an attempt sends.
        let mut redactor = self.redactor.clone();
        let mut attempt: u32 = 0;
        loop {
            attempt = attempt.saturating_add(1);
            span.record("attempt", attempt);
            let Some(outcome) = self
                .attempt(attempt, prepared, deadline, &mut redactor)
                .await
            else {
                return Err(Error::Timeout(call_timed_out(limit, attempt)));
            };
            let err = match outcome.result {
                Ok(r) => {
                    record_answer(span, &r.meta);
                    return Ok(r);
                }
                // The one place errors of a call pass: no secret goes further.
                Err(e) => redactor.error(e),
            };
            record_error(span, &err);
            if !reauthenticated && err.class() == ErrorClass::Auth {
                if let Some(token) = redactor.last_token().filter(|_| outcome.sent_token) {
                    reauthenticated = true;
                    if self.refresh(token) {
                        continue;
                    }
                }
            }
            let progress = Progress {
                attempt,
                max_attempts,
                waited,
                time_left: deadline.map(|d| d.saturating_duration_since(Instant::now())),
                idempotent: self.endpoint.idempotent,
            };
            let anonymous = !self.endpoint.auth;
            let Some(delay) = inner
                .retry
                .next_delay(err.class(), outcome.retry_after, progress)
            else {
                tracing::debug!(
                    attempts = attempt,
                    "giving up: {}",
                    loggable(&err, anonymous)
                );
                return Err(err);
            };
            tracing::debug!(?delay, "retrying after: {}", loggable(&err, anonymous));
            waited = waited.saturating_add(delay);
            tokio::time::sleep(delay).await;
        }
    }

    /// DingTalk rejected `token`: whether the provider can give another one, for one more
    /// attempt whatever the retry policy (asked once per call). Exactly that token is
    /// forgotten: a newer one that another call fetched meanwhile stays cached.
    fn refresh(&self, token: &AccessToken) -> bool {
        let refreshed = self.client.inner.tokens.invalidate(token);
        if refreshed {
            tracing::debug!("access token rejected; refreshing once");
        }
        refreshed
    }

    /// One attempt, or `None` when the call's `deadline` passed during it; the token it sends
    /// joins `redactor` before its answer is decoded.
    async fn attempt(
        &self,
        attempt: u32,
        prepared: &Prepared,
        deadline: Option<Instant>,
        redactor: &mut Redactor,
    ) -> Option<Attempt<O, E>> {
        let value = match until(deadline, self.ready_to_send()).await? {
            Ok(Some((token, value))) => {
                redactor.add_token(token);
                Some(value)
            }
            Ok(None) => None,
            Err(e) => return Some(Attempt::failed(e)),
        };
        let sent_token = value.is_some();
        let request = self.http_request(prepared, self.headers(prepared, value));
        // One timer for both limits: the attempt's, and the call's when it comes first.
        let attempt_deadline =
            (self.client.inner.attempt_timeout).and_then(|d| Instant::now().checked_add(d));
        let at = match (attempt_deadline, deadline) {
            (Some(a), Some(c)) => Some(a.min(c)),
            (a, c) => a.or(c),
        };
        let answer = self.client.inner.http.execute(request);
        let (url, expect) = (&prepared.url, self.expect());
        // The exchange's future is made where it is awaited, not bound to a name first: a moved
        // binding would keep its room in this future beside the timer's copy.
        let (received, retry_after) = match at {
            None => answer::exchange(answer, url, expect, redactor, attempt).await,
            Some(at) => match tokio::time::timeout_at(
                at,
                answer::exchange(answer, url, expect, redactor, attempt),
            )
            .await
            {
                Ok(answer) => answer,
                Err(_) if Some(at) == deadline => return None,
                Err(elapsed) => (
                    Err(Error::Timeout(attempt_timed_out(attempt, elapsed))),
                    None,
                ),
            },
        };
        // Decoded here, not in the timed future: a decoded answer is large, and each level of
        // futures it passed on its way up would move it.
        let result = received.and_then(|r| answer::decode(r, expect, redactor));
        Some(Attempt {
            result,
            retry_after,
            sent_token,
        })
    }

    /// Waits for the rate limiter, then gets the access token (authenticated operations) and
    /// its header value.
    async fn ready_to_send(&self) -> Result<Option<(AccessToken, HeaderValue)>, Error<E>> {
        if let Some(limiter) = &self.client.inner.limiter {
            limiter
                .wait(self.endpoint.service, self.endpoint.operation)
                .await;
        }
        if !self.endpoint.auth {
            return Ok(None);
        }
        self.token().await.map(Some).map_err(Error::Token)
    }

    /// The provider's token and its header value (marked sensitive, so no debug output of the
    /// HTTP stack shows it); a token that cannot be a header value is the provider's failure.
    async fn token(&self) -> Result<(AccessToken, HeaderValue), TokenError> {
        let tokens = &self.client.inner.tokens;
        let token = match tokens.ready_token() {
            Some(token) => token,
            None => tokens.token(&self.client).await?,
        };
        match header_value(&token) {
            Some(value) => Ok((token, value)),
            None => Err(TokenError::other(
                "the token provider gave an access token that cannot be sent in a header (empty, or with characters other than visible ASCII)",
            )),
        }
    }

    /// The HTTP request of one attempt, with `headers` (the token included).
    fn http_request(&self, prepared: &Prepared, headers: HeaderMap) -> reqwest::Request {
        let mut request = reqwest::Request::new(self.endpoint.method.http(), prepared.url.clone());
        *request.headers_mut() = headers;
        *request.body_mut() = prepared.body.clone().map(reqwest::Body::from);
        request
    }

    /// What this operation's answer must be.
    fn expect(&self) -> Expect {
        Expect {
            has_body: self.endpoint.response_body,
            object: self.endpoint.object_answer,
            sensitive: !self.endpoint.auth,
            limit: self.client.inner.max_response_bytes,
        }
    }
}

/// Runs `fut` until `deadline` (`None` when it passed first). A future ready at once, such as a
/// cached token, costs no timer.
async fn until<F: Future>(deadline: Option<Instant>, fut: F) -> Option<F::Output> {
    let mut fut = std::pin::pin!(fut);
    let Some(deadline) = deadline else {
        return Some(fut.await);
    };
    let first = std::future::poll_fn(|cx| Poll::Ready(fut.as_mut().poll(cx))).await;
    match first {
        Poll::Ready(output) => Some(output),
        Poll::Pending => tokio::time::timeout_at(deadline, fut).await.ok(),
    }
}

/// The failure of a call that took longer than its `limit`, after `attempts` attempts.
fn call_timed_out(limit: Option<Duration>, attempts: u32) -> TransportError {
    TransportError {
        message: format!("the call took longer than {:?}", limit.unwrap_or_default()),
        attempts,
        class: ErrorClass::Transient,
        source: None,
    }
}

/// The failure of an attempt that had no complete answer within the attempt timeout.
fn attempt_timed_out(attempts: u32, elapsed: tokio::time::error::Elapsed) -> TransportError {
    TransportError {
        message: "no answer in time".to_owned(),
        attempts,
        // The request may have reached the server.
        class: ErrorClass::Transient,
        source: Some(Box::new(elapsed)),
    }
}

/// Records a successful answer's status and request id on the call's span.
fn record_answer(span: &tracing::Span, meta: &ResponseMeta) {
    span.record("status", meta.status);
    if let Some(id) = &meta.request_id {
        span.record("request_id", id.as_str());
    }
}

/// Records a failed attempt's status, code and request id on the call's span.
fn record_error<E>(span: &tracing::Span, err: &Error<E>) {
    if let Some(s) = err.status() {
        span.record("status", s);
    }
    if let Some(c) = err.code() {
        span.record("code", c);
    }
    if let Some(id) = err.request_id() {
        span.record("request_id", id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AccessToken, Client, Endpoint};

    #[derive(Debug, Clone)]
    struct NoCodes;

    impl ErrorKind for NoCodes {
        fn from_code(_: &str) -> Self {
            NoCodes
        }
    }

    const fn endpoint(base_url: &'static str) -> Endpoint {
        Endpoint {
            service: "demo_1.0",
            operation: "Demo",
            method: Method::Get,
            path: "/v1.0/demo/{id}/items/{item}",
            base_url,
            idempotent: true,
            auth: true,
            response_body: true,
            object_answer: true,
        }
    }

    static DINGTALK: Endpoint = endpoint("https://api.dingtalk.io");
    static OTHER: Endpoint = endpoint("http://other.example:8080");

    /// The URL of `endpoint` called through `client`, and the one parsing the base and the
    /// path together gives (as the SDK built it before the base was parsed once a client).
    fn urls(client: &Client, endpoint: &'static Endpoint) -> (reqwest::Url, reqwest::Url) {
        let r: Request<(), NoCodes> = Request::new(client, endpoint)
            .path_param("id", "a b/ç?#%")
            .path_param("item", &7)
            .query("q", "x y&z=ü")
            .query("ids", &["1", "2"]);
        let base = client.inner.base_url.as_ref().map(|u| u.as_str());
        let base = base.unwrap_or(endpoint.base_url).trim_end_matches('/');
        let mut want = reqwest::Url::parse(&format!("{base}{}", r.path())).unwrap();
        want.query_pairs_mut().extend_pairs(r.query_pairs());
        (r.url().unwrap(), want)
    }

    #[test]
    fn the_url_is_the_base_and_the_path_as_if_parsed_together() {
        let bases = [
            "http://127.0.0.1:9",
            "http://[::1]:8080/prefix",
            "https://h.example/a/b/",
            "http://h.example/pre%2Ffix",
            "https://知识.example",
        ];
        for base in bases {
            let client = Client::builder(AccessToken::new("t"))
                .base_url(base)
                .build()
                .unwrap();
            let (url, want) = urls(&client, &DINGTALK);
            assert_eq!(url.as_str(), want.as_str(), "base {base}");
        }
        // Without a base URL: each operation's own host, the first one parsed once.
        let client = Client::new(AccessToken::new("t"));
        for endpoint in [&DINGTALK, &OTHER, &DINGTALK, &OTHER] {
            let (url, want) = urls(&client, endpoint);
            assert_eq!(url.as_str(), want.as_str());
            assert!(url.as_str().starts_with(endpoint.base_url), "{url}");
        }
    }
}
