//! A request description (built by generated code) and the call loop that sends it.

use std::marker::PhantomData;
use std::time::Duration;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::{
    HeaderMap, HeaderName, HeaderValue, ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, HOST,
    TRANSFER_ENCODING, USER_AGENT,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::auth::{is_sendable, AccessToken, TokenError};
use super::client::Client;
use super::decode::{decode, retry_after, Attempt, Expect};
use super::error::{BuildError, Error, ErrorKind};
use super::redact::{noting, Redactor};

/// The header that carries the access token.
pub(crate) const TOKEN_HEADER: &str = "x-acs-dingtalk-access-token";

/// Everything fixed about an operation, as the spec says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    /// Service version (`wiki_2.0`).
    pub service: &'static str,
    /// Official operation name (`GetWorkspace`).
    pub operation: &'static str,
    /// HTTP method.
    pub method: Method,
    /// Path template (`/v2.0/wiki/workspaces/{workspaceId}`).
    pub path: &'static str,
    /// Default host.
    pub base_url: &'static str,
    /// Whether a retry after the request may have reached the server is safe.
    pub idempotent: bool,
    /// Whether the access-token header is sent.
    pub auth: bool,
    /// Whether a 2xx answer has a JSON body.
    pub response_body: bool,
    /// Whether that body is a JSON object (any other JSON is then an invalid answer).
    pub object_answer: bool,
}

impl Endpoint {
    /// The endpoint of one operation of this service: its name, method and path template.
    pub const fn op(self, operation: &'static str, method: Method, path: &'static str) -> Self {
        Endpoint {
            operation,
            method,
            path,
            ..self
        }
    }

    /// Marks a call that must not be repeated once it may have reached the server.
    pub const fn not_idempotent(self) -> Self {
        Endpoint {
            idempotent: false,
            ..self
        }
    }

    /// Marks a call sent without the access-token header (token endpoints).
    pub const fn anonymous(self) -> Self {
        Endpoint {
            auth: false,
            ..self
        }
    }

    /// Marks a call whose 2xx answer has no body.
    pub const fn no_response_body(self) -> Self {
        Endpoint {
            response_body: false,
            ..self
        }
    }

    /// Marks a call whose answer is JSON other than an object (a boolean, an array, any value).
    pub const fn non_object_response(self) -> Self {
        Endpoint {
            object_answer: false,
            ..self
        }
    }
}

/// HTTP methods the spec allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// PATCH
    Patch,
    /// DELETE
    Delete,
}

impl Method {
    fn http(self) -> reqwest::Method {
        match self {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
        }
    }

    /// Upper-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// A decoded answer with what came with it.
#[derive(Debug, Clone)]
pub struct Response<O> {
    /// The decoded body (`()` for operations without one).
    pub output: O,
    /// Status, request id, headers.
    pub meta: ResponseMeta,
}

/// What came with an answer besides its body.
#[derive(Debug, Clone)]
pub struct ResponseMeta {
    /// HTTP status.
    pub status: u16,
    /// DingTalk's request id (`x-acs-request-id`), when sent.
    pub request_id: Option<String>,
    /// All response headers.
    pub headers: HeaderMap,
    /// Attempts made, the first included.
    pub attempts: u32,
}

/// Characters escaped in a path segment: all but RFC 3986 unreserved ones.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// One call, described: output type `O`, error codes `E`. Built by generated code; send it with
/// [`Request::send`], or set per-call options first.
///
/// Parameters are set, not added: setting one again replaces its earlier value. The
/// [`Secret`](super::Secret) values among them are removed from the call's errors and logs.
#[must_use = "a request does nothing until it is sent"]
pub struct Request<O, E> {
    client: Client,
    endpoint: &'static Endpoint,
    /// `(name, percent-encoded value)` of each path parameter set.
    path_params: Vec<(String, String)>,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Option<serde_json::Value>,
    problem: Option<String>,
    timeout: Option<Duration>,
    max_attempts: Option<u32>,
    /// The secrets among the parameters.
    redactor: Redactor,
    marker: PhantomData<fn() -> (O, E)>,
}

// By hand: a derive would require `O: Clone, E: Clone`, which the marker does not need.
impl<O, E> Clone for Request<O, E> {
    fn clone(&self) -> Self {
        Request {
            client: self.client.clone(),
            endpoint: self.endpoint,
            path_params: self.path_params.clone(),
            query: self.query.clone(),
            headers: self.headers.clone(),
            body: self.body.clone(),
            problem: self.problem.clone(),
            timeout: self.timeout,
            max_attempts: self.max_attempts,
            redactor: self.redactor.clone(),
            marker: PhantomData,
        }
    }
}

impl<O, E> std::fmt::Debug for Request<O, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Request")
            .field("operation", &self.endpoint.operation)
            .field("method", &self.endpoint.method)
            .field("path", &self.path())
            .field("query", &self.query)
            .finish_non_exhaustive()
    }
}

