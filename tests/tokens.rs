//! Access tokens handled for the user: `AppCredentials` and `SuiteCredentials` against a
//! loopback server that serves both the token endpoints and an API (`wiki_2_0` GetWorkspace).
//!
//! Every test counts what the *server* saw: token requests (`hits_on(TOKEN_PATH)`) and API
//! requests, with the token each API request carried. Time is a [`ManualClock`]: tokens expire
//! when a test advances it, never by sleeping.

use std::sync::{Arc, Mutex, Once};
use std::time::Duration;

use dingtalk_openapi::oauth2_1_0::{
    GetAccessTokenError, GetAccessTokenResponse, GetCorpAccessTokenParams,
};
use dingtalk_openapi::runtime::ManualClock;
use dingtalk_openapi::{
    AccessToken, AppCredentials, Client, Error, RetryPolicy, Secret, SuiteCredentials, SuiteTicket,
    TokenErrorKind, TokenProvider,
};
use dingtalk_openapi_tests::server::{Reply, TestServer};
use serde_json::json;

const TOKEN_PATH: &str = "/v1.0/oauth2/accessToken";
const CORP_TOKEN_PATH: &str = "/v1.0/oauth2/corpAccessToken";
const API_PATH: &str = "/v2.0/wiki/workspaces/ws";
const HEADER: &str = "x-acs-dingtalk-access-token";

const APP_KEY: &str = "dingappkey";
const APP_SECRET: &str = "app-secret-Zq7";
const SUITE_KEY: &str = "suitekey";
const SUITE_SECRET: &str = "suite-secret-Kp3";
const SUITE_TICKET: &str = "suite-ticket-Wm9";
/// Every secret of this file: no log, `Debug` or `Display` may contain any of them.
const SECRETS: &[&str] = &[
    APP_SECRET,
    SUITE_SECRET,
    SUITE_TICKET,
    "tok-",
    "ticket-2-Vb1",
];

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// A token answer: `{"accessToken": token, "expireIn": 7200}`.
fn token_reply(token: &str) -> Reply {
    Reply::json(200, json!({ "accessToken": token, "expireIn": 7200 }))
}

fn assert_no_secret(what: &str, text: &str) {
    for s in SECRETS {
        assert!(!text.contains(s), "{what} shows {s:?}: {text}");
    }
}

/// Everything the SDK logs in this test binary (all levels, all threads), installed once before
/// any client exists; checked for secrets by [`nothing_logged_contains_a_secret`].
fn log() -> Arc<Mutex<Vec<u8>>> {
    static LOG: Mutex<Option<Arc<Mutex<Vec<u8>>>>> = Mutex::new(None);
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let buf = Arc::new(Mutex::new(Vec::new()));
        *LOG.lock().unwrap() = Some(Arc::clone(&buf));
        let writer = move || Sink(Arc::clone(&buf));
        tracing_subscriber::fmt()
            .with_writer(writer)
            .with_max_level(tracing::Level::TRACE)
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
            .without_time()
            .try_init()
            .expect("the only global subscriber of this binary");
    });
    Arc::clone(LOG.lock().unwrap().as_ref().unwrap())
}

struct Sink(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A server whose token endpoints answer `tok-1` and whose API answers `{}` (success), unless a
/// test says otherwise.
async fn server() -> TestServer {
    let _ = log();
    let server = TestServer::start(Reply::json(200, json!({}))).await;
    server.route(TOKEN_PATH, token_reply("tok-1"));
    server.route(CORP_TOKEN_PATH, token_reply("tok-corp"));
    server
}

/// Millisecond retries (3 attempts), so failing token endpoints are fast.
fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        base_delay: ms(5),
        throttle_delay: ms(5),
        max_delay: ms(20),
        max_total_delay: Duration::from_secs(2),
        ..RetryPolicy::default()
    }
}

fn client(server: &TestServer, tokens: impl TokenProvider) -> Client {
    let _ = log();
    Client::builder(tokens)
        .base_url(server.base_url())
        .retry(fast_retries())
        .operation_timeout(Some(Duration::from_secs(20)))
        .build()
        .unwrap()
}

fn app(clock: &ManualClock) -> AppCredentials {
    AppCredentials::new(APP_KEY, APP_SECRET).clock(clock.clone())
}

