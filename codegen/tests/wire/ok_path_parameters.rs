//! Path parameters from the path item and the operation, encoded; a keyword name.

use fixture_ok_path_parameters::Client;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn path_parameters_from_both_levels_are_filled_in_and_encoded() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/projects/proj%2F1/keys/42"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": 42})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/projects/admin"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([{"id": 1}, {"id": 2, "name": "b"}])))
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).token("t").build().unwrap();
    let key = client.get_key().project_id("proj/1").key_id(42).send().await.unwrap();
    assert_eq!(key.id, 42);
    let keys = client.get_project_type().type_("admin").send().await.unwrap();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[1].name.as_deref(), Some("b"));
}
