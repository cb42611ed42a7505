//! End-to-end tests: the generated SDK against a loopback HTTP server.
//!
//! The spec is the single source of truth. Success answers are the operations' documented
//! examples, error answers are built from their documented error tables, and decoded values are
//! compared with the same example JSON, so the tests follow the spec without restating it. Each
//! operation is checked for the exact request on the wire, the decoding of its example, its
//! documented and undocumented error codes, and values this SDK version cannot know.

use std::fmt::Debug;
use std::time::Duration;

use dingtalk_openapi::runtime::{ErrorKind, Request};
use dingtalk_openapi::{AccessToken, ApiError, Client, Error};
use dingtalk_openapi_codegen::spec::ErrorEntry;
use dingtalk_openapi_tests::fixtures;
use dingtalk_openapi_tests::server::{Recorded, Reply, TestServer};
use dingtalk_openapi_tests::spec::{example, DOC, DRIVE, WIKI};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

/// The access token every authenticated call must send, verbatim.
const TOKEN: &str = "test-token";

/// An ID that only survives as one path segment if it is percent-encoded: `/`, `?`, `#`, a
/// space and a non-ASCII character.
const ODD_ID: &str = "a/b?c d#知";
/// [`ODD_ID`] as one encoded path segment.
const ODD_ID_ENCODED: &str = "a%2Fb%3Fc%20d%23%E7%9F%A5";

// ---------------------------------------------------------------------------------------------
// The spec
// ---------------------------------------------------------------------------------------------

/// The documented error table of `op`.
fn error_table(file: &str, op: &str) -> Vec<ErrorEntry> {
    dingtalk_openapi_tests::spec::errors(file, op)
}

/// The documented error `code` of `op`.
fn documented_error(file: &str, op: &str, code: &str) -> ErrorEntry {
    error_table(file, op)
        .into_iter()
        .find(|e| e.code == code)
        .unwrap_or_else(|| panic!("{op} does not document error {code}"))
}

/// The message DingTalk sends for `entry`: the documented one, its `%s` filled in.
fn message_of(entry: &ErrorEntry) -> String {
    let message = entry.message.as_deref().unwrap_or_default();
    message.replace("%s", &format!("details of {}", entry.code))
}

/// DingTalk's answer for `entry`: `{"code", "message", "requestid"}` with the documented status
/// (no `requestid` in the body when `request_id` is `None`).
fn error_reply(entry: &ErrorEntry, request_id: Option<&str>) -> Reply {
    let mut body = json!({ "code": entry.code, "message": message_of(entry) });
    if let Some(id) = request_id {
        body["requestid"] = json!(id);
    }
    Reply::json(entry.status, body)
}

// ---------------------------------------------------------------------------------------------
// Server, client and assertions
// ---------------------------------------------------------------------------------------------

/// A loopback server and a client pointed at it.
struct Harness {
    server: TestServer,
    client: Client,
}

/// Starts a server that answers an unknown `unscripted` error (HTTP 418, never retried) unless
/// the test scripted a reply, and a client with the test token that gives up after 10 s.
async fn harness() -> Harness {
    let unscripted = json!({ "code": "unscripted", "message": "the test scripted no reply" });
    let server = TestServer::start(Reply::json(418, unscripted)).await;
    let client = Client::builder(AccessToken::new(TOKEN))
        .base_url(server.base_url())
        .operation_timeout(Some(Duration::from_secs(10)))
        .build()
        .unwrap();
    Harness { server, client }
}

impl Harness {
    /// Queues `reply` for the next request.
    fn reply(&self, reply: Reply) {
        self.server.push(reply);
    }

    /// The one request received (fails if there were retries or none).
    fn only_request(&self) -> Recorded {
        let mut requests = self.server.requests();
        assert_eq!(
            requests.len(),
            1,
            "expected exactly one request: {requests:#?}"
        );
        requests.remove(0)
    }
}

/// What a request must look like on the wire.
#[derive(Debug, Default)]
struct Expect<'a> {
    method: &'a str,
    /// Raw (encoded) path.
    path: &'a str,
    /// Decoded query pairs, in any order.
    query: &'a [(&'a str, &'a str)],
    /// The JSON body, if one must be sent.
    body: Option<Value>,
    /// Whether the operation is anonymous (no access-token header).
    anonymous: bool,
}

/// Checks method, path, query, body and the headers every call carries.
fn assert_request(r: &Recorded, want: Expect<'_>) {
    assert_eq!(r.method, want.method);
    assert_eq!(r.path, want.path);
    let mut got = r.query_pairs.clone();
    got.sort();
    let mut expected: Vec<(String, String)> = want
        .query
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    expected.sort();
    assert_eq!(got, expected, "query pairs of `{}`", r.query);

    let tokens = r.header_values("x-acs-dingtalk-access-token");
    if want.anonymous {
        assert!(tokens.is_empty(), "anonymous call sent a token: {tokens:?}");
    } else {
        assert_eq!(tokens, [TOKEN], "the raw token, once");
    }
    assert_eq!(r.header("authorization"), None, "no Authorization header");
    assert_eq!(r.header_values("accept"), ["application/json"]);
    let ua = r.header("user-agent").unwrap_or_default();
    assert!(
        ua.starts_with("dingtalk-openapi-rust/"),
        "user-agent {ua:?}"
    );

    match want.body {
        Some(body) => {
            assert_eq!(
                r.header_values("content-type"),
                ["application/json; charset=utf-8"]
            );
            assert_eq!(r.json(), body, "request body");
        }
        None => {
            assert_eq!(r.header("content-type"), None, "no body, no content type");
            assert!(r.body.is_empty(), "unexpected body {:?}", r.body);
            // As both official SDKs send it: gateways may answer 411 without it.
            let length: &[&str] = match r.method.as_str() {
                "POST" | "PUT" | "PATCH" => &["0"],
                _ => &[],
            };
            assert_eq!(r.header_values("content-length"), length, "{}", r.method);
        }
    }
}

/// Checks that `out` serialises back to `example`: every field of the example was decoded under
/// its wire name and type (a missed field would be absent or null here) and nothing was invented.
/// Null members are ignored on both sides: output types may serialise an unset field as `null`.
fn assert_round_trip(out: &impl serde::Serialize, example: &Value) {
    let again = serde_json::to_value(out).expect("output serialises");
    assert_eq!(
        without_nulls(again),
        without_nulls(example.clone()),
        "decoded output differs from the example"
    );
}

/// `v` without its null object members, at any depth.
fn without_nulls(v: Value) -> Value {
    match v {
        Value::Object(map) => map
            .into_iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| (k, without_nulls(v)))
            .collect(),
        Value::Array(items) => items.into_iter().map(without_nulls).collect(),
        other => other,
    }
}

/// The API error of a failed call.
fn api_error<O: Debug, E: Debug>(result: Result<O, Error<E>>) -> ApiError<E> {
    match result {
        Err(Error::Api(e)) => e,
        other => panic!("expected a DingTalk error answer, got {other:?}"),
    }
}

/// Answers each documented error of an operation in turn, then an undocumented code, and checks
/// what the SDK makes of them: the documented codes decode into distinct documented variants
/// (`unknown` gives `None`) with the documented status, code, message and the body's request id
/// (which wins over the header's); the undocumented one decodes into `Other` with its code kept.
async fn assert_error_table<O, E>(
    h: &Harness,
    file: &str,
    op: &str,
    call: impl Fn() -> Request<O, E>,
    unknown: impl Fn(&E) -> Option<&str>,
) where
    O: DeserializeOwned + Debug,
    E: ErrorKind + PartialEq,
{
    let table = error_table(file, op);
    assert!(!table.is_empty(), "{op} documents no errors");
    let before = h.server.hits();
    let mut kinds: Vec<E> = Vec::new();
    for entry in &table {
        let id = format!("req-{}", entry.code);
        h.reply(error_reply(entry, Some(&id)).header("x-acs-request-id", "header-id"));
        let e = api_error(call().max_attempts(1).send().await);
        assert_eq!(e.status(), entry.status, "{}", entry.code);
        assert_eq!(e.code(), entry.code);
        assert_eq!(e.message(), message_of(entry));
        assert_eq!(e.request_id(), Some(id.as_str()));
        assert_eq!(unknown(e.kind()), None, "{} is documented", entry.code);
        assert!(
            !kinds.contains(e.kind()),
            "{} shares variant {:?} with another code",
            entry.code,
            e.kind()
        );
        kinds.push(e.kind().clone());
    }

    let undocumented = json!({ "code": "brandNew.code", "message": "new", "requestid": "r" });
    h.reply(Reply::json(400, undocumented));
    let e = api_error(call().max_attempts(1).send().await);
    assert_eq!(unknown(e.kind()), Some("brandNew.code"));
    assert_eq!(
        (e.code(), e.message(), e.status()),
        ("brandNew.code", "new", 400)
    );
    assert_eq!(
        h.server.hits() - before,
        table.len() + 1,
        "one request per call"
    );
}

