//! Page-number paging (stops at `total_pages` or an empty page) and an integer cursor.

use fixture_ok_pagination_page_number::{Client, TryStreamExt};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn records(ids: &[&str]) -> serde_json::Value {
    ids.iter().map(|id| serde_json::json!({"id": id})).collect()
}

#[tokio::test]
async fn page_numbers_count_up_until_the_last_page() {
    let server = MockServer::start().await;
    for (page, ids) in [("1", &["a", "b"][..]), ("2", &["c"][..])] {
        Mock::given(method("GET"))
            .and(path("/records"))
            .and(query_param("page", page))
            .respond_with(ResponseTemplate::new(200).set_body_json(
                serde_json::json!({"records": records(ids), "total_pages": 2}),
            ))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = Client::builder().base_url(server.uri()).token("t").build().unwrap();
    let all: Vec<String> = client
        .list_records()
        .per_page(2)
        .stream()
        .map_ok(|record| record.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all, ["a", "b", "c"]);
}

#[tokio::test]
async fn an_integer_cursor_is_followed_until_null() {
    let server = MockServer::start().await;
    Mock::given(path("/offsets"))
        .and(query_param_is_missing("next"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            serde_json::json!({"records": records(&["a"]), "next_offset": 100}),
        ))
        .mount(&server)
        .await;
    Mock::given(path("/offsets"))
        .and(query_param("next", "100"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            serde_json::json!({"records": records(&["b"]), "next_offset": null}),
        ))
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).token("t").build().unwrap();
    let all = client.list_by_offset().collect_all().await.unwrap();
    assert_eq!(all.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["a", "b"]);
}
