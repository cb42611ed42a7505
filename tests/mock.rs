//! The spec-driven mock server (`dingtalk_openapi::mock`): its validation answers DingTalk's
//! errors, its default answers decode into the typed outputs, its scripting works through the
//! SDK, and the `tour` example runs to the end.
//!
//! The SDK is used where it can send the request; raw HTTP (reqwest) where the SDK would never
//! send it (no token, wrong types, unknown routes).

use std::time::{Duration, Instant};

use dingtalk_openapi::doc_2_0::{PinSpaceError, PinSpaceResponse};
use dingtalk_openapi::drive_1_0::{AddSpacePermissionMode, AddSpaceResponse};
use dingtalk_openapi::mock::{operations, typed_decoders, MockServer};
use dingtalk_openapi::wiki_2_0::{
    GetMineWorkspaceResponse, GetWorkspaceError, GetWorkspaceResponse, GetWorkspacesError,
    GetWorkspacesOption, GetWorkspacesResponse, ListWorkspacesResponse, PermissionRole, Workspace,
};
use dingtalk_openapi::{AccessToken, Client, Error, RetryPolicy};
use dingtalk_openapi_tests::answers::lossless;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

#[path = "examples/tour.rs"]
mod tour;

const TOKEN_HEADER: &str = "x-acs-dingtalk-access-token";

/// A raw answer: status and JSON body.
async fn raw(method: &str, url: String, token: Option<&str>, body: Option<Value>) -> (u16, Value) {
    let mut rb = reqwest::Client::new().request(method.parse().unwrap(), url);
    if let Some(t) = token {
        rb = rb.header(TOKEN_HEADER, t);
    }
    if let Some(b) = body {
        rb = rb
            .header("content-type", "application/json")
            .body(b.to_string());
    }
    let resp = rb.send().await.expect("the mock answers");
    let status = resp.status().as_u16();
    let request_id = resp
        .headers()
        .get("x-acs-request-id")
        .map(|v| v.to_str().unwrap().to_owned());
    let text = resp.text().await.unwrap();
    let json: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    if status >= 400 {
        // Every error is DingTalk's JSON: code, message, request id (also in the header).
        assert!(json["code"].is_string(), "{text}");
        assert!(!json["message"].as_str().unwrap().is_empty(), "{text}");
        assert_eq!(json["requestid"].as_str(), request_id.as_deref(), "{text}");
    }
    (status, json)
}

