//! A mock DingTalk server built from the spec an SDK was generated from, for tests and demos.
//!
//! Use it through the SDK: `dingtalk_openapi::mock::MockServer` (feature `mock`) serves the
//! SDK's enabled services and hands out the SDK's client. [`MockServer::start`] listens on
//! `127.0.0.1` and serves every operation of the spec with its method and path template. Each
//! request is checked as DingTalk would:
//!
//! - the `x-acs-dingtalk-access-token` header on authenticated operations (missing or, when
//!   [`MockBuilder::token`] set one, different: `401 InvalidAuthentication`);
//! - the parameters against the spec (a required one missing, a wrong type, an undocumented enum
//!   value, a limit such as `max_items` exceeded: `400` with the operation's documented parameter
//!   error code, usually `paramError`, and a message naming the parameter);
//! - an unknown method and path: `404 InvalidAction.NotFound`.
//!
//! A valid request is answered with the operation's example response from the spec (or one
//! synthesised from the response fields), unless a test scripted something else
//! ([`MockServer::on`]). A paginated operation (`pagination:` in the spec) answers page 1, 2 or
//! 3 of a list, by the cursor the request carries (`mock-page-2`, `mock-page-3`), each page with
//! the next one's cursor but the last, so that a paginator can be tried on the mock; a cursor
//! the mock did not give is a parameter error.
//!
//! Error answers carry DingTalk's JSON body `{"code", "message", "requestid"}` and every answer an
//! `x-acs-request-id` header. Operations are named by product code (`wiki`) or module
//! (`wiki_2_0`) and their official name; unknown names panic with the list of known ones.
//!
//! Which spec it serves, and which client it hands out, is an [`Sdk`]: the SDK implements it on
//! a marker type, with the spec text its build embedded; the `dingtalk-mock` binary on one that
//! reads a folder of spec files.

mod log;
mod pages;
mod registry;
mod synth;
mod validate;

use std::collections::{BTreeMap, VecDeque};
use std::convert::Infallible;
use std::marker::PhantomData;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, CONTENT_TYPE};
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};

pub use registry::{operations, ExampleRequest, OperationInfo, UntypedError};

use dingtalk_openapi_runtime::{AccessToken, Client, ClientBuilder, RetryPolicy};
use log::Log;
use registry::Registry;

/// An SDK as the mock serves it: the spec it was generated from, and its client.
pub trait Sdk: 'static {
    /// `(file name, YAML text)` of each spec file, as the SDK's build read them.
    fn specs() -> &'static [(&'static str, &'static str)];

    /// The client [`MockServer::client`] hands out: the SDK's, which wraps the runtime's.
    type Client: From<Client>;
}

/// The token [`MockServer::client`] sends.
pub const MOCK_TOKEN: &str = "mock-access-token";

/// Largest request body the mock reads.
const MAX_BODY: usize = 16 * 1024 * 1024;

/// One request as the mock received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedRequest {
    /// Method (`GET`).
    pub method: String,
    /// Path as sent (still percent-encoded).
    pub path: String,
    /// Path parameters, decoded.
    pub path_params: Vec<(String, String)>,
    /// Query parameters, decoded, in order.
    pub query: Vec<(String, String)>,
    /// Headers, names lower-case, in order.
    pub headers: Vec<(String, String)>,
    /// The body as sent.
    pub body: Vec<u8>,
    /// The status the mock answered with.
    pub status: u16,
}

