//! "After the last item's id" paging: `after` + `has_more`.

use fixture_ok_pagination_after_id::Client;
use wiremock::matchers::{path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn the_last_id_of_each_page_starts_the_next() {
    let server = MockServer::start().await;
    let page = |ids: &[&str], more: bool| {
        let data: Vec<_> = ids.iter().map(|id| serde_json::json!({"id": id})).collect();
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"data": data, "has_more": more}))
    };
    Mock::given(path("/members"))
        .and(query_param_is_missing("after"))
        .respond_with(page(&["m1", "m2"], true))
        .mount(&server)
        .await;
    Mock::given(path("/members"))
        .and(query_param("after", "m2"))
        .respond_with(page(&["m3"], false))
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).token("t").build().unwrap();
    let all = client.list_members().limit(2).collect_all().await.unwrap();
    assert_eq!(all.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(), ["m1", "m2", "m3"]);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|r| r.url.query().unwrap_or_default().contains("limit=2")));
}