/// Asserts a `400` parameter error whose message names all of `words`.
fn assert_param_error((status, body): (u16, Value), code: &str, words: &[&str]) {
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["code"], code, "{body}");
    let message = body["message"].as_str().unwrap();
    for w in words {
        assert!(message.contains(w), "{message:?} does not name {w:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_missing_token_is_a_401_on_authenticated_operations() {
    let mock = MockServer::start().await.unwrap();
    let url = format!("{}/v2.0/wiki/workspaces/ws1?operatorId=u", mock.url());
    let (status, body) = raw("GET", url.clone(), None, None).await;
    assert_eq!(status, 401);
    assert_eq!(body["code"], "InvalidAuthentication");
    assert!(body["message"].as_str().unwrap().contains(TOKEN_HEADER));
    let (status, _) = raw("GET", url.clone(), Some(""), None).await;
    assert_eq!(status, 401, "an empty token is no token");
    let (status, _) = raw("GET", url, Some("anything"), None).await;
    assert_eq!(status, 200, "by default any token is accepted");
    let recorded = mock.requests("wiki", "GetWorkspace");
    assert_eq!(
        recorded.iter().map(|r| r.status).collect::<Vec<_>>(),
        [401, 401, 200]
    );
}

#[tokio::test]
async fn a_configured_token_is_enforced_and_the_sdk_sees_invalid_authentication() {
    let mock = MockServer::builder().token("right").start().await.unwrap();
    assert_eq!(mock.token(), "right");
    let wrong = Client::builder(AccessToken::new("wrong"))
        .base_url(mock.url())
        .build()
        .unwrap();
    match wrong.doc_2_0().pin_space("s", "u").send().await {
        Err(Error::Api(e)) => {
            assert_eq!(e.status(), 401);
            assert_eq!(e.code(), "InvalidAuthentication");
            assert!(matches!(e.kind(), PinSpaceError::Other(c) if c == "InvalidAuthentication"));
        }
        other => panic!("expected a 401, got {other:?}"),
    }
    // A fixed token cannot be refreshed: the SDK does not send it again (issue 14, item 14).
    assert_eq!(mock.requests("doc", "PinSpace").len(), 1);
    let ok = mock.client().doc_2_0().pin_space("s", "u").send().await;
    assert_eq!(ok.unwrap().success, Some(true));
}

#[tokio::test]
async fn anonymous_operations_are_served_without_a_token() {
    let mock = MockServer::start().await.unwrap();
    // No current spec has `auth: none` operations (token endpoints arrive with oauth2_1_0);
    // every one that exists must answer without the header.
    let client = Client::builder(AccessToken::new(""))
        .base_url(mock.url())
        .build()
        .unwrap();
    for op in operations().iter().filter(|o| !o.auth()) {
        let out = op.untyped_request(&client).send().await;
        assert!(out.is_ok(), "{}: {out:?}", op.name());
        let seen = mock.requests(op.module(), op.name());
        assert_eq!(seen.last().unwrap().header(TOKEN_HEADER), None);
    }
}

#[tokio::test]
async fn a_missing_required_parameter_is_a_param_error_naming_it() {
    let mock = MockServer::start().await.unwrap();
    let base = mock.url();
    let t = Some("t");
    // Query.
    assert_param_error(
        raw("GET", format!("{base}/v2.0/wiki/workspaces/ws1"), t, None).await,
        "paramError",
        &["operatorId", "mandatory"],
    );
    // Body: absent, then present without the required field.
    let batch = format!("{base}/v2.0/wiki/workspaces/batchQuery?operatorId=u");
    assert_param_error(
        raw("POST", batch.clone(), t, None).await,
        "paramError",
        &["workspaceIds", "mandatory"],
    );
    assert_param_error(
        raw("POST", batch, t, Some(json!({ "option": {} }))).await,
        "paramError",
        &["workspaceIds", "mandatory"],
    );
    // An operation whose table documents another parameter-error code answers with that one.
    assert_param_error(
        raw(
            "POST",
            format!("{base}/v1.0/drive/spaces"),
            t,
            Some(json!({ "name": "n" })),
        )
        .await,
        "param.error",
        &["unionId"],
    );
}

#[tokio::test]
async fn a_wrong_type_is_a_param_error_naming_the_parameter() {
    let mock = MockServer::start().await.unwrap();
    let base = mock.url();
    let t = Some("t");
    assert_param_error(
        raw(
            "GET",
            format!("{base}/v2.0/wiki/workspaces/ws1?operatorId=u&withPermissionRole=maybe"),
            t,
            None,
        )
        .await,
        "paramError",
        &["withPermissionRole", "boolean", "maybe"],
    );
    let batch = format!("{base}/v2.0/wiki/workspaces/batchQuery?operatorId=u");
    assert_param_error(
        raw(
            "POST",
            batch.clone(),
            t,
            Some(json!({ "workspaceIds": "ws1" })),
        )
        .await,
        "paramError",
        &["workspaceIds", "array"],
    );
    assert_param_error(
        raw(
            "POST",
            batch.clone(),
            t,
            Some(json!({ "workspaceIds": ["a", 7] })),
        )
        .await,
        "paramError",
        &["workspaceIds[2]", "string"],
    );
    assert_param_error(
        raw(
            "POST",
            batch,
            t,
            Some(json!({ "workspaceIds": ["a"], "option": { "withPermissionRole": "yes" } })),
        )
        .await,
        "paramError",
        &["option.withPermissionRole", "boolean"],
    );
}

#[tokio::test]
async fn more_items_than_documented_is_a_param_error_also_through_the_sdk() {
    let mock = MockServer::start().await.unwrap();
    let ids: Vec<String> = (1..=21).map(|i| format!("ws{i}")).collect();
    assert_param_error(
        raw(
            "POST",
            format!(
                "{}/v2.0/wiki/workspaces/batchQuery?operatorId=u",
                mock.url()
            ),
            Some("t"),
            Some(json!({ "workspaceIds": ids })),
        )
        .await,
        "paramError",
        &["workspaceIds", "21 items", "maximum is 20"],
    );
    // The SDK does not check limits itself: DingTalk's (here the mock's) answer is typed.
    let client = mock.client();
    match client.wiki_2_0().get_workspaces("u", &ids).send().await {
        Err(Error::Api(e)) => {
            assert_eq!(e.kind(), &GetWorkspacesError::ParamError);
            assert!(e.message().contains("workspaceIds"), "{e}");
        }
        other => panic!("expected paramError, got {other:?}"),
    }
    // Twenty is fine.
    let out = client
        .wiki_2_0()
        .get_workspaces("u", &ids[..20])
        .send()
        .await;
    assert!(out.is_ok(), "{out:?}");
    // A minimum length (drive AddSpace `name`, min_length 1).
    match client.drive_1_0().add_space("", "u").send().await {
        Err(Error::Api(e)) => {
            assert_eq!(e.code(), "param.error");
            assert!(e.message().contains("name"), "{e}");
        }
        other => panic!("expected param.error, got {other:?}"),
    }
}

#[tokio::test]
async fn an_unknown_route_or_method_is_a_404() {
    let mock = MockServer::start().await.unwrap();
    let base = mock.url();
    for (method, path) in [
        ("GET", "/v2.0/wiki/nothing"),
        ("DELETE", "/v2.0/wiki/workspaces/ws1"),
        ("GET", "/v2.0/wiki/workspaces/"),
        ("GET", "/v2.0/wiki/workspaces/a/b"),
    ] {
        let (status, body) = raw(method, format!("{base}{path}"), Some("t"), None).await;
        assert_eq!(status, 404, "{method} {path}");
        assert_eq!(body["code"], "InvalidAction.NotFound");
    }
    let unmatched = mock.unmatched_requests();
    assert_eq!(unmatched.len(), 4);
    assert_eq!(unmatched[1].method, "DELETE");
    assert_eq!(unmatched[1].path, "/v2.0/wiki/workspaces/ws1");
}

#[tokio::test]
async fn requests_synthesised_from_the_spec_pass_for_every_operation() {
    let mock = MockServer::start().await.unwrap();
    let client = mock.client();
    assert!(operations().len() >= 5);
    for op in operations() {
        let out = op.untyped_request(&client).send().await;
        let out = out.unwrap_or_else(|e| panic!("{}/{}: {e}", op.module(), op.name()));
        assert_eq!(Some(out), op.example_response().or(Some(Value::Null)));
    }
}

// ---------------------------------------------------------------------------------------------
// Default answers decode into the typed outputs
// ---------------------------------------------------------------------------------------------

/// The mock's default answer of an operation, decoded with serde into `T`.
fn example<T: DeserializeOwned>(service: &str, op: &str) -> T {
    let info = operations()
        .iter()
        .find(|o| o.service() == service && o.name() == op)
        .unwrap();
    serde_json::from_value(info.example_response().unwrap()).unwrap()
}

#[tokio::test]
async fn every_example_answer_decodes_into_the_typed_output() {
    let mock = MockServer::start().await.unwrap();
    let c = mock.client();

    let out = c.doc_2_0().pin_space("s", "u").send().await.unwrap();
    assert_eq!(out, example::<PinSpaceResponse>("doc", "PinSpace"));
    assert_eq!(out.success, Some(true));

    let out = c.drive_1_0().add_space("n", "u").send().await.unwrap();
    assert_eq!(out, example::<AddSpaceResponse>("drive", "AddSpace"));
    assert_eq!(out.space_id.as_deref(), Some("12345"));
    assert_eq!(out.permission_mode, Some(AddSpacePermissionMode::Acl));

    let out = c.wiki_2_0().get_mine_workspace("u").send().await.unwrap();
    assert_eq!(
        out,
        example::<GetMineWorkspaceResponse>("wiki", "GetMineWorkspace")
    );
    let ws = out.workspace.unwrap();
    assert_eq!(ws.workspace_id.as_deref(), Some("9r09jSO3WARyxd8A"));
    assert_eq!(ws.permission_role, Some(PermissionRole::Reader));

    let out = c
        .wiki_2_0()
        .get_workspaces("u", ["a"])
        .with_option(GetWorkspacesOption {
            with_permission_role: Some(true),
        })
        .send()
        .await
        .unwrap();
    assert_eq!(
        out,
        example::<GetWorkspacesResponse>("wiki", "GetWorkspaces")
    );
    assert_eq!(out.workspaces.unwrap().len(), 1);

    // GetWorkspace documents no example: the answer is synthesised from the response fields,
    // reusing the `Workspace` documented in GetMineWorkspace's example.
    let out = c.wiki_2_0().get_workspace("ws1", "u").send().await.unwrap();
    assert_eq!(out, example::<GetWorkspaceResponse>("wiki", "GetWorkspace"));
    let mine = example::<GetMineWorkspaceResponse>("wiki", "GetMineWorkspace");
    assert!(out.workspace.is_some());
    assert_eq!(out.workspace, mine.workspace);

    // A paginated operation answers the first page of its list by default.
    let out = c.wiki_2_0().list_workspaces("u").await.unwrap();
    assert_eq!(
        out,
        example::<ListWorkspacesResponse>("wiki", "ListWorkspaces")
    );
    assert_eq!(out.next_token.as_deref(), Some("mock-page-2"));
    assert_eq!(
        out.workspaces.unwrap()[0].name.as_deref(),
        Some("workspace_name")
    );
}

/// Every operation of the enabled services (all of them with the tests crate's `full` feature),
/// called with parameters from the spec alone: its answer is the mock's default answer, and it
/// decodes into the operation's own output type, which keeps everything the answer said.
/// Nothing here names an operation: the table of typed decoders is written by the SDK's build
/// script from the spec.
#[tokio::test]
async fn every_operation_answer_decodes_into_its_typed_output_losslessly() {
    let mock = MockServer::start().await.unwrap();
    let client = mock.client();
    let decoders = typed_decoders();
    assert_eq!(decoders.len(), operations().len());
    let mut failed = Vec::new();
    for op in operations() {
        let name = op.type_name();
        let Some(decoder) = decoders
            .iter()
            .find(|d| d.module == op.module() && d.name == name)
        else {
            failed.push(format!(
                "{}/{}: no typed decoder {name}",
                op.module(),
                op.name()
            ));
            continue;
        };
        let outcome = match op.untyped_request(&client).send().await {
            Ok(answer)
                if Some(&answer) != op.example_response().as_ref().or(Some(&Value::Null)) =>
            {
                Err(format!(
                    "the mock did not give its default answer: {answer}"
                ))
            }
            Ok(answer) => decoder
                .decode(answer.to_string().as_bytes())
                .and_then(|decoded| lossless(&answer, &decoded)),
            Err(e) => Err(e.to_string()),
        };
        if let Err(e) = outcome {
            failed.push(format!("{}/{}: {e}", op.module(), op.name()));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} operations:\n{}",
        failed.len(),
        operations().len(),
        failed.join("\n")
    );
}

#[tokio::test]
async fn a_paginated_operation_pages_through_a_list_of_three_pages() {
    let mock = MockServer::start().await.unwrap();
    let c = mock.client();
    let pages = c
        .wiki_2_0()
        .list_workspaces("u")
        .max_results(5)
        .into_paginator()
        .send()
        .try_collect()
        .await
        .unwrap();
    let cursors: Vec<Option<&str>> = pages.iter().map(|p| p.next_token.as_deref()).collect();
    assert_eq!(cursors, [Some("mock-page-2"), Some("mock-page-3"), None]);
    let asked: Vec<Option<String>> = mock
        .requests("wiki", "ListWorkspaces")
        .iter()
        .map(|r| r.query_param("nextToken").map(str::to_owned))
        .collect();
    assert_eq!(
        asked,
        [None, Some("mock-page-2".into()), Some("mock-page-3".into())]
    );

    // A cursor the mock did not give is a parameter error.
    match c
        .wiki_2_0()
        .list_workspaces("u")
        .next_token("elsewhere")
        .await
    {
        Err(Error::Api(e)) => {
            assert_eq!(e.code(), "paramError");
            assert!(e.message().contains("elsewhere"), "{e}");
        }
        other => panic!("expected paramError, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Scripting
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn respond_error_gives_the_typed_error_kind_with_the_documented_status_and_message() {
    let mock = MockServer::start().await.unwrap();
    let c = mock.client();
    mock.on("wiki", "GetWorkspace")
        .respond_error("workspaceNotExist");
    match c.wiki_2_0().get_workspace("ws1", "u").send().await {
        Err(Error::Api(e)) => {
            assert_eq!(e.kind(), &GetWorkspaceError::WorkspaceNotExist);
            assert_eq!(e.status(), 404);
            // `%s` in the table: the message is the documented description.
            assert_eq!(e.message(), "The knowledge base does not exist.");
            assert!(e.request_id().unwrap().starts_with("mock-"));
            assert_eq!(e.attempts(), 1, "a 404 is not retried");
        }
        other => panic!("expected workspaceNotExist, got {other:?}"),
    }
    // A documented message is used as it is; the module name works as the service too.
    mock.on("doc_2_0", "PinSpace")
        .respond_error("permissionDenied");
    match c.doc_2_0().pin_space("s", "u").send().await {
        Err(Error::Api(e)) => {
            assert_eq!(e.kind(), &PinSpaceError::PermissionDenied);
            assert_eq!(e.status(), 403);
            assert_eq!(e.message(), "The operator has no permission.");
        }
        other => panic!("expected permissionDenied, got {other:?}"),
    }
    // Validation still comes first: an invalid request gets paramError, not the script.
    let (status, body) = raw(
        "GET",
        format!("{}/v2.0/wiki/workspaces/ws1", mock.url()),
        Some("t"),
        None,
    )
    .await;
    assert_eq!((status, body["code"].as_str()), (400, Some("paramError")));
    // Reset: back to the default answer.
    mock.on("wiki", "GetWorkspace").reset();
    assert!(c.wiki_2_0().get_workspace("ws1", "u").send().await.is_ok());
}

#[tokio::test]
async fn respond_json_and_respond_error_with_script_any_answer() {
    let mock = MockServer::start().await.unwrap();
    let c = mock.client();
    let scripted = GetWorkspaceResponse {
        workspace: Some(Workspace {
            name: Some("Scripted".into()),
            permission_role: Some(PermissionRole::Owner),
            ..Workspace::default()
        }),
    };
    mock.on("wiki", "GetWorkspace").respond_json(&scripted);
    let out = c.wiki_2_0().get_workspace("ws1", "u").send().await.unwrap();
    assert_eq!(out, scripted);

    mock.on("wiki", "GetWorkspace")
        .respond_error_with(400, "brandNewCode", "Not in the table.");
    match c.wiki_2_0().get_workspace("ws1", "u").send().await {
        Err(Error::Api(e)) => {
            assert_eq!(e.kind(), &GetWorkspaceError::Other("brandNewCode".into()));
            assert_eq!(e.message(), "Not in the table.");
        }
        other => panic!("expected brandNewCode, got {other:?}"),
    }
}

#[tokio::test]
#[should_panic(expected = "documents no error `noSuchCode`")]
async fn respond_error_refuses_an_undocumented_code() {
    let mock = MockServer::start().await.unwrap();
    mock.on("wiki", "GetWorkspace").respond_error("noSuchCode");
}

#[tokio::test]
#[should_panic(expected = "wiki_2_0/GetWorkspace")]
async fn an_unknown_operation_panics_with_the_known_ones() {
    let mock = MockServer::start().await.unwrap();
    mock.on("wiki", "ListEverything");
}

#[tokio::test]
async fn fail_next_503_is_retried_by_the_sdk_and_recorded() {
    let mock = MockServer::start().await.unwrap();
    mock.on("wiki", "GetWorkspace").fail_next(2, 503);
    let out = mock
        .client()
        .wiki_2_0()
        .get_workspace("ws1", "u")
        .build()
        .send_with_meta()
        .await
        .unwrap();
    assert_eq!(out.meta.attempts, 3);
    assert!(out.output.workspace.is_some());
    let seen = mock.requests("wiki", "GetWorkspace");
    assert_eq!(
        seen.iter().map(|r| r.status).collect::<Vec<_>>(),
        [503, 503, 200]
    );
    // More failures than attempts: the SDK gives up with the server's error.
    mock.on("wiki", "GetWorkspace").fail_next(3, 503);
    match mock
        .client()
        .wiki_2_0()
        .get_workspace("ws1", "u")
        .send()
        .await
    {
        Err(Error::Api(e)) => {
            assert_eq!(
                (e.status(), e.code(), e.attempts()),
                (503, "ServiceUnavailable", 3)
            );
        }
        other => panic!("expected a 503, got {other:?}"),
    }
}

#[tokio::test]
async fn fail_next_429_is_throttling_and_retried_even_for_non_idempotent_operations() {
    let mock = MockServer::start().await.unwrap();
    // AddSpace is not idempotent: a 503 is not retried, throttling is.
    mock.on("drive", "AddSpace").fail_next(1, 429);
    let out = mock.client().drive_1_0().add_space("n", "u").send().await;
    assert!(out.is_ok(), "{out:?}");
    assert_eq!(mock.requests("drive", "AddSpace").len(), 2);
    mock.on("drive", "AddSpace").fail_next(1, 503);
    let err = mock
        .client()
        .drive_1_0()
        .add_space("n", "u")
        .send()
        .await
        .unwrap_err();
    assert_eq!((err.status(), err.attempts()), (Some(503), 1));
}

#[tokio::test]
async fn delay_slows_answers_and_trips_client_timeouts() {
    let mock = MockServer::start().await.unwrap();
    mock.on("doc", "PinSpace").delay(Duration::from_millis(600));
    let started = Instant::now();
    let out = mock.client().doc_2_0().pin_space("s", "u").send().await;
    assert!(out.is_ok());
    assert!(started.elapsed() >= Duration::from_millis(600));
    let err = mock
        .client()
        .doc_2_0()
        .pin_space("s", "u")
        .build()
        .timeout(Duration::from_millis(100))
        .max_attempts(1)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    // Other operations are not delayed.
    let started = Instant::now();
    mock.client()
        .wiki_2_0()
        .get_mine_workspace("u")
        .send()
        .await
        .unwrap();
    assert!(started.elapsed() < Duration::from_millis(600));
}

#[tokio::test]
async fn received_requests_can_be_inspected_per_operation() {
    let mock = MockServer::start().await.unwrap();
    let client = mock
        .client_builder()
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    client
        .wiki_2_0()
        .get_workspaces("union 1", ["ws/1", "ws2"])
        .with_option(GetWorkspacesOption {
            with_permission_role: Some(true),
        })
        .send()
        .await
        .unwrap();
    client
        .wiki_2_0()
        .get_workspace("a/b c", "u")
        .with_permission_role(false)
        .send()
        .await
        .unwrap();
    let seen = mock.requests("wiki", "GetWorkspaces");
    assert_eq!(seen.len(), 1);
    let r = &seen[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/v2.0/wiki/workspaces/batchQuery");
    assert_eq!(r.query_param("operatorId"), Some("union 1"));
    assert_eq!(r.header(TOKEN_HEADER), Some(mock.token()));
    assert!(r
        .header("content-type")
        .unwrap()
        .starts_with("application/json"));
    assert_eq!(
        r.json(),
        json!({ "workspaceIds": ["ws/1", "ws2"], "option": { "withPermissionRole": true } })
    );
    assert_eq!(r.status, 200);
    let r = &mock.requests("wiki_2_0", "GetWorkspace")[0];
    assert_eq!(r.method, "GET");
    assert_eq!(r.path, "/v2.0/wiki/workspaces/a%2Fb%20c");
    assert_eq!(r.path_param("workspaceId"), Some("a/b c"));
    assert_eq!(
        r.query,
        [
            ("operatorId".to_owned(), "u".to_owned()),
            ("withPermissionRole".to_owned(), "false".to_owned())
        ]
    );
    assert!(r.body.is_empty());
    assert!(mock.requests("doc", "PinSpace").is_empty());
    mock.reset();
    assert!(mock.requests("wiki", "GetWorkspaces").is_empty());
}

// ---------------------------------------------------------------------------------------------
// Limits: scripts, memory, slow clients, secrets
// ---------------------------------------------------------------------------------------------

/// "Always fail" as `fail_next(usize::MAX, ..)`: no allocation per failure, every call fails
/// until the script is reset.
#[tokio::test]
async fn fail_next_usize_max_fails_every_call_until_reset() {
    let mock = MockServer::start().await.unwrap();
    mock.on("wiki", "GetWorkspace").fail_next(usize::MAX, 503);
    let client = mock.client();
    for _ in 0..3 {
        let e = client
            .wiki_2_0()
            .get_workspace("ws", "u")
            .send()
            .await
            .unwrap_err();
        assert_eq!((e.status(), e.attempts()), (Some(503), 3));
    }
    mock.on("wiki", "GetWorkspace").reset();
    mock.on("wiki", "GetWorkspace")
        .fail_next(1, 500)
        .fail_next(1, 502);
    let out = client
        .wiki_2_0()
        .get_workspace("ws", "u")
        .build()
        .send_with_meta()
        .await
        .unwrap();
    assert_eq!(out.meta.attempts, 3);
    let statuses: Vec<u16> = mock.requests("wiki", "GetWorkspace")[9..]
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [500, 502, 200]);
}

/// The request log keeps the newest requests within a count and a total body size, and counts
/// the ones it dropped, so a long-running mock does not grow without bound.
#[tokio::test]
async fn the_request_log_is_bounded_and_counts_what_it_dropped() {
    let mock = MockServer::builder()
        .log_limit(5, 10_000)
        .start()
        .await
        .unwrap();
    let client = mock.client();
    for i in 0..8 {
        let ws = format!("ws{i}");
        client
            .wiki_2_0()
            .get_workspace(&ws, "u")
            .send()
            .await
            .unwrap();
    }
    let kept: Vec<String> = mock
        .requests("wiki", "GetWorkspace")
        .iter()
        .map(|r| r.path_param("workspaceId").unwrap().to_owned())
        .collect();
    assert_eq!(kept, ["ws3", "ws4", "ws5", "ws6", "ws7"], "the newest");
    assert_eq!(mock.dropped_requests(), 3);

    // Bodies: 4 KB each, 10,000 bytes in all → the newest two.
    let big = json!({ "pad": "x".repeat(4_000) });
    for _ in 0..5 {
        raw(
            "POST",
            format!("{}/nowhere", mock.url()),
            None,
            Some(big.clone()),
        )
        .await;
    }
    assert_eq!(mock.unmatched_requests().len(), 2);
    assert!(
        mock.requests("wiki", "GetWorkspace").is_empty(),
        "older ones dropped"
    );
    assert_eq!(mock.dropped_requests(), 3 + 5 + 3);
    mock.reset();
    assert_eq!(mock.dropped_requests(), 0);
}

/// A client that sends half a head, half a body, or nothing at all on an open connection is cut
/// off after the read timeout, and the mock keeps answering others meanwhile.
#[tokio::test]
async fn slow_or_silent_clients_are_cut_off_after_the_read_timeout() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mock = MockServer::builder()
        .read_timeout(Duration::from_millis(300))
        .start()
        .await
        .unwrap();
    let head = "GET /v2.0/wiki/workspaces/ws?operatorId=u HTTP/1.1\r\nhost: x\r\n";
    let body = "POST /v2.0/doc/spaces/s/pin?operatorId=u HTTP/1.1\r\nhost: x\r\ncontent-length: 10\r\n\r\n{";
    let mut half_head = tokio::net::TcpStream::connect(mock.addr()).await.unwrap();
    half_head.write_all(head.as_bytes()).await.unwrap();
    let mut half_body = tokio::net::TcpStream::connect(mock.addr()).await.unwrap();
    half_body.write_all(body.as_bytes()).await.unwrap();
    let mut idle = tokio::net::TcpStream::connect(mock.addr()).await.unwrap();
    let started = Instant::now();

    // Others are served meanwhile.
    mock.client()
        .doc_2_0()
        .pin_space("s", "u")
        .send()
        .await
        .unwrap();

    /// Everything the server sends until it closes the connection (at most 5 s).
    async fn until_closed(stream: &mut tokio::net::TcpStream) -> String {
        let mut got = Vec::new();
        let read = stream.read_to_end(&mut got);
        tokio::time::timeout(Duration::from_secs(5), read)
            .await
            .expect("closed by the mock")
            .ok();
        String::from_utf8_lossy(&got).into_owned()
    }
    let answer = until_closed(&mut half_head).await;
    assert!(!answer.contains("200"), "{answer}");
    let answer = until_closed(&mut half_body).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("RequestTimeout"), "{answer}");
    assert_eq!(until_closed(&mut idle).await, "");
    assert!(started.elapsed() >= Duration::from_millis(300));
}

/// The mock's own token is a secret like any other: its `Debug` does not show it.
#[tokio::test]
async fn debug_output_of_the_mock_hides_its_token() {
    let builder = MockServer::builder().token("mock-secret-Tk5");
    let mock = builder.clone().start().await.unwrap();
    for shown in [format!("{builder:?}"), format!("{mock:?}")] {
        assert!(!shown.contains("mock-secret-Tk5"), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
    }
    assert_eq!(mock.token(), "mock-secret-Tk5");
}

// ---------------------------------------------------------------------------------------------
// The tour
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn the_tour_calls_every_operation_and_ends_with_the_typed_error() {
    let mut out = Vec::new();
    let summary = tour::run(&mut out).await.unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(summary.failed.is_empty(), "{text}");
    let mut called: Vec<String> = summary
        .typed
        .iter()
        .chain(&summary.from_spec)
        .cloned()
        .collect();
    called.sort();
    let mut all: Vec<String> = operations()
        .iter()
        .map(|o| format!("{}/{}", o.module(), o.name()))
        .collect();
    all.sort();
    assert_eq!(called, all, "{text}");
    // The curated operations have hand-written typed calls; the rest are typed from the spec.
    let mut curated: Vec<String> = operations()
        .iter()
        .filter(|o| o.curated())
        .map(|o| format!("{}/{}", o.module(), o.name()))
        .collect();
    curated.sort();
    let mut typed = summary.typed.clone();
    typed.sort();
    assert_eq!(typed, curated, "{text}");
    for secret in [
        "demo-app-secret",
        "demo-suite-secret",
        "fw8ef8we8f76e6f7s8df8s",
    ] {
        assert!(!text.contains(secret), "{secret} printed:\n{text}");
    }
    assert!(summary.typed_error, "{text}");
    for op in operations() {
        assert!(
            text.contains(op.name()),
            "{} missing from:\n{text}",
            op.name()
        );
    }
    assert!(
        text.contains("\"workspace_name\" (9r09jSO3WARyxd8A)"),
        "{text}"
    );
    assert!(text.contains("(typed from the spec) {"), "{text}");
    assert!(
        text.contains("GetWorkspaceError::WorkspaceNotExist — HTTP 404"),
        "{text}"
    );
}