impl ReceivedRequest {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The first value of query parameter `name`.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Path parameter `name`, decoded.
    pub fn path_param(&self, name: &str) -> Option<&str> {
        self.path_params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON (`Null` when empty or not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// A scripted answer.
#[derive(Debug, Clone)]
struct Reply {
    status: u16,
    body: Option<Value>,
}

/// What a test scripted for one operation.
#[derive(Debug, Default)]
struct OpState {
    reply: Option<Reply>,
    /// Failures to answer first: runs of `(status, how many)`, so `usize::MAX` costs nothing.
    failures: VecDeque<(u16, usize)>,
    delay: Option<Duration>,
}

struct Shared {
    registry: &'static Registry,
    token: Option<String>,
    ops: Mutex<BTreeMap<usize, OpState>>,
    log: Mutex<Log>,
    ids: AtomicU64,
}

impl Shared {
    fn ops(&self) -> MutexGuard<'_, BTreeMap<usize, OpState>> {
        // A panicking test thread must not poison the mock for the others.
        self.ops.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn log(&self) -> MutexGuard<'_, Log> {
        self.log.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// How long a client may take to send a request's head, or its body, by default; also how long
/// an idle keep-alive connection stays open.
const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Configures a [`MockServer`] of SDK `S`.
#[must_use]
pub struct MockBuilder<S> {
    port: u16,
    token: Option<String>,
    max_requests: usize,
    max_body_bytes: usize,
    read_timeout: Duration,
    sdk: PhantomData<fn() -> S>,
}

impl<S> Clone for MockBuilder<S> {
    fn clone(&self) -> Self {
        MockBuilder {
            token: self.token.clone(),
            sdk: PhantomData,
            ..*self
        }
    }
}

impl<S> Default for MockBuilder<S> {
    fn default() -> Self {
        MockBuilder {
            port: 0,
            token: None,
            max_requests: log::DEFAULT_MAX_REQUESTS,
            max_body_bytes: log::DEFAULT_MAX_BODY_BYTES,
            read_timeout: DEFAULT_READ_TIMEOUT,
            sdk: PhantomData,
        }
    }
}

impl<S> std::fmt::Debug for MockBuilder<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockBuilder")
            .field("port", &self.port)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("max_requests", &self.max_requests)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("read_timeout", &self.read_timeout)
            .finish()
    }
}

impl<S: Sdk> MockBuilder<S> {
    /// Listens on this port (default 0: a free one).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Accepts only this access token (default: any non-empty one).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Keeps at most the newest `requests` requests, and of their bodies at most `body_bytes`
    /// bytes in all (the newest request is kept whatever its size); older ones are dropped and
    /// counted ([`MockServer::dropped_requests`]). Default: 1,000 requests, 64 MiB.
    pub fn log_limit(mut self, requests: usize, body_bytes: usize) -> Self {
        self.max_requests = requests;
        self.max_body_bytes = body_bytes;
        self
    }

    /// Closes a connection whose client takes longer than this to send a request's head, or
    /// its body, or stays idle this long between requests (default 10 s), so half-sent requests
    /// cannot pile up.
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = timeout.min(Duration::from_secs(86_400));
        self
    }

    /// Binds `127.0.0.1` and starts serving on the current tokio runtime.
    ///
    /// # Errors
    /// If the port cannot be bound, or the spec does not load (`InvalidData`).
    pub async fn start(self) -> std::io::Result<MockServer<S>> {
        let registry = registry::of::<S>()
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        let listener = TcpListener::bind(("127.0.0.1", self.port)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            registry,
            token: self.token,
            ops: Mutex::default(),
            log: Mutex::new(Log::new(self.max_requests, self.max_body_bytes)),
            ids: AtomicU64::new(1),
        });
        let task = tokio::spawn(accept(listener, shared.clone(), self.read_timeout));
        Ok(MockServer {
            addr,
            shared,
            task,
            sdk: PhantomData,
        })
    }
}

/// A running mock DingTalk server of SDK `S`. Dropping it stops it and closes its connections.
pub struct MockServer<S> {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
    sdk: PhantomData<fn() -> S>,
}

impl<S> std::fmt::Debug for MockServer<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("addr", &self.addr)
            .field("token", &self.shared.token.as_ref().map(|_| "<redacted>"))
            .finish_non_exhaustive()
    }
}

impl<S> Drop for MockServer<S> {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl<S: Sdk> MockServer<S> {
    /// Starts a mock on a free port that accepts any token.
    ///
    /// # Errors
    /// See [`MockBuilder::start`].
    pub async fn start() -> std::io::Result<Self> {
        MockServer::builder().start().await
    }

    /// Configures a mock.
    pub fn builder() -> MockBuilder<S> {
        MockBuilder::default()
    }

