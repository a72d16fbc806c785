//! `usagekit check` end to end: the real binary against a loopback OpenAI that
//! reports today's spend, every exit code a cron job or CI step acts on.

use std::process::{Command, Output};

use serde_json::{Value, json};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Today's spend as OpenAI's costs endpoint reports it: 42.5 USD in two lines
/// (more digits than an f64 keeps in one) and 7 EUR that no USD budget counts.
async fn openai(status: u16) -> MockServer {
    let server = MockServer::start().await;
    let today = chrono::Utc::now()
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp();
    let result = |value: &str, currency: &str| {
        json!({"object": "organization.costs.result", "amount": {"value": value, "currency": currency},
               "line_item": null, "project_id": "proj_1", "api_key_id": null})
    };
    let body = json!({"object": "page", "has_more": false, "next_page": null, "data": [
        {"object": "bucket", "start_time": today, "end_time": today + 86_400, "results": [
            result("40.250000000000000001", "usd"), result("2.249999999999999999", "usd"), result("7", "eur")
        ]}
    ]});
    let costs = if status == 200 {
        ResponseTemplate::new(200).set_body_json(body)
    } else {
        ResponseTemplate::new(status).set_body_json(
            json!({"error": {"message": "invalid key", "type": "invalid_request_error"}}),
        )
    };
    Mock::given(method("GET"))
        .and(path("/organization/costs"))
        .respond_with(costs)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex("^/organization/usage/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"object": "page", "data": [], "has_more": false, "next_page": null}),
        ))
        .mount(&server)
        .await;
    server
}

/// The binary with only OpenAI configured (or nothing, without a server).
fn check(server: Option<&MockServer>, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_usagekit"));
    command
        .env_clear()
        .arg("check")
        .args(args)
        .arg("--no-store");
    if let Some(server) = server {
        command
            .env("OPENAI_ADMIN_KEY", "sk-admin-check")
            .env("OPENAI_BASE_URL", server.uri());
    }
    command.output().unwrap()
}

fn code(output: &Output) -> i32 {
    output.status.code().unwrap()
}

fn json_of(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn within_budget_exits_0_and_shows_exact_spend_and_a_forecast() {
    let server = openai(200).await;
    let output = check(Some(&server), &["--max-cost", "100", "--period", "day"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        code(&output),
        0,
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("spent 42.5 of 100 USD today (42.5%)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("also spent 7 EUR, not counted against a USD budget"),
        "{stdout}"
    );
    assert!(stdout.contains("status: within budget"), "{stdout}");

    let output = check(Some(&server), &["--max-cost", "100", "--format", "json"]);
    assert_eq!(code(&output), 0);
    let document = json_of(&output);
    // Exact: the two lines add to 42.5 only if no digit was lost on the way.
    assert_eq!(document["spent"].to_string(), "42.5");
    assert_eq!(document["limit"].to_string(), "100");
    assert_eq!(document["status"], "ok");
    assert_eq!(document["period"], "month");
    assert_eq!(
        document["other_currencies"],
        json!([{"currency": "EUR", "spent": 7}])
    );
    assert!(document["forecast"].as_f64().unwrap() >= 42.5, "{document}");
    let openai = document["providers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["provider"] == "openai")
        .unwrap();
    assert_eq!(openai["data"], "complete");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_budget_exits_1_and_a_warning_still_exits_0() {
    let server = openai(200).await;
    let output = check(Some(&server), &["--max-cost", "42.49", "--period", "week"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(code(&output), 1, "{stdout}");
    assert!(stdout.contains("status: OVER BUDGET"), "{stdout}");
    // Exactly at the limit is not over it.
    assert_eq!(code(&check(Some(&server), &["--max-cost", "42.5"])), 0);

    let output = check(
        Some(&server),
        &["--max-cost", "100", "--warn-at", "40", "--format", "json"],
    );
    assert_eq!(code(&output), 0);
    assert_eq!(json_of(&output)["status"], "warning");
    let output = check(Some(&server), &["--max-cost", "100", "--warn-at", "50"]);
    assert!(String::from_utf8_lossy(&output.stdout).contains("within budget"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_arguments_exit_64() {
    let server = openai(200).await;
    for args in [
        &["--max-cost", "-5"][..],
        &["--max-cost", "fifty"],
        &["--max-cost", "50", "--period", "year"],
        &["--max-cost", "50", "--currency", "dollars"],
        &["--max-cost", "50", "--warn-at", "120"],
        &["--max-cost", "50", "--provider", "nobody"],
        &["--max-cost", "50", "--format", "yaml"],
        &["--max-cost", "50", "--no-such-flag"],
        &[],
    ] {
        let output = check(Some(&server), args);
        assert_eq!(code(&output), 64, "{args:?}");
        assert!(
            !String::from_utf8_lossy(&output.stderr).is_empty(),
            "{args:?}"
        );
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_provider_exits_69_unless_fail_open() {
    let server = openai(401).await;
    let output = check(Some(&server), &["--max-cost", "100", "--format", "json"]);
    assert_eq!(code(&output), 69);
    let document = json_of(&output);
    assert_eq!(document["status"], "unavailable");
    let openai = document["providers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["provider"] == "openai")
        .unwrap()
        .clone();
    assert_eq!(openai["data"], "missing");
    assert!(document["failures"].to_string().contains("invalid key"));
    assert!(!output.stdout.windows(14).any(|w| w == b"sk-admin-check"));

    let output = check(Some(&server), &["--max-cost", "100", "--fail-open"]);
    assert_eq!(code(&output), 0);
    assert!(String::from_utf8_lossy(&output.stderr).contains("openai could not be read"));

    // Nothing configured is never a silent success.
    let output = check(None, &["--max-cost", "100"]);
    assert_eq!(code(&output), 69);
    assert!(String::from_utf8_lossy(&output.stderr).contains("no provider is configured"));
    let report = Command::new(env!("CARGO_BIN_EXE_usagekit"))
        .env_clear()
        .args(["report", "--since", "2026-11-01"])
        .output()
        .unwrap();
    assert_ne!(report.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&report.stderr).contains("no provider is configured"));
}
