//! Calls that read like Rust, against a loopback server: `.await` on a request builder, models
//! built by their constructors, answers that decode although a model shared with a request
//! leaves out a required field, and string enums that convert to and from their wire value.

use std::time::Duration;

use dingtalk_openapi::doc_2_0::PinSpaceError;
use dingtalk_openapi::wiki_2_0::WorkspaceType;
use dingtalk_openapi_tests::fixtures::requests::{
    Anchor, Service, UpdatePermissionMember, UpdatePermissionType,
};
use dingtalk_openapi_tests::server::{server_and_client, Reply};
use serde_json::json;

#[tokio::test]
async fn awaiting_a_builder_sends_it_as_send_does() {
    let (server, client) = server_and_client().await;
    let answer = json!({ "workspace": { "workspaceId": "w1", "type": "TEAM" } });
    server.push(Reply::json(200, answer.clone()));
    server.push(Reply::json(200, answer));

    let awaited = client
        .wiki_2_0()
        .get_workspace("w1", "u1")
        .with_permission_role(true)
        .await
        .unwrap();
    // `send()`'s future is `Send + 'static`: it runs on another task.
    let sent = tokio::spawn(
        client
            .wiki_2_0()
            .get_workspace("w1", "u1")
            .with_permission_role(true)
            .send(),
    )
    .await
    .unwrap()
    .unwrap();

    assert_eq!(awaited, sent);
    assert_eq!(awaited.workspace.unwrap().r#type, Some(WorkspaceType::Team));
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        (requests[0].path.as_str(), requests[0].query.as_str()),
        (requests[1].path.as_str(), requests[1].query.as_str())
    );
    assert_eq!(requests[0].path, "/v2.0/wiki/workspaces/w1");
}

#[tokio::test]
async fn awaiting_a_built_request_sends_it_with_its_options() {
    let (server, client) = server_and_client().await;
    server.push(Reply::json(200, json!({ "success": true })).delay(Duration::from_secs(5)));
    let started = std::time::Instant::now();
    let out = client
        .doc_2_0()
        .pin_space("s1", "u1")
        .build()
        .timeout(Duration::from_millis(200))
        .max_attempts(1)
        .await;
    assert!(out.is_err(), "{out:?}");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "the call's timeout applies"
    );
}

#[tokio::test]
async fn models_sent_with_required_fields_are_built_by_their_constructor() {
    let (server, client) = server_and_client().await;
    server.push(Reply::json(200, json!({ "success": true })));

    // `UpdatePermissionMember`: the element of `members`, named for one member.
    let mut group = UpdatePermissionMember::new("g1", UpdatePermissionType::Group);
    group.corp_id = Some("ding1".to_owned());
    let members = vec![
        UpdatePermissionMember::new("u1", UpdatePermissionType::User),
        group,
    ];
    let out = Service::new(client)
        .update_permission("sheet 1", members, "EDITOR")
        .await
        .unwrap();

    assert_eq!(out.success, Some(true));
    let body = server.requests()[0].json();
    assert_eq!(
        body,
        json!({
            "members": [
                { "id": "u1", "type": "USER" },
                { "id": "g1", "type": "GROUP", "corpId": "ding1" }
            ],
            "roleId": "EDITOR"
        }),
        "optional fields left unset are left out"
    );
}

#[tokio::test]
async fn a_model_sent_and_received_decodes_an_answer_without_its_required_field() {
    let (server, client) = server_and_client().await;
    // `Anchor.col` is required in a request; the answer leaves it out.
    server.push(Reply::json(200, json!({ "anchor": { "row": 3 } })));

    let out = Service::new(client)
        .move_float_image("img1", Anchor::new(2))
        .await
        .unwrap();

    assert_eq!(
        out.anchor,
        Some(Anchor {
            col: None,
            row: Some(3)
        })
    );
    assert_eq!(
        server.requests()[0].json(),
        json!({ "anchor": { "col": 2 } })
    );
}

#[test]
fn string_enums_convert_to_and_from_their_wire_value() {
    assert_eq!(WorkspaceType::Team.as_str(), "TEAM");
    assert_eq!(WorkspaceType::Personal.to_string(), "PERSONAL");
    assert_eq!("TEAM".parse::<WorkspaceType>(), Ok(WorkspaceType::Team));
    // Any other value is kept, never an error.
    let other: WorkspaceType = "SHARED".parse().unwrap();
    assert_eq!(other, WorkspaceType::Other("SHARED".to_owned()));
    assert_eq!(other.as_str(), "SHARED");
    assert_eq!(WorkspaceType::from("TEAM".to_owned()), WorkspaceType::Team);

    // serde goes through the same table (`serialize` is on in this crate).
    assert_eq!(serde_json::to_value(&other).unwrap(), json!("SHARED"));
    assert_eq!(
        serde_json::from_value::<WorkspaceType>(json!("PERSONAL")).unwrap(),
        WorkspaceType::Personal
    );

    // Error codes too.
    assert_eq!(PinSpaceError::SpaceNotExist.as_str(), "spaceNotExist");
    assert_eq!(
        PinSpaceError::ParamErrorSpaceId.to_string(),
        "paramError.spaceId"
    );
    assert_eq!(PinSpaceError::Other("x.y".to_owned()).as_str(), "x.y");
}
