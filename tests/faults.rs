//! Fault injection: the runtime against a loopback server that fails the way real networks,
//! proxies and DingTalk fail.
//!
//! Every test counts the attempts the *server* saw (its request log), not only what the client
//! returned. Retry delays are milliseconds ([`fast_retries`]) so the whole file runs in a few
//! seconds; time bounds are tight below (what the client must wait) and generous above (the
//! machine may be busy). Operations: `wiki_2_0` GetWorkspace (GET, idempotent) and `drive_1_0`
//! AddSpace (`idempotent: false` in the spec).
//!
//! Two instruments are process-wide because tests run in parallel threads: a global tracing
//! subscriber that records only the threads that ask ([`log_capture`]), and a global allocator
//! that counts each thread's allocations ([`memory`]).

use std::fmt::Debug;
use std::time::{Duration, Instant};

use dingtalk_openapi::drive_1_0::{AddSpaceError, AddSpaceResponse};
use dingtalk_openapi::runtime::{BoxFuture, Request};
use dingtalk_openapi::wiki_2_0::{GetWorkspaceError, GetWorkspaceResponse};
use dingtalk_openapi::{
    AccessToken, Client, ClientBuilder, Error, InvalidResponse, RetryPolicy, TokenError,
    TokenProvider, TransportError,
};
use dingtalk_openapi_tests::server::{Reply, TestServer};
use dingtalk_openapi_tests::spec::{self, operation, DRIVE, WIKI};
use serde_json::json;

/// The access token every call sends.
const TOKEN: &str = "test-token";

/// DingTalk's throttling codes with the status it sends them with: retried for every operation.
const THROTTLING: [(u16, &str); 4] = [
    (403, "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi"),
    (403, "Forbidden.AccessDenied.QpmLimitForAppkeyAndApi"),
    (403, "Forbidden.AccessDenied.QpsLimitForApi"),
    (400, "request.overlimit"),
];

/// The monthly call quota of the organisation is used up: never retried.
const QUOTA_EXHAUSTED: &str = "Forbidden.AccessDenied.ApiCountLimitForOrg";

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

// ---------------------------------------------------------------------------------------------
// The spec
// ---------------------------------------------------------------------------------------------

/// The documented example answer of `op`, as a 200 reply.
fn example(file: &str, op: &str) -> Reply {
    Reply::json(200, spec::example(file, op))
}

/// A successful GetWorkspace answer (the spec has no example for it; GetMineWorkspace answers
/// the same `{"workspace": Workspace}` shape).
fn workspace_ok() -> Reply {
    example(WIKI, "GetMineWorkspace")
}

/// A successful AddSpace answer: its documented example.
fn space_ok() -> Reply {
    example(DRIVE, "AddSpace")
}

/// DingTalk's error answer: `{"code", "message", "requestid"}` with `status`.
fn dingtalk(status: u16, code: &str, request_id: &str) -> Reply {
    let body =
        json!({ "code": code, "message": format!("{code} happened"), "requestid": request_id });
    Reply::json(status, body)
}

/// DingTalk's answer for the documented error `code` of `op`, with its documented status.
fn documented(file: &str, op: &str, code: &str, request_id: &str) -> Reply {
    let entry = dingtalk_openapi_tests::spec::errors(file, op)
        .into_iter()
        .find(|e| e.code == code)
        .unwrap_or_else(|| panic!("{op} does not document error {code}"));
    dingtalk(entry.status, code, request_id)
}

// ---------------------------------------------------------------------------------------------
// Process-wide instruments: log capture and allocation counting
// ---------------------------------------------------------------------------------------------

/// Captures what the SDK logs on one thread, while tests on other threads run on.
mod log_capture {
    use std::cell::RefCell;
    use std::io::Write;
    use std::sync::{Arc, Mutex, Once};
    use tracing_subscriber::filter::dynamic_filter_fn;
    use tracing_subscriber::fmt::format::FmtSpan;
    use tracing_subscriber::prelude::*;

    thread_local! {
        /// Where this thread's log goes while it captures.
        static CAPTURE: RefCell<Option<Arc<Mutex<Vec<u8>>>>> = const { RefCell::new(None) };
    }

    fn capturing() -> bool {
        CAPTURE.with(|c| c.borrow().is_some())
    }

    /// Appends to the capturing thread's buffer.
    struct Sink;

    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            CAPTURE.with(|c| {
                if let Some(log) = &*c.borrow() {
                    log.lock().unwrap().extend_from_slice(buf);
                }
            });
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// Installs, once for the process, a global subscriber that formats everything (all
    /// levels, span closes) of capturing threads only. Every client of this file is built after
    /// it ([`super::client_builder`]): tracing caches per callsite whether anyone listens, and a
    /// callsite first hit before (or, with a thread's own `with_default` subscriber, on another
    /// thread) would stay silent for the whole process.
    pub fn install() {
        static INSTALL: Once = Once::new();
        INSTALL.call_once(|| {
            let layer = tracing_subscriber::fmt::layer()
                .with_writer(|| Sink)
                .with_span_events(FmtSpan::CLOSE)
                .without_time()
                .with_filter(dynamic_filter_fn(|_, _| capturing()));
            tracing_subscriber::registry()
                .with(layer)
                .try_init()
                .expect("no other global subscriber in this test binary");
        });
    }

    /// Runs `calls` on a runtime of this thread and returns what they logged, as text.
    pub fn captured<F: std::future::Future<Output = ()>>(calls: impl FnOnce() -> F) -> String {
        install();
        let log = Arc::new(Mutex::new(Vec::new()));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        CAPTURE.with(|c| *c.borrow_mut() = Some(Arc::clone(&log)));
        runtime.block_on(calls());
        CAPTURE.with(|c| *c.borrow_mut() = None);
        let bytes = log.lock().unwrap().clone();
        String::from_utf8(bytes).unwrap()
    }
}

/// Counts the bytes each thread has allocated and not freed, and their peak, so a test can
/// bound its own memory while other tests run in parallel. A `#[tokio::test]` runs the client,
/// the server and their connections on its one thread.
mod memory {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::cell::Cell;

    struct Counting;

    #[global_allocator]
    static ALLOCATOR: Counting = Counting;

    thread_local! {
        // Const-initialised and without destructors: usable inside the allocator.
        static LIVE: Cell<isize> = const { Cell::new(0) };
        static PEAK: Cell<isize> = const { Cell::new(0) };
    }