    /// `http://127.0.0.1:<port>`, to give [`ClientBuilder::base_url`].
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The token clients should send: the one configured, else [`MOCK_TOKEN`].
    pub fn token(&self) -> &str {
        self.shared.token.as_deref().unwrap_or(MOCK_TOKEN)
    }

    /// A client for this mock: its URL, a token it accepts, and retries with short delays (so
    /// tests of [`OperationMock::fail_next`] stay fast).
    ///
    /// # Panics
    /// Only if the TLS backend cannot initialise, as [`Client::new`] (the settings are valid).
    pub fn client(&self) -> S::Client {
        match self.client_builder().build() {
            Ok(client) => client,
            Err(e) => panic!("{e}"),
        }
    }

    /// A client builder preset as [`MockServer::client`], to change more settings.
    pub fn client_builder(&self) -> ClientBuilder<S::Client> {
        ClientBuilder::new(AccessToken::new(self.token()))
            .base_url(self.url())
            .retry(RetryPolicy {
                base_delay: Duration::from_millis(10),
                throttle_delay: Duration::from_millis(20),
                ..RetryPolicy::default()
            })
    }

    /// Scripts operation `operation` of `service` (`"wiki"` or `"wiki_2_0"`, `"GetWorkspace"`).
    ///
    /// # Panics
    /// If the enabled services have no such operation (the message lists those they have).
    pub fn on(&self, service: &str, operation: &str) -> OperationMock<'_> {
        match self.shared.registry.find(service, operation) {
            Ok(index) => OperationMock {
                shared: &self.shared,
                index,
            },
            Err(e) => panic!("{e}"),
        }
    }

    /// The requests operation `operation` of `service` received, in order.
    ///
    /// # Panics
    /// As [`MockServer::on`].
    pub fn requests(&self, service: &str, operation: &str) -> Vec<ReceivedRequest> {
        self.on(service, operation).requests()
    }

    /// Requests that matched no operation (answered 404).
    pub fn unmatched_requests(&self) -> Vec<ReceivedRequest> {
        self.shared.log().of(None)
    }

    /// Requests no longer kept, to stay within [`MockBuilder::log_limit`].
    pub fn dropped_requests(&self) -> u64 {
        self.shared.log().dropped()
    }

    /// Forgets every script and recorded request (and the count of dropped ones).
    pub fn reset(&self) {
        self.shared.ops().clear();
        self.shared.log().clear();
    }
}

/// The script of one operation; see [`MockServer::on`]. Scripts last until changed or reset.
#[derive(Clone, Copy)]
pub struct OperationMock<'a> {
    shared: &'a Shared,
    index: usize,
}

impl std::fmt::Debug for OperationMock<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let info = self.info();
        f.debug_struct("OperationMock")
            .field("service", &info.module)
            .field("operation", &info.name)
            .finish_non_exhaustive()
    }
}