async fn call(client: &Client) -> Result<(), Error<dingtalk_openapi::wiki_2_0::GetWorkspaceError>> {
    client
        .wiki_2_0()
        .get_workspace("ws", "union")
        .send()
        .await
        .map(|_| ())
}

/// The tokens the API requests carried, in order.
fn api_tokens(server: &TestServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .filter(|r| r.path == API_PATH)
        .map(|r| r.header(HEADER).unwrap_or("<none>").to_owned())
        .collect()
}

#[tokio::test]
async fn cold_start_fetches_one_token_and_sends_it() {
    let server = server().await;
    let client = client(&server, app(&ManualClock::new()));
    call(&client).await.unwrap();
    assert_eq!(server.hits_on(TOKEN_PATH), 1);
    let requests = server.requests();
    let token_request = &requests[0];
    assert_eq!(
        (token_request.method.as_str(), token_request.path.as_str()),
        ("POST", TOKEN_PATH)
    );
    assert_eq!(
        token_request.json(),
        json!({ "appKey": APP_KEY, "appSecret": APP_SECRET })
    );
    assert_eq!(
        token_request.header(HEADER),
        None,
        "token endpoints are anonymous"
    );
    assert_eq!(api_tokens(&server), ["tok-1"]);
}

#[tokio::test]
async fn a_token_is_reused_within_its_lifetime() {
    let server = server().await;
    let clock = ManualClock::new();
    let client = client(&server, app(&clock));
    call(&client).await.unwrap();
    call(&client).await.unwrap();
    // 7200 s minus the 5-minute margin, less one second: still fresh.
    clock.advance(Duration::from_secs(7200 - 300 - 1));
    call(&client).await.unwrap();
    assert_eq!(server.hits_on(TOKEN_PATH), 1);
    assert_eq!(api_tokens(&server), ["tok-1", "tok-1", "tok-1"]);
}

#[tokio::test]
async fn a_token_is_refreshed_once_within_the_margin_of_its_expiry() {
    let server = server().await;
    server.push_route(TOKEN_PATH, token_reply("tok-1"));
    server.push_route(TOKEN_PATH, token_reply("tok-2"));
    let clock = ManualClock::new();
    let client = client(&server, app(&clock));
    call(&client).await.unwrap();
    clock.advance(Duration::from_secs(7200 - 300));
    call(&client).await.unwrap();
    call(&client).await.unwrap();
    assert_eq!(server.hits_on(TOKEN_PATH), 2);
    assert_eq!(api_tokens(&server), ["tok-1", "tok-2", "tok-2"]);
}

#[tokio::test]
async fn the_refresh_margin_is_configurable() {
    let server = server().await;
    let clock = ManualClock::new();
    let creds = app(&clock).refresh_margin(Duration::from_secs(60));
    let client = client(&server, creds);
    call(&client).await.unwrap();
    clock.advance(Duration::from_secs(7200 - 61));
    call(&client).await.unwrap();
    assert_eq!(server.hits_on(TOKEN_PATH), 1);
    clock.advance(Duration::from_secs(1));
    call(&client).await.unwrap();
    assert_eq!(server.hits_on(TOKEN_PATH), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_calls_on_a_cold_cache_fetch_one_token() {
    let server = server().await;
    // A slow token endpoint, so every call is waiting while the one refresh runs.
    server.route(TOKEN_PATH, token_reply("tok-1").delay(ms(200)));
    let client = client(&server, app(&ManualClock::new()));
    let calls: Vec<_> = (0..100)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { call(&client).await })
        })
        .collect();
    for c in calls {
        c.await.unwrap().unwrap();
    }
    assert_eq!(server.hits_on(TOKEN_PATH), 1);
    let tokens = api_tokens(&server);
    assert_eq!(tokens.len(), 100);
    assert!(tokens.iter().all(|t| t == "tok-1"), "{tokens:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_callers_share_one_failed_refresh() {
    let server = server().await;
    let refused = json!({ "code": "invalidClientIdOrSecret", "message": "Invalid appKey or appSecret.", "requestid": "REQ-9" });
    server.route(TOKEN_PATH, Reply::json(400, refused).delay(ms(200)));
    let clock = ManualClock::new();
    let client = client(&server, app(&clock));
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { call(&client).await })
        })
        .collect();
    for c in calls {
        match c.await.unwrap() {
            Err(Error::Token(e)) => assert_eq!(e.code(), Some("invalidClientIdOrSecret")),
            other => panic!("expected a token error, got {other:?}"),
        }
    }
    assert_eq!(server.hits_on(TOKEN_PATH), 1);
    assert_eq!(server.hits_on(API_PATH), 0);
    // A later call (once the 1 s backoff after a failure is over) tries again.
    clock.advance(Duration::from_secs(1));
    let _ = call(&client).await;
    assert_eq!(server.hits_on(TOKEN_PATH), 2);
}