    fn track(delta: isize) {
        let _ = LIVE.try_with(|live| {
            live.set(live.get() + delta);
            let _ = PEAK.try_with(|peak| peak.set(peak.get().max(live.get())));
        });
    }

    // SAFETY: every call is forwarded to the system allocator unchanged; only counters change.
    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            let p = System.alloc(layout);
            if !p.is_null() {
                track(layout.size() as isize);
            }
            p
        }

        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            let p = System.alloc_zeroed(layout);
            if !p.is_null() {
                track(layout.size() as isize);
            }
            p
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            System.dealloc(ptr, layout);
            track(-(layout.size() as isize));
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            let p = System.realloc(ptr, layout, new_size);
            if !p.is_null() {
                track(new_size as isize - layout.size() as isize);
            }
            p
        }
    }

    /// Starts measuring this thread's peak from now.
    pub fn mark() -> isize {
        let live = LIVE.with(Cell::get);
        PEAK.with(|peak| peak.set(live));
        live
    }

    /// The most this thread held at once since `mark`, beyond what it held then.
    pub fn peak_since(mark: isize) -> usize {
        PEAK.with(Cell::get).saturating_sub(mark).max(0) as usize
    }
}

// ---------------------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------------------

/// Retries as the default policy does, with delays of milliseconds: 3 attempts, ~10 ms apart.
fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        base_delay: ms(10),
        throttle_delay: ms(10),
        max_delay: ms(100),
        max_total_delay: secs(2),
        ..RetryPolicy::default()
    }
}

/// A loopback server and a client pointed at it.
struct Harness {
    server: TestServer,
    client: Client,
}

/// [`harness_with`] without further configuration.
async fn harness() -> Harness {
    harness_with(|b| b).await
}

/// A client of `base_url` with `token`, [`fast_retries`] and a 10 s operation timeout. Every
/// client of this file is made here, after the log capture is installed.
fn client_builder(token: &str, base_url: String) -> ClientBuilder {
    log_capture::install();
    Client::builder(AccessToken::new(token))
        .base_url(base_url)
        .retry(fast_retries())
        .operation_timeout(Some(secs(10)))
}

/// A server that answers an unknown `unscripted` error (HTTP 418, never retried) unless told
/// otherwise, and a [`client_builder`] client with the test token pointed at it, `configure`d.
async fn harness_with(configure: impl FnOnce(ClientBuilder) -> ClientBuilder) -> Harness {
    let unscripted = json!({ "code": "unscripted", "message": "the test scripted no reply" });
    let server = TestServer::start(Reply::json(418, unscripted)).await;
    let client = configure(client_builder(TOKEN, server.base_url()))
        .build()
        .unwrap();
    Harness { server, client }
}

impl Harness {
    /// Queues `reply` for the next request.
    fn reply(&self, reply: Reply) -> &Self {
        self.server.push(reply);
        self
    }

    /// Answers `reply` to every request not scripted with [`Harness::reply`].
    fn always(&self, reply: Reply) {
        self.server.set_default(reply);
    }

    /// Requests the server received so far.
    fn hits(&self) -> usize {
        self.server.hits()
    }

    /// GetWorkspace: GET, idempotent.
    fn get(&self) -> Request<GetWorkspaceResponse, GetWorkspaceError> {
        self.client.wiki_2_0().get_workspace("ws", "u").build()
    }

    /// AddSpace: POST, `idempotent: false` in the spec.
    fn add(&self) -> Request<AddSpaceResponse, AddSpaceError> {
        self.client.drive_1_0().add_space("space", "u").build()
    }
}

/// What a caller reads off an error through its accessors, compared in one go.
#[derive(Debug, PartialEq, Eq)]
struct Shape<'a> {
    status: Option<u16>,
    code: Option<&'a str>,
    request_id: Option<&'a str>,
    attempts: u32,
    retryable: bool,
}

/// The accessors of `e`.
fn shape<E>(e: &Error<E>) -> Shape<'_> {
    Shape {
        status: e.status(),
        code: e.code(),
        request_id: e.request_id(),
        attempts: e.attempts(),
        retryable: e.is_retryable(),
    }
}

/// The answer that was not the documented JSON.
fn invalid<E: Debug>(e: &Error<E>) -> &InvalidResponse {
    match e {
        Error::InvalidResponse(i) => i,
        other => panic!("expected an invalid response, got {other:?}"),
    }
}

/// The connection failure.
fn connect<E: Debug>(e: &Error<E>) -> &TransportError {
    match e {
        Error::Connect(t) => t,
        other => panic!("expected a connection failure, got {other:?}"),
    }
}

/// The timeout.
fn timeout<E: Debug>(e: &Error<E>) -> &TransportError {
    match e {
        Error::Timeout(t) => t,
        other => panic!("expected a timeout, got {other:?}"),
    }
}

/// Asserts `lo <= elapsed < hi`.
fn assert_between(elapsed: Duration, lo: Duration, hi: Duration) {
    assert!(
        lo <= elapsed && elapsed < hi,
        "took {elapsed:?}, expected at least {lo:?} and less than {hi:?}"
    );
}

/// The spec says which operation may be repeated; the tests below rely on it.
#[test]
fn premise_add_space_is_not_idempotent_and_get_workspace_is_a_get() {
    assert_eq!(operation(DRIVE, "AddSpace").idempotent, Some(false));
    let get = operation(WIKI, "GetWorkspace");
    assert_eq!((get.method.as_str(), get.idempotent), ("GET", None));
}

// ---------------------------------------------------------------------------------------------
// Retries on answers
// ---------------------------------------------------------------------------------------------

/// Server errors, throttling and client errors: what is retried, and how often.
mod answers {
    use super::*;

    /// 503 then 200 (DingTalk's `operationTimeout`, or a bare 503 from a proxy): one retry.
    #[tokio::test]
    async fn a_503_then_200_succeeds_after_one_retry() {
        let first = [
            documented(WIKI, "GetWorkspace", "operationTimeout", "req-503"),
            Reply::empty(503),
        ];
        for reply in first {
            let h = harness().await;
            h.reply(reply).reply(workspace_ok());

            let r = h.get().send_with_meta().await.unwrap();

            assert_eq!((h.hits(), r.meta.attempts, r.meta.status), (2, 2, 200));
            assert!(r.output.workspace.is_some());
        }
    }