impl<O, E> Request<O, E> {
    /// Starts describing a call of `endpoint` through `client`.
    pub fn new(client: &Client, endpoint: &'static Endpoint) -> Self {
        Request {
            client: client.clone(),
            endpoint,
            path_params: Vec::new(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            problem: None,
            timeout: None,
            max_attempts: None,
            redactor: Redactor::default(),
            marker: PhantomData,
        }
    }

    /// Fills the `{name}` placeholder with `value` (text, a number, a boolean or a string enum),
    /// percent-encoded as one path segment.
    pub fn path_param<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        let value = match self.value(value) {
            Ok(serde_json::Value::String(s)) => s,
            Ok(v @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_))) => v.to_string(),
            Ok(v) => {
                self.fail(format!("path parameter `{name}` must be text, not {v}"));
                return self;
            }
            Err(e) => {
                self.fail(format!("path parameter `{name}`: {e}"));
                return self;
            }
        };
        let value = value.as_str();
        if value.is_empty() || value == "." || value == ".." {
            self.fail(format!("path parameter `{name}` must not be {value:?}"));
            return self;
        }
        let encoded = utf8_percent_encode(value, SEGMENT).to_string();
        self.path_params.retain(|(n, _)| n != name);
        self.path_params.push((name.to_owned(), encoded));
        self
    }

    /// Sets a query parameter; `None` is skipped, booleans are `true`/`false`, arrays become
    /// `name.1=…&name.2=…` and objects `name.key=…`, as the official SDKs send them.
    pub fn query<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        self.query.retain(|(k, _)| !is_part_of(k, name));
        match self.value(value) {
            Ok(v) => flatten(name, v, &mut self.query),
            Err(e) => self.fail(format!("query parameter `{name}`: {e}")),
        }
        self
    }

    /// Sets a query parameter sent as one JSON string (`style: json` in the spec).
    pub fn query_json<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        self.query.retain(|(k, _)| k != name);
        match self.value(value) {
            Ok(serde_json::Value::Null) => {}
            Ok(v) => self.query.push((name.to_owned(), v.to_string())),
            Err(e) => self.fail(format!("query parameter `{name}`: {e}")),
        }
        self
    }

    /// Sets a query parameter sent as its items joined by commas (`style: comma`: `a,b,c`, as
    /// the official SDKs' `simple` style); `None` is skipped, a value that is not an array is
    /// sent as one item.
    pub fn query_comma<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        self.query.retain(|(k, _)| k != name);
        let items = match self.value(value) {
            Ok(serde_json::Value::Null) => return self,
            Ok(serde_json::Value::Array(items)) => items,
            Ok(v) => vec![v],
            Err(e) => {
                self.fail(format!("query parameter `{name}`: {e}"));
                return self;
            }
        };
        let joined = items
            .iter()
            .map(|v| match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(",");
        self.query.push((name.to_owned(), joined));
        self
    }

    /// Sets a header; strings go as they are, other values as JSON (as the official SDKs do).
    /// It replaces the SDK's own header of that name (`accept`, `user-agent`, `content-type`),
    /// except the access token: on an authenticated operation `x-acs-dingtalk-access-token`
    /// always carries the token provider's token, as in the official SDKs. `content-length`,
    /// `transfer-encoding` and `host` cannot be set (the request would not be what it says).
    pub fn header<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        match self.value(value) {
            Ok(serde_json::Value::Null) => {}
            Ok(serde_json::Value::String(s)) => self.headers.push((name.to_owned(), s)),
            Ok(v) => self.headers.push((name.to_owned(), v.to_string())),
            Err(e) => self.fail(format!("header `{name}`: {e}")),
        }
        self
    }

    /// Sets one field of the JSON object body (`None` leaves the field out).
    pub fn field<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        let value = match self.value(value) {
            Ok(v) => v,
            Err(e) => {
                self.fail(format!("body field `{name}`: {e}"));
                return self;
            }
        };
        match self
            .body
            .get_or_insert_with(|| serde_json::Value::Object(Default::default()))
        {
            serde_json::Value::Object(fields) if value.is_null() => {
                fields.remove(name);
            }
            serde_json::Value::Object(fields) => {
                fields.insert(name.to_owned(), value);
            }
            _ => self.fail(format!(
                "body field `{name}`: the body set with `json` is not an object"
            )),
        }
        self
    }

    /// Sets one field of the JSON object body to the JSON text of `value`, a string
    /// (`style: json`: `"ids":"[1,2]"`, compact as the official SDKs write it); `None` leaves
    /// the field out.
    pub fn field_json<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        match self.value(value) {
            Ok(serde_json::Value::Null) => self.field(name, &serde_json::Value::Null),
            Ok(v) => self.field(name, &v.to_string()),
            Err(e) => {
                self.fail(format!("body field `{name}`: {e}"));
                self
            }
        }
    }

    /// Sets the whole JSON body (a `style: whole` parameter: an array, say).
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        match self.value(body) {
            Ok(b) => self.body = Some(b),
            Err(e) => self.fail(format!("body: {e}")),
        }
        self
    }

    /// Limits this call, retries included (overrides the client's operation timeout).
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }

    /// Attempts for this call, the first included (overrides the client's retry policy; 1: no
    /// retries).
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = Some(n.max(1));
        self
    }

    /// The endpoint called.
    pub fn endpoint(&self) -> &'static Endpoint {
        self.endpoint
    }

    /// The path with its parameters filled in and encoded.
    pub fn path(&self) -> String {
        // An encoded value holds no braces, so it cannot form another placeholder.
        let mut path = self.endpoint.path.to_owned();
        for (name, value) in &self.path_params {
            path = path.replace(&format!("{{{name}}}"), value);
        }
        path
    }

    /// Query parameters in the order they are sent.
    pub fn query_pairs(&self) -> &[(String, String)] {
        &self.query
    }

    /// The JSON body, if any.
    pub fn body(&self) -> Option<&serde_json::Value> {
        self.body.as_ref()
    }

    fn fail(&mut self, msg: String) {
        self.problem.get_or_insert(msg);
    }

    /// `value` as JSON, noting the secrets it holds.
    fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> serde_json::Result<serde_json::Value> {
        let (value, secrets) = noting(|| serde_json::to_value(value));
        for s in &secrets {
            self.redactor.add(s);
        }
        value
    }
}