// ---------------------------------------------------------------------------------------------
// The five operations of spec/
// ---------------------------------------------------------------------------------------------

/// `doc_2_0` PinSpace: POST with a path parameter and a query parameter, no body.
mod doc_pin_space {
    use super::*;
    use dingtalk_openapi::doc_2_0::PinSpaceError;

    const OP: &str = "PinSpace";

    #[tokio::test]
    async fn sends_the_documented_request_and_decodes_the_example() {
        let h = harness().await;
        let ex = example(DOC, OP);
        h.reply(Reply::json(200, ex.clone()).header("x-acs-request-id", "req-pin"));

        let got = h
            .client
            .doc_2_0()
            .pin_space(ODD_ID, "union_id")
            .build()
            .send_with_meta()
            .await
            .unwrap();

        assert_request(
            &h.only_request(),
            Expect {
                method: "POST",
                path: &format!("/v2.0/doc/spaces/{ODD_ID_ENCODED}/pin"),
                query: &[("operatorId", "union_id")],
                ..Expect::default()
            },
        );
        assert_round_trip(&got.output, &ex);
        assert_eq!(got.output.success, ex["success"].as_bool());
        assert_eq!(got.meta.status, 200);
        assert_eq!(got.meta.request_id.as_deref(), Some("req-pin"));
    }

    #[tokio::test]
    async fn decodes_every_documented_error() {
        let h = harness().await;
        let pin = || h.client.doc_2_0().pin_space("space", "union_id").build();
        assert_error_table(&h, DOC, OP, pin, |k| match k {
            PinSpaceError::Other(code) => Some(code),
            _ => None,
        })
        .await;
    }

    #[tokio::test]
    async fn decodes_a_dotted_code() {
        let h = harness().await;
        let entry = documented_error(DOC, OP, "paramError.spaceId");
        h.reply(error_reply(&entry, Some("req-dotted")));

        let e = api_error(h.client.doc_2_0().pin_space("s", "u").send().await);

        assert_eq!(e.kind(), &PinSpaceError::ParamErrorSpaceId);
        assert_eq!(e.code(), "paramError.spaceId");
        assert_eq!(e.status(), 400);
        assert_eq!(e.request_id(), Some("req-dotted"));
        assert_eq!(h.server.hits(), 1, "a 400 is not retried");
    }

    #[tokio::test]
    async fn takes_the_request_id_from_the_header_when_the_body_has_none() {
        let h = harness().await;
        let entry = documented_error(DOC, OP, "spaceNotExist");
        h.reply(error_reply(&entry, None).header("x-acs-request-id", "req-from-header"));

        let e = api_error(h.client.doc_2_0().pin_space("s", "u").send().await);

        assert_eq!(e.kind(), &PinSpaceError::SpaceNotExist);
        assert_eq!((e.status(), e.code()), (404, "spaceNotExist"));
        assert_eq!(e.message(), message_of(&entry));
        assert_eq!(e.request_id(), Some("req-from-header"));
    }

    #[tokio::test]
    async fn ignores_unknown_fields() {
        let h = harness().await;
        let mut ex = example(DOC, OP);
        ex["pinnedAt"] = json!("2024-01-01T00:00Z");
        ex["extra"] = json!({ "nested": [1, 2, { "deep": null }] });
        h.reply(Reply::json(200, ex.clone()));

        let out = h.client.doc_2_0().pin_space("s", "u").send().await.unwrap();

        assert_eq!(out.success, ex["success"].as_bool());
    }
}

/// `drive_1_0` AddSpace: POST with a JSON body, not idempotent, int64 and enum fields.
mod drive_add_space {
    use super::*;
    use dingtalk_openapi::drive_1_0::{AddSpaceError, AddSpacePermissionMode};

    const OP: &str = "AddSpace";

    #[tokio::test]
    async fn sends_the_documented_request_and_decodes_the_example() {
        let h = harness().await;
        let ex = example(DRIVE, OP);
        h.reply(Reply::json(200, ex.clone()));

        let out = h
            .client
            .drive_1_0()
            .add_space("Q3 plans / 计划", "union-1")
            .send()
            .await
            .unwrap();

        assert_request(
            &h.only_request(),
            Expect {
                method: "POST",
                path: "/v1.0/drive/spaces",
                body: Some(json!({ "name": "Q3 plans / 计划", "unionId": "union-1" })),
                ..Expect::default()
            },
        );
        assert_round_trip(&out, &ex);
        assert_eq!(out.space_id.as_deref(), ex["spaceId"].as_str());
        assert_eq!(out.quota, Some(1_024_000));
        assert_eq!(out.used_quota, ex["usedQuota"].as_i64());
        assert_eq!(out.permission_mode, Some(AddSpacePermissionMode::Acl));
    }

    #[tokio::test]
    async fn decodes_every_documented_error() {
        let h = harness().await;
        let add = || h.client.drive_1_0().add_space("name", "union").build();
        assert_error_table(&h, DRIVE, OP, add, |k| match k {
            AddSpaceError::Other(code) => Some(code),
            _ => None,
        })
        .await;
    }

    #[tokio::test]
    async fn decodes_a_dotted_code() {
        let h = harness().await;
        let entry = documented_error(DRIVE, OP, "addSpace.forbiden");
        h.reply(error_reply(&entry, Some("req-forbidden")));

        let e = api_error(h.client.drive_1_0().add_space("n", "u").send().await);

        assert_eq!(e.kind(), &AddSpaceError::AddSpaceForbiden);
        assert_eq!((e.status(), e.code()), (400, "addSpace.forbiden"));
        assert_eq!(e.message(), "Add space is forbiden.");
        assert_eq!(e.request_id(), Some("req-forbidden"));
        assert_eq!(h.server.hits(), 1, "not retried");
    }

    #[tokio::test]
    async fn keeps_unknown_enum_values_and_ignores_unknown_fields() {
        let h = harness().await;
        let mut ex = example(DRIVE, OP);
        ex["permissionMode"] = json!("hybrid");
        ex["spaceOwner"] = json!({ "unionId": "x" });
        h.reply(Reply::json(200, ex.clone()));

        let out = h
            .client
            .drive_1_0()
            .add_space("n", "u")
            .send()
            .await
            .unwrap();

        assert_eq!(
            out.permission_mode,
            Some(AddSpacePermissionMode::Other("hybrid".into()))
        );
        assert_eq!(out.quota, ex["quota"].as_i64());
    }
}

/// Checks for the `Workspace` model shared by the three wiki operations.
mod workspace {
    use super::*;
    use dingtalk_openapi::wiki_2_0::{PermissionRole, Workspace, WorkspaceIconType, WorkspaceType};