    /// 429 with `Retry-After: 1`: the retry waits at least a second (the policy's own delay is
    /// 10 ms), measured by the client and by the server.
    #[tokio::test]
    async fn a_429_with_retry_after_waits_at_least_that_long() {
        let policy = RetryPolicy {
            max_delay: secs(2),
            ..fast_retries()
        };
        let h = harness_with(|b| b.retry(policy)).await;
        h.reply(Reply::empty(429).header("retry-after", "1"))
            .reply(workspace_ok());

        let start = Instant::now();
        let r = h.get().send_with_meta().await.unwrap();

        assert_between(start.elapsed(), secs(1), secs(5));
        let requests = h.server.requests();
        assert_eq!((requests.len(), r.meta.attempts), (2, 2));
        let gap = requests[1].at - requests[0].at;
        assert!(gap >= secs(1), "the server saw the retry after {gap:?}");
    }

    /// DingTalk throttles by code (403 or 400), not by 429: retried, for AddSpace too (a
    /// throttled request was refused, so repeating it is safe).
    #[tokio::test]
    async fn throttling_codes_are_retried_even_for_add_space() {
        let h = harness().await;
        for (status, code) in THROTTLING {
            let before = h.hits();
            h.reply(dingtalk(status, code, "req-t"))
                .reply(workspace_ok());
            let r = h.get().send_with_meta().await;
            let r = r.unwrap_or_else(|e| panic!("GetWorkspace after {code}: {e}"));
            assert_eq!((h.hits() - before, r.meta.attempts), (2, 2), "{code}");

            let before = h.hits();
            h.reply(dingtalk(status, code, "req-t")).reply(space_ok());
            let r = h.add().send_with_meta().await;
            let r = r.unwrap_or_else(|e| panic!("AddSpace after {code}: {e}"));
            assert_eq!((h.hits() - before, r.meta.attempts), (2, 2), "{code}");
        }
    }

    /// Throttling that does not stop: every attempt is used, and the error says so.
    #[tokio::test]
    async fn persistent_throttling_gives_up_after_max_attempts() {
        let h = harness().await;
        h.always(documented(
            DRIVE,
            "AddSpace",
            "request.overlimit",
            "req-busy",
        ));

        let e = h.add().send().await.unwrap_err();

        assert_eq!(h.hits(), 3);
        let Error::Api(api) = &e else {
            panic!("expected a DingTalk error, got {e:?}")
        };
        assert_eq!(api.kind(), &AddSpaceError::RequestOverlimit);
        let want = Shape {
            status: Some(400),
            code: Some("request.overlimit"),
            request_id: Some("req-busy"),
            attempts: 3,
            retryable: true,
        };
        assert_eq!(shape(&e), want);
        assert!(e.to_string().ends_with("after 3 attempts"), "{e}");
    }

    /// The monthly quota (`ApiCountLimitForOrg`) will not come back within the call: one attempt.
    #[tokio::test]
    async fn exhausted_monthly_quota_is_not_retried() {
        let h = harness().await;
        h.always(dingtalk(403, QUOTA_EXHAUSTED, "req-quota"));

        let e = h.get().send().await.unwrap_err();

        assert_eq!(h.hits(), 1);
        let want = Shape {
            status: Some(403),
            code: Some(QUOTA_EXHAUSTED),
            request_id: Some("req-quota"),
            attempts: 1,
            retryable: false,
        };
        assert_eq!(shape(&e), want);
        assert!(!e.to_string().contains("attempts"), "{e}");
    }

    /// Every documented 4xx of GetWorkspace (`paramError`, `permissionDenied`, …): one attempt,
    /// a typed kind, nothing to retry.
    #[tokio::test]
    async fn client_errors_are_not_retried_and_are_typed() {
        let h = harness().await;
        let client_errors: Vec<_> = dingtalk_openapi_tests::spec::errors(WIKI, "GetWorkspace")
            .into_iter()
            .filter(|e| e.status < 500)
            .collect();
        assert!(client_errors.len() >= 4, "{client_errors:?}");
        for entry in client_errors {
            let before = h.hits();
            h.always(dingtalk(entry.status, &entry.code, "req-4xx"));

            let e = h.get().send().await.unwrap_err();

            assert_eq!(h.hits() - before, 1, "{}", entry.code);
            let want = Shape {
                status: Some(entry.status),
                code: Some(entry.code.as_str()),
                request_id: Some("req-4xx"),
                attempts: 1,
                retryable: false,
            };
            assert_eq!(shape(&e), want);
            let Error::Api(api) = &e else { panic!() };
            let kind = api.kind();
            assert!(!matches!(kind, GetWorkspaceError::Other(_)), "{kind:?}");
            match entry.code.as_str() {
                "paramError" => assert_eq!(kind, &GetWorkspaceError::ParamError),
                "permissionDenied" => assert_eq!(kind, &GetWorkspaceError::PermissionDenied),
                _ => {}
            }
        }
    }

    /// AddSpace may have been carried out when the server answered 500: not repeated.
    #[tokio::test]
    async fn add_space_is_not_retried_after_a_500() {
        let h = harness().await;
        h.always(dingtalk(500, "systemError", "req-500"));

        let e = h.add().send().await.unwrap_err();

        assert_eq!(h.hits(), 1);
        // The error itself is of a retryable kind; only the operation forbids repeating it.
        let want = Shape {
            status: Some(500),
            code: Some("systemError"),
            request_id: Some("req-500"),
            attempts: 1,
            retryable: true,
        };
        assert_eq!(shape(&e), want);
    }

    /// GetWorkspace answered `systemError` each time: every attempt is used and counted.
    #[tokio::test]
    async fn system_error_is_retried_up_to_max_attempts() {
        let h = harness().await;
        h.always(documented(WIKI, "GetWorkspace", "systemError", "req-sys"));

        let e = h.get().send().await.unwrap_err();

        assert_eq!(h.hits(), 3);
        let Error::Api(api) = &e else {
            panic!("expected a DingTalk error, got {e:?}")
        };
        assert_eq!(api.kind(), &GetWorkspaceError::SystemError);
        let want = Shape {
            status: Some(500),
            code: Some("systemError"),
            request_id: Some("req-sys"),
            attempts: 3,
            retryable: true,
        };
        assert_eq!(shape(&e), want);
        assert!(e.to_string().contains("after 3 attempts"), "{e}");

        // A per-call override of the attempts.
        let e = h.get().max_attempts(5).send().await.unwrap_err();
        assert_eq!((h.hits(), e.attempts()), (3 + 5, 5));
    }

    /// A provider that can refresh: hands out `TOKEN` and says a new one may follow.
    struct Refreshing;

