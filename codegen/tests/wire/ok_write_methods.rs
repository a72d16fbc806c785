//! POST/PUT/PATCH/DELETE with JSON bodies, path parameters, 201, 202 and 204.

use fixture_ok_write_methods::rust_decimal::Decimal;
use fixture_ok_write_methods::{Client, ErrorKind, types};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn budget() -> serde_json::Value {
    serde_json::json!({"id": "b 1", "limit": "12.50", "currency": "usd"})
}

fn client(server: &MockServer) -> Client {
    Client::builder().base_url(server.uri()).token("t").build().unwrap()
}

#[tokio::test]
async fn each_method_sends_its_body_and_decodes_its_answer() {
    let server = MockServer::start().await;
    let input = serde_json::json!({"limit": "12.50", "currency": "usd"});
    Mock::given(method("POST"))
        .and(path("/budgets"))
        .and(body_json(&input))
        .respond_with(ResponseTemplate::new(201).set_body_json(budget()))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/budgets/b%201"))
        .and(body_json(&input))
        .respond_with(ResponseTemplate::new(200).set_body_json(budget()))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/budgets/b%201"))
        .and(body_json(serde_json::json!({"limit": "99"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(budget()))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/budgets/b%201"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/budgets/b%201/touch"))
        .respond_with(ResponseTemplate::new(202))
        .mount(&server)
        .await;
    let client = client(&server);
    let body = types::BudgetInput {
        limit: "12.50".parse().unwrap(),
        currency: "usd".to_owned(),
    };

    let created = client.create_budget().body(body.clone()).send_with_response().await.unwrap();
    assert_eq!(created.status().as_u16(), 201);
    assert_eq!(created.into_inner().id, "b 1");
    let replaced = client.replace_budget().id("b 1").body(body).send().await.unwrap();
    let limit: Decimal = "12.50".parse().unwrap();
    assert_eq!(replaced.limit, limit, "decimal strings stay exact");
    assert_eq!(replaced.limit.to_string(), "12.50", "scale kept");
    let updated = client
        .update_budget()
        .id("b 1")
        .body(types::UpdateBudgetBody {
            limit: Some("99".parse().unwrap()),
        })
        .send()
        .await
        .unwrap();
    assert_eq!(updated.currency, "usd");
    let deleted = client.delete_budget().id("b 1").send_with_response().await.unwrap();
    assert_eq!(deleted.status().as_u16(), 204);
    let touched = client.touch_budget().id("b 1").send_with_response().await.unwrap();
    assert_eq!(touched.status().as_u16(), 202);
    // `send` gives the body: nothing, for a bodiless answer.
    let () = client.touch_budget().id("b 1").send().await.unwrap();
}

#[tokio::test]
async fn a_typed_error_names_the_operation_and_status() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(404).set_body_json(serde_json::json!({"message": "no such budget"})))
        .mount(&server)
        .await;
    let error = client(&server).delete_budget().id("x").send().await.unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Api(api) if api.status == 404), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("delete-budget") && message.contains("no such budget"), "{message}");
}