fn invalid_authentication() -> Reply {
    Reply::json(
        401,
        json!({ "code": "InvalidAuthentication", "message": "不合法的access_token", "requestid": "R401" }),
    )
}

#[tokio::test]
async fn a_token_rejected_mid_flight_is_refreshed_once_and_the_call_retried_once() {
    let server = server().await;
    server.push_route(TOKEN_PATH, token_reply("tok-1"));
    server.push_route(TOKEN_PATH, token_reply("tok-2"));
    server.push_route(API_PATH, invalid_authentication());
    let client = client(&server, app(&ManualClock::new()));
    call(&client).await.unwrap();
    assert_eq!(server.hits_on(TOKEN_PATH), 2);
    assert_eq!(api_tokens(&server), ["tok-1", "tok-2"]);
    // The new token is cached.
    call(&client).await.unwrap();
    assert_eq!(server.hits_on(TOKEN_PATH), 2);
}

#[tokio::test]
async fn a_rejection_that_persists_fails_after_one_retry() {
    let server = server().await;
    server.route(API_PATH, invalid_authentication());
    let client = client(&server, app(&ManualClock::new()));
    match call(&client).await {
        Err(Error::Api(e)) => {
            assert_eq!((e.status(), e.code()), (401, "InvalidAuthentication"));
            assert_eq!(e.attempts(), 2);
        }
        other => panic!("expected the 401, got {other:?}"),
    }
    assert_eq!(server.hits_on(API_PATH), 2, "one retry, not a loop");
    assert_eq!(server.hits_on(TOKEN_PATH), 2, "one refresh");
}

#[tokio::test]
async fn invalidate_forgets_only_the_token_it_names() {
    let server = server().await;
    server.push_route(TOKEN_PATH, token_reply("tok-1"));
    server.push_route(TOKEN_PATH, token_reply("tok-2"));
    let creds = app(&ManualClock::new());
    let client = client(&server, creds.clone());
    let first = creds.token(&client).await.unwrap();
    assert_eq!(first.expose(), "tok-1");
    // A stale token rejected late (another task already has a newer one): nothing is dropped.
    creds.invalidate(&AccessToken::new("tok-0"));
    assert_eq!(creds.token(&client).await.unwrap(), first);
    assert_eq!(server.hits_on(TOKEN_PATH), 1);
    // The cached token itself: refreshed on the next call, by clones too (they share the cache).
    creds.clone().invalidate(&first);
    assert_eq!(creds.token(&client).await.unwrap().expose(), "tok-2");
    assert_eq!(server.hits_on(TOKEN_PATH), 2);
}

#[tokio::test]
async fn a_token_endpoint_that_is_down_gives_a_typed_token_error() {
    let server = server().await;
    server.route(
        TOKEN_PATH,
        Reply::raw(503, "text/html", "<html>Service Unavailable</html>")
            .header("x-acs-request-id", "REQ-503"),
    );
    let client = client(&server, app(&ManualClock::new()));
    let Err(Error::Token(e)) = call(&client).await else {
        panic!("expected a token error")
    };
    assert_eq!(
        server.hits_on(TOKEN_PATH),
        3,
        "the client's retry policy applies"
    );
    assert_eq!(server.hits_on(API_PATH), 0);
    assert!(
        matches!(
            e.kind(),
            TokenErrorKind::InvalidResponse { status: 503, .. }
        ),
        "{e:?}"
    );
    assert_eq!((e.status(), e.request_id()), (Some(503), Some("REQ-503")));
    assert!(e.is_retryable());
    assert!(
        e.to_string()
            .starts_with("could not obtain an access token"),
        "{e}"
    );
}

