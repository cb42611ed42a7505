//! Paginators against a loopback server: pages asked for with the cursor the previous one gave
//! (in the query, or in a body object), their items flattened, the stream lazy and `Send`,
//! ended by the last page, a more-pages flag, an error, or a cursor given twice.

use std::time::Duration;

use dingtalk_openapi::Error;
use dingtalk_openapi_tests::fixtures::pagination::{ListEventsError, Service};
use dingtalk_openapi_tests::fixtures::wire_styles;
use dingtalk_openapi_tests::server::{server_and_client, Recorded, Reply};
use futures_util::StreamExt;
use serde_json::{json, Value};

/// A page of `ListEvents`: events with these ids, and the next cursor if any.
fn page(ids: &[&str], next: Option<&str>) -> Reply {
    let items: Vec<Value> = ids.iter().map(|id| json!({ "id": id })).collect();
    let mut body = json!({ "items": items });
    if let Some(next) = next {
        body["nextToken"] = json!(next);
    }
    Reply::json(200, body)
}

/// The value of query parameter `name` of a request.
fn query(r: &Recorded, name: &str) -> Option<String> {
    r.query_pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

fn ids(events: &[dingtalk_openapi_tests::fixtures::pagination::Event]) -> Vec<&str> {
    events.iter().filter_map(|e| e.id.as_deref()).collect()
}

#[tokio::test]
async fn three_pages_in_the_query_with_the_page_size_kept() {
    let (server, client) = server_and_client().await;
    server.push(page(&["e1", "e2"], Some("t2")));
    server.push(page(&["e3"], Some("t3")));
    server.push(page(&["e4"], None));

    let pages: Vec<_> = Service::new(client)
        .list_events("u1", "primary")
        .max_results(2)
        .into_paginator()
        .send()
        .try_collect()
        .await
        .unwrap();

    let got: Vec<Vec<&str>> = pages
        .iter()
        .map(|p| ids(p.items.as_deref().unwrap_or_default()))
        .collect();
    assert_eq!(got, [vec!["e1", "e2"], vec!["e3"], vec!["e4"]]);
    let requests = server.requests();
    assert_eq!(requests.len(), 3, "one request a page, none after the last");
    let cursors: Vec<Option<String>> = requests.iter().map(|r| query(r, "nextToken")).collect();
    assert_eq!(cursors, [None, Some("t2".into()), Some("t3".into())]);
    for r in &requests {
        assert_eq!(r.path, "/v1.0/calendar/users/u1/calendars/primary/events");
        assert_eq!(
            query(r, "maxResults").as_deref(),
            Some("2"),
            "the page size as set"
        );
    }
}

#[tokio::test]
async fn items_flatten_the_pages() {
    let (server, client) = server_and_client().await;
    server.push(page(&["e1", "e2"], Some("t2")));
    server.push(page(&[], Some("t3")));
    server.push(page(&["e3"], Some("")));

    let events = Service::new(client)
        .list_events("u1", "primary")
        .into_paginator()
        .items()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(ids(&events), ["e1", "e2", "e3"]);
    assert_eq!(server.hits(), 3, "an empty cursor ends the stream");
}

#[tokio::test]
async fn an_empty_first_page_is_the_only_one() {
    let (server, client) = server_and_client().await;
    server.push(Reply::json(200, json!({ "items": [] })));

    let mut pages = Service::new(client)
        .list_events("u1", "primary")
        .into_paginator()
        .send();
    let first = pages.next().await.unwrap().unwrap();
    assert_eq!(first.items.as_deref().map(<[_]>::len), Some(0));
    assert!(pages.next().await.is_none());
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn a_cursor_given_twice_ends_the_stream_with_an_error() {
    let (server, client) = server_and_client().await;
    server.push(page(&["e1"], Some("t2")));
    server.push(page(&["e2"], Some("t2")));

    let mut pages = Service::new(client)
        .list_events("u1", "primary")
        .into_paginator()
        .send();
    assert!(pages.next().await.unwrap().is_ok());
    // The page that repeats the cursor is as valid as any: it comes, then the error.
    let second = pages.next().await.unwrap().unwrap();
    assert_eq!(ids(second.items.as_deref().unwrap_or_default()), ["e2"]);
    match pages.next().await {
        Some(Err(Error::InvalidResponse(e))) => {
            assert!(e.reason().contains("\"t2\""), "{e}");
            assert!(!Error::<ListEventsError>::InvalidResponse(e).is_retryable());
        }
        other => panic!("expected the repeated cursor's error, got {other:?}"),
    }
    assert!(pages.next().await.is_none());
    assert_eq!(server.hits(), 2, "the repeated page is not asked for");
}

#[tokio::test]
async fn a_cursor_set_on_the_builder_resumes_and_counts_as_given() {
    let (server, client) = server_and_client().await;
    server.push(page(&["e5"], Some("t5")));

    let mut pages = Service::new(client)
        .list_events("u1", "primary")
        .next_token("t5")
        .into_paginator()
        .send();
    assert!(pages.next().await.unwrap().is_ok());
    assert!(matches!(
        pages.next().await,
        Some(Err(Error::InvalidResponse(_)))
    ));
    assert_eq!(
        query(&server.requests()[0], "nextToken").as_deref(),
        Some("t5")
    );
}

#[tokio::test]
async fn an_error_on_a_page_ends_the_stream_after_the_pages_before_it() {
    let (server, client) = server_and_client().await;
    server.push(page(&["e1"], Some("t2")));
    server.push(Reply::json(
        400,
        json!({ "code": "invalidNextToken", "message": "expired" }),
    ));

    let got: Vec<_> = Service::new(client)
        .list_events("u1", "primary")
        .into_paginator()
        .send()
        .collect()
        .await;

    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got[0].is_ok());
    match &got[1] {
        Err(Error::Api(e)) => assert_eq!(e.kind(), &ListEventsError::InvalidNextToken),
        other => panic!("expected the page's error, got {other:?}"),
    }
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn each_page_is_retried_as_any_call() {
    let (server, client) = server_and_client().await;
    server.push(page(&["e1"], Some("t2")));
    server.push(Reply::json(
        503,
        json!({ "code": "systemError", "message": "busy" }),
    ));
    server.push(page(&["e2"], None));

    let events = Service::new(client)
        .list_events("u1", "primary")
        .into_paginator()
        .items()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(ids(&events), ["e1", "e2"]);
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(query(&requests[2], "nextToken").as_deref(), Some("t2"));
}

#[tokio::test]
async fn nothing_is_sent_until_polled_and_take_one_sends_one() {
    let (server, client) = server_and_client().await;
    server.set_default(page(&["e"], Some("more")));

    let pages = Service::new(client.clone())
        .list_events("u1", "primary")
        .into_paginator()
        .send();
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(server.hits(), 0, "lazy");
    drop(pages);

    let first: Vec<_> = Service::new(client)
        .list_events("u1", "primary")
        .into_paginator()
        .items()
        .take(1)
        .collect()
        .await;
    assert_eq!(first.len(), 1);
    assert_eq!(server.hits(), 1, "`.take(1)` makes exactly one request");
}

#[tokio::test]
async fn the_streams_are_send() {
    fn spawnable<T: Send + 'static>(t: T) -> T {
        t
    }
    let (server, client) = server_and_client().await;
    server.push(page(&["e1"], None));
    let items = spawnable(
        Service::new(client)
            .list_events("u1", "primary")
            .into_paginator()
            .items(),
    );
    let events = tokio::spawn(items.try_collect()).await.unwrap().unwrap();
    assert_eq!(ids(&events), ["e1"]);
}

#[tokio::test]
async fn a_cursor_in_a_body_object_keeps_the_other_fields() {
    let (server, client) = server_and_client().await;
    let events = |ids: &[&str], next: Option<&str>| {
        let items: Vec<Value> = ids.iter().map(|id| json!({ "id": id })).collect();
        let mut body = json!({ "events": items });
        if let Some(next) = next {
            body["nextToken"] = json!(next);
        }
        Reply::json(200, body)
    };
    server.push(events(&["e1"], Some("b2")));
    server.push(events(&["e2"], None));

    use dingtalk_openapi_tests::fixtures::pagination::QueryEventsOption;
    let option = QueryEventsOption {
        max_results: Some(10),
        ..Default::default()
    };
    let found = Service::new(client)
        .query_events("u1", "primary", "sync")
        .with_option(option)
        .into_paginator()
        .items()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(ids(&found), ["e1", "e2"]);
    let bodies: Vec<Value> = server.requests().iter().map(Recorded::json).collect();
    assert_eq!(
        bodies,
        [
            json!({ "keyword": "sync", "option": { "maxResults": 10 } }),
            json!({ "keyword": "sync", "option": { "maxResults": 10, "nextToken": "b2" } }),
        ]
    );
}

#[tokio::test]
async fn a_more_pages_flag_of_false_ends_the_stream_despite_a_cursor() {
    let (server, client) = server_and_client().await;
    let dentries = |ids: &[&str], next: &str, more: bool| {
        let items: Vec<Value> = ids.iter().map(|id| json!({ "dentryId": id })).collect();
        Reply::json(
            200,
            json!({ "items": items, "nextToken": next, "hasMore": more }),
        )
    };
    server.push(dentries(&["d1"], "n2", true));
    server.push(dentries(&["d2"], "n3", false));

    let found = wire_styles::Service::new(client)
        .list_dentries()
        .into_paginator()
        .items()
        .try_collect()
        .await
        .unwrap();

    let ids: Vec<_> = found.iter().map(|d| d.dentry_id.as_str()).collect();
    assert_eq!(ids, ["d1", "d2"]);
    assert_eq!(server.hits(), 2);
}