impl OperationMock<'_> {
    fn state<T>(&self, f: impl FnOnce(&mut OpState) -> T) -> T {
        f(self.shared.ops().entry(self.index).or_default())
    }

    /// The operation, as the spec describes it.
    pub fn info(&self) -> &'static OperationInfo {
        &self.shared.registry.ops[self.index]
    }

    /// Answers valid requests with `200` and this body (e.g. a generated `…Response` value)
    /// instead of the spec's example.
    ///
    /// # Panics
    /// If `body` does not serialise to JSON.
    pub fn respond_json<T: serde::Serialize + ?Sized>(&self, body: &T) -> &Self {
        let body = serde_json::to_value(body).expect("the scripted body serialises to JSON");
        self.respond(200, body)
    }

    /// Answers valid requests with this status and JSON body.
    pub fn respond(&self, status: u16, body: Value) -> &Self {
        self.state(|s| {
            s.reply = Some(Reply {
                status,
                body: Some(body),
            })
        });
        self
    }

    /// Answers valid requests with the documented error `code`: status and message from the
    /// operation's error table (a `%s` message becomes the error's description).
    ///
    /// # Panics
    /// If the operation does not document `code` (use [`Self::respond_error_with`]).
    pub fn respond_error(&self, code: &str) -> &Self {
        let info = self.info();
        let Some(e) = info.errors.iter().find(|e| e.code == code) else {
            panic!(
                "{}/{} documents no error `{code}`; it documents: {}",
                info.module,
                info.name,
                info.errors
                    .iter()
                    .map(|e| e.code.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let message = match e.message.as_deref().map(str::trim) {
            Some(m) if !m.is_empty() && m != "%s" => m.to_owned(),
            _ => e
                .description
                .as_deref()
                .map(str::trim)
                .unwrap_or(code)
                .to_owned(),
        };
        self.respond_error_with(e.status, code, &message)
    }

    /// Answers valid requests with any error: status, code and message.
    pub fn respond_error_with(&self, status: u16, code: &str, message: &str) -> &Self {
        self.respond(status, json!({ "code": code, "message": message }))
    }

    /// Answers the next `n` requests with `status` before anything else (after the token check):
    /// 429 as DingTalk's throttling (`Throttling`), other statuses as `ServiceUnavailable`
    /// (5xx) or `MockFailure`.
    pub fn fail_next(&self, n: usize, status: u16) -> &Self {
        if n > 0 {
            self.state(|s| s.failures.push_back((status, n)));
        }
        self
    }

    /// Waits this long before answering each request.
    pub fn delay(&self, d: Duration) -> &Self {
        self.state(|s| s.delay = Some(d));
        self
    }

    /// Back to the spec's example answer, no failures, no delay; recorded requests are kept.
    pub fn reset(&self) -> &Self {
        self.state(|s| {
            s.reply = None;
            s.failures.clear();
            s.delay = None;
        });
        self
    }

    /// The requests received so far and still kept (see [`MockBuilder::log_limit`]), in order.
    pub fn requests(&self) -> Vec<ReceivedRequest> {
        self.shared.log().of(Some(self.index))
    }
}

async fn accept(listener: TcpListener, shared: Arc<Shared>, read_timeout: Duration) {
    // Owned by this task: aborting it (dropping the server) aborts every connection.
    let mut connections = JoinSet::new();
    loop {
        while connections.try_join_next().is_some() {}
        let Ok((stream, _)) = listener.accept().await else {
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let shared = shared.clone();
        connections.spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let shared = shared.clone();
                async move { Ok::<_, Infallible>(handle(&shared, req, read_timeout).await) }
            });
            // A broken connection only ends that connection. The head timeout also ends idle
            // keep-alive connections (hyper starts it when it waits for the next head).
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(read_timeout)
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
        });
    }
}

type HttpResponse = hyper::Response<Full<Bytes>>;

async fn handle(
    shared: &Shared,
    req: hyper::Request<Incoming>,
    read_timeout: Duration,
) -> HttpResponse {
    let request_id = format!("mock-{:012}", shared.ids.fetch_add(1, Ordering::Relaxed));
    let (parts, body) = req.into_parts();
    let body = Limited::new(body, MAX_BODY).collect();
    let body = match tokio::time::timeout(read_timeout, body).await {
        Ok(Ok(b)) => b.to_bytes().to_vec(),
        Ok(Err(_)) => {
            return error(
                413,
                "RequestTooLarge",
                "The request body is too large.",
                &request_id,
            )
        }
        Err(_) => {
            return error(
                408,
                "RequestTimeout",
                "The request body did not arrive in time.",
                &request_id,
            )
        }
    };
    let mut received = ReceivedRequest {
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        path_params: Vec::new(),
        query: parts.uri.query().map(decode_query).unwrap_or_default(),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).trim().to_owned(),
                )
            })
            .collect(),
        body,
        status: 0,
    };
    let reg = shared.registry;
    let Some((index, path_params)) = reg.route(&received.method, &received.path) else {
        let resp = error(
            404,
            "InvalidAction.NotFound",
            "Specified api is not found, please check your url and method.",
            &request_id,
        );
        received.status = 404;
        shared.log().push(None, received);
        return resp;
    };
    received.path_params = path_params;
    let info = &reg.ops[index];
    let delay = shared.ops().get(&index).and_then(|s| s.delay);
    if let Some(d) = delay {
        tokio::time::sleep(d).await;
    }
    let resp = answer(shared, index, info, &received, &request_id);
    received.status = resp.status().as_u16();
    shared.log().push(Some(index), received);
    resp
}