    /// Checks `ws` against its example JSON `ex`, with explicit spot checks of the enums.
    pub fn assert_decoded(ws: Option<&Workspace>, ex: &Value) {
        let ws = ws.expect("a workspace");
        let text = |v: &Value| v.as_str().map(str::to_owned);
        assert_eq!(ws.workspace_id, text(&ex["workspaceId"]));
        assert_eq!(ws.root_node_id, text(&ex["rootNodeId"]));
        assert_eq!(ws.name, text(&ex["name"]));
        assert_eq!(ws.modified_time, text(&ex["modifiedTime"]));
        assert_eq!(ws.r#type, Some(WorkspaceType::Team));
        assert_eq!(ws.permission_role, Some(PermissionRole::Reader));
        let icon = ws.icon.as_ref().expect("an icon");
        assert_eq!(icon.r#type, Some(WorkspaceIconType::Url));
        assert_eq!(icon.value, text(&ex["icon"]["value"]));
    }

    /// Puts values this SDK cannot know into a workspace's enums, and fields it does not model.
    pub fn add_unknowns(ws: &mut Value) {
        ws["type"] = json!("SHARED");
        ws["permissionRole"] = json!("CO_OWNER");
        ws["icon"]["type"] = json!("SVG");
        ws["icon"]["size"] = json!(64);
        ws["archivedTime"] = json!("2024-01-01T00:00Z");
    }

    /// Checks that [`add_unknowns`]'s values were kept as sent and the rest still decoded.
    pub fn assert_unknowns(ws: Option<&Workspace>, ex: &Value) {
        let ws = ws.expect("a workspace");
        assert_eq!(ws.r#type, Some(WorkspaceType::Other("SHARED".into())));
        assert_eq!(
            ws.permission_role,
            Some(PermissionRole::Other("CO_OWNER".into()))
        );
        let icon = ws.icon.as_ref().expect("an icon");
        assert_eq!(icon.r#type, Some(WorkspaceIconType::Other("SVG".into())));
        assert_eq!(icon.value.as_deref(), ex["icon"]["value"].as_str());
        assert_eq!(ws.workspace_id.as_deref(), ex["workspaceId"].as_str());
    }
}

/// `wiki_2_0` GetMineWorkspace: GET with a query parameter.
mod wiki_get_mine_workspace {
    use super::*;
    use dingtalk_openapi::wiki_2_0::GetMineWorkspaceError;

    const OP: &str = "GetMineWorkspace";

    #[tokio::test]
    async fn sends_the_documented_request_and_decodes_the_example() {
        let h = harness().await;
        let ex = example(WIKI, OP);
        h.reply(Reply::json(200, ex.clone()));
        // Characters that must be escaped in a query value.
        let operator = "union id&x=1/é+";

        let out = h
            .client
            .wiki_2_0()
            .get_mine_workspace(operator)
            .send()
            .await
            .unwrap();

        assert_request(
            &h.only_request(),
            Expect {
                method: "GET",
                path: "/v2.0/wiki/mineWorkspaces",
                query: &[("operatorId", operator)],
                ..Expect::default()
            },
        );
        assert_round_trip(&out, &ex);
        workspace::assert_decoded(out.workspace.as_ref(), &ex["workspace"]);
    }

    #[tokio::test]
    async fn decodes_every_documented_error() {
        let h = harness().await;
        let get = || h.client.wiki_2_0().get_mine_workspace("union").build();
        assert_error_table(&h, WIKI, OP, get, |k| match k {
            GetMineWorkspaceError::Other(code) => Some(code),
            _ => None,
        })
        .await;
    }

    #[tokio::test]
    async fn decodes_permission_denied() {
        let h = harness().await;
        let entry = documented_error(WIKI, OP, "permissionDenied");
        h.reply(error_reply(&entry, Some("req-denied")));

        let e = api_error(h.client.wiki_2_0().get_mine_workspace("u").send().await);

        assert_eq!(e.kind(), &GetMineWorkspaceError::PermissionDenied);
        assert_eq!((e.status(), e.code()), (403, "permissionDenied"));
        assert_eq!(e.request_id(), Some("req-denied"));
    }

    #[tokio::test]
    async fn keeps_unknown_enum_values_and_ignores_unknown_fields() {
        let h = harness().await;
        let ex = example(WIKI, OP);
        let mut body = ex.clone();
        workspace::add_unknowns(&mut body["workspace"]);
        body["requestId"] = json!("not modelled");
        h.reply(Reply::json(200, body));

        let out = h
            .client
            .wiki_2_0()
            .get_mine_workspace("u")
            .send()
            .await
            .unwrap();

        workspace::assert_unknowns(out.workspace.as_ref(), &ex["workspace"]);
    }
}

/// `wiki_2_0` GetWorkspaces: POST with a query parameter and a body with a nested object.
mod wiki_get_workspaces {
    use super::*;
    use dingtalk_openapi::wiki_2_0::{GetWorkspacesError, GetWorkspacesOption};

    const OP: &str = "GetWorkspaces";

    #[tokio::test]
    async fn sends_the_documented_request_and_decodes_the_example() {
        let h = harness().await;
        let ex = example(WIKI, OP);
        h.reply(Reply::json(200, ex.clone()));

        let out = h
            .client
            .wiki_2_0()
            .get_workspaces("union_id", ["a", "b"])
            .with_option(GetWorkspacesOption {
                with_permission_role: Some(true),
            })
            .send()
            .await
            .unwrap();

        assert_request(
            &h.only_request(),
            Expect {
                method: "POST",
                path: "/v2.0/wiki/workspaces/batchQuery",
                query: &[("operatorId", "union_id")],
                body: Some(json!({
                    "workspaceIds": ["a", "b"],
                    "option": { "withPermissionRole": true }
                })),
                ..Expect::default()
            },
        );
        assert_round_trip(&out, &ex);
        let workspaces = out.workspaces.as_deref().unwrap_or_default();
        assert_eq!(workspaces.len(), ex["workspaces"].as_array().unwrap().len());
        workspace::assert_decoded(workspaces.first(), &ex["workspaces"][0]);
    }

    #[tokio::test]
    async fn leaves_unset_optional_fields_out_of_the_body() {
        let h = harness().await;
        h.reply(Reply::json(200, example(WIKI, OP)));

        h.client
            .wiki_2_0()
            .get_workspaces("union_id", ["only"])
            .send()
            .await
            .unwrap();

        // `option` is absent, not `null`.
        assert_eq!(h.only_request().json(), json!({ "workspaceIds": ["only"] }));
    }

    #[tokio::test]
    async fn a_body_setter_called_again_replaces_the_earlier_value() {
        let h = harness().await;
        h.reply(Reply::json(200, example(WIKI, OP)));
        let option = |with| GetWorkspacesOption {
            with_permission_role: Some(with),
        };

        h.client
            .wiki_2_0()
            .get_workspaces("union_id", ["only"])
            .with_option(option(true))
            .with_option(option(false))
            .send()
            .await
            .unwrap();

        assert_eq!(
            h.only_request().json(),
            json!({ "workspaceIds": ["only"], "option": { "withPermissionRole": false } })
        );
    }

    #[tokio::test]
    async fn decodes_every_documented_error() {
        let h = harness().await;
        let get = || h.client.wiki_2_0().get_workspaces("u", ["a"]).build();
        assert_error_table(&h, WIKI, OP, get, |k| match k {
            GetWorkspacesError::Other(code) => Some(code),
            _ => None,
        })
        .await;
    }

    #[tokio::test]
    async fn decodes_workspace_not_exist() {
        let h = harness().await;
        let entry = documented_error(WIKI, OP, "workspaceNotExist");
        h.reply(error_reply(&entry, Some("req-404")));

        let e = api_error(h.client.wiki_2_0().get_workspaces("u", ["a"]).send().await);

        assert_eq!(e.kind(), &GetWorkspacesError::WorkspaceNotExist);
        assert_eq!((e.status(), e.code()), (404, "workspaceNotExist"));
        assert_eq!(e.message(), message_of(&entry));
        assert_eq!(h.server.hits(), 1, "a 404 is not retried");
    }

    #[tokio::test]
    async fn keeps_unknown_enum_values_and_ignores_unknown_fields() {
        let h = harness().await;
        let ex = example(WIKI, OP);
        let mut body = ex.clone();
        workspace::add_unknowns(&mut body["workspaces"][0]);
        body["nextToken"] = json!("not modelled");
        h.reply(Reply::json(200, body));

        let out = h
            .client
            .wiki_2_0()
            .get_workspaces("u", ["a"])
            .send()
            .await
            .unwrap();

        let workspaces = out.workspaces.unwrap_or_default();
        workspace::assert_unknowns(workspaces.first(), &ex["workspaces"][0]);
    }
}

/// `wiki_2_0` GetWorkspace: GET with a path parameter, a required and an optional boolean query
/// parameter.
mod wiki_get_workspace {
    use super::*;
    use dingtalk_openapi::wiki_2_0::GetWorkspaceError;

    const OP: &str = "GetWorkspace";

    /// The spec documents no example answer for GetWorkspace; GetMineWorkspace answers the same
    /// shape (`{"workspace": Workspace}`), so its example stands in.
    fn answer() -> Value {
        example(WIKI, "GetMineWorkspace")
    }

    #[tokio::test]
    async fn sends_the_documented_request_and_decodes_the_example() {
        let h = harness().await;
        let ex = answer();
        h.reply(Reply::json(200, ex.clone()));

        let out = h
            .client
            .wiki_2_0()
            .get_workspace(ODD_ID, "union_id")
            .with_permission_role(true)
            .send()
            .await
            .unwrap();

        let request = h.only_request();
        assert_request(
            &request,
            Expect {
                method: "GET",
                path: &format!("/v2.0/wiki/workspaces/{ODD_ID_ENCODED}"),
                query: &[("operatorId", "union_id"), ("withPermissionRole", "true")],
                ..Expect::default()
            },
        );
        assert!(
            request.query.contains("withPermissionRole=true"),
            "{}",
            request.query
        );
        assert_round_trip(&out, &ex);
        workspace::assert_decoded(out.workspace.as_ref(), &ex["workspace"]);
    }

    #[tokio::test]
    async fn leaves_unset_optional_parameters_out_of_the_query() {
        let h = harness().await;
        h.reply(Reply::json(200, answer()));

        h.client
            .wiki_2_0()
            .get_workspace("ws", "union_id")
            .send()
            .await
            .unwrap();

        let request = h.only_request();
        assert_eq!(request.path, "/v2.0/wiki/workspaces/ws");
        assert_eq!(request.query, "operatorId=union_id");
    }

    #[tokio::test]
    async fn a_setter_called_again_replaces_the_earlier_value() {
        let h = harness().await;
        h.reply(Reply::json(200, answer()));

        h.client
            .wiki_2_0()
            .get_workspace("ws", "union_id")
            .with_permission_role(true)
            .with_permission_role(false)
            .send()
            .await
            .unwrap();

        assert_eq!(
            h.only_request().query,
            "operatorId=union_id&withPermissionRole=false"
        );
    }

    #[tokio::test]
    async fn refuses_path_parameters_that_would_change_the_path() {
        let h = harness().await;

        for id in ["", ".", ".."] {
            let result = h.client.wiki_2_0().get_workspace(id, "u").send().await;
            assert!(matches!(result, Err(Error::Build(_))), "{id:?}: {result:?}");
        }

        assert_eq!(h.server.hits(), 0, "nothing was sent");
    }

    #[tokio::test]
    async fn decodes_every_documented_error() {
        let h = harness().await;
        let get = || h.client.wiki_2_0().get_workspace("ws", "u").build();
        assert_error_table(&h, WIKI, OP, get, |k| match k {
            GetWorkspaceError::Other(code) => Some(code),
            _ => None,
        })
        .await;
    }

    #[tokio::test]
    async fn decodes_is_not_workspace_with_the_header_request_id() {
        let h = harness().await;
        let entry = documented_error(WIKI, OP, "isNotWorkspace");
        h.reply(error_reply(&entry, None).header("x-acs-request-id", "req-header"));

        let e = api_error(h.client.wiki_2_0().get_workspace("ws", "u").send().await);

        assert_eq!(e.kind(), &GetWorkspaceError::IsNotWorkspace);
        assert_eq!((e.status(), e.code()), (400, "isNotWorkspace"));
        assert_eq!(e.request_id(), Some("req-header"));
    }

    #[tokio::test]
    async fn keeps_unknown_enum_values_and_ignores_unknown_fields() {
        let h = harness().await;
        let ex = answer();
        let mut body = ex.clone();
        workspace::add_unknowns(&mut body["workspace"]);
        h.reply(Reply::json(200, body));

        let out = h
            .client
            .wiki_2_0()
            .get_workspace("ws", "u")
            .send()
            .await
            .unwrap();

        workspace::assert_unknowns(out.workspace.as_ref(), &ex["workspace"]);
    }
}

// ---------------------------------------------------------------------------------------------
// The fixture services (tests/fixtures/*.yaml)
// ---------------------------------------------------------------------------------------------

/// Constructs the real specs do not have yet, through the services generated from the fixtures.
mod fixture_services {
    use super::*;

    fn fixture(name: &str) -> String {
        format!("fixtures/{name}.yaml")
    }

    #[tokio::test]
    async fn query_styles_flatten_arrays_and_send_json_style_as_one_string() {
        let h = harness().await;
        let file = fixture("query_styles");
        let ex = example(&file, "ListReportStatistics");
        h.reply(Reply::json(200, ex.clone()));
        // Above 2^53: must not pass through an f64.
        let start = 9_007_199_254_740_993_i64;

        let out = fixtures::query_styles::Service::new(h.client.clone())
            .list_report_statistics(["a", "b c"], start)
            .user_id_list(["u1", "u \"2\""])
            .include_archived(false)
            .max_results(20)
            .min_read_rate(0.75)
            .send()
            .await
            .unwrap();

        let request = h.only_request();
        assert_request(
            &request,
            Expect {
                method: "GET",
                path: "/v1.0/report/statistics",
                query: &[
                    ("templateIds.1", "a"),
                    ("templateIds.2", "b c"),
                    ("startTime", "9007199254740993"),
                    ("userIdList", r#"["u1","u \"2\""]"#),
                    ("includeArchived", "false"),
                    ("maxResults", "20"),
                    ("minReadRate", "0.75"),
                ],
                ..Expect::default()
            },
        );
        assert!(
            request.query.contains("templateIds.1=a&templateIds.2=b"),
            "{}",
            request.query
        );
        assert_round_trip(&out, &ex);
    }

    #[tokio::test]
    async fn query_styles_leave_unset_parameters_out() {
        let h = harness().await;
        h.reply(Reply::json(200, json!({})));

        fixtures::query_styles::Service::new(h.client.clone())
            .list_report_statistics(["only"], -1)
            .send()
            .await
            .unwrap();

        let request = h.only_request();
        let mut pairs = request.query_pairs.clone();
        pairs.sort();
        let expected = [("startTime", "-1"), ("templateIds.1", "only")];
        assert_eq!(pairs, expected.map(|(k, v)| (k.to_owned(), v.to_owned())));
    }

    #[tokio::test]
    async fn get_with_a_body_sends_it_with_its_content_type() {
        let h = harness().await;
        let ex = example(&fixture("get_body"), "SearchFormDataIds");
        h.reply(Reply::json(200, ex.clone()));

        let out = fixtures::get_body::Service::new(h.client.clone())
            .search_form_data_ids(fixtures::get_body::SearchFormDataIdsParams {
                app_type: "APP".to_owned(),
                system_token: "secret".to_owned(),
                user_id: "user".to_owned(),
                form_uuid: "FORM".to_owned(),
            })
            .page_size(50)
            .send()
            .await
            .unwrap();

        assert_request(
            &h.only_request(),
            Expect {
                method: "GET",
                path: "/v1.0/yida/forms/instances/ids/search",
                body: Some(json!({
                    "appType": "APP",
                    "systemToken": "secret",
                    "userId": "user",
                    "formUuid": "FORM",
                    "pageSize": 50
                })),
                ..Expect::default()
            },
        );
        assert_round_trip(&out, &ex);
    }

    #[tokio::test]
    async fn anonymous_operation_sends_no_token() {
        let h = harness().await;
        let ex = example(&fixture("anonymous"), "GetAccessToken");
        h.reply(Reply::json(200, ex.clone()));

        let out = fixtures::anonymous::Service::new(h.client.clone())
            .get_access_token("key", "app secret")
            .send()
            .await
            .unwrap();

        assert_request(
            &h.only_request(),
            Expect {
                method: "POST",
                path: "/v1.0/oauth2/accessToken",
                body: Some(json!({ "appKey": "key", "appSecret": "app secret" })),
                anonymous: true,
                ..Expect::default()
            },
        );
        assert_round_trip(&out, &ex);
        assert_eq!(Some(out.access_token.as_str()), ex["accessToken"].as_str());
        assert_eq!(out.expire_in, 7200);
    }

    #[tokio::test]
    async fn no_body_operation_accepts_204_and_reports_meta() {
        let h = harness().await;
        h.reply(Reply::empty(204).header("x-acs-request-id", "req-204"));

        let got = fixtures::no_body::Service::new(h.client.clone())
            .delete_project_member("p/1", "用户", "op")
            .build()
            .send_with_meta()
            .await
            .unwrap();

        assert_request(
            &h.only_request(),
            Expect {
                method: "DELETE",
                path: "/v1.0/project/projects/p%2F1/members/%E7%94%A8%E6%88%B7",
                query: &[("operatorId", "op")],
                ..Expect::default()
            },
        );
        let () = got.output;
        assert_eq!(got.meta.status, 204);
        assert_eq!(got.meta.request_id.as_deref(), Some("req-204"));
    }

    #[tokio::test]
    async fn no_body_operation_accepts_an_empty_200() {
        let h = harness().await;
        h.reply(Reply::empty(200).header("x-acs-request-id", "req-200"));

        let got = fixtures::no_body::Service::new(h.client.clone())
            .update_project_member_role(fixtures::no_body::UpdateProjectMemberRoleParams {
                project_id: "p".to_owned(),
                user_id: "u".to_owned(),
                operator_id: "op".to_owned(),
                role_id: "role-1".to_owned(),
            })
            .build()
            .send_with_meta()
            .await
            .unwrap();

        assert_request(
            &h.only_request(),
            Expect {
                method: "PUT",
                path: "/v1.0/project/projects/p/members/u/role",
                query: &[("operatorId", "op")],
                body: Some(json!({ "roleId": "role-1" })),
                ..Expect::default()
            },
        );
        assert_eq!(got.meta.status, 200);
        assert_eq!(got.meta.request_id.as_deref(), Some("req-200"));
    }

    #[tokio::test]
    async fn enum_integer_and_boolean_path_parameters_fill_their_segments() {
        use fixtures::no_body::MoveProjectTaskStage;
        let h = harness().await;
        h.reply(Reply::empty(204));

        fixtures::no_body::Service::new(h.client.clone())
            .move_project_task(fixtures::no_body::MoveProjectTaskParams {
                project_id: "p 1".to_owned(),
                stage: MoveProjectTaskStage::InProgress,
                position: 3,
                pinned: true,
            })
            .send()
            .await
            .unwrap();

        assert_request(
            &h.only_request(),
            Expect {
                method: "PUT",
                path: "/v1.0/project/projects/p%201/stages/inProgress/tasks/3/true",
                ..Expect::default()
            },
        );
    }

    #[tokio::test]
    async fn no_body_operation_still_decodes_errors() {
        use fixtures::no_body::DeleteProjectMemberError;
        let h = harness().await;
        let entry = documented_error(
            &fixture("no_body"),
            "DeleteProjectMember",
            "projectNotExist",
        );
        h.reply(error_reply(&entry, Some("req-gone")));

        let e = api_error(
            fixtures::no_body::Service::new(h.client.clone())
                .delete_project_member("p", "u", "op")
                .send()
                .await,
        );

        assert_eq!(e.kind(), &DeleteProjectMemberError::ProjectNotExist);
        assert_eq!(e.request_id(), Some("req-gone"));
    }

    #[tokio::test]
    async fn recursive_models_decode_through_the_cycle() {
        use fixtures::recursive::DentryModelType;
        let h = harness().await;
        let ex = example(&fixture("recursive"), "GetSpace");
        h.reply(Reply::json(200, ex.clone()));

        let out = fixtures::recursive::Service::new(h.client.clone())
            .get_space("12345", "union")
            .send()
            .await
            .unwrap();

        assert_round_trip(&out, &ex);
        // SpaceModel → DentryModel → [DentryModel] → SpaceModel.
        let space = out.space.expect("space");
        let root = space.root_dentry.expect("root dentry");
        assert_eq!(root.r#type, Some(DentryModelType::Folder));
        let children = root.children.expect("children");
        let file = &children[0];
        assert_eq!(file.r#type, Some(DentryModelType::File));
        assert_eq!(
            file.size,
            ex["space"]["rootDentry"]["children"][0]["size"].as_i64()
        );
        let back = file.space.as_deref().expect("the file's space");
        assert_eq!(back.name, space.name);
        assert_eq!(back.root_dentry, None);
        assert_eq!(children[1].children.as_deref(), Some(&[][..]));
    }

    #[tokio::test]
    async fn maps_of_arrays_of_objects_round_trip() {
        use fixtures::maps::GetProcessInstanceSummaryResult as Result_;
        let h = harness().await;
        let ex = example(&fixture("maps"), "GetProcessInstanceSummary");
        h.reply(Reply::json(200, ex.clone()));

        let out = fixtures::maps::Service::new(h.client.clone())
            .get_process_instance_summary("pi-1")
            .send()
            .await
            .unwrap();

        assert_round_trip(&out, &ex);
        let approvers = out.approvers_by_node.expect("approvers");
        assert_eq!(approvers.len(), 2);
        assert_eq!(approvers["node_1"][0].result, Some(Result_::Agree));
        assert_eq!(
            approvers["node_1"][0].finish_time,
            ex["approversByNode"]["node_1"][0]["finishTime"].as_i64()
        );
        assert!(approvers["node_2"].is_empty());
        let durations = out.node_durations.expect("durations");
        assert_eq!(
            durations.get("node_1").copied(),
            ex["nodeDurations"]["node_1"].as_i64()
        );
    }

    #[tokio::test]
    async fn maps_are_sent_as_json_objects() {
        let h = harness().await;
        h.reply(Reply::json(
            200,
            example(&fixture("maps"), "UpdateProcessInstanceVariables"),
        ));
        let variables = [("b", "2"), ("a", "1 & 1")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();

        let out = fixtures::maps::Service::new(h.client.clone())
            .update_process_instance_variables("pi-1", variables)
            .send()
            .await
            .unwrap();

        assert_request(
            &h.only_request(),
            Expect {
                method: "PUT",
                path: "/v1.0/workflow/processInstances/variables",
                body: Some(json!({
                    "processInstanceId": "pi-1",
                    "variables": { "a": "1 & 1", "b": "2" }
                })),
                ..Expect::default()
            },
        );
        assert_eq!(out.success, Some(true));
    }

    #[tokio::test]
    async fn awkward_wire_names_are_sent_and_read_as_spelled() {
        use fixtures::names::{CreateLoginPolicyType, RuleType};
        let h = harness().await;
        let ex = example(&fixture("names"), "CreateLoginPolicy");
        h.reply(Reply::json(200, ex.clone()));

        let out = fixtures::names::Service::new(h.client.clone())
            .create_login_policy("cid", "corp", CreateLoginPolicyType::V2fa)
            .user_id_list(["u1"])
            .url("https://example.com")
            .send()
            .await
            .unwrap();

        assert_eq!(
            h.only_request().json(),
            json!({
                "client_id": "cid",
                "corpid": "corp",
                "userIDList": ["u1"],
                "URL": "https://example.com",
                "type": "2FA"
            })
        );
        assert_round_trip(&out, &ex);
        let rule = out.r#match.expect("match");
        assert_eq!(rule.r#type, Some(RuleType::V2fa));
        assert_eq!(rule.self_, ex["match"]["self"].as_bool());
    }
}

// ---------------------------------------------------------------------------------------------
// Answers and headers as the official SDKs treat them
// ---------------------------------------------------------------------------------------------

/// Odd answers and repeated headers, handled as the official SDKs' DingTalk gateway handles them:
/// 204 is success, an object answer must be an object, an empty 200 is not JSON, an error body
/// is an error whatever the status, and a header has one value.
mod official_sdk_parity {
    use super::*;
    use dingtalk_openapi::runtime::{Endpoint, Method};
    use dingtalk_openapi::wiki_2_0::{GetMineWorkspaceResponse, GetWorkspaceError};
    use dingtalk_openapi::InvalidResponse;

    fn invalid<O: Debug, E: Debug>(result: Result<O, Error<E>>) -> InvalidResponse {
        match result {
            Err(Error::InvalidResponse(e)) => e,
            other => panic!("expected an invalid answer, got {other:?}"),
        }
    }

    /// Any code, kept as sent.
    #[derive(Debug, Clone, PartialEq)]
    struct AnyCode(String);

    impl ErrorKind for AnyCode {
        fn from_code(code: &str) -> Self {
            AnyCode(code.to_owned())
        }
    }

    /// An object answer that is other JSON is invalid: serde's derived decoder would fill the
    /// struct from an array by position and report success.
    #[tokio::test]
    async fn other_json_than_an_object_is_an_invalid_answer() {
        let h = harness().await;
        let workspace = example(WIKI, "GetMineWorkspace")["workspace"].clone();
        let answers = [
            (json!([workspace]), "array"),
            (json!(true), "boolean"),
            (json!("workspace"), "string"),
            (json!(null), "null"),
            (json!(7), "number"),
        ];
        for (body, kind) in &answers {
            h.reply(Reply::json(200, body.clone()).header("x-acs-request-id", "req-arr"));
            let e = invalid(h.client.wiki_2_0().get_mine_workspace("u").send().await);
            assert_eq!((e.status(), e.request_id()), (200, Some("req-arr")));
            assert!(e.reason().contains(kind), "{kind}: {}", e.reason());
            assert!(e.reason().contains("not the JSON object"), "{}", e.reason());
        }
        assert_eq!(h.server.hits(), answers.len(), "not retried");
    }

    /// An operation whose answer is not an object (`non_object_response`, for the spec's
    /// boolean, array or `any` answers) decodes that JSON, and still reads an error body.
    #[tokio::test]
    async fn a_non_object_operation_decodes_its_json_and_error_bodies() {
        static IS_PINNED: Endpoint = Endpoint {
            service: "demo_1.0",
            operation: "IsPinned",
            method: Method::Get,
            path: "/v1.0/demo/pinned",
            base_url: "http://127.0.0.1:9",
            idempotent: true,
            auth: true,
            response_body: true,
            object_answer: true,
        }
        .non_object_response();
        let h = harness().await;
        let call = || Request::<bool, AnyCode>::new(&h.client, &IS_PINNED);
        h.reply(Reply::json(200, json!(true)));
        assert!(call().send().await.unwrap());
        h.reply(Reply::json(
            200,
            json!({ "code": "paramError", "message": "m" }),
        ));
        let e = api_error(call().send().await);
        assert_eq!((e.status(), e.kind()), (200, &AnyCode("paramError".into())));
    }

    /// 204: the empty answer when all its fields are optional (the official SDKs return success
    /// without a body); an answer with required fields cannot be empty. An empty 200 is invalid
    /// for a JSON operation, as in the official SDKs (their JSON parse fails).
    #[tokio::test]
    async fn no_content_is_the_empty_answer_and_an_empty_200_is_invalid() {
        let h = harness().await;
        h.reply(Reply::empty(204).header("x-acs-request-id", "req-204"));
        let got = h
            .client
            .wiki_2_0()
            .get_mine_workspace("u")
            .build()
            .send_with_meta()
            .await
            .unwrap();
        assert_eq!(got.output, GetMineWorkspaceResponse::default());
        assert_eq!(
            (got.meta.status, got.meta.request_id.as_deref()),
            (204, Some("req-204"))
        );

        h.reply(Reply::empty(204));
        let token = h.client.oauth2_1_0().get_access_token("key", "secret");
        let e = invalid(token.build().max_attempts(1).send().await);
        assert_eq!(e.status(), 204);
        assert!(e.reason().contains("cannot be empty"), "{}", e.reason());

        h.reply(Reply::raw(200, "application/json", ""));
        let e = invalid(h.client.wiki_2_0().get_mine_workspace("u").send().await);
        assert!(e.reason().contains("empty"), "{}", e.reason());
    }

    /// DingTalk's error body in a 200 (`code` and `message`, none of the answer's fields) is the
    /// error it names; a real answer (one of its fields, or no `message`) stays an answer.
    #[tokio::test]
    async fn an_error_body_in_a_200_is_the_error_it_names() {
        let h = harness().await;
        let gone = json!({ "code": "workspaceNotExist", "message": "gone", "requestid": "R1" });
        h.reply(Reply::json(200, gone));
        let e = api_error(h.client.wiki_2_0().get_workspace("ws", "u").send().await);
        assert_eq!(e.kind(), &GetWorkspaceError::WorkspaceNotExist);
        assert_eq!(
            (e.status(), e.code(), e.message(), e.request_id()),
            (200, "workspaceNotExist", "gone", Some("R1"))
        );

        let workspace = example(WIKI, "GetMineWorkspace")["workspace"].clone();
        let with_field = json!({ "workspace": workspace, "code": "x", "message": "y" });
        for answer in [
            with_field,
            json!({ "code": "x" }),
            json!({ "code": 1, "message": "y" }),
        ] {
            h.reply(Reply::json(200, answer.clone()));
            let out = h.client.wiki_2_0().get_workspace("ws", "u").send().await;
            assert!(out.is_ok(), "{answer}: {out:?}");
        }

        // An operation without an answer body reads it too.
        use fixtures::no_body::DeleteProjectMemberError;
        let gone = json!({ "code": "projectNotExist", "message": "gone" });
        h.reply(Reply::json(200, gone).header("x-acs-request-id", "req-h"));
        let e = api_error(
            fixtures::no_body::Service::new(h.client.clone())
                .delete_project_member("p", "u", "op")
                .send()
                .await,
        );
        assert_eq!(e.kind(), &DeleteProjectMemberError::ProjectNotExist);
        assert_eq!(e.request_id(), Some("req-h"));
        assert_eq!(h.server.hits(), 5, "one request per call");
    }

    /// A header set on the request replaces the SDK's own of that name (one value per name),
    /// except the access token: the credentials' token wins, as in the official SDKs. Framing
    /// headers cannot be set.
    #[tokio::test]
    async fn one_value_per_header_and_the_credentials_token_wins() {
        let h = harness().await;
        h.reply(Reply::json(200, json!({})));
        h.client
            .wiki_2_0()
            .get_workspace("ws", "u")
            .build()
            .header("accept", "text/plain")
            .header("user-agent", "mine/1")
            .header("x-acs-dingtalk-access-token", "other")
            .header("X-Extra", "1")
            .header("x-extra", "2")
            .send()
            .await
            .unwrap();
        let r = h.only_request();
        assert_eq!(r.header_values("accept"), ["text/plain"]);
        assert_eq!(r.header_values("user-agent"), ["mine/1"]);
        assert_eq!(r.header_values("x-acs-dingtalk-access-token"), [TOKEN]);
        assert_eq!(r.header_values("x-extra"), ["2"]);

        for name in ["content-length", "Transfer-Encoding", "host"] {
            let get = h.client.wiki_2_0().get_workspace("ws", "u").build();
            match get.header(name, "5").send().await {
                Err(Error::Build(e)) => assert!(e.message().contains(name), "{e}"),
                other => panic!("{name} was not refused: {other:?}"),
            }
        }
        assert_eq!(h.server.hits(), 1, "nothing sent");
    }

    /// POST, PUT and PATCH without a body say `content-length: 0`, as both official SDKs do;
    /// GET and DELETE do not.
    #[tokio::test]
    async fn a_bodyless_post_or_put_says_content_length_zero() {
        let h = harness().await;
        h.server.set_default(Reply::empty(204));
        h.client.doc_2_0().pin_space("s", "u").send().await.unwrap();
        let project = fixtures::no_body::Service::new(h.client.clone());
        use fixtures::no_body::MoveProjectTaskStage;
        let stage = MoveProjectTaskStage::Done;
        project
            .move_project_task(fixtures::no_body::MoveProjectTaskParams {
                project_id: "p".to_owned(),
                stage,
                position: 1,
                pinned: false,
            })
            .send()
            .await
            .unwrap();
        project
            .delete_project_member("p", "u", "op")
            .send()
            .await
            .unwrap();
        h.client
            .wiki_2_0()
            .get_workspace("ws", "u")
            .send()
            .await
            .unwrap();
        let lengths: Vec<(String, Vec<String>)> = h
            .server
            .requests()
            .iter()
            .map(|r| {
                let values = r.header_values("content-length");
                (
                    r.method.clone(),
                    values.iter().map(|v| v.to_string()).collect(),
                )
            })
            .collect();
        let want = |m: &str, v: &[&str]| (m.to_owned(), v.iter().map(|s| s.to_string()).collect());
        assert_eq!(
            lengths,
            [
                want("POST", &["0"]),
                want("PUT", &["0"]),
                want("DELETE", &[]),
                want("GET", &[])
            ]
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The newer spec constructs (tests/fixtures/wire_styles.yaml), on the wire as the official
// Python SDK (`alibabacloud-dingtalk`) sends and reads them
// ---------------------------------------------------------------------------------------------

mod wire_styles {
    use super::*;
    use fixtures::wire_styles::{
        DentryStatus, DentryVo, QueryCorpScaleError, Service, TagItem, UpdateSettingsError,
    };

    fn file() -> String {
        "fixtures/wire_styles.yaml".to_owned()
    }

    /// `style: comma`: the items joined by `,` (Python: `','.join(map(str, array))`), one
    /// query pair, whatever the item type; `style: json` beside it stays one JSON string.
    #[tokio::test]
    async fn comma_style_query_joins_the_items_with_commas() {
        let h = harness().await;
        let ex = example(&file(), "QueryCorpScale");
        h.reply(Reply::json(200, ex.clone()));

        let out = Service::new(h.client.clone())
            .query_corp_scale(["ding1", "ding 2", "知"])
            .years(vec![2023, 2024])
            .filter([("k".to_owned(), "v".to_owned())].into())
            .send()
            .await
            .unwrap();

        let request = h.only_request();
        assert_request(
            &request,
            Expect {
                method: "GET",
                path: "/v2.0/bizfinance/corpScales",
                query: &[
                    ("corpIds", "ding1,ding 2,知"),
                    ("years", "2023,2024"),
                    ("filter", r#"{"k":"v"}"#),
                ],
                ..Expect::default()
            },
        );
        // One pair each: never `corpIds.1=…` nor a repeated name.
        assert_eq!(request.query_pairs.len(), 3, "{}", request.query);
        assert_round_trip(&out, &ex);
    }

    /// `style: json` in the body: the field's value is the string that JSON-serialising the
    /// value gives (Python: `json.dumps(v, separators=(",", ":"), ensure_ascii=False)`).
    #[tokio::test]
    async fn json_style_body_fields_carry_the_json_text_of_their_value() {
        let h = harness().await;
        h.reply(Reply::raw(200, "application/json", "true"));

        let options = [
            ("days".to_owned(), json!(7)),
            ("note".to_owned(), json!("a \"quoted\" 知")),
        ];
        let out = Service::new(h.client.clone())
            .update_settings(vec![1, 9_007_199_254_740_993])
            .options(options.into())
            .name("plain")
            .send()
            .await
            .unwrap();

        let request = h.only_request();
        assert_request(
            &request,
            Expect {
                method: "POST",
                path: "/v2.0/bizfinance/settings",
                body: Some(json!({
                    "ids": "[1,9007199254740993]",
                    "options": r#"{"days":7,"note":"a \"quoted\" 知"}"#,
                    "name": "plain"
                })),
                ..Expect::default()
            },
        );
        // On the wire: the text, compact, non-ASCII as it is.
        let raw = String::from_utf8(request.body.clone()).unwrap();
        assert!(raw.contains(r#""ids":"[1,9007199254740993]""#), "{raw}");
        assert!(out, "a boolean answer decodes as `bool`");
    }

    /// `style: whole`: the JSON array itself is the body; headers still go as headers.
    #[tokio::test]
    async fn whole_style_sends_a_top_level_array_as_the_body() {
        let h = harness().await;
        let ex = example(&file(), "AddTags");
        h.reply(Reply::json(200, ex.clone()));

        let tags = vec![
            TagItem {
                name: "red".to_owned(),
                color: Some("#FF0000".to_owned()),
            },
            TagItem {
                name: "plain".to_owned(),
                color: None,
            },
        ];
        let out = Service::new(h.client.clone())
            .add_tags(tags)
            .x_client_token("idem-1")
            .send()
            .await
            .unwrap();

        let request = h.only_request();
        assert_request(
            &request,
            Expect {
                method: "POST",
                path: "/v2.0/bizfinance/tags",
                body: Some(json!([{ "name": "red", "color": "#FF0000" }, { "name": "plain" }])),
                ..Expect::default()
            },
        );
        assert!(
            request.body.starts_with(b"["),
            "the array itself is the body"
        );
        assert_eq!(request.header("x-client-token"), Some("idem-1"));
        assert_eq!(serde_json::to_value(&out).unwrap(), ex, "an array answer");
    }

    /// An optional `whole` parameter left unset sends no body at all.
    #[tokio::test]
    async fn an_unset_whole_body_sends_nothing_and_a_set_one_sends_the_array() {
        let h = harness().await;
        h.reply(Reply::empty(200));
        h.reply(Reply::empty(200));
        let service = Service::new(h.client.clone());
        service.set_labels().send().await.unwrap();
        service
            .set_labels()
            .labels(["a", "b"])
            .send()
            .await
            .unwrap();

        let requests = h.server.requests();
        assert_eq!(requests.len(), 2);
        assert!(requests[0].body.is_empty(), "{:?}", requests[0].body);
        assert_eq!(requests[0].header("content-type"), None);
        assert_eq!(requests[1].json(), json!(["a", "b"]));
    }

    /// Answers that are not objects: any JSON, a map, a named model (the output is the model
    /// itself), a string enum, and the wrapper of a paginated answer.
    #[tokio::test]
    async fn non_object_and_named_model_answers_decode_into_their_types() {
        let h = harness().await;
        let service = Service::new(h.client.clone());

        for any in [
            json!("text"),
            json!(3.5),
            json!([1, {"a": null}]),
            json!(null),
        ] {
            h.reply(Reply::json(200, any.clone()));
            assert_eq!(service.get_raw_config().send().await.unwrap(), any);
        }

        let quotas = example(&file(), "GetQuotas");
        h.reply(Reply::json(200, quotas.clone()));
        let out = service.get_quotas().send().await.unwrap();
        assert_eq!(out.get("files"), Some(&json!(10)));
        assert_eq!(serde_json::to_value(&out).unwrap(), quotas);

        let dentry = example(&file(), "GetDentry");
        h.reply(Reply::json(200, dentry.clone()));
        let out: DentryVo = service.get_dentry("d1").send().await.unwrap();
        assert_eq!(out.dentry_id, "d1");
        assert_eq!(out.status, Some(DentryStatus::Normal));
        assert_round_trip(&out, &dentry);

        h.reply(Reply::json(200, json!("RECYCLED")));
        let status = service.get_dentry_status("d1").send().await.unwrap();
        assert_eq!(status, DentryStatus::Other("RECYCLED".to_owned()));

        h.reply(Reply::json(
            200,
            json!({"items": [{"dentryId": "d2"}], "nextToken": "n", "hasMore": false}),
        ));
        let page = service
            .list_dentries()
            .max_results(10)
            .send()
            .await
            .unwrap();
        assert_eq!(page.has_more, Some(false));
        assert_eq!(page.items.unwrap()[0].dentry_id, "d2");
    }

    /// A non-object answer of the wrong JSON type is an invalid response, never a panic.
    #[tokio::test]
    async fn a_non_object_answer_of_another_type_is_an_invalid_response() {
        let h = harness().await;
        h.reply(Reply::json(200, json!({"success": true})));
        let err = Service::new(h.client.clone())
            .update_settings(vec![1])
            .send()
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidResponse(_)), "{err:?}");
    }

    /// Shared error tables (`use: common`) give typed variants; an operation without `errors:`
    /// keeps every code as `Other(code)`.
    #[tokio::test]
    async fn shared_error_tables_and_undocumented_codes() {
        let h = harness().await;
        let rows = dingtalk_openapi_tests::spec::errors(&file(), "QueryCorpScale");
        assert_eq!(
            rows.iter().map(|e| e.code.as_str()).collect::<Vec<_>>(),
            [
                "MissingParameter",
                "Forbidden.AccessDenied.AccessTokenPermissionDenied",
                "corpNotExist"
            ],
            "the table's rows first, then the operation's own"
        );
        h.reply(error_reply(&rows[1], Some("req-1")));
        let err = Service::new(h.client.clone())
            .query_corp_scale(["c"])
            .send()
            .await
            .unwrap_err();
        let e = api_error(Err::<(), _>(err));
        assert_eq!(
            e.kind(),
            &QueryCorpScaleError::ForbiddenAccessDeniedAccessTokenPermissionDenied
        );
        assert_eq!(e.status(), 403);

        h.reply(Reply::json(
            400,
            json!({"code": "InvalidParameter", "message": "m"}),
        ));
        let err = Service::new(h.client.clone())
            .update_settings(vec![1])
            .send()
            .await
            .unwrap_err();
        let e = api_error(Err::<(), _>(err));
        assert_eq!(
            e.kind(),
            &UpdateSettingsError::Other("InvalidParameter".to_owned())
        );
    }
}

/// Names as DingTalk spells them go on the wire verbatim, whatever their Rust names became
/// (tests/fixtures/dingtalk_names.yaml): `r#type`, `self_`, `n123`, `with_add`, `x_client_token`.
#[tokio::test]
async fn dingtalk_spellings_are_sent_verbatim() {
    use fixtures::dingtalk_names::{DentryVo, Service};
    let h = harness().await;
    h.reply(Reply::empty(200));
    h.reply(Reply::json(
        200,
        json!({"dentryId": "d", "iconVO": {"URL": "u"}, "type": "t", "self": "s"}),
    ));
    let service = Service::new(h.client.clone());
    service
        .add_group_member("g/1", "cid")
        .max_tokens(5)
        .x_client_token("tok")
        .r#type("t")
        .r#async(true)
        .self_("me")
        .n123(7)
        .with_add(1)
        .next("n")
        .is_public(false)
        .send()
        .await
        .unwrap();
    let out: DentryVo = service.get_doc_content_for_elm("k").send().await.unwrap();

    let requests = h.server.requests();
    let r = &requests[0];
    assert_eq!(r.path, "/v1.0/names/groups/g%2F1/members");
    let mut query = r.query_pairs.clone();
    query.sort();
    let expected = [
        ("123", "7"),
        ("add", "1"),
        ("async", "true"),
        ("next", "n"),
        ("type", "t"),
    ];
    assert_eq!(query, expected.map(|(k, v)| (k.to_owned(), v.to_owned())));
    assert_eq!(r.header("x-client-token"), Some("tok"));
    assert_eq!(
        r.json(),
        json!({"client_id": "cid", "max_tokens": 5, "self": "me", "isPublic": false})
    );
    assert_eq!(requests[1].path, "/v1.0/names/docs/k");
    assert_eq!(out.icon_vo.and_then(|i| i.url).as_deref(), Some("u"));
    assert_eq!(
        (out.r#type.as_deref(), out.self_.as_deref()),
        (Some("t"), Some("s"))
    );
}

/// Wire values with characters a Rust source cannot hold as they are (bidi overrides, a
/// backtick in a name) are matched exactly (tests/fixtures/doc_text.yaml).
#[tokio::test]
async fn wire_values_with_bidi_characters_decode_exactly() {
    use fixtures::doc_text::{GetPageError, PageKind, Service};
    let h = harness().await;
    h.reply(Reply::json(
        200,
        json!({"page": {"kind": "B\u{202e}b", "items": ["x"]}}),
    ));
    h.reply(Reply::json(
        400,
        json!({"code": "param\u{202e}Error", "message": "m"}),
    ));
    let service = Service::new(h.client.clone());
    let out = service.get_page().send().await.unwrap();
    assert_eq!(out.page.unwrap().kind, Some(PageKind::BB));
    let err = service.get_page().send().await.unwrap_err();
    assert_eq!(
        api_error(Err::<(), _>(err)).kind(),
        &GetPageError::ParamError
    );
}

// ---------------------------------------------------------------------------------------------
// Errors and secrets
// ---------------------------------------------------------------------------------------------

/// What errors and debug output show, and that they never show the access token.
mod errors_and_secrets {
    use super::*;

    #[tokio::test]
    async fn error_display_shows_code_message_and_request_id_but_not_the_token() {
        let h = harness().await;
        let entry = documented_error(DOC, "PinSpace", "permissionDenied");
        h.reply(error_reply(&entry, Some("req-display")));

        let err = h
            .client
            .doc_2_0()
            .pin_space("s", "u")
            .send()
            .await
            .unwrap_err();

        let shown = err.to_string();
        for part in [
            "permissionDenied",
            "The operator has no permission.",
            "req-display",
        ] {
            assert!(shown.contains(part), "{part:?} missing from {shown:?}");
        }
        assert!(!shown.contains(TOKEN), "{shown}");
        assert!(!format!("{err:?}").contains(TOKEN));
        assert_eq!(err.code(), Some("permissionDenied"));
        assert_eq!(err.status(), Some(403));
        assert_eq!(err.request_id(), Some("req-display"));
    }

    #[tokio::test]
    async fn client_and_request_debug_hide_the_token() {
        let h = harness().await;
        let client = &h.client;
        let request = client.wiki_2_0().get_workspace("ws", "u").build();
        for shown in [format!("{client:?}"), format!("{request:?}")] {
            assert!(!shown.contains(TOKEN), "{shown}");
        }
    }

    #[tokio::test]
    async fn an_echoed_token_is_redacted_from_an_invalid_answer() {
        let h = harness().await;
        let page = format!("<html><body>bad gateway for {TOKEN}</body></html>");
        h.reply(Reply::raw(502, "text/html", page).header("x-acs-request-id", "req-502"));

        let err = h
            .client
            .doc_2_0()
            .pin_space("s", "u")
            .build()
            .max_attempts(1)
            .send()
            .await
            .unwrap_err();

        let Error::InvalidResponse(invalid) = &err else {
            panic!("expected an invalid answer, got {err:?}");
        };
        assert_eq!(invalid.status(), 502);
        assert_eq!(invalid.request_id(), Some("req-502"));
        assert!(
            invalid.snippet().contains("bad gateway"),
            "{}",
            invalid.snippet()
        );
        for shown in [err.to_string(), format!("{err:?}")] {
            assert!(!shown.contains(TOKEN), "{shown}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The test server itself
// ---------------------------------------------------------------------------------------------

/// The loopback server: parsing, keep-alive, scripting and faults.
mod test_server {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;

    /// Reads from `stream` until `needle` arrived (at most 5 s).
    async fn read_until(stream: &mut TcpStream, needle: &str) -> String {
        let read = async {
            let mut buf = Vec::new();
            while !String::from_utf8_lossy(&buf).contains(needle) {
                let n = stream.read_buf(&mut buf).await.expect("read");
                assert!(
                    n > 0,
                    "closed before {needle:?}: {:?}",
                    String::from_utf8_lossy(&buf)
                );
            }
            String::from_utf8_lossy(&buf).into_owned()
        };
        tokio::time::timeout(Duration::from_secs(5), read)
            .await
            .expect("an answer in time")
    }

    #[tokio::test]
    async fn parses_split_and_chunked_requests_on_one_connection() {
        let h = harness().await;
        h.reply(Reply::raw(200, "text/plain", "one"));
        h.reply(Reply::raw(201, "text/plain", "two").header("x-extra", "yes"));
        let addr = h.server.base_url().replace("http://", "");
        let mut stream = TcpStream::connect(addr).await.unwrap();

        // A request whose head and body arrive in pieces.
        for piece in [
            "GET /a%20b?x=1&y=a+b%26c&flag HTTP/1.1\r\nHo",
            "st: loopback\r\nX-Split: va",
            "lue\r\nContent-Length: 3\r\n\r\nab",
            "c",
        ] {
            stream.write_all(piece.as_bytes()).await.unwrap();
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let first = read_until(&mut stream, "one").await;
        assert!(first.starts_with("HTTP/1.1 200 OK\r\n"), "{first}");
        assert!(first.contains("content-length: 3\r\n"), "{first}");

        // A chunked body on the same connection.
        let chunked = "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n\
                       4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\n\r\n";
        stream.write_all(chunked.as_bytes()).await.unwrap();
        let second = read_until(&mut stream, "two").await;
        assert!(second.contains("x-extra: yes\r\n"), "{second}");

        // The script is used up: the default answer, then the server honours `close`.
        let closing = "DELETE /d HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        stream.write_all(closing.as_bytes()).await.unwrap();
        let mut rest = String::new();
        tokio::time::timeout(Duration::from_secs(5), stream.read_to_string(&mut rest))
            .await
            .expect("closed in time")
            .unwrap();
        assert!(rest.starts_with("HTTP/1.1 418 "), "{rest}");
        assert!(rest.contains("unscripted"), "{rest}");

        let requests = h.server.requests();
        assert_eq!(h.server.hits(), 3);
        assert_eq!(h.server.connections(), 1);
        assert!(requests
            .iter()
            .all(|r| r.connection == requests[0].connection));
        let get = &requests[0];
        assert_eq!((get.method.as_str(), get.path.as_str()), ("GET", "/a%20b"));
        assert_eq!(get.query, "x=1&y=a+b%26c&flag");
        let pairs = [("x", "1"), ("y", "a b&c"), ("flag", "")];
        assert_eq!(
            get.query_pairs,
            pairs.map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
        assert_eq!(get.header("HOST"), Some("loopback"));
        assert_eq!(get.header("x-split"), Some("value"));
        assert_eq!(get.body, b"abc");
        assert_eq!(requests[1].body, b"Wikipedia");
        assert_eq!(requests[2].method, "DELETE");
        assert_eq!(h.server.pending(), 0);
    }

    #[tokio::test]
    async fn sdk_calls_reuse_the_connection() {
        let h = harness().await;
        let ex = example(WIKI, "GetMineWorkspace");
        h.reply(Reply::json(200, ex.clone()));
        h.reply(Reply::json(200, ex));

        for _ in 0..2 {
            h.client
                .wiki_2_0()
                .get_mine_workspace("u")
                .send()
                .await
                .unwrap();
        }

        let requests = h.server.requests();
        assert_eq!(requests.len(), 2);
        assert_eq!(requests[0].connection, requests[1].connection);
        assert_eq!(h.server.connections(), 1);
    }

    #[tokio::test]
    async fn faults_end_calls_with_transport_errors() {
        let h = harness().await;
        let ex = example(DRIVE, "AddSpace");
        // AddSpace is not idempotent: a call that reached the server is never retried.
        let add = || h.client.drive_1_0().add_space("n", "u").build();

        h.reply(Reply::json(200, ex.clone()).drop_connection());
        let err = add().send().await.unwrap_err();
        assert!(matches!(err, Error::Connect(_)), "dropped: {err:?}");

        h.reply(Reply::json(200, ex.clone()).truncate_body_at(10));
        let err = add().send().await.unwrap_err();
        assert!(matches!(err, Error::Connect(_)), "truncated: {err:?}");

        h.reply(Reply::json(200, ex.clone()).close_after_headers());
        let err = add().send().await.unwrap_err();
        assert!(matches!(err, Error::Connect(_)), "headers only: {err:?}");

        h.reply(Reply::json(200, ex).delay(Duration::from_secs(5)));
        let err = add()
            .timeout(Duration::from_millis(200))
            .send()
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Timeout(_)), "delayed: {err:?}");

        assert_eq!(h.server.hits(), 4);
    }
}