#[tokio::test]
async fn a_token_endpoint_error_keeps_code_message_and_request_id() {
    let server = server().await;
    let refused = json!({
        "code": "invalidClientIdOrSecret",
        // A server that echoes what it was sent: the secret must not come back out.
        "message": format!("Invalid appKey or appSecret {APP_SECRET}."),
        "requestid": "REQ-1",
    });
    server.route(TOKEN_PATH, Reply::json(400, refused));
    let client = client(&server, app(&ManualClock::new()));
    let err = call(&client).await.unwrap_err();
    let Error::Token(e) = &err else {
        panic!("expected a token error, got {err:?}")
    };
    assert_eq!(
        server.hits_on(TOKEN_PATH),
        1,
        "wrong credentials are not retried"
    );
    assert_eq!(e.code(), Some("invalidClientIdOrSecret"));
    assert_eq!(e.message(), Some("Invalid appKey or appSecret <redacted>."));
    assert_eq!((e.status(), e.request_id()), (Some(400), Some("REQ-1")));
    assert!(!e.is_retryable() && !err.is_retryable());
    assert_eq!(
        err.to_string(),
        "could not obtain an access token: the token endpoint answered invalidClientIdOrSecret: Invalid appKey or appSecret <redacted>. (HTTP 400, request id REQ-1)"
    );
    assert_no_secret("Display", &err.to_string());
    assert_no_secret("Debug", &format!("{err:?}"));
}

#[tokio::test]
async fn a_token_endpoint_that_times_out_gives_a_timeout_token_error() {
    let server = server().await;
    server.route(
        TOKEN_PATH,
        token_reply("tok-late").delay(Duration::from_secs(5)),
    );
    let client = Client::builder(app(&ManualClock::new()))
        .base_url(server.base_url())
        .retry(fast_retries())
        .attempt_timeout(Some(ms(100)))
        .build()
        .unwrap();
    let Err(Error::Token(e)) = call(&client).await else {
        panic!("expected a token error")
    };
    assert!(matches!(e.kind(), TokenErrorKind::Timeout { .. }), "{e:?}");
    assert!(std::error::Error::source(&e).is_some());
    assert_eq!(server.hits_on(API_PATH), 0);
}

