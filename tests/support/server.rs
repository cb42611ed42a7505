//! A loopback HTTP/1.1 server for end-to-end tests.
//!
//! It records every request it receives and answers from a script: a FIFO queue of [`Reply`]
//! values pushed by the test, then a default reply once the queue is empty. Replies can carry
//! faults (a delay, a dropped connection, a body cut short) for retry and timeout tests.
//! Connections are kept alive as HTTP/1.1 clients expect; every wait is bounded, and dropping the
//! server stops it and all its connections. Bodies are written in pieces and may be padded far
//! beyond what is held in memory ([`Reply::padded_to`]), so a test can send 100 MiB cheaply.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// How long a connection may stay silent (between or within requests) before it is closed.
const IDLE: Duration = Duration::from_secs(30);
/// Largest request line or header line accepted.
const MAX_LINE: usize = 64 * 1024;
/// Largest request body accepted.
const MAX_BODY: usize = 64 * 1024 * 1024;

/// One request as the server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// Which connection carried it (0, 1, … in accept order): equal ids mean keep-alive reuse.
    pub connection: usize,
    /// Method, as sent (`GET`).
    pub method: String,
    /// Path as sent, still percent-encoded, without the query.
    pub path: String,
    /// Query string as sent, without the `?` (empty when there is none).
    pub query: String,
    /// The query decoded into (name, value) pairs, in order (`%XX` and `+` decoded).
    pub query_pairs: Vec<(String, String)>,
    /// Headers in order, names lower-cased, values trimmed.
    pub headers: Vec<(String, String)>,
    /// The body (de-chunked if it was sent chunked).
    pub body: Vec<u8>,
    /// When the request was complete (head and body read), for tests of pacing and delays.
    pub at: Instant,
}

impl Recorded {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.header_values(name).into_iter().next()
    }

    /// Every value of header `name` (case-insensitive), in order.
    pub fn header_values(&self, name: &str) -> Vec<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .filter(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The body parsed as JSON.
    ///
    /// # Panics
    /// If the body is not JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "request body is not JSON ({e}): {:?}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

/// Decodes one `application/x-www-form-urlencoded` component: `%XX` escapes and `+` as space.
/// Malformed escapes are kept as they are; invalid UTF-8 is replaced.
pub fn form_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |at: usize| bytes.get(at).and_then(|b| (*b as char).to_digit(16));
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                if let (Some(hi), Some(lo)) = (hex(i + 1), hex(i + 2)) {
                    out.push((hi * 16 + lo) as u8);
                    i += 3;
                    continue;
                }
                out.push(b'%');
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Splits a raw query string into decoded (name, value) pairs, in order.
pub fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (form_decode(k), form_decode(v))
        })
        .collect()
}

/// A fault injected instead of (part of) a normal answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Close the connection without answering at all.
    DropConnection,
    /// Send the head announcing the whole body (at least `n + 1` bytes; a chunked reply lacks its
    /// last chunk), then only the first `n` body bytes, then close: the connection breaks
    /// mid-body.
    TruncateBodyAt(usize),
    /// Like `TruncateBodyAt`, but then hold the connection open, silent, until the client gives
    /// up (at most 30 s): the answer stalls mid-body.
    StallBodyAt(usize),
}

/// One scripted answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Headers, in order. `content-length` is added unless present (and the status has a body).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// Time to wait before answering.
    pub delay: Duration,
    /// A fault to inject, if any.
    pub fault: Option<Fault>,
    /// Size of the body in all: `body`, then spaces up to this many bytes (0: no padding).
    pub pad_to: usize,
    /// Whether the body is sent with `transfer-encoding: chunked` instead of `content-length`.
    pub chunked: bool,
}

