//! An OpenAPI 3.1 document on the wire: nullable and `const` fields, a FastAPI
//! validation error, and a spec with no server (the builder needs a base URL).

use fixture_ok_openapi_31::types::{ThingObject, ValidationErrorLocItem};
use fixture_ok_openapi_31::{Client, ConfigError, ErrorKind};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn server(status: u16, body: serde_json::Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/things/t1"))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(&server)
        .await;
    server
}

#[test]
fn without_servers_the_base_url_is_required() {
    let err = Client::builder().token("t").build().unwrap_err();
    assert!(matches!(err, ConfigError::MissingBaseUrl { .. }), "{err:?}");
    assert!(err.to_string().contains(".base_url("), "{err}");
}

#[tokio::test]
async fn nulls_consts_and_lists_decode_and_encode_back() {
    let sent = serde_json::json!({
        "id": "t1",
        "object": "thing",
        "name": null,
        "parent": {"id": "p1"},
        "point": [1.5, 2.0],
        "size": {"width": 3},
        "labels": {"a": "b"},
        "owner": {"name": "ada"}
    });
    let server = server(200, sent.clone()).await;
    let client = Client::builder().base_url(server.uri()).token("t").build().unwrap();
    let thing = client.get_thing().id("t1").limit(10u64).send().await.unwrap();
    assert_eq!(thing.object, ThingObject::Thing);
    assert_eq!(thing.name, None);
    assert_eq!(thing.parent.as_ref().map(|p| p.id.as_str()), Some("p1"));
    assert_eq!(thing.point, Some(vec![1.5, 2.0]));
    assert_eq!(thing.size.as_ref().and_then(|s| s.width), Some(3));
    assert_eq!(serde_json::to_value(&thing).unwrap(), sent);
    let request = &server.received_requests().await.unwrap()[0];
    assert_eq!(request.url.query(), Some("limit=10"));
}

#[tokio::test]
async fn a_required_nullable_field_must_be_present() {
    let server = server(200, serde_json::json!({"id": "t1", "object": "thing", "parent": null})).await;
    let client = Client::builder().base_url(server.uri()).token("t").build().unwrap();
    let err = client.get_thing().id("t1").send().await.unwrap_err();
    assert!(err.to_string().contains("name"), "{err}");
}

#[tokio::test]
async fn an_exclusive_minimum_is_checked_before_sending() {
    let server = server(200, serde_json::json!({})).await;
    let client = Client::builder().base_url(server.uri()).token("t").build().unwrap();
    let err = client.get_thing().id("t1").limit(0u64).send().await.unwrap_err();
    assert!(err.to_string().contains("limit"), "{err}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn fastapi_validation_errors_decode() {
    let server = server(
        422,
        serde_json::json!({"detail": [{"loc": ["query", "limit", 0], "msg": "too big", "type": "value_error"}]}),
    )
    .await;
    let client = Client::builder().base_url(server.uri()).token("t").max_retries(0).build().unwrap();
    let err = client.get_thing().id("t1").send().await.unwrap_err();
    let ErrorKind::Api(api) = err.kind() else { panic!("{err:?}") };
    assert_eq!(api.body.detail.as_ref().unwrap()[0].msg, "too big");
    assert_eq!(api.body.detail.as_ref().unwrap()[0].loc[2], ValidationErrorLocItem::Integer(0));
}