#[tokio::test]
async fn token_answers_are_never_quoted_in_errors() {
    let server = server().await;
    // The right token, a wrong `expireIn`: serde would quote the value next to it.
    let broken = r#"{"accessToken":"tok-leak","expireIn":"tok-leak-2"}"#;
    server.route(TOKEN_PATH, Reply::raw(200, "application/json", broken));
    let clock = ManualClock::new();
    let client = client(&server, app(&clock));
    // The generated operation itself: no snippet, no quoted value.
    let direct = client
        .oauth2_1_0()
        .get_access_token(APP_KEY, APP_SECRET)
        .send()
        .await;
    let Err(Error::InvalidResponse(e)) = &direct else {
        panic!("expected an invalid response, got {direct:?}")
    };
    assert_eq!(e.snippet(), "");
    let direct: Error<GetAccessTokenError> = direct.unwrap_err();
    assert_no_secret("Display", &direct.to_string());
    assert_no_secret("Debug", &format!("{direct:?}"));
    // Through the provider.
    let err = call(&client).await.unwrap_err();
    assert!(
        matches!(&err, Error::Token(e) if matches!(e.kind(), TokenErrorKind::InvalidResponse { status: 200, .. })),
        "{err:?}"
    );
    assert_no_secret("Display", &err.to_string());
    assert_no_secret("Debug", &format!("{err:?}"));
    // A truncated answer (asked for once the backoff after the failure above is over).
    server.route(
        TOKEN_PATH,
        Reply::raw(200, "application/json", r#"{"accessToken":"tok-leak"#),
    );
    clock.advance(Duration::from_secs(2));
    let fetched = server.hits_on(TOKEN_PATH);
    let err = call(&client).await.unwrap_err();
    assert_eq!(server.hits_on(TOKEN_PATH), fetched + 1);
    assert_no_secret("Display", &err.to_string());
    assert_no_secret("Debug", &format!("{err:?}"));
}

/// The generated token operations called directly: a server that echoes the app secret, the
/// suite secret or the suite ticket shows none of them (they are `Secret` parameters).
#[tokio::test]
async fn a_direct_token_call_never_shows_an_echoed_credential() {
    let server = server().await;
    let echo = format!("bad {APP_SECRET} {SUITE_SECRET} {SUITE_TICKET}");
    let body = json!({ "code": "invalidClientIdOrSecret", "message": echo, "requestid": "R1" });
    server.route(TOKEN_PATH, Reply::json(400, body.clone()));
    server.route(CORP_TOKEN_PATH, Reply::json(400, body));
    let client = client(&server, AccessToken::new("unused"));
    let oauth = client.oauth2_1_0();
    let app = oauth.get_access_token(APP_KEY, APP_SECRET).send().await;
    let corp = oauth
        .get_corp_access_token(GetCorpAccessTokenParams {
            suite_key: SUITE_KEY.to_owned(),
            suite_secret: SUITE_SECRET.into(),
            auth_corp_id: "corpA".to_owned(),
            suite_ticket: SUITE_TICKET.into(),
        })
        .send()
        .await;
    let app = app.unwrap_err();
    let corp = corp.unwrap_err();
    let Error::Api(e) = &app else {
        panic!("expected the 400, got {app:?}")
    };
    assert_eq!(
        e.message(),
        format!("bad <redacted> {SUITE_SECRET} {SUITE_TICKET}")
    );
    let Error::Api(e) = &corp else {
        panic!("expected the 400, got {corp:?}")
    };
    assert_eq!(e.message(), "bad app-secret-Zq7 <redacted> <redacted>");
    for (secret, err) in [
        (APP_SECRET, &app.to_string()),
        (SUITE_SECRET, &corp.to_string()),
    ] {
        assert!(!err.contains(secret), "{err}");
    }
    assert!(!format!("{corp} {corp:?}").contains(SUITE_TICKET));
    assert!(!format!("{app:?}").contains(APP_SECRET));
}

/// A token that cannot be sent in a header (a line break) is a token error, not a cached
/// token that fails every call until it expires: once the endpoint is fixed, calls work.
#[tokio::test]
async fn an_unsendable_token_is_a_token_error_and_never_cached() {
    let server = server().await;
    server.push_route(TOKEN_PATH, token_reply("bad\ntoken"));
    server.push_route(TOKEN_PATH, token_reply(""));
    let clock = ManualClock::new();
    let client = client(&server, app(&clock));
    for _ in 0..2 {
        let err = call(&client).await.unwrap_err();
        let Error::Token(e) = &err else {
            panic!("expected a token error, got {err:?}")
        };
        assert!(
            matches!(e.kind(), TokenErrorKind::InvalidResponse { status: 200, reason, .. } if reason.contains("cannot be sent")),
            "{e:?}"
        );
        assert!(!err.to_string().contains("bad"), "{err}");
        // The next fetch only after the backoff (see below).
        clock.advance(Duration::from_secs(2));
    }
    assert_eq!(server.hits_on(API_PATH), 0);
    call(&client).await.unwrap();
    assert_eq!(api_tokens(&server), ["tok-1"]);
    assert_eq!(server.hits_on(TOKEN_PATH), 3);

    // A provider of the caller's with such a token: a token error too, nothing sent.
    let fixed = self::client(&server, AccessToken::new("bad\ntoken"));
    let err = call(&fixed).await.unwrap_err();
    assert!(matches!(err, Error::Token(_)), "{err:?}");
    assert_eq!(server.hits_on(API_PATH), 1);
}

/// `expireIn` of `i64::MAX` (and a test clock moved by `Duration::MAX`) saturate instead of
/// overflowing an `Instant`, which panicked the calling task.
#[tokio::test]
async fn the_longest_lifetimes_and_clock_moves_never_panic() {
    let server = server().await;
    let forever = json!({ "accessToken": "tok-1", "expireIn": i64::MAX });
    server.route(TOKEN_PATH, Reply::json(200, forever));
    let clock = ManualClock::new();
    let client = client(&server, app(&clock));
    call(&client).await.unwrap();
    clock.advance(Duration::from_secs(365 * 86_400));
    call(&client).await.unwrap();
    assert_eq!(server.hits_on(TOKEN_PATH), 1, "a year later, still fresh");
    // As far as the clock goes: past the saturated expiry, so refreshed.
    clock.advance(Duration::MAX);
    clock.advance(Duration::MAX);
    call(&client).await.unwrap();
    assert_eq!(server.hits_on(API_PATH), 3);
    assert_eq!(server.hits_on(TOKEN_PATH), 2);
}

/// After a failed refresh, calls share its error for 1 s, then 2, 4, … up to 30 s (a success
/// resets it), instead of each firing its own refresh at a failing endpoint.
#[tokio::test]
async fn a_failing_token_endpoint_is_asked_again_only_after_a_growing_backoff() {
    let server = server().await;
    let down = || Reply::raw(503, "text/html", "<html>down</html>");
    server.route(TOKEN_PATH, down());
    let clock = ManualClock::new();
    let creds = app(&clock);
    let client = client(&server, creds.clone());
    // Each refresh is 3 requests (the client's retry policy).
    let refreshes = || server.hits_on(TOKEN_PATH) / 3;
    let failed = |r: Result<(), _>| matches!(r, Err(Error::Token(_)));
    for _ in 0..50 {
        assert!(failed(call(&client).await));
    }
    assert_eq!(refreshes(), 1, "one refresh for 50 calls");
    let mut expected = 1;
    for backoff in [1, 2, 4, 8, 16, 30, 30] {
        clock.advance(Duration::from_secs(backoff) - ms(1));
        assert!(failed(call(&client).await));
        assert_eq!(refreshes(), expected, "{backoff} s not over");
        clock.advance(ms(1));
        assert!(failed(call(&client).await));
        expected += 1;
        assert_eq!(refreshes(), expected, "{backoff} s over");
    }
    assert_eq!(server.hits_on(API_PATH), 0);

    // A success resets it: the next failure waits 1 s again (not 30).
    server.route(TOKEN_PATH, token_reply("tok-1"));
    clock.advance(Duration::from_secs(30));
    call(&client).await.unwrap();
    let before = server.hits_on(TOKEN_PATH);
    assert_eq!(before, 3 * expected + 1);
    server.route(TOKEN_PATH, down());
    creds.invalidate(&AccessToken::new("tok-1"));
    assert!(failed(call(&client).await));
    clock.advance(Duration::from_secs(1));
    assert!(failed(call(&client).await));
    assert_eq!(server.hits_on(TOKEN_PATH), before + 3 + 3);
}

fn suite(clock: &ManualClock, ticket: &SuiteTicket) -> SuiteCredentials {
    SuiteCredentials::new(SUITE_KEY, SUITE_SECRET, ticket.clone()).clock(clock.clone())
}

#[tokio::test]
async fn third_party_tokens_are_cached_per_organization() {
    let server = server().await;
    server.push_route(CORP_TOKEN_PATH, token_reply("tok-corp-a"));
    server.push_route(CORP_TOKEN_PATH, token_reply("tok-corp-b"));
    let clock = ManualClock::new();
    let ticket = SuiteTicket::new(SUITE_TICKET);
    let suite = suite(&clock, &ticket);
    let a = client(&server, suite.for_corp("corpA"));
    let b = client(&server, suite.for_corp("corpB"));
    call(&a).await.unwrap();
    call(&b).await.unwrap();
    call(&a).await.unwrap();
    call(&b).await.unwrap();
    // Another provider of an organization already cached shares its token.
    call(&client(&server, suite.clone().for_corp("corpA")))
        .await
        .unwrap();
    assert_eq!(server.hits_on(CORP_TOKEN_PATH), 2);
    assert_eq!(
        api_tokens(&server),
        [
            "tok-corp-a",
            "tok-corp-b",
            "tok-corp-a",
            "tok-corp-b",
            "tok-corp-a"
        ]
    );
    let bodies: Vec<_> = server
        .requests()
        .iter()
        .filter(|r| r.path == CORP_TOKEN_PATH)
        .map(|r| r.json())
        .collect();
    assert_eq!(
        bodies,
        [
            json!({ "suiteKey": SUITE_KEY, "suiteSecret": SUITE_SECRET, "authCorpId": "corpA", "suiteTicket": SUITE_TICKET }),
            json!({ "suiteKey": SUITE_KEY, "suiteSecret": SUITE_SECRET, "authCorpId": "corpB", "suiteTicket": SUITE_TICKET }),
        ]
    );
    // DingTalk pushed a new ticket; the next refresh sends it.
    ticket.set("ticket-2-Vb1");
    clock.advance(Duration::from_secs(7200));
    call(&a).await.unwrap();
    let last = server
        .requests()
        .into_iter()
        .rfind(|r| r.path == CORP_TOKEN_PATH)
        .unwrap();
    assert_eq!(last.json()["suiteTicket"], "ticket-2-Vb1");
    assert_eq!(last.json()["authCorpId"], "corpA");
    assert_eq!(server.hits_on(CORP_TOKEN_PATH), 3);
}

#[tokio::test]
async fn a_missing_suite_ticket_is_a_token_error_without_a_request() {
    let server = server().await;
    let suite = SuiteCredentials::new(SUITE_KEY, SUITE_SECRET, SuiteTicket::default());
    let err = call(&client(&server, suite.for_corp("corpA")))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Token(e) if matches!(e.kind(), TokenErrorKind::Other { .. })),
        "{err:?}"
    );
    assert_eq!(server.hits(), 0);
}