impl Reply {
    /// An answer with no body.
    pub fn empty(status: u16) -> Self {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            delay: Duration::ZERO,
            fault: None,
            pad_to: 0,
            chunked: false,
        }
    }

    /// A JSON answer (`content-type: application/json;charset=utf-8`, as DingTalk sends it).
    pub fn json(status: u16, body: serde_json::Value) -> Self {
        Reply::raw(status, "application/json;charset=utf-8", body.to_string())
    }

    /// An answer with any content type and body (HTML error pages, huge or invalid bodies).
    pub fn raw(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Reply {
            body: body.into(),
            ..Reply::empty(status)
        }
        .header("content-type", content_type)
    }

    /// Adds a header (`x-acs-request-id`, `retry-after`, …).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Waits `d` before answering.
    pub fn delay(mut self, d: Duration) -> Self {
        self.delay = d;
        self
    }

    /// Closes the connection without answering.
    pub fn drop_connection(mut self) -> Self {
        self.fault = Some(Fault::DropConnection);
        self
    }

    /// Sends the head (announcing a body), then closes before any body byte.
    pub fn close_after_headers(self) -> Self {
        self.truncate_body_at(0)
    }

    /// Sends the head and the first `n` body bytes, announcing more, then closes.
    pub fn truncate_body_at(mut self, n: usize) -> Self {
        self.fault = Some(Fault::TruncateBodyAt(n));
        self
    }

    /// Sends the head and the first `n` body bytes, announcing more, then goes silent.
    pub fn stall_body_at(mut self, n: usize) -> Self {
        self.fault = Some(Fault::StallBodyAt(n));
        self
    }

    /// Pads the body with spaces to `len` bytes in all. The padding is generated as it is sent,
    /// never held in memory, and leaves a JSON body valid (whitespace may follow a value).
    pub fn padded_to(mut self, len: usize) -> Self {
        self.pad_to = len;
        self
    }

    /// Sends the body in chunks (`transfer-encoding: chunked`) without announcing its size.
    pub fn chunked(mut self) -> Self {
        self.chunked = true;
        self
    }
}

/// What the accept task and the connections share with the test.
struct Shared {
    script: Mutex<VecDeque<Reply>>,
    fallback: Mutex<Reply>,
    /// Per-path scripts and defaults, consulted before the shared script (see [`TestServer::route`]).
    routes: Mutex<HashMap<String, Route>>,
    requests: Mutex<Vec<Recorded>>,
    connections: AtomicUsize,
}

/// The answers of one path: its own script, then its default (if set), then the shared ones.
#[derive(Default)]
struct Route {
    script: VecDeque<Reply>,
    fallback: Option<Reply>,
}

/// Locks a mutex even if a panicking test poisoned it (the data stays meaningful).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A running loopback server; stops (with all its connections) when dropped.
pub struct TestServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: JoinHandle<()>,
}

impl std::fmt::Debug for TestServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestServer")
            .field("addr", &self.addr)
            .field("hits", &self.hits())
            .finish_non_exhaustive()
    }
}

impl TestServer {
    /// Starts a server on `127.0.0.1` (a free port) that answers `default` when the script is
    /// empty. Must be called inside a tokio runtime.
    pub async fn start(default: Reply) -> Self {
        TestServer::start_on("127.0.0.1", default).await
    }

    /// Like [`TestServer::start`], on another loopback address (`127.0.0.2` on Linux: another
    /// host as far as a client is concerned).
    pub async fn start_on(ip: &str, default: Reply) -> Self {
        let listener = TcpListener::bind((ip, 0))
            .await
            .expect("bind a loopback port");
        let addr = listener.local_addr().expect("bound address");
        let shared = Arc::new(Shared {
            script: Mutex::new(VecDeque::new()),
            fallback: Mutex::new(default),
            routes: Mutex::new(HashMap::new()),
            requests: Mutex::new(Vec::new()),
            connections: AtomicUsize::new(0),
        });
        let accept = tokio::spawn(accept_loop(listener, Arc::clone(&shared)));
        TestServer {
            addr,
            shared,
            accept,
        }
    }

    /// `http://IP:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Queues `reply` as the answer to a future request (first in, first out).
    pub fn push(&self, reply: Reply) -> &Self {
        lock(&self.shared.script).push_back(reply);
        self
    }

    /// Replaces the answer used once the script is empty.
    pub fn set_default(&self, reply: Reply) {
        *lock(&self.shared.fallback) = reply;
    }

    /// Answers every request for exactly `path` (e.g. the token endpoint) with `reply` once its
    /// own script is empty, instead of the shared script and default.
    pub fn route(&self, path: &str, reply: Reply) {
        lock(&self.shared.routes)
            .entry(path.to_owned())
            .or_default()
            .fallback = Some(reply);
    }

    /// Queues `reply` as the answer to a future request for exactly `path` (first in, first out).
    pub fn push_route(&self, path: &str, reply: Reply) -> &Self {
        lock(&self.shared.routes)
            .entry(path.to_owned())
            .or_default()
            .script
            .push_back(reply);
        self
    }

