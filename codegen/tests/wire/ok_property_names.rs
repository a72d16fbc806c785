//! Properties whose Rust names collide get distinct fields and keep their wire names.

use fixture_ok_property_names::Client;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn colliding_and_keyword_properties_round_trip() {
    let wire = serde_json::json!({
        "user_id": "snake", "userId": "camel", "UserID": "upper",
        "type": "t", "match": "m", "self": "s", "crate": "c",
        "@timestamp": "now", "$ref": "r", "2fa": true
    });
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/users"))
        .and(query_param("type", "admin"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&wire))
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).token("t").build().unwrap();
    let user = client.get_users().type_("admin").send().await.unwrap();
    // `user_id` is spelled like its field and keeps it; the others are numbered.
    assert_eq!(user.user_id, "snake");
    assert_eq!(user.user_id_2.as_deref(), Some("upper"));
    assert_eq!(user.user_id_3, "camel");
    assert_eq!(user.type_.as_deref(), Some("t"));
    assert_eq!(user.x2fa, Some(true));
    assert_eq!(serde_json::to_value(&user).unwrap(), wire, "serializes back to the wire names");
}