/// No suite ticket yet is not the token endpoint's failure: no backoff, the first call after
/// `SuiteTicket::set` fetches the token at once.
#[tokio::test]
async fn a_missing_suite_ticket_does_not_back_off() {
    let server = server().await;
    let ticket = SuiteTicket::default();
    let suite = suite(&ManualClock::new(), &ticket);
    let client = client(&server, suite.for_corp("corpA"));
    for _ in 0..3 {
        assert!(matches!(call(&client).await, Err(Error::Token(_))));
    }
    ticket.set(SUITE_TICKET);
    call(&client).await.unwrap();
    assert_eq!(server.hits_on(CORP_TOKEN_PATH), 1);
    assert_eq!(api_tokens(&server), ["tok-corp"]);
}

#[tokio::test]
async fn nothing_printable_contains_a_secret() {
    let server = server().await;
    server.route(TOKEN_PATH, token_reply("tok-printed"));
    let clock = ManualClock::new();
    let ticket = SuiteTicket::new(SUITE_TICKET);
    let app = app(&clock);
    let suite = suite(&clock, &ticket);
    let corp = suite.for_corp("corpA");
    let client = client(&server, app.clone());
    call(&client).await.unwrap();
    call(&self::client(&server, corp.clone())).await.unwrap();
    let response: GetAccessTokenResponse = client
        .oauth2_1_0()
        .get_access_token(APP_KEY, APP_SECRET)
        .send()
        .await
        .unwrap();
    assert_eq!(response.access_token.expose(), "tok-printed");
    let builder = client.oauth2_1_0().get_access_token(APP_KEY, APP_SECRET);
    let corp_builder = client
        .oauth2_1_0()
        .get_corp_access_token(GetCorpAccessTokenParams {
            suite_key: SUITE_KEY.to_owned(),
            suite_secret: SUITE_SECRET.into(),
            auth_corp_id: "corpA".to_owned(),
            suite_ticket: Secret::new(SUITE_TICKET),
        });
    let printed = [
        format!("{app:?}"),
        format!("{suite:?}"),
        format!("{corp:?}"),
        format!("{ticket:?}"),
        format!("{client:?}"),
        format!("{response:?}"),
        format!("{builder:?}"),
        format!("{corp_builder:?}"),
        format!("{:?}", builder.clone().build()),
        format!("{:?} {}", Secret::new(APP_SECRET), Secret::new(APP_SECRET)),
        format!(
            "{:?} {}",
            AccessToken::new("tok-x"),
            AccessToken::new("tok-x")
        ),
    ];
    for p in &printed {
        assert_no_secret("Debug", p);
    }
    assert!(
        printed[0].contains(APP_KEY),
        "the app key is not a secret: {}",
        printed[0]
    );
    // The bodies still carry the secrets on the wire.
    let sent = builder.build();
    assert_eq!(sent.body().unwrap()["appSecret"], APP_SECRET);
}