    impl TokenProvider for Refreshing {
        fn token<'a>(&'a self, _: &'a Client) -> BoxFuture<'a, Result<AccessToken, TokenError>> {
            Box::pin(async { Ok(AccessToken::new(TOKEN)) })
        }

        fn invalidate(&self, _: &AccessToken) -> bool {
            true
        }
    }

    /// A rejected token is refreshed and the call repeated once, whatever the operation (the
    /// request was refused); a second rejection ends the call.
    #[tokio::test]
    async fn a_rejected_token_is_retried_once() {
        let mut h = harness().await;
        h.client = Client::builder(Refreshing)
            .base_url(h.server.base_url())
            .retry(fast_retries())
            .build()
            .unwrap();
        h.always(dingtalk(401, "InvalidAuthentication", "req-401"));

        let e = h.add().send().await.unwrap_err();

        assert_eq!((h.hits(), e.attempts(), e.status()), (2, 2, Some(401)));
        assert!(!e.is_retryable());
    }

    /// A fixed `AccessToken` cannot be refreshed: its rejection is returned at once, even for
    /// an idempotent call, instead of sending the same token again.
    #[tokio::test]
    async fn a_rejected_fixed_token_is_not_sent_again() {
        let h = harness().await;
        h.always(dingtalk(401, "InvalidAuthentication", "req-401"));

        let e = h.get().send().await.unwrap_err();

        assert_eq!((h.hits(), e.attempts(), e.status()), (1, 1, Some(401)));
        assert_eq!(e.code(), Some("InvalidAuthentication"));
        assert!(!e.is_retryable());
    }
}

// ---------------------------------------------------------------------------------------------
// Timeouts
// ---------------------------------------------------------------------------------------------

/// Per-attempt and whole-call time limits.
mod timeouts {
    use super::*;

    /// An answer that comes far too late (the server holds every reply 3 s).
    fn slow() -> Reply {
        workspace_ok().delay(secs(3))
    }

    /// Each attempt of an idempotent call gets `attempt_timeout`; all are used.
    #[tokio::test]
    async fn attempt_timeout_is_retried_for_idempotent_calls() {
        let h = harness_with(|b| b.attempt_timeout(Some(ms(200)))).await;
        h.always(slow());

        let start = Instant::now();
        let e = h.get().send().await.unwrap_err();

        assert_between(start.elapsed(), ms(600), secs(3));
        assert!(timeout(&e).request_sent());
        assert_eq!((h.hits(), e.attempts()), (3, 3));
        assert!(e.is_retryable());
        assert!(e.to_string().contains("after 3 attempts"), "{e}");
    }

    /// AddSpace may have been carried out by a server that answers late: one attempt.
    #[tokio::test]
    async fn attempt_timeout_is_not_retried_for_add_space() {
        let h = harness_with(|b| b.attempt_timeout(Some(ms(200)))).await;
        h.always(slow());

        let start = Instant::now();
        let e = h.add().send().await.unwrap_err();

        assert_between(start.elapsed(), ms(200), secs(3));
        timeout(&e);
        assert_eq!((h.hits(), e.attempts()), (1, 1));
    }

    /// An answer that stalls mid-body: the attempt timeout covers reading the body too.
    #[tokio::test]
    async fn attempt_timeout_covers_a_stalled_body() {
        let h = harness_with(|b| b.attempt_timeout(Some(ms(200)))).await;
        h.always(workspace_ok().stall_body_at(10));

        let start = Instant::now();
        let e = h.get().send().await.unwrap_err();
        assert_between(start.elapsed(), ms(600), secs(3));
        assert!(timeout(&e).request_sent());
        assert_eq!((h.hits(), e.attempts()), (3, 3));

        let e = h.add().send().await.unwrap_err();
        timeout(&e);
        assert_eq!((h.hits(), e.attempts()), (3 + 1, 1));
    }

    /// The operation timeout ends the call, retries included, although attempts are left.
    #[tokio::test]
    async fn operation_timeout_stops_retries() {
        let policy = RetryPolicy {
            max_attempts: 10,
            ..fast_retries()
        };
        let h = harness_with(|b| {
            b.retry(policy)
                .attempt_timeout(Some(ms(400)))
                .operation_timeout(Some(ms(1000)))
        })
        .await;
        h.always(slow());

        let start = Instant::now();
        let e = h.get().send().await.unwrap_err();

        // Attempts start at ~0, ~410 and ~820 ms; the deadline falls in the third.
        assert_between(start.elapsed(), ms(1000), secs(3));
        assert!(timeout(&e).message().contains("longer than 1s"), "{e}");
        assert!((2..=3).contains(&e.attempts()), "{e}");
        let n = e.attempts() as usize;
        assert!(h.server.wait_for_hits(n, secs(2)).await);
        assert_eq!(h.hits(), n);
    }

    /// A per-call timeout overrides the client's (10 s here).
    #[tokio::test]
    async fn per_call_timeout_overrides_the_client() {
        let h = harness().await;
        h.always(slow());

        let start = Instant::now();
        let e = h.get().timeout(ms(300)).send().await.unwrap_err();

        assert_between(start.elapsed(), ms(300), secs(3));
        timeout(&e);
        assert_eq!((h.hits(), e.attempts()), (1, 1));
    }

    /// When the next retry could only start after the operation deadline, the client must
    /// give up at once with the server's last answer instead of sleeping into the deadline and
    /// returning a bare timeout: the code and request id DingTalk sent are otherwise lost.
    #[tokio::test]
    async fn a_backoff_past_the_deadline_returns_the_last_answer() {
        let policy = RetryPolicy {
            max_delay: secs(5),
            max_total_delay: secs(10),
            ..fast_retries()
        };
        let h = harness_with(|b| b.retry(policy).operation_timeout(Some(ms(500)))).await;
        h.always(dingtalk(503, "operationTimeout", "req-late").header("retry-after", "2"));

        let start = Instant::now();
        let e = h.get().send().await.unwrap_err();

        assert_eq!(h.hits(), 1);
        let want = Shape {
            status: Some(503),
            code: Some("operationTimeout"),
            request_id: Some("req-late"),
            attempts: 1,
            retryable: true,
        };
        assert_eq!(shape(&e), want, "{e}");
        assert!(start.elapsed() < ms(500), "{:?}", start.elapsed());
    }

