//! Enum values that would share a Rust variant are sent as plain strings, apart.

use fixture_ok_enum_collision::Client;
use wiremock::matchers::{path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn colliding_values_are_sent_as_written() {
    let server = MockServer::start().await;
    Mock::given(path("/usage"))
        .and(query_param("width", "1M"))
        .and(query_param("unit", "per_day"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"total": 7})))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .token("t")
        .build()
        .unwrap();
    let usage = client
        .get_usage()
        .width("1M".to_owned())
        .unit("per_day")
        .send()
        .await
        .unwrap();
    assert_eq!(usage.total, Some(7));
}