/// Runs last in practice (it sleeps first), but checks every log line of the binary so far: the
/// flows above logged spans and events at every level, none of which may hold a secret.
#[tokio::test]
async fn nothing_logged_contains_a_secret() {
    let server = server().await;
    server.push_route(API_PATH, invalid_authentication());
    let client = client(&server, app(&ManualClock::new()));
    call(&client).await.unwrap();
    server.route(
        TOKEN_PATH,
        Reply::json(
            400,
            json!({ "code": "invalidParameter", "message": APP_SECRET }),
        ),
    );
    let client = self::client(&server, app(&ManualClock::new()));
    let _ = call(&client).await;
    tokio::time::sleep(ms(500)).await;
    let log = String::from_utf8(log().lock().unwrap().clone()).unwrap();
    assert!(log.contains("dingtalk.call"), "the SDK logged: {log}");
    assert!(
        log.contains("GetAccessToken"),
        "token requests are logged too: {log}"
    );
    assert_no_secret("the log", &log);
}

/// A user's own provider: hands out `tok-A`, then `tok-B` (as if another task refreshed in
/// between), and records what it was told to invalidate.
#[derive(Default, Clone)]
struct Rotating(Arc<RotatingState>);

#[derive(Default)]
struct RotatingState {
    handed_out: Mutex<u32>,
    invalidated: Mutex<Vec<String>>,
}