    /// `Duration::MAX` for every limit, the client's and a call's, and for the retry delays:
    /// no limit, never an `Instant` overflow (which panicked the calling task).
    #[tokio::test]
    async fn the_longest_durations_mean_no_limit_and_never_panic() {
        let forever = RetryPolicy {
            base_delay: Duration::MAX,
            throttle_delay: Duration::MAX,
            max_delay: Duration::MAX,
            max_total_delay: Duration::MAX,
            ..fast_retries()
        };
        let h = harness_with(|b| {
            b.connect_timeout(Duration::MAX)
                .attempt_timeout(Some(Duration::MAX))
                .operation_timeout(Some(Duration::MAX))
                .retry(forever)
        })
        .await;
        h.always(workspace_ok());
        // In a task: a panic there is an error here, not the end of the test binary's thread.
        let (get, per_call) = (h.get(), h.get().timeout(Duration::MAX));
        let calls = tokio::spawn(async move {
            get.send().await.unwrap();
            per_call.send().await.unwrap();
        });
        calls.await.expect("no panic");
        // A retry that would wait `Duration::MAX` is past any deadline: the answer comes back.
        h.always(dingtalk(503, "systemError", "req-503"));
        let get = h.get().timeout(secs(5));
        let e = tokio::spawn(async move { get.send().await.unwrap_err() })
            .await
            .expect("no panic");
        assert_eq!((e.status(), e.attempts()), (Some(503), 1));
        assert_eq!(h.hits(), 3);
    }
}

// ---------------------------------------------------------------------------------------------
// Broken connections
// ---------------------------------------------------------------------------------------------

/// Connections that break or never open.
mod connections {
    use super::*;

    /// The connection breaks after the request was sent (no answer, head only, half a body):
    /// retried for GetWorkspace, not for AddSpace (the server may have carried it out).
    #[tokio::test]
    async fn a_reset_mid_answer_is_retried_for_idempotent_calls_only() {
        let faults = [
            ("half a body", workspace_ok().truncate_body_at(10)),
            ("head only", workspace_ok().close_after_headers()),
            ("no answer", workspace_ok().drop_connection()),
        ];
        for (what, fault) in faults {
            let h = harness().await;
            h.always(fault);

            let e = h.get().send().await.unwrap_err();
            assert!(connect(&e).request_sent(), "{what}");
            assert_eq!((h.hits(), e.attempts()), (3, 3), "{what}");
            let want = Shape {
                status: None,
                code: None,
                request_id: None,
                attempts: 3,
                retryable: true,
            };
            assert_eq!(shape(&e), want, "{what}");

            let e = h.add().send().await.unwrap_err();
            assert!(connect(&e).request_sent(), "{what}");
            assert_eq!((h.hits(), e.attempts()), (3 + 1, 1), "{what}");
        }
    }

    /// Nothing listens: the request never left, so even AddSpace is retried.
    #[tokio::test]
    async fn a_refused_connection_is_retried_even_for_add_space() {
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", closed.local_addr().unwrap());
        drop(closed);
        let client = client_builder(TOKEN, url).build().unwrap();

        let e = client
            .drive_1_0()
            .add_space("s", "u")
            .send()
            .await
            .unwrap_err();
        let t = connect(&e);
        assert!(!t.request_sent());
        assert_eq!(t.attempts(), 3);
        assert!(e.to_string().contains("after 3 attempts"), "{e}");
        assert!(e.is_retryable());

        let e = client.wiki_2_0().get_workspace("w", "u").send().await;
        let e = e.unwrap_err();
        assert_eq!((connect(&e).request_sent(), e.attempts()), (false, 3));
    }

    /// A loopback listener whose accept queue (of one) is full, so that connecting to it hangs
    /// as to a host that drops packets; keep the returned values alive while it is used.
    #[cfg(target_os = "linux")]
    async fn unanswered_listener() -> (tokio::net::TcpListener, tokio::net::TcpStream, String) {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let listener = socket.listen(0).unwrap();
        let addr = listener.local_addr().unwrap();
        let filler = tokio::net::TcpStream::connect(addr).await.unwrap();
        (listener, filler, format!("http://{addr}"))
    }

    /// Connecting takes longer than `connect_timeout`: a timeout before anything was sent,
    /// retried.
    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn a_connect_timeout_is_a_timeout_before_sending_and_is_retried() {
        let (_listener, _filler, url) = unanswered_listener().await;
        let client = client_builder(TOKEN, url)
            .connect_timeout(ms(200))
            .build()
            .unwrap();

        let start = Instant::now();
        let e = client.wiki_2_0().get_workspace("w", "u").send().await;
        let e = e.unwrap_err();

        assert_between(start.elapsed(), ms(600), secs(3));
        assert_eq!((timeout(&e).request_sent(), e.attempts()), (false, 3));
    }

    /// A connect timeout means the request was never sent: as safe to repeat as a refused
    /// connection, so AddSpace should be retried too.
    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn a_connect_timeout_is_retried_even_for_add_space() {
        let (_listener, _filler, url) = unanswered_listener().await;
        let client = client_builder(TOKEN, url)
            .connect_timeout(ms(200))
            .build()
            .unwrap();

        let e = client.drive_1_0().add_space("s", "u").send().await;
        let e = e.unwrap_err();

        assert_eq!((timeout(&e).request_sent(), e.attempts()), (false, 3));
    }
}

// ---------------------------------------------------------------------------------------------
// Answers that are not the documented JSON
// ---------------------------------------------------------------------------------------------

/// Proxies, bans, broken and oversized bodies.
mod invalid_answers {
    use super::*;

    /// A proxy's HTML 502: an invalid answer with status and snippet, retried for GetWorkspace
    /// only.
    #[tokio::test]
    async fn an_html_502_from_a_proxy() {
        let h = harness().await;
        let page = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
        h.always(Reply::raw(502, "text/html", page).header("x-acs-request-id", "req-proxy"));

        let e = h.get().send().await.unwrap_err();
        assert_eq!(h.hits(), 3);
        let i = invalid(&e);
        assert!(i.snippet().contains("502 Bad Gateway"), "{}", i.snippet());
        assert!(i.reason().contains("not JSON"), "{}", i.reason());
        let want = Shape {
            status: Some(502),
            code: None,
            request_id: Some("req-proxy"),
            attempts: 3,
            retryable: true,
        };
        assert_eq!(shape(&e), want);
        assert!(e.to_string().ends_with("after 3 attempts"), "{e}");

        let e = h.add().send().await.unwrap_err();
        assert_eq!(
            (h.hits(), invalid(&e).status(), e.attempts()),
            (3 + 1, 502, 1)
        );
    }