    /// The number of requests for exactly `path` received so far.
    pub fn hits_on(&self, path: &str) -> usize {
        lock(&self.shared.requests)
            .iter()
            .filter(|r| r.path == path)
            .count()
    }

    /// Scripted replies not used yet.
    pub fn pending(&self) -> usize {
        lock(&self.shared.script).len()
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.shared.requests).clone()
    }

    /// The number of requests received so far.
    pub fn hits(&self) -> usize {
        lock(&self.shared.requests).len()
    }

    /// The number of connections accepted so far.
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// Waits until at least `n` requests arrived, for at most `within`; whether they did.
    pub async fn wait_for_hits(&self, n: usize, within: Duration) -> bool {
        let poll = async {
            while self.hits() < n {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        };
        tokio::time::timeout(within, poll).await.is_ok()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        // The accept task owns the connection tasks (a JoinSet): aborting it aborts them all.
        self.accept.abort();
    }
}

impl Shared {
    fn next_reply(&self, path: &str) -> Reply {
        if let Some(route) = lock(&self.routes).get_mut(path) {
            if let Some(r) = route.script.pop_front().or_else(|| route.fallback.clone()) {
                return r;
            }
        }
        lock(&self.script)
            .pop_front()
            .unwrap_or_else(|| lock(&self.fallback).clone())
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let id = shared.connections.fetch_add(1, Ordering::SeqCst);
                    connections.spawn(serve(stream, id, Arc::clone(&shared)));
                }
                // E.g. too many open files: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            // Reap finished connections so the set does not grow without bound.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// Serves the requests of one connection until the client closes it, asks to, or a fault ends it.
async fn serve(stream: TcpStream, connection: usize, shared: Arc<Shared>) {
    let _ = stream.set_nodelay(true);
    let mut conn = Conn {
        stream,
        buf: Vec::new(),
    };
    while let Some(request) = conn.read_request(connection).await {
        let close = request
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        let path = request.path.clone();
        lock(&shared.requests).push(request);
        let reply = shared.next_reply(&path);
        if !reply.delay.is_zero() {
            tokio::time::sleep(reply.delay).await;
        }
        let keep_going = conn.write_reply(&reply).await.unwrap_or(false);
        if close || !keep_going {
            break;
        }
    }
    let _ = conn.stream.shutdown().await;
}

/// A connection with the bytes read but not consumed yet.
struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    /// Reads more bytes into the buffer; false on end of stream, error or silence.
    async fn fill(&mut self) -> bool {
        match tokio::time::timeout(IDLE, self.stream.read_buf(&mut self.buf)).await {
            Ok(Ok(n)) => n > 0,
            _ => false,
        }
    }

    /// The next CRLF-terminated line, without its terminator.
    async fn line(&mut self) -> Option<String> {
        loop {
            if let Some(i) = self.buf.windows(2).position(|w| w == b"\r\n") {
                let line = String::from_utf8_lossy(&self.buf[..i]).into_owned();
                self.buf.drain(..i + 2);
                return Some(line);
            }
            if self.buf.len() > MAX_LINE || !self.fill().await {
                return None;
            }
        }
    }

    /// Exactly `n` bytes.
    async fn take(&mut self, n: usize) -> Option<Vec<u8>> {
        if n > MAX_BODY {
            return None;
        }
        while self.buf.len() < n {
            if !self.fill().await {
                return None;
            }
        }
        Some(self.buf.drain(..n).collect())
    }

    /// A chunked body, de-chunked (trailers are read and dropped).
    async fn chunked(&mut self) -> Option<Vec<u8>> {
        let mut body = Vec::new();
        loop {
            let line = self.line().await?;
            let size = line.split(';').next().unwrap_or("").trim();
            let size = usize::from_str_radix(size, 16).ok()?;
            if size == 0 {
                while !self.line().await?.is_empty() {}
                return Some(body);
            }
            if body.len() + size > MAX_BODY {
                return None;
            }
            body.extend(self.take(size).await?);
            if !self.line().await?.is_empty() {
                return None;
            }
        }
    }