impl TokenProvider for Rotating {
    fn token<'a>(
        &'a self,
        _client: &'a Client,
    ) -> dingtalk_openapi::runtime::BoxFuture<'a, Result<AccessToken, dingtalk_openapi::TokenError>>
    {
        let mut n = self.0.handed_out.lock().unwrap();
        *n += 1;
        let t = if *n == 1 { "tok-A" } else { "tok-B" };
        Box::pin(async move { Ok(AccessToken::new(t)) })
    }

    fn invalidate(&self, token: &AccessToken) -> bool {
        self.0
            .invalidated
            .lock()
            .unwrap()
            .push(token.expose().to_owned());
        true
    }
}

#[tokio::test]
async fn the_call_invalidates_exactly_the_token_it_sent() {
    let server = server().await;
    server.push_route(API_PATH, invalid_authentication());
    let provider = Rotating::default();
    let client = client(&server, provider.clone());
    call(&client).await.unwrap();
    assert_eq!(*provider.0.invalidated.lock().unwrap(), ["tok-A"]);
    assert_eq!(api_tokens(&server), ["tok-A", "tok-B"]);
    assert_eq!(*provider.0.handed_out.lock().unwrap(), 2);
}

/// `secret: true` is for plain strings sent in the body or a header, never in the URL.
#[test]
fn the_spec_allows_secrets_only_on_strings_outside_the_url() {
    let spec = |param: &str| {
        format!(
            "service: demo\nversion: \"1.0\"\ntitle: Demo\nbase_url: https://api.dingtalk.io\noperations:\n  Login:\n    summary: Log in.\n    method: POST\n    path: /v1.0/demo/login\n    idempotent: true\n    auth: none\n    params:\n      {param}\n    response: none\n"
        )
    };
    let problems = |param: &str| {
        let source = spec(param);
        let input = dingtalk_openapi_codegen::Input {
            name: "spec/demo_1_0.yaml",
            source: &source,
        };
        match dingtalk_openapi_codegen::compile(&[input]) {
            Ok(_) => String::new(),
            Err(d) => d.to_string(),
        }
    };
    assert_eq!(
        problems("key: { in: body, type: string, required: true, secret: true }"),
        ""
    );
    assert_eq!(
        problems("key: { in: header, type: string, secret: true }"),
        ""
    );
    let p = problems("key: { in: body, type: int64, secret: true }");
    assert!(p.contains("`secret` on a `int64` field"), "{p}");
    let p = problems("key: { in: body, type: string, secret: true, enum: { A: a } }");
    assert!(p.contains("only plain `string`"), "{p}");
    let p = problems("key: { in: query, type: string, secret: true }");
    assert!(p.contains("a secret in the URL"), "{p}");
}