    /// DingTalk's IP ban (`{"punish":"deny"}`, or an HTML 403): named as such, not retried
    /// (it lasts minutes), even for an idempotent call.
    #[tokio::test]
    async fn an_ip_ban_is_named_and_not_retried() {
        let bans = [
            Reply::json(403, json!({ "punish": "deny" })),
            Reply::raw(
                403,
                "text/html",
                "<!DOCTYPE html><html><body>denied</body></html>",
            ),
        ];
        for ban in bans {
            let h = harness().await;
            h.always(ban);

            let e = h.get().send().await.unwrap_err();

            assert_eq!(h.hits(), 1);
            let reason = &invalid(&e).reason();
            assert!(
                reason.contains("DingTalk rejected the caller's IP"),
                "{reason}"
            );
            let want = Shape {
                status: Some(403),
                code: None,
                request_id: None,
                attempts: 1,
                retryable: false,
            };
            assert_eq!(shape(&e), want);
        }
    }

    /// Empty, truncated or mistyped 200 bodies: invalid answers, one attempt each.
    #[tokio::test]
    async fn broken_2xx_bodies_are_invalid_answers() {
        let bodies = [
            ("", "empty"),
            (
                r#"{"workspace":{"workspaceId":"ws","name":"tru"#,
                "documented JSON",
            ),
            (
                r#"{"workspace":{"workspaceId":"ws","name":42}}"#,
                "documented JSON",
            ),
            (r#"{"workspace":"ws"}"#, "documented JSON"),
        ];
        let h = harness().await;
        for (body, reason) in bodies {
            let before = h.hits();
            h.always(Reply::raw(200, "application/json", body).header("x-acs-request-id", "r"));

            let e = h.get().send().await.unwrap_err();

            assert_eq!(h.hits() - before, 1, "{body:?}");
            let i = invalid(&e);
            assert!(i.reason().contains(reason), "{body:?}: {}", i.reason());
            assert_eq!(i.snippet(), body);
            let want = Shape {
                status: Some(200),
                code: None,
                request_id: Some("r"),
                attempts: 1,
                retryable: false,
            };
            assert_eq!(shape(&e), want, "{body:?}");
        }
    }

    /// A 100 MiB answer (valid JSON: `{"workspace":null}` and spaces), announced or chunked: the
    /// default 16 MiB limit refuses it, and the client and the server together never hold more
    /// than about twice that limit in memory (measured by this thread's allocations).
    #[tokio::test]
    async fn a_100_mib_body_is_refused_without_being_buffered() {
        const SIZE: usize = 100 << 20;
        const LIMIT: usize = 16 << 20;
        let h = harness().await;
        let huge = Reply::json(200, json!({ "workspace": null })).padded_to(SIZE);

        for (what, reply) in [("announced", huge.clone()), ("chunked", huge.chunked())] {
            let before = h.hits();
            h.always(reply);
            let (mark, start) = (memory::mark(), Instant::now());

            let e = h.get().send().await.unwrap_err();

            // Growing the body buffer by doubling may reserve up to twice what it holds.
            let held = memory::peak_since(mark);
            assert!(
                held < 2 * LIMIT + (1 << 20),
                "{what}: held {} KiB",
                held >> 10
            );
            assert_between(start.elapsed(), Duration::ZERO, secs(5));
            assert_eq!(h.hits() - before, 1, "{what}");
            let i = invalid(&e);
            let reason = &i.reason();
            assert!(reason.contains("16777216-byte limit"), "{what}: {reason}");
            assert_eq!(
                (i.status(), e.attempts(), e.is_retryable()),
                (200, 1, false)
            );
        }
    }

    /// A configured limit holds to the byte, whether the size is announced or not.
    #[tokio::test]
    async fn a_configured_limit_is_exact() {
        let h = harness_with(|b| b.max_response_bytes(1024)).await;
        let body = Reply::json(200, json!({ "workspace": null }));

        for chunked in [false, true] {
            let sized = |n| {
                let r = body.clone().padded_to(n);
                if chunked {
                    r.chunked()
                } else {
                    r
                }
            };
            let before = h.hits();
            h.reply(sized(1024)).reply(sized(1025));

            let at_limit = h.get().send().await;
            assert!(at_limit.is_ok(), "chunked {chunked}: {at_limit:?}");
            let e = h.get().send().await.unwrap_err();
            let reason = &invalid(&e).reason();
            assert!(
                reason.contains("1024-byte limit"),
                "chunked {chunked}: {reason}"
            );
            assert_eq!((h.hits() - before, e.attempts()), (2, 1));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Rate limiting
// ---------------------------------------------------------------------------------------------

/// The opt-in client-side limiter.
mod rate_limit {
    use super::*;
    use dingtalk_openapi::RateLimit;
    use std::num::NonZeroU32;

    /// A client allowing `n` calls per second per operation.
    async fn limited(n: u32) -> Harness {
        let limit = RateLimit {
            per_operation_per_second: NonZeroU32::new(n),
            ..RateLimit::default()
        };
        let h = harness_with(|b| b.rate_limit(limit)).await;
        h.always(workspace_ok());
        h
    }

    /// 10 concurrent calls at 5 per second: a burst of 5, then one every 200 ms, as the server
    /// sees them arrive.
    #[tokio::test]
    async fn calls_are_spaced_to_the_per_operation_rate() {
        let h = limited(5).await;
        let mut calls = tokio::task::JoinSet::new();

        let start = Instant::now();
        for _ in 0..10 {
            calls.spawn(h.get().send());
        }
        while let Some(done) = calls.join_next().await {
            done.unwrap().unwrap();
        }

        assert_between(start.elapsed(), ms(950), secs(6));
        let arrivals: Vec<Instant> = h.server.requests().iter().map(|r| r.at).collect();
        assert_eq!(arrivals.len(), 10);
        // GCRA: any 6 consecutive calls span at least one 200 ms emission interval, and call k
        // (k >= 5) comes at least (k - 4) intervals after the first.
        for k in 5..10 {
            let since_first = arrivals[k] - arrivals[0];
            let since_sixth_back = arrivals[k] - arrivals[k - 5];
            let floor = ms(200 * (k as u64 - 4) - 50);
            assert!(since_first >= floor, "call {k} after {since_first:?}");
            assert!(
                since_sixth_back >= ms(150),
                "calls {}..={k}: {since_sixth_back:?}",
                k - 5
            );
        }
    }

    /// One operation's budget does not delay another: at 1 call per second, a second
    /// GetWorkspace waits a second, while GetMineWorkspace, started with it, goes straight
    /// through (as the server sees them arrive).
    #[tokio::test]
    async fn another_operation_is_not_delayed() {
        let h = limited(1).await;
        h.get().send().await.unwrap();

        let second = tokio::spawn(h.get().send());
        let other = tokio::spawn(h.client.wiki_2_0().get_mine_workspace("u").send());
        other.await.unwrap().unwrap();
        second.await.unwrap().unwrap();

        let requests = h.server.requests();
        let paths: Vec<&str> = requests.iter().map(|r| r.path.as_str()).collect();
        let (get, mine) = ("/v2.0/wiki/workspaces/ws", "/v2.0/wiki/mineWorkspaces");
        assert_eq!(paths, [get, mine, get]);
        let (other_after, second_after) = (
            requests[1].at - requests[0].at,
            requests[2].at - requests[0].at,
        );
        assert!(
            second_after >= ms(900),
            "GetWorkspace again after {second_after:?}"
        );
        assert!(
            other_after < ms(750),
            "GetMineWorkspace after {other_after:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Tracing
// ---------------------------------------------------------------------------------------------

/// The `dingtalk.call` span, as a service's log would show it.
mod tracing_spans {
    use super::*;
    use log_capture::captured;

    /// A token and request values that must never reach a log.
    const SECRET_TOKEN: &str = "tok-SECRET-5f2c9a";
    const SECRET_NAME: &str = "name-SECRET-81d3";
    const SECRET_UNION_ID: &str = "union-SECRET-77aa";

    /// The log line closing a `dingtalk.call` span that has all of `fields`.
    fn span_close<'a>(log: &'a str, fields: &[&str]) -> &'a str {
        log.lines()
            .find(|l| {
                l.contains("dingtalk.call{") && l.contains("close") && {
                    fields.iter().all(|f| l.contains(f))
                }
            })
            .unwrap_or_else(|| panic!("no dingtalk.call span with {fields:?} in:\n{log}"))
    }

    /// A success, a retried server error and a rejected AddSpace: each call's span closes with
    /// service, operation, attempt, status, code and request id; the token and the body's
    /// values, sent on the wire, appear nowhere in the log (any level, any crate).
    #[test]
    fn spans_carry_the_call_fields_and_never_a_secret() {
        let log = captured(|| async {
            let server =
                TestServer::start(workspace_ok().header("x-acs-request-id", "req-ok")).await;
            let client = client_builder(SECRET_TOKEN, server.base_url())
                .build()
                .unwrap();
            let wiki = client.wiki_2_0();
            wiki.get_workspace("ws", "u").send().await.unwrap();

            server.set_default(dingtalk(500, "systemError", "req-fail"));
            let e = wiki
                .get_workspace("ws", "u")
                .build()
                .max_attempts(2)
                .send()
                .await;
            assert_eq!(e.unwrap_err().attempts(), 2);

            server.set_default(dingtalk(400, "param.error", "req-param"));
            let add = client.drive_1_0().add_space(SECRET_NAME, SECRET_UNION_ID);
            add.send().await.unwrap_err();
            assert_eq!(server.hits(), 4);
            let sent = &server.requests()[3];
            assert!(String::from_utf8_lossy(&sent.body).contains(SECRET_NAME));
            let token = sent.header("x-acs-dingtalk-access-token");
            assert_eq!(token, Some(SECRET_TOKEN));
        });

        let wiki = [r#"service="wiki_2.0""#, r#"operation="GetWorkspace""#];
        let ok = span_close(&log, &wiki);
        for field in ["attempt=1", "status=200", r#"request_id="req-ok""#] {
            assert!(ok.contains(field), "{field} missing from {ok}");
        }
        let failed = span_close(&log, &[&wiki[..], &["attempt=2"]].concat());
        for field in [
            "status=500",
            r#"code="systemError""#,
            r#"request_id="req-fail""#,
        ] {
            assert!(failed.contains(field), "{field} missing from {failed}");
        }
        let add = [r#"service="drive_1.0""#, r#"operation="AddSpace""#];
        let rejected = span_close(&log, &add);
        for field in [
            "attempt=1",
            "status=400",
            r#"code="param.error""#,
            "req-param",
        ] {
            assert!(rejected.contains(field), "{field} missing from {rejected}");
        }
        assert!(log.contains("retrying"), "the retry is logged:\n{log}");
        for secret in [SECRET_TOKEN, SECRET_NAME, SECRET_UNION_ID] {
            assert!(!log.contains(secret), "{secret} logged:\n{log}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Echoed secrets
// ---------------------------------------------------------------------------------------------

/// A server that echoes the secrets it was sent (the token, a `Secret` parameter): no error
/// text and no log line carries them.
mod echoed_secrets {
    use super::*;
    use dingtalk_openapi::Secret;
    use log_capture::captured;

    const ECHO_TOKEN: &str = "echo-token-Q4v";
    const HEADER_SECRET: &str = "header-secret-Hk2";

    /// Everything a caller or a log can show of `e`.
    fn shown<E: Debug>(e: &Error<E>) -> String {
        let mut text = format!("{e} {e:?}");
        if let Error::Api(a) = e {
            text += &format!("{} {} {}", a.code(), a.message(), a.body());
        }
        if let Error::InvalidResponse(i) = e {
            text += &format!("{} {}", i.reason(), i.snippet());
        }
        text
    }

    #[test]
    fn echoed_secrets_are_in_no_error_and_no_log_line() {
        let log = captured(|| async {
            let server = TestServer::start(workspace_ok()).await;
            let client = client_builder(ECHO_TOKEN, server.base_url())
                .build()
                .unwrap();
            let get = || client.wiki_2_0().get_workspace("ws", "u").build();

            // A wrong type: serde's message quotes the value.
            server.push(Reply::json(200, json!({ "workspace": ECHO_TOKEN })));
            let e = get().send().await.unwrap_err();
            assert!(invalid(&e).reason().contains("<redacted>"), "{e}");
            assert!(!shown(&e).contains(ECHO_TOKEN), "{}", shown(&e));

            // An error that quotes the token and a secret header parameter, retried (5xx) then
            // given up: both log lines are written.
            let echo = format!("bad {ECHO_TOKEN} and {HEADER_SECRET:?}");
            let body = json!({ "code": "systemError", "message": echo, "requestid": ECHO_TOKEN });
            server.set_default(Reply::json(500, body));
            let e = get()
                .header("x-demo-secret", &Secret::new(HEADER_SECRET))
                .send()
                .await
                .unwrap_err();
            let Error::Api(a) = &e else {
                panic!("expected the 500, got {e:?}")
            };
            assert_eq!(a.message(), "bad <redacted> and \"<redacted>\"");
            assert_eq!(a.request_id(), Some("<redacted>"));
            assert!(a.body().contains("<redacted>"), "{}", a.body());
            for secret in [ECHO_TOKEN, HEADER_SECRET] {
                assert!(!shown(&e).contains(secret), "{}", shown(&e));
            }
            // The secret was sent all the same.
            let sent = server.requests().pop().unwrap();
            assert_eq!(sent.header("x-demo-secret"), Some(HEADER_SECRET));
        });
        assert!(log.contains("retrying after"), "{log}");
        assert!(log.contains("giving up"), "{log}");
        for secret in [ECHO_TOKEN, HEADER_SECRET] {
            assert!(!log.contains(secret), "{secret} logged:\n{log}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

/// Configuration mistakes are reported when the client is built, saying what is wrong, instead
/// of surfacing as retried connection failures.
mod configuration {
    use super::*;
    use dingtalk_openapi::ConfigError;

    fn build(
        configure: impl FnOnce(ClientBuilder) -> ClientBuilder,
    ) -> Result<Client, ConfigError> {
        configure(Client::builder(AccessToken::new(TOKEN))).build()
    }

    #[test]
    fn a_base_url_that_cannot_be_called_is_refused_with_the_reason() {
        for (url, reason) in [
            ("127.0.0.1:9", "no scheme"),
            ("localhost:8080", "no scheme"),
            ("api.dingtalk.com", "no scheme"),
            ("ftp://api.dingtalk.com", "scheme is `ftp`"),
            ("http://", "not a URL"),
            ("https://api.dingtalk.com?x=1", "query"),
            ("https://api.dingtalk.com/#top", "fragment"),
        ] {
            let e = build(|b| b.base_url(url)).unwrap_err();
            let ConfigError::BaseUrl { url: got, .. } = &e else {
                panic!("{url}: {e:?}")
            };
            assert_eq!(got, url.trim_end_matches('/'));
            let text = e.to_string();
            assert!(
                text.contains(url.trim_end_matches('/')) && text.contains(reason),
                "{text}"
            );
        }
        for url in [
            "https://api.dingtalk.com",
            "http://127.0.0.1:9/",
            "http://[::1]:8080/prefix",
        ] {
            assert!(build(|b| b.base_url(url)).is_ok(), "{url}");
        }
    }

    #[test]
    fn a_user_agent_that_cannot_be_a_header_is_refused() {
        let e = build(|b| b.user_agent("line\nbreak")).unwrap_err();
        assert!(matches!(e, ConfigError::UserAgent { .. }), "{e:?}");
        assert!(e.to_string().contains("user agent"), "{e}");
        assert!(build(|b| b.user_agent("my-app/1.0 (ops@example.com)")).is_ok());
    }
}

// ---------------------------------------------------------------------------------------------
// Path injection
// ---------------------------------------------------------------------------------------------

/// Path parameters that would change the path or query if sent as they are (tests/e2e.rs covers
/// `/`, `?`, `#`, a space and non-ASCII in one value, and refuses `.`, `..` and empty ones).
mod path_injection {
    use super::*;
    use dingtalk_openapi_tests::server::form_decode;

    /// Values and their one encoded segment: escapes that must not be decoded on the way
    /// (`%2e%2e` would become `..`), dot segments inside longer values, backslashes (URL
    /// parsers treat them as `/` in http URLs), CR LF and a query of their own.
    const VALUES: [(&str, &str); 10] = [
        ("%2e%2e", "%252e%252e"),
        ("..%2F..%2Fadmin", "..%252F..%252Fadmin"),
        ("../../admin", "..%2F..%2Fadmin"),
        ("..\\..\\admin", "..%5C..%5Cadmin"),
        ("100% sure", "100%25%20sure"),
        ("a..b", "a..b"),
        ("...", "..."),
        ("%", "%25"),
        (
            "x?operatorId=admin&y=1#frag",
            "x%3FoperatorId%3Dadmin%26y%3D1%23frag",
        ),
        ("a\r\nHost: evil", "a%0D%0AHost%3A%20evil"),
    ];

    /// Whether `segment` is unreserved characters and `%XX` escapes only.
    fn is_one_encoded_segment(segment: &str) -> bool {
        let b = segment.as_bytes();
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'%' if b.len() > i + 2
                    && b[i + 1].is_ascii_hexdigit()
                    && b[i + 2].is_ascii_hexdigit() =>
                {
                    i += 3
                }
                c if c.is_ascii_alphanumeric() || b"-._~".contains(&c) => i += 1,
                _ => return false,
            }
        }
        true
    }

    /// Each value, at the end of GetWorkspace's path and inside PinSpace's, arrives as one
    /// segment that decodes back to the value, with the path around it and the query intact.
    #[tokio::test]
    async fn each_value_arrives_as_exactly_one_segment() {
        let h = harness().await;
        h.always(workspace_ok());
        let odd = "知识/../ü";
        let values = VALUES.iter().map(|(v, _)| *v).chain([odd]);
        for (i, value) in values.enumerate() {
            h.client
                .wiki_2_0()
                .get_workspace(value, "u")
                .send()
                .await
                .unwrap();
            h.client
                .doc_2_0()
                .pin_space(value, "u")
                .build()
                .max_attempts(1)
                .send()
                .await
                .expect("PinSpace ignores the fields it does not know");

            let requests = h.server.requests();
            let (get, pin) = (&requests[2 * i], &requests[2 * i + 1]);
            let segment = get
                .path
                .strip_prefix("/v2.0/wiki/workspaces/")
                .unwrap_or_else(|| panic!("{value:?} changed the path: {}", get.path));
            assert!(
                is_one_encoded_segment(segment),
                "{value:?} sent as {segment:?}"
            );
            assert_eq!(form_decode(segment), value);
            if let Some((_, encoded)) = VALUES.iter().find(|(v, _)| *v == value) {
                assert_eq!(segment, *encoded);
            }
            assert_eq!(pin.path, format!("/v2.0/doc/spaces/{segment}/pin"));
            for r in [get, pin] {
                assert_eq!(r.query, "operatorId=u", "{value:?}");
                assert_eq!(r.header("host"), Some(&h.server.base_url()[7..]));
            }
        }
    }
}