    /// The next request, or `None` when the connection ended (or sent something unparsable).
    async fn read_request(&mut self, connection: usize) -> Option<Recorded> {
        let mut request_line = self.line().await?;
        // Tolerate empty lines between requests (RFC 9112 §2.2).
        while request_line.is_empty() {
            request_line = self.line().await?;
        }
        let mut parts = request_line.split(' ');
        let (method, target) = (parts.next()?.to_owned(), parts.next()?.to_owned());
        let mut headers = Vec::new();
        loop {
            let line = self.line().await?;
            if line.is_empty() {
                break;
            }
            let (name, value) = line.split_once(':')?;
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
        let header = |name: &str| {
            headers
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        let body = if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
            self.chunked().await?
        } else {
            let length = header("content-length").map_or(Some(0), |v| v.parse().ok())?;
            self.take(length).await?
        };
        let (path, query) = target.split_once('?').unwrap_or((&target, ""));
        Some(Recorded {
            connection,
            method,
            path: path.to_owned(),
            query: query.to_owned(),
            query_pairs: query_pairs(query),
            headers,
            body,
            at: Instant::now(),
        })
    }

    /// Writes `reply` (or its fault); whether the connection may serve another request.
    async fn write_reply(&mut self, reply: &Reply) -> std::io::Result<bool> {
        if reply.fault == Some(Fault::DropConnection) {
            return Ok(false);
        }
        let has_body = !(100..200).contains(&reply.status) && !matches!(reply.status, 204 | 304);
        let total = reply.body.len().max(reply.pad_to);
        let (sent, announced) = match reply.fault {
            Some(Fault::TruncateBodyAt(n) | Fault::StallBodyAt(n)) => {
                (n.min(total), total.max(n + 1))
            }
            _ => (total, total),
        };
        let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
        for (name, value) in &reply.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        let has_length = reply
            .headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("content-length"));
        if has_body && reply.chunked {
            head.push_str("transfer-encoding: chunked\r\n");
        } else if has_body && !has_length {
            head.push_str(&format!("content-length: {announced}\r\n"));
        }
        head.push_str("\r\n");
        self.stream.write_all(head.as_bytes()).await?;
        if has_body {
            self.write_body(reply, sent).await?;
            if reply.chunked && reply.fault.is_none() {
                self.stream.write_all(b"0\r\n\r\n").await?;
            }
        }
        self.stream.flush().await?;
        if let Some(Fault::StallBodyAt(_)) = reply.fault {
            // Returns early if the client closes the connection.
            let mut byte = [0u8; 1];
            let _ = tokio::time::timeout(IDLE, self.stream.read(&mut byte)).await;
        }
        Ok(reply.fault.is_none())
    }

    /// Writes the first `n` bytes of the body (`reply.body`, then padding spaces) in pieces of at
    /// most 64 KiB, each framed as a chunk when the reply is chunked.
    async fn write_body(&mut self, reply: &Reply, n: usize) -> std::io::Result<()> {
        const PIECE: usize = 64 * 1024;
        static SPACES: [u8; PIECE] = [b' '; PIECE];
        let mut at = 0;
        while at < n {
            let piece = if at < reply.body.len() {
                &reply.body[at..n.min(reply.body.len()).min(at + PIECE)]
            } else {
                &SPACES[..(n - at).min(PIECE)]
            };
            if reply.chunked {
                let size = format!("{:x}\r\n", piece.len());
                self.stream.write_all(size.as_bytes()).await?;
                self.stream.write_all(piece).await?;
                self.stream.write_all(b"\r\n").await?;
            } else {
                self.stream.write_all(piece).await?;
            }
            at += piece.len();
        }
        Ok(())
    }
}

/// The reason phrase of common statuses (clients ignore it; it helps reading captures).
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

/// A server whose unscripted answer is a 418 error (a test that forgets to script a reply fails
/// with it), and a client of it with a fixed token and a 10 s limit per call.
pub async fn server_and_client() -> (TestServer, dingtalk_openapi::Client) {
    let unscripted =
        serde_json::json!({ "code": "unscripted", "message": "the test scripted no reply" });
    let server = TestServer::start(Reply::json(418, unscripted)).await;
    let client =
        dingtalk_openapi::Client::builder(dingtalk_openapi::AccessToken::new("test-token"))
            .base_url(server.base_url())
            .operation_timeout(Some(Duration::from_secs(10)))
            .build()
            .expect("a client of the test server");
    (server, client)
}
