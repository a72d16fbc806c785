//! Header parameters on the wire: mixed-case names, comma-joined arrays, and a
//! required header with a `default` sent without being set.

use fixture_ok_headers::Client;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/report"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"total": 3})))
        .mount(&server)
        .await;
    server
}

fn client(server: &MockServer) -> Client {
    Client::builder().base_url(server.uri()).token("t").build().unwrap()
}

#[tokio::test]
async fn headers_are_sent_as_the_spec_describes() {
    let server = server().await;
    let report = client(&server)
        .get_report()
        .x_request_id("req-1")
        .x_tags(vec!["a".to_owned(), "b c".to_owned(), "d".to_owned()])
        .x_page_size(20)
        .x_mode("full".parse::<fixture_ok_headers::types::GetReportXMode>().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(report.total, Some(3));
    let requests = server.received_requests().await.unwrap();
    let sent = &requests[0].headers;
    assert_eq!(sent["x-request-id"], "req-1");
    assert_eq!(sent["x-tags"], "a,b c,d");
    assert_eq!(sent["x-page-size"], "20");
    assert_eq!(sent["x-mode"], "full");
    assert_eq!(sent["api-version"], "2024-01-01", "the spec's default, unset by the caller");
    assert_eq!(sent.get_all("x-tags").iter().count(), 1, "one comma-joined header");
}

#[tokio::test]
async fn a_set_default_header_replaces_the_default_and_optional_ones_stay_away() {
    let server = server().await;
    client(&server)
        .get_report()
        .x_request_id("req-2")
        .api_version("2025-06-01")
        .send()
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    let sent = &requests[0].headers;
    assert_eq!(sent["api-version"], "2025-06-01");
    assert!(sent.get("x-tags").is_none() && sent.get("x-mode").is_none());
}

#[tokio::test]
async fn a_missing_required_header_fails_before_any_request() {
    let server = server().await;
    let error = client(&server).get_report().send().await.unwrap_err();
    assert!(error.to_string().contains("x_request_id"), "{error}");
    assert!(server.received_requests().await.unwrap().is_empty());
}