/// The answer to a request routed to operation `index`.
fn answer(
    shared: &Shared,
    index: usize,
    info: &OperationInfo,
    req: &ReceivedRequest,
    request_id: &str,
) -> HttpResponse {
    if info.auth() {
        let token = req
            .header("x-acs-dingtalk-access-token")
            .filter(|t| !t.is_empty());
        let ok = match (token, &shared.token) {
            (None, _) => false,
            (Some(t), Some(want)) => t == want,
            (Some(_), None) => true,
        };
        if !ok {
            let message = if token.is_none() {
                "The access token is missing: send it in the x-acs-dingtalk-access-token header."
            } else {
                "The access token is invalid or has expired."
            };
            return error(401, "InvalidAuthentication", message, request_id);
        }
    }
    let failure = shared
        .ops()
        .get_mut(&index)
        .and_then(|s| next_failure(&mut s.failures));
    if let Some(status) = failure {
        let code = match status {
            429 => "Throttling",
            500..=599 => "ServiceUnavailable",
            _ => "MockFailure",
        };
        return error(
            status,
            code,
            "A failure scripted with fail_next.",
            request_id,
        );
    }
    let incoming = validate::Incoming {
        path: &req.path_params,
        query: &req.query,
        headers: &req.headers,
        body: &req.body,
    };
    if let Err(message) = validate::validate(info.spec(), &info.op, &incoming) {
        return error(400, info.param_error_code(), &message, request_id);
    }
    let reply = shared.ops().get(&index).and_then(|s| s.reply.clone());
    reply_or_default(reply, info, req, request_id)
}

/// The scripted reply, else the default answer: the spec's example (or one synthesised), or for a
/// paginated operation the page the request's cursor asks for.
fn reply_or_default(
    reply: Option<Reply>,
    info: &OperationInfo,
    req: &ReceivedRequest,
    request_id: &str,
) -> HttpResponse {
    match reply {
        Some(Reply { status, body }) if !(200..300).contains(&status) => {
            let mut body = body.unwrap_or_else(|| json!({}));
            if let Some(map) = body.as_object_mut() {
                map.entry("requestid")
                    .or_insert_with(|| Value::String(request_id.to_owned()));
            }
            json_response(status, Some(&body), request_id)
        }
        Some(Reply { status, body }) => json_response(status, body.as_ref(), request_id),
        None => match &info.op.pagination {
            Some(p) => match pages::answer(info.spec(), &info.op, p, req) {
                Ok(page) => json_response(200, page.as_ref(), request_id),
                Err(message) => error(400, info.param_error_code(), &message, request_id),
            },
            None => json_response(200, info.example_response().as_ref(), request_id),
        },
    }
}

/// The status of the next scripted failure, if any, counting it off its run.
fn next_failure(runs: &mut VecDeque<(u16, usize)>) -> Option<u16> {
    let (status, left) = runs.front_mut()?;
    let status = *status;
    *left -= 1;
    if *left == 0 {
        runs.pop_front();
    }
    Some(status)
}

fn error(status: u16, code: &str, message: &str, request_id: &str) -> HttpResponse {
    json_response(
        status,
        Some(&json!({ "code": code, "message": message, "requestid": request_id })),
        request_id,
    )
}

fn json_response(status: u16, body: Option<&Value>, request_id: &str) -> HttpResponse {
    let bytes = body.map(|b| b.to_string()).unwrap_or_default();
    let mut resp = hyper::Response::new(Full::new(Bytes::from(bytes)));
    *resp.status_mut() =
        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    let headers = resp.headers_mut();
    if body.is_some() {
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/json;charset=utf-8"),
        );
    }
    if let Ok(v) = HeaderValue::from_str(request_id) {
        headers.insert("x-acs-request-id", v);
    }
    resp
}

/// `a=1&b.1=x%20y` → pairs, with `%XX` and `+` decoded.
fn decode_query(q: &str) -> Vec<(String, String)> {
    let dec = |s: &str| {
        percent_encoding::percent_decode_str(&s.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned()
    };
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (dec(k), dec(v)),
            None => (dec(p), String::new()),
        })
        .collect()
}
