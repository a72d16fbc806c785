//! Success statuses with different bodies decode by status into the result enum.

use fixture_ok_several_success_types::types::{GetStatsResponse, MergeBranchResponse};
use fixture_ok_several_success_types::{Client, ErrorKind};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn client_for(
    status: u16,
    body: Option<serde_json::Value>,
    at: &str,
) -> (MockServer, Client) {
    let server = MockServer::start().await;
    let response = match body {
        Some(body) => ResponseTemplate::new(status).set_body_json(body),
        None => ResponseTemplate::new(status),
    };
    Mock::given(path(at))
        .respond_with(response)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .token("t")
        .build()
        .unwrap();
    (server, client)
}

#[tokio::test]
async fn each_status_decodes_into_its_variant() {
    let (_server, client) = client_for(
        201,
        Some(serde_json::json!({"sha": "abc", "state": "clean"})),
        "/merges",
    )
    .await;
    match client.merge_branch().send().await.unwrap() {
        MergeBranchResponse::Created(commit) => assert_eq!(commit.sha, "abc"),
        other => panic!("expected Created, got {other:?}"),
    }
    let (_server, client) = client_for(204, None, "/merges").await;
    assert_eq!(
        client.merge_branch().send().await.unwrap(),
        MergeBranchResponse::NoContent
    );
    let (_server, client) =
        client_for(202, Some(serde_json::json!({"position": 3})), "/merges").await;
    let response = client.merge_branch().send_with_response().await.unwrap();
    assert_eq!(response.status().as_u16(), 202);
    match response.into_inner() {
        MergeBranchResponse::Accepted(queued) => assert_eq!(queued.position, 3),
        other => panic!("expected Accepted, got {other:?}"),
    }
    let (_server, client) = client_for(
        200,
        Some(serde_json::json!([{"sha": "1"}, {"sha": "2"}])),
        "/stats",
    )
    .await;
    match client.get_stats().send().await.unwrap() {
        GetStatsResponse::Ok(commits) => assert_eq!(commits.len(), 2),
        other => panic!("expected Ok, got {other:?}"),
    }
    let (_server, client) = client_for(202, Some(serde_json::json!({})), "/stats").await;
    assert!(matches!(
        client.get_stats().send().await.unwrap(),
        GetStatsResponse::Accepted(_)
    ));
}

#[tokio::test]
async fn a_body_that_does_not_fit_its_status_names_the_status() {
    let (_server, client) =
        client_for(201, Some(serde_json::json!({"position": 3})), "/merges").await;
    let error = client.merge_branch().send().await.unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::Decode { .. }),
        "{error:?}"
    );
    assert_eq!(error.status().map(|s| s.as_u16()), Some(201));
    assert!(
        error.to_string().starts_with("merge-branch: HTTP 201"),
        "{error}"
    );

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/merges"))
        .respond_with(
            ResponseTemplate::new(409).set_body_json(serde_json::json!({"message": "conflict"})),
        )
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .token("t")
        .build()
        .unwrap();
    let error = client.merge_branch().send().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "merge-branch: HTTP 409 Conflict: conflict"
    );
}
