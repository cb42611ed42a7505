//! Redirects are never followed: DingTalk's API does not redirect, and following one would carry
//! the access token (and, from a token endpoint, the app secret in a replayed body) to another
//! host. Each test puts a "thief" listener on another host (`127.0.0.2`, loopback on Linux) or
//! another port, has the API answer a redirect to it, and counts the thief's connections.

use std::time::Duration;

use dingtalk_openapi::runtime::ManualClock;
use dingtalk_openapi::{AccessToken, AppCredentials, Client, Error, RetryPolicy, TokenProvider};
use dingtalk_openapi_tests::server::{Reply, TestServer};
use serde_json::json;

const TOKEN: &str = "redirect-test-token";
const APP_SECRET: &str = "app-secret-Rd1";
const TOKEN_PATH: &str = "/v1.0/oauth2/accessToken";

/// A listener that answers `{}` (a decodable success) to anything that reaches it.
async fn thief(ip: &str) -> TestServer {
    TestServer::start_on(ip, Reply::json(200, json!({}))).await
}

/// `status` with a `Location` on `target`, with a path and a query that must never be shown.
fn redirect(status: u16, target: &TestServer) -> Reply {
    let location = format!("{}/steal/path?stolen=query", target.base_url());
    Reply::raw(
        status,
        "text/html",
        format!("<a href=\"{location}\">moved</a>"),
    )
    .header("location", &location)
}

fn client(api: &TestServer, tokens: impl TokenProvider) -> Client {
    Client::builder(tokens)
        .base_url(api.base_url())
        .retry(RetryPolicy {
            base_delay: Duration::from_millis(5),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap()
}

/// The error of a redirect: the status and the target's origin, never its path or query, not
/// retried.
fn assert_redirect_error<E: std::fmt::Debug>(err: &Error<E>, status: u16, target: &TestServer) {
    let Error::Redirect(r) = err else {
        panic!("expected a redirect error, got {err:?}")
    };
    assert_eq!(r.status(), status);
    assert_eq!(r.location(), Some(target.base_url().as_str()));
    assert_eq!(err.status(), Some(status));
    assert!(!err.is_retryable());
    assert_eq!(err.attempts(), 1);
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(shown.contains(&target.base_url()), "{shown}");
        assert!(shown.contains(&status.to_string()), "{shown}");
        for hidden in ["steal", "stolen", TOKEN] {
            assert!(!shown.contains(hidden), "{hidden} shown: {shown}");
        }
    }
}

/// 301, 302, 307 and 308 to another host and to another port, for a GET and for a POST with a
/// body: one request to the API, no connection to the target, a typed error.
#[tokio::test]
async fn redirects_to_another_host_or_port_are_not_followed() {
    let other_host = thief("127.0.0.2").await;
    let other_port = thief("127.0.0.1").await;
    for target in [&other_host, &other_port] {
        for status in [301, 302, 307, 308] {
            let api = TestServer::start(redirect(status, target)).await;
            let client = client(&api, AccessToken::new(TOKEN));

            let get = client.wiki_2_0().get_workspace("ws", "u").send().await;
            assert_redirect_error(&get.unwrap_err(), status, target);
            let post = client.drive_1_0().add_space("name", "u").send().await;
            assert_redirect_error(&post.unwrap_err(), status, target);

            assert_eq!(api.hits(), 2, "{status}: one request per call, no retry");
            assert_eq!(target.connections(), 0, "{status}: the target was reached");
        }
    }
}

/// The token endpoint redirects: the app secret (a replayed body on 307/308) never leaves.
#[tokio::test]
async fn a_token_endpoint_redirect_never_carries_the_app_secret() {
    let other_host = thief("127.0.0.2").await;
    let other_port = thief("127.0.0.1").await;
    for target in [&other_host, &other_port] {
        for status in [301, 302, 307, 308] {
            let api = TestServer::start(Reply::json(200, json!({}))).await;
            api.route(TOKEN_PATH, redirect(status, target));
            let creds = AppCredentials::new("key", APP_SECRET).clock(ManualClock::new());
            let client = client(&api, creds);

            let err = client
                .wiki_2_0()
                .get_workspace("ws", "u")
                .send()
                .await
                .unwrap_err();
            let Error::Token(e) = &err else {
                panic!("expected a token error, got {err:?}")
            };
            assert_eq!(e.status(), Some(status));
            let shown = format!("{err} {err:?}");
            assert!(shown.contains(&target.base_url()), "{shown}");
            for hidden in ["steal", "stolen", APP_SECRET] {
                assert!(!shown.contains(hidden), "{hidden} shown: {shown}");
            }
            assert_eq!(api.hits_on(TOKEN_PATH), 1, "not retried");
            assert_eq!(api.hits(), 1, "no API call without a token");
            assert_eq!(target.connections(), 0, "{status}: the target was reached");
        }
    }
}

/// A `reqwest::Client` of the caller's that follows redirects: the SDK cannot stop it, but it
/// sees that the answer came from another URL and refuses to decode it.
#[tokio::test]
async fn an_answer_from_a_followed_redirect_is_refused() {
    let target = thief("127.0.0.2").await;
    let api = TestServer::start(redirect(307, &target)).await;
    let client = Client::builder(AccessToken::new(TOKEN))
        .base_url(api.base_url())
        .http_client(reqwest::Client::new())
        .build()
        .unwrap();

    let err = client
        .wiki_2_0()
        .get_workspace("ws", "u")
        .send()
        .await
        .unwrap_err();

    let Error::Redirect(r) = &err else {
        panic!("expected a redirect error, got {err:?}")
    };
    assert!(r.followed(), "{r:?}");
    assert_eq!(r.location(), Some(target.base_url().as_str()));
    assert!(!err.is_retryable());
    assert!(
        err.to_string().contains("redirect::Policy::none()"),
        "{err}"
    );
    assert_eq!(target.hits(), 1, "the caller's client followed it");
}