/// What every attempt of one call sends: the filled-in path, the headers (all but the token)
/// and the serialized body.
struct Wire {
    path: String,
    headers: HeaderMap,
    body: Option<Vec<u8>>,
}

/// Whether the flattened query key `key` belongs to the parameter `name` (`name`, `name.1`,
/// `name.key`).
fn is_part_of(key: &str, name: &str) -> bool {
    key.strip_prefix(name)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

/// The items of a string-array argument, as owned strings (generated setters take any
/// `IntoIterator` of string-likes).
pub fn strings(items: impl IntoIterator<Item = impl Into<String>>) -> Vec<String> {
    items.into_iter().map(Into::into).collect()
}

fn flatten(name: &str, v: serde_json::Value, out: &mut Vec<(String, String)>) {
    use serde_json::Value as J;
    match v {
        J::Null => {}
        J::Bool(b) => out.push((name.to_owned(), b.to_string())),
        J::Number(n) => out.push((name.to_owned(), n.to_string())),
        J::String(s) => out.push((name.to_owned(), s)),
        J::Array(items) => {
            for (i, item) in items.into_iter().enumerate() {
                flatten(&format!("{name}.{}", i + 1), item, out);
            }
        }
        J::Object(map) => {
            for (k, item) in map {
                flatten(&format!("{name}.{k}"), item, out);
            }
        }
    }
}

/// Whether a DingTalk answer says the token is invalid or expired.
fn is_auth_failure(status: u16, code: &str) -> bool {
    status == 401
        || matches!(
            code,
            "InvalidAuthentication" | "Unauthorized" | "InvalidAccessToken"
        )
}

impl<O: DeserializeOwned, E: ErrorKind> Request<O, E> {
    /// Sends the call (retrying as the policy allows) and decodes the answer.
    pub async fn send(self) -> Result<O, Error<E>> {
        self.send_with_meta().await.map(|r| r.output)
    }

    /// Like [`Request::send`], also returning status, request id and headers.
    pub async fn send_with_meta(self) -> Result<Response<O>, Error<E>> {
        // Path, headers and body are made once; each attempt sends them.
        let wire = match self.wire() {
            Ok(w) => w,
            Err(message) => return Err(self.redactor.error(Error::Build(BuildError { message }))),
        };
        let limit = self.timeout.or(self.client.inner.operation_timeout);
        // A limit too long to be an instant is no limit.
        let deadline = limit.and_then(|d| tokio::time::Instant::now().checked_add(d));
        let attempts = std::sync::atomic::AtomicU32::new(0);
        let span = tracing::info_span!(
            "dingtalk.call",
            service = self.endpoint.service,
            operation = self.endpoint.operation,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            code = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        // Instrumented, not entered: a guard held across `.await` would leak the span to
        // other tasks polled on this thread.
        let call = tracing::Instrument::instrument(
            self.call(&wire, deadline, &attempts, &span),
            span.clone(),
        );
        match limit {
            None => call.await,
            // `timeout` itself treats a deadline past the end of time as none.
            Some(d) => match tokio::time::timeout(d, call).await {
                Ok(r) => r,
                Err(_) => Err(Error::Timeout(super::TransportError {
                    message: format!("the call took longer than {d:?}"),
                    attempts: attempts.load(std::sync::atomic::Ordering::Relaxed),
                    request_sent: true,
                    source: None,
                })),
            },
        }
    }

    /// What every attempt sends, or why the request cannot be sent.
    fn wire(&self) -> Result<Wire, String> {
        if let Some(problem) = &self.problem {
            return Err(problem.clone());
        }
        let body = match self.body.as_ref().map(serde_json::to_vec).transpose() {
            Ok(b) => b,
            Err(e) => return Err(format!("body: {e}")),
        };
        let mut headers = HeaderMap::with_capacity(4 + self.headers.len());
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(USER_AGENT, self.client.inner.user_agent.clone());
        if body.is_some() {
            let json = HeaderValue::from_static("application/json; charset=utf-8");
            headers.insert(CONTENT_TYPE, json);
        } else if matches!(
            self.endpoint.method,
            Method::Post | Method::Put | Method::Patch
        ) {
            // As the official SDKs send it; some gateways answer 411 without it.
            headers.insert(CONTENT_LENGTH, HeaderValue::from_static("0"));
        }
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
            headers.insert(n, v);
        }
        Ok(Wire {
            path: self.path(),
            headers,
            body,
        })
    }

    /// The attempt loop. A retry whose delay would end past `deadline` is not started: the
    /// caller gets the last answer rather than a timeout that hides it.
    async fn call(
        &self,
        wire: &Wire,
        deadline: Option<tokio::time::Instant>,
        attempts: &std::sync::atomic::AtomicU32,
        span: &tracing::Span,
    ) -> Result<Response<O>, Error<E>> {
        let inner = &self.client.inner;
        let max = self.max_attempts.unwrap_or(inner.retry.max_attempts).max(1);
        let (mut waited, mut reauthenticated) = (Duration::ZERO, false);
        // The request's secrets, and every token an attempt sends.
        let mut redactor = self.redactor.clone();
        let mut attempt: u32 = 0;
        loop {
            attempt = attempt.saturating_add(1);
            attempts.store(attempt, std::sync::atomic::Ordering::Relaxed);
            span.record("attempt", attempt);
            let Attempt {
                result,
                retry_after,
                token,
            } = self.attempt(attempt, wire, &mut redactor).await;
            let err = match result {
                Ok(r) => {
                    span.record("status", r.meta.status);
                    if let Some(id) = &r.meta.request_id {
                        span.record("request_id", id.as_str());
                    }
                    return Ok(r);
                }
                // The one place errors of a call pass: no secret goes further.
                Err(e) => redactor.error(e),
            };
            if let Some(s) = err.status() {
                span.record("status", s);
            }
            if let Some(c) = err.code() {
                span.record("code", c);
            }
            if let Some(id) = err.request_id() {
                span.record("request_id", id);
            }
            // A rejected token: once, and only if the provider can give another one, refresh
            // and try again, whatever the retry policy.
            if let (Error::Api(api), Some(t)) = (&err, &token) {
                if !reauthenticated && is_auth_failure(api.status, &api.code) {
                    reauthenticated = true;
                    // Exactly the token this attempt sent: a newer one that another call
                    // fetched meanwhile stays cached.
                    if inner.tokens.invalidate(t) {
                        tracing::debug!("access token rejected; refreshing once");
                        continue;
                    }
                }
            }
            let (retry, throttled) = self.should_retry(&err);
            let delay = inner.retry.delay(attempt, throttled, retry_after);
            let too_late = deadline.is_some_and(|d| {
                tokio::time::Instant::now()
                    .checked_add(delay)
                    .is_none_or(|end| end >= d)
            });
            let over_budget = waited.saturating_add(delay) > inner.retry.max_total_delay;
            if !retry || attempt >= max || over_budget || too_late {
                tracing::debug!(attempts = attempt, "giving up: {}", self.loggable(&err));
                return Err(err);
            }
            tracing::debug!(?delay, "retrying after: {}", self.loggable(&err));
            waited = waited.saturating_add(delay);
            tokio::time::sleep(delay).await;
        }
    }

    /// The error as logged: an anonymous (token) endpoint's message may echo the credentials
    /// it was sent, so only its code and status are logged.
    fn loggable<'e>(&self, err: &'e Error<E>) -> Box<dyn std::fmt::Display + 'e> {
        match err {
            Error::Api(e) if !self.endpoint.auth => Box::new(format!(
                "DingTalk error {} (HTTP {}; message withheld)",
                e.code(),
                e.status()
            )),
            _ => Box::new(err),
        }
    }

    /// Whether to retry this failure, and whether it was throttling (which waits longer).
    fn should_retry(&self, err: &Error<E>) -> (bool, bool) {
        let idempotent = self.endpoint.idempotent;
        match err {
            Error::Api(e) if super::retry::is_final_code(&e.code) => (false, false),
            Error::Api(e) if super::retry::is_throttle_code(&e.code) || e.status == 429 => {
                (true, true)
            }
            Error::Api(e) => (idempotent && e.status >= 500, false),
            Error::InvalidResponse(e) if e.status == 429 => (true, true),
            Error::InvalidResponse(e) => (
                idempotent && e.status >= 500 && !super::decode::is_ban(&e.reason),
                false,
            ),
            Error::Connect(e) => (!e.request_sent || idempotent, false),
            // A connect timeout never reached the server: safe to retry for every operation.
            Error::Timeout(e) => (!e.request_sent || idempotent, false),
            Error::Build(_) | Error::Token(_) | Error::Redirect(_) => (false, false),
        }
    }

    /// The provider's token and its header value (marked sensitive, so no debug output of the
    /// HTTP stack shows it); a token that cannot be a header value is the provider's failure.
    async fn token(&self) -> Result<(AccessToken, HeaderValue), TokenError> {
        let token = self.client.inner.tokens.token(&self.client).await?;
        match HeaderValue::from_str(token.expose()) {
            Ok(mut value) if is_sendable(token.expose()) => {
                value.set_sensitive(true);
                Ok((token, value))
            }
            _ => Err(TokenError::other(
                "the token provider gave an access token that cannot be sent in a header (empty, or with characters other than visible ASCII)",
            )),
        }
    }

    /// One attempt; the token it sends joins `redactor` before its answer is decoded.
    async fn attempt(&self, attempt: u32, wire: &Wire, redactor: &mut Redactor) -> Attempt<O, E> {
        let inner = &self.client.inner;
        if let Some(limiter) = &inner.limiter {
            limiter
                .wait(self.endpoint.service, self.endpoint.operation)
                .await;
        }
        let mut headers = wire.headers.clone();
        let mut sent_token = None;
        if self.endpoint.auth {
            let (token, value) = match self.token().await {
                Ok(t) => t,
                Err(e) => return Attempt::fail(Error::Token(e)),
            };
            redactor.add(token.expose());
            // Replaces a header of that name set on the request: the credentials' token wins.
            headers.insert(TOKEN_HEADER, value);
            sent_token = Some(token);
        }
        let base = inner.base_url.as_deref().unwrap_or(self.endpoint.base_url);
        let mut rb = inner
            .http
            .request(self.endpoint.method.http(), format!("{base}{}", wire.path))
            .headers(headers);
        if !self.query.is_empty() {
            rb = rb.query(&self.query);
        }
        if let Some(body) = &wire.body {
            rb = rb.body(body.clone());
        }
        if let Some(t) = inner.attempt_timeout {
            rb = rb.timeout(t);
        }
        let request = match rb.build() {
            Ok(r) => r,
            Err(e) => {
                return Attempt::fail(Error::Build(BuildError {
                    message: format!("the request cannot be built: {}", e.without_url()),
                }))
            }
        };
        let sent = request.url().clone();
        let response = match inner.http.execute(request).await {
            Ok(r) => r,
            Err(e) => return Attempt::fail(super::decode::transport(e, attempt)),
        };
        let after = retry_after(response.headers());
        let expect = Expect {
            has_body: self.endpoint.response_body,
            object: self.endpoint.object_answer,
            sensitive: !self.endpoint.auth,
            limit: inner.max_response_bytes,
        };
        let mut out = decode(response, &sent, expect, redactor, attempt).await;
        out.retry_after = after;
        out.token = sent_token;
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flattens_like_the_official_sdk() {
        let mut out = Vec::new();
        flatten("ids", serde_json::json!(["a", "b"]), &mut out);
        flatten("flag", serde_json::json!(false), &mut out);
        flatten("opt", serde_json::json!({"x": 1}), &mut out);
        flatten("none", serde_json::Value::Null, &mut out);
        let pairs: Vec<(&str, &str)> = out.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        assert_eq!(
            pairs,
            [
                ("ids.1", "a"),
                ("ids.2", "b"),
                ("flag", "false"),
                ("opt.x", "1")
            ]
        );
    }

    #[tokio::test]
    async fn dot_segments_and_empty_path_params_are_refused() {
        static EP: Endpoint = Endpoint {
            service: "wiki_2.0",
            operation: "GetWorkspace",
            method: Method::Get,
            path: "/v2.0/wiki/workspaces/{workspaceId}",
            base_url: "http://127.0.0.1:9",
            idempotent: true,
            auth: true,
            response_body: true,
            object_answer: true,
        };
        let client = Client::new(crate::AccessToken::new("t"));
        for bad in ["..", ".", ""] {
            let r: Request<serde_json::Value, NoCodes> =
                Request::new(&client, &EP).path_param("workspaceId", bad);
            match r.send().await {
                Err(Error::Build(e)) => assert!(e.message.contains("workspaceId"), "{e}"),
                other => panic!("{bad:?} was not refused: {other:?}"),
            }
        }
        let r: Request<(), NoCodes> =
            Request::new(&client, &EP).path_param("workspaceId", "../admin?x=1#y");
        assert_eq!(r.path(), "/v2.0/wiki/workspaces/..%2Fadmin%3Fx%3D1%23y");
        let r = r.path_param("workspaceId", "{workspaceId}");
        assert_eq!(
            r.path(),
            "/v2.0/wiki/workspaces/%7BworkspaceId%7D",
            "set again: replaced"
        );
    }

    static GET: Endpoint = Endpoint {
        service: "demo_1.0",
        operation: "Demo",
        method: Method::Post,
        path: "/v1.0/demo",
        base_url: "http://127.0.0.1:9",
        idempotent: true,
        auth: true,
        response_body: true,
        object_answer: true,
    };

    fn demo() -> Request<(), NoCodes> {
        Request::new(&Client::new(crate::AccessToken::new("t")), &GET)
    }

    #[test]
    fn setting_a_query_parameter_again_replaces_all_its_pairs() {
        let r = demo()
            .query("ids", &["a", "b", "c"])
            .query("idsExtra", &1)
            .query("opt", &serde_json::json!({"x": 1}))
            .query("ids", &["z"])
            .query("opt", &Option::<i32>::None)
            .query_json("list", &["a"])
            .query_json("list", &["b"]);
        let pairs: Vec<(&str, &str)> = r
            .query_pairs()
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [("idsExtra", "1"), ("ids.1", "z"), ("list", r#"["b"]"#)]
        );
    }

    #[test]
    fn setting_a_header_again_replaces_it_whatever_its_case() {
        let r = demo().header("x-demo", "a").header("X-Demo", &2);
        assert_eq!(r.headers, [("X-Demo".to_owned(), "2".to_owned())]);
    }

    #[test]
    fn body_fields_are_set_replaced_and_left_out_when_none() {
        assert_eq!(demo().body(), None, "no field, no body");
        let r = demo()
            .field("name", "a")
            .field("size", &3)
            .field("name", "b")
            .field("size", &Option::<i32>::None)
            .field("tags", &strings(["x", "y"]));
        assert_eq!(
            r.body(),
            Some(&serde_json::json!({"name": "b", "tags": ["x", "y"]}))
        );
        // A clone is independent of the original.
        let c = r.clone().field("name", "c");
        assert_eq!(r.body().unwrap()["name"], "b");
        assert_eq!(c.body().unwrap()["name"], "c");
    }

    #[test]
    fn comma_and_json_text_styles_match_the_official_sdk() {
        let r = demo()
            .query_comma("ids", &["a", "b c", "d,e"])
            .query_comma("nums", &[1.5, 2.0])
            .query_comma("none", &Option::<Vec<i32>>::None)
            .query_comma("nums", &[3])
            .field_json("list", &[1, 2])
            .field_json("map", &serde_json::json!({"k": "知", "q": "\"x\""}))
            .field_json("gone", &Some(1))
            .field_json("gone", &Option::<i32>::None);
        let pairs: Vec<(&str, &str)> = r
            .query_pairs()
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        assert_eq!(pairs, [("ids", "a,b c,d,e"), ("nums", "3")]);
        // Compact JSON text, non-ASCII kept, as Python's json.dumps(…, separators=(",", ":"),
        // ensure_ascii=False).
        assert_eq!(
            r.body(),
            Some(&serde_json::json!({"list": "[1,2]", "map": r#"{"k":"知","q":"\"x\""}"#}))
        );
        let whole = demo().json(&["a", "b"]);
        assert_eq!(whole.body(), Some(&serde_json::json!(["a", "b"])));
    }

    #[tokio::test]
    async fn a_field_on_a_body_that_is_not_an_object_is_a_build_error() {
        let r = demo().json(&[1, 2]).field("name", "a");
        match r.send().await {
            Err(Error::Build(e)) => assert!(e.message.contains("`name`"), "{e}"),
            other => panic!("not refused: {other:?}"),
        }
    }

    #[derive(Debug, Clone)]
    struct NoCodes;

    impl ErrorKind for NoCodes {
        fn from_code(_: &str) -> Self {
            NoCodes
        }
    }

    #[test]
    fn path_params_cannot_escape_their_segment() {
        let enc = |v: &str| utf8_percent_encode(v, SEGMENT).to_string();
        assert_eq!(enc("a/b?c#d%e f"), "a%2Fb%3Fc%23d%25e%20f");
        assert_eq!(enc("知识"), "%E7%9F%A5%E8%AF%86");
        assert_eq!(enc("../x"), "..%2Fx");
    }
}
