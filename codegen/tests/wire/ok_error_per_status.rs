//! Error statuses with different bodies decode into one enum, by status; `Display`
//! shows each body's message.

use fixture_ok_error_per_status::types::ListThingsError;
use fixture_ok_error_per_status::{Client, ErrorKind};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn fail_with(status: u16, body: serde_json::Value) -> fixture_ok_error_per_status::Error<ListThingsError> {
    let server = MockServer::start().await;
    Mock::given(path("/things"))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .token("t")
        .max_retries(0)
        .build()
        .unwrap();
    client.list_things().since(1).send().await.unwrap_err()
}

#[tokio::test]
async fn each_status_decodes_its_own_body() {
    let err = fail_with(404, serde_json::json!({"message": "no things"})).await;
    assert!(matches!(err.kind(), ErrorKind::Api(api) if matches!(&api.body, ListThingsError::Problem(p) if p.message == "no things")), "{err:?}");
    assert!(err.to_string().contains("no things"), "{err}");

    // 422 is inside 4XX, and has its own schema.
    let err = fail_with(422, serde_json::json!({"detail": [{"msg": "since is too old"}]})).await;
    assert!(matches!(err.kind(), ErrorKind::Api(api) if matches!(&api.body, ListThingsError::Invalid(_))), "{err:?}");
    assert!(err.to_string().contains("since is too old"), "{err}");

    let err = fail_with(500, serde_json::json!({"outage": {"reason": "maintenance"}})).await;
    assert!(matches!(err.kind(), ErrorKind::Api(api) if matches!(&api.body, ListThingsError::Outage(_))), "{err:?}");
    assert!(err.to_string().contains("maintenance"), "{err}");
}
