//! `usagekit report` end to end: the real binary, every provider at once, each
//! against its own loopback server. Totals are checked against sums this file
//! computes from the data it serves, not through the report's mapping.

use std::collections::BTreeMap;
use std::process::{Command, Output};
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, path_regex, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const DAYS: [(i64, &str); 3] = [
    (1_793_491_200, "2026-11-01"),
    (1_793_577_600, "2026-11-02"),
    (1_793_664_000, "2026-11-03"),
];
const DAY: i64 = 86_400;
const KEYS: [(&str, &str); 6] = [
    ("OPENAI_ADMIN_KEY", "sk-admin-test"),
    ("ANTHROPIC_ADMIN_KEY", "sk-ant-admin-test"),
    ("CHATBOTKIT_API_SECRET", "cbk-test"),
    ("BOKAMERA_API_KEY", "bm-key"),
    ("BOKAMERA_ACCESS_TOKEN", "bm-token"),
    ("ARTHUR_API_KEY", "arthur-test"),
];

fn decimal(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

/// Expected totals: (provider, metric, unit) → value.
type Totals = BTreeMap<(String, String, String), Decimal>;

fn add(totals: &mut Totals, provider: &str, metric: &str, unit: &str, value: Decimal) {
    *totals
        .entry((provider.into(), metric.into(), unit.into()))
        .or_default() += value;
}

struct Servers {
    openai: MockServer,
    anthropic: MockServer,
    chatbotkit: MockServer,
    bokamera: MockServer,
    arthur: MockServer,
    expected: Totals,
}

fn page(data: Vec<Value>, next: Option<&str>) -> Value {
    json!({"object": "page", "data": data, "has_more": next.is_some(), "next_page": next})
}

async fn openai(expected: &mut Totals) -> MockServer {
    let server = MockServer::start().await;
    let mut buckets = Vec::new();
    for (index, (start, _)) in DAYS.iter().enumerate() {
        let mut results = Vec::new();
        for (model, scale) in [("gpt-4o-mini", 1000), ("gpt-4.1", 37)] {
            let n = (index as i64 + 1) * scale;
            let (input, cached, output, requests) = (n * 11, n * 3, n * 5, n / 10 + 1);
            results.push(json!({
                "object": "organization.usage.completions.result",
                "input_tokens": input, "input_cached_tokens": cached, "output_tokens": output,
                "num_model_requests": requests, "model": model, "project_id": "proj_1",
                "api_key_id": null, "user_id": null, "batch": null
            }));
            for (metric, unit, value) in [
                ("input_tokens", "tokens", input),
                ("cached_input_tokens", "tokens", cached),
                ("output_tokens", "tokens", output),
                ("requests", "requests", requests),
            ] {
                add(expected, "openai", metric, unit, value.into());
            }
        }
        buckets.push(json!({"object": "bucket", "start_time": start, "end_time": start + DAY, "results": results}));
    }
    // Two pages: the report follows `next_page`.
    let second = buckets.split_off(2);
    let completions = "/organization/usage/completions";
    Mock::given(method("GET"))
        .and(path(completions))
        .and(header("authorization", "Bearer sk-admin-test"))
        .and(query_param("start_time", "1793491200"))
        .and(query_param("end_time", "1793750400"))
        .and(query_param("bucket_width", "1d"))
        .and(query_param("limit", "31"))
        .and(query_param("page", "p2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(second, None)))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(completions))
        .and(query_param("start_time", "1793491200"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(buckets, Some("p2"))))
        .with_priority(2)
        .mount(&server)
        .await;
    let mut cost_buckets = Vec::new();
    let mut amounts = Vec::new();
    for (index, (start, _)) in DAYS.iter().enumerate() {
        // More digits than an f64 holds: the report must keep every one.
        let amount = format!("1234.5678901234567{}", 10 + index * 31);
        add(expected, "openai", "cost", "USD", decimal(&amount));
        cost_buckets.push(json!({"object": "bucket", "start_time": start, "end_time": start + DAY, "results": [
            {"object": "organization.costs.result", "amount": {"value": format!("@amount{index}"), "currency": "usd"},
             "line_item": null, "project_id": "proj_1", "api_key_id": null}
        ]}));
        amounts.push(amount);
    }
    // The amounts go out as JSON numbers, written digit for digit.
    let mut body = page(cost_buckets, None).to_string();
    for (index, amount) in amounts.iter().enumerate() {
        body = body.replace(&format!("\"@amount{index}\""), amount);
    }
    Mock::given(method("GET"))
        .and(path("/organization/costs"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .mount(&server)
        .await;
    // Every other usage operation: an empty page.
    Mock::given(method("GET"))
        .and(path_regex("^/organization/usage/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(Vec::new(), None)))
        .with_priority(10)
        .mount(&server)
        .await;
    server
}

async fn anthropic(expected: &mut Totals) -> MockServer {
    let server = MockServer::start().await;
    let mut buckets = Vec::new();
    for (index, (start, _)) in DAYS.iter().enumerate() {
        let n = index as i64 + 2;
        let (uncached, one_hour, five_minutes, reads, output) =
            (n * 700, n * 20, n * 30, n * 900, n * 150);
        add(
            expected,
            "anthropic",
            "input_tokens",
            "tokens",
            (uncached + one_hour + five_minutes + reads).into(),
        );
        add(
            expected,
            "anthropic",
            "cached_input_tokens",
            "tokens",
            reads.into(),
        );
        add(
            expected,
            "anthropic",
            "cache_creation_input_tokens",
            "tokens",
            (one_hour + five_minutes).into(),
        );
        add(
            expected,
            "anthropic",
            "output_tokens",
            "tokens",
            output.into(),
        );
        add(
            expected,
            "anthropic",
            "web_searches",
            "web_searches",
            n.into(),
        );
        let time = |seconds: i64| {
            chrono::DateTime::from_timestamp(seconds, 0)
                .unwrap()
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        };
        buckets.push(json!({"starting_at": time(*start), "ending_at": time(start + DAY), "results": [{
            "uncached_input_tokens": uncached,
            "cache_creation": {"ephemeral_1h_input_tokens": one_hour, "ephemeral_5m_input_tokens": five_minutes},
            "cache_read_input_tokens": reads, "output_tokens": output,
            "server_tool_use": {"web_search_requests": n},
            "api_key_id": null, "workspace_id": "wrkspc_1", "model": "claude-sonnet-4-5",
            "service_tier": "standard", "context_window": "0-200k", "inference_geo": null, "speed": null
        }]}));
    }
    let second = buckets.split_off(1);
    let messages = "/v1/organizations/usage_report/messages";
    let envelope = |data: Vec<Value>, next: Option<&str>| json!({"data": data, "has_more": next.is_some(), "next_page": next});
    Mock::given(method("GET"))
        .and(path(messages))
        .and(header("anthropic-version", "2023-06-01"))
        .and(query_param("starting_at", "2026-11-01T00:00:00Z"))
        .and(query_param("ending_at", "2026-11-04T00:00:00Z"))
        .and(query_param("page", "page_2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(second, None)))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(messages))
        .and(header("x-api-key", "sk-ant-admin-test"))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(buckets, Some("page_2"))))
        .with_priority(2)
        .mount(&server)
        .await;
    // Cents as decimal strings.
    let cost = json!([{"starting_at": "2026-11-01T00:00:00Z", "ending_at": "2026-11-02T00:00:00Z", "results": [
        {"amount": "123.45", "currency": "USD", "cost_type": "tokens", "token_type": null, "description": "d",
         "model": "claude-sonnet-4-5", "service_tier": null, "context_window": null, "inference_geo": null,
         "speed": null, "workspace_id": "wrkspc_1"}
    ]}]);
    add(expected, "anthropic", "cost", "USD", decimal("1.2345"));
    Mock::given(method("GET"))
        .and(path("/v1/organizations/cost_report"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": cost, "has_more": false, "next_page": null})),
        )
        .mount(&server)
        .await;
    server
}

async fn servers() -> Servers {
    let mut expected = Totals::new();
    let openai = openai(&mut expected).await;
    let anthropic = anthropic(&mut expected).await;
    let chatbotkit = MockServer::start().await;
    Mock::given(path("/usage/fetch"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "tokens": 5000, "conversations": 12, "messages": 80,
            "database": {"abilities": 0, "datasets": 1, "files": 2, "records": 3, "skillsets": 0, "users": 4}
        })))
        .mount(&chatbotkit)
        .await;
    for (metric, value) in [("tokens", 5000), ("conversations", 12), ("messages", 80)] {
        add(&mut expected, "chatbotkit", metric, metric, value.into());
    }
    let bokamera = MockServer::start().await;
    Mock::given(path("/assistant/ai-chat/usage"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "CompanyId": "1c7e1e4e-4a2b-4a55-9d4c-2f0f6a1d9b3e", "TokensUsed": 7345,
            "TokenLimit": 20000, "TokensRemaining": 12655, "IsWithinBudget": true, "WindowDays": 30
        })))
        .mount(&bokamera)
        .await;
    add(&mut expected, "bokamera", "tokens", "tokens", 7345.into());
    let arthur = MockServer::start().await;
    Mock::given(path("/api/v2/usage/tokens"))
        .and(query_param("start_time", "2026-11-01T00:00:00Z"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"rule_type": "A", "task_id": "t1", "count": {"inference": 10, "eval_prompt": 20, "eval_completion": 3,
              "user_input": 0, "prompt": 0, "completion": 0}},
            {"rule_type": "B", "task_id": "t1", "count": {"inference": 5, "eval_prompt": 7, "eval_completion": 1,
              "user_input": 0, "prompt": 0, "completion": 0}}
        ])))
        .mount(&arthur)
        .await;
    for (metric, value) in [
        ("input_tokens", 27),
        ("output_tokens", 4),
        ("inference_tokens", 15),
    ] {
        add(&mut expected, "arthur", metric, "tokens", value.into());
    }
    Servers {
        openai,
        anthropic,
        chatbotkit,
        bokamera,
        arthur,
        expected,
    }
}

/// Runs the binary with every provider pointed at its server; `change` edits the
/// environment (a bad key, a missing one).
async fn usagekit(servers: &Servers, args: &[&str], change: &[(&str, Option<&str>)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_usagekit"));
    command.args(args);
    // These tests read the providers every time; the store has tests of its own.
    if args.first() == Some(&"report") {
        command.arg("--no-store");
    }
    for (variable, value) in KEYS {
        command.env(variable, value);
    }
    for (variable, server) in [
        ("OPENAI_BASE_URL", &servers.openai),
        ("ANTHROPIC_BASE_URL", &servers.anthropic),
        ("CHATBOTKIT_BASE_URL", &servers.chatbotkit),
        ("BOKAMERA_BASE_URL", &servers.bokamera),
        ("ARTHUR_BASE_URL", &servers.arthur),
    ] {
        command.env(variable, server.uri());
    }
    for (variable, value) in change {
        match value {
            Some(value) => command.env(variable, value),
            None => command.env_remove(variable),
        };
    }
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

const RANGE: [&str; 5] = ["report", "--since", "2026-11-01", "--until", "2026-11-04"];

fn args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    RANGE.iter().copied().chain(extra.iter().copied()).collect()
}

/// CSV parsed back: every row's columns by name.
fn csv_rows(stdout: &[u8]) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_reader(stdout);
    let headers = reader.headers().unwrap().clone();
    for column in [
        "period_start",
        "period_end",
        "provider",
        "model",
        "project",
        "api_key",
        "metric",
        "unit",
        "value",
    ] {
        assert!(
            headers.iter().any(|h| h == column),
            "no `{column}` column in {headers:?}"
        );
    }
    reader
        .records()
        .map(|record| {
            headers
                .iter()
                .zip(record.unwrap().iter())
                .map(|(h, v)| (h.to_owned(), v.to_owned()))
                .collect()
        })
        .collect()
}

fn totals(rows: &[BTreeMap<String, String>]) -> Totals {
    let mut totals = Totals::new();
    for row in rows {
        add(
            &mut totals,
            &row["provider"],
            &row["metric"],
            &row["unit"],
            decimal(&row["value"]),
        );
    }
    totals
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_provider_at_once_matches_independent_sums() {
    let servers = servers().await;
    let output = usagekit(
        &servers,
        &args(&["--group-by", "provider,model", "--format", "csv"]),
        &[],
    )
    .await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let rows = csv_rows(&output.stdout);
    assert_eq!(totals(&rows), servers.expected);
    // Grouped by model, by day: one OpenAI completions row per model and day.
    let openai_input: Vec<&BTreeMap<String, String>> = rows
        .iter()
        .filter(|row| row["provider"] == "openai" && row["metric"] == "input_tokens")
        .collect();
    assert_eq!(openai_input.len(), 6);
    assert_eq!(openai_input[0]["period_start"], "2026-11-01T00:00:00Z");
    assert_eq!(openai_input[0]["period_end"], "2026-11-02T00:00:00Z");
    // Snapshots and range totals say what they are.
    let note = |provider: &str| {
        rows.iter().find(|row| row["provider"] == provider).unwrap()["note"].clone()
    };
    assert_eq!(note("chatbotkit"), "snapshot: current billing period");
    assert_eq!(note("bokamera"), "snapshot: rolling window");
    assert_eq!(note("arthur"), "total for the range");
    assert_eq!(note("openai"), "");
    // Each row names the operations its figures came from.
    let openai_cost = rows
        .iter()
        .find(|row| row["provider"] == "openai" && row["metric"] == "cost")
        .unwrap();
    assert_eq!(openai_cost["sources"], "usage-costs");
    assert!(rows.iter().all(|row| !row["sources"].is_empty()));

    // JSON: valid, the same rows, values exact strings.
    let output = usagekit(
        &servers,
        &args(&["--group-by", "provider,model", "--format", "json"]),
        &[],
    )
    .await;
    let document: Value = serde_json::from_slice(&output.stdout).unwrap();
    let json_rows = document["rows"].as_array().unwrap();
    assert_eq!(json_rows.len(), rows.len());
    // The values read digit for digit (a `Value` would hold them as f64).
    #[derive(serde::Deserialize)]
    struct Exact {
        rows: Vec<ExactRow>,
    }
    #[derive(serde::Deserialize)]
    struct ExactRow {
        provider: String,
        metric: String,
        unit: String,
        value: usagekit_runtime::__private::decimal::ExactDecimal,
    }
    let exact: Exact = serde_json::from_slice(&output.stdout).unwrap();
    let mut json_totals = Totals::new();
    for (row, exact) in json_rows.iter().zip(&exact.rows) {
        // A JSON number, written from the exact decimal.
        assert!(row["value"].is_number(), "{row}");
        add(
            &mut json_totals,
            &exact.provider,
            &exact.metric,
            &exact.unit,
            exact.value.0,
        );
    }
    assert_eq!(json_totals, servers.expected);
    // The document keeps the decimal's own digits.
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("\"value\": 1234.56789012345671,"), "{text}");
    assert_eq!(document["group_by"], json!(["provider", "model"]));
    assert_eq!(document["failures"], json!([]));

    // Grouping by model asks each API for it, by its own name for it.
    let queries = |requests: Vec<wiremock::Request>, path: &str| -> Vec<String> {
        requests
            .into_iter()
            .filter(|request| request.url.path() == path)
            .map(|request| request.url.query().unwrap_or_default().to_owned())
            .collect()
    };
    let openai = queries(
        servers.openai.received_requests().await.unwrap(),
        "/organization/usage/completions",
    );
    assert!(
        openai.iter().all(|query| query.contains("group_by=model")),
        "{openai:?}"
    );
    let anthropic = queries(
        servers.anthropic.received_requests().await.unwrap(),
        "/v1/organizations/cost_report",
    );
    assert!(
        anthropic
            .iter()
            .all(|query| query.contains("group_by%5B%5D=description")),
        "{anthropic:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn weeks_and_months_sum_the_same_days() {
    let servers = servers().await;
    for by in ["week", "month"] {
        let output = usagekit(&servers, &args(&["--by", by, "--format", "csv"]), &[]).await;
        assert!(output.status.success());
        let rows = csv_rows(&output.stdout);
        assert_eq!(totals(&rows), servers.expected, "--by {by}");
        if by == "month" {
            let openai_cost: Vec<_> = rows
                .iter()
                .filter(|row| row["provider"] == "openai" && row["metric"] == "cost")
                .collect();
            assert_eq!(openai_cost.len(), 1);
            assert_eq!(openai_cost[0]["period_start"], "2026-11-01T00:00:00Z");
            assert_eq!(openai_cost[0]["period_end"], "2026-12-01T00:00:00Z");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_with_a_bad_key_leaves_the_others_and_fails_the_run() {
    let servers = servers().await;
    Mock::given(method("GET"))
        .and(header("x-api-key", "sk-ant-wrong"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "type": "error", "error": {"type": "authentication_error", "message": "invalid x-api-key"},
            "request_id": "req_1"
        })))
        .with_priority(1)
        .mount(&servers.anthropic)
        .await;
    let output = usagekit(
        &servers,
        &args(&["--format", "csv"]),
        &[("ANTHROPIC_ADMIN_KEY", Some("sk-ant-wrong"))],
    )
    .await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("anthropic failed"), "{stderr}");
    assert!(
        stderr.contains("401") && stderr.contains("invalid x-api-key"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("sk-ant-wrong"),
        "the key must not be shown: {stderr}"
    );
    let mut expected = servers.expected.clone();
    expected.retain(|(provider, _, _), _| provider != "anthropic");
    assert_eq!(totals(&csv_rows(&output.stdout)), expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_without_credentials_is_skipped_with_a_note() {
    let servers = servers().await;
    let output = usagekit(
        &servers,
        &args(&["--format", "csv", "--provider", "openai,chatbotkit"]),
        &[("CHATBOTKIT_API_SECRET", None)],
    )
    .await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("chatbotkit skipped: no credentials: set CHATBOTKIT_API_SECRET"),
        "{stderr}"
    );
    let providers: Vec<String> = csv_rows(&output.stdout)
        .into_iter()
        .map(|row| row["provider"].clone())
        .collect();
    assert!(providers.iter().all(|provider| provider == "openai") && !providers.is_empty());

    let unknown = usagekit(&servers, &args(&["--provider", "opneai"]), &[]).await;
    assert!(!unknown.status.success());
    assert!(
        String::from_utf8_lossy(&unknown.stderr)
            .contains("unknown provider `opneai`; known: anthropic")
    );
}

/// A page that mixes kinds, or an endpoint that answers with another's page, adds
/// nothing twice: each operation reads its own kind of result.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_operation_reads_only_its_own_kind_of_result() {
    let servers = servers().await;
    // Every other usage path now serves a completions page.
    let mut buckets = Vec::new();
    for (start, _) in DAYS {
        buckets.push(json!({"object": "bucket", "start_time": start, "end_time": start + DAY, "results": [
            {"object": "organization.usage.completions.result", "input_tokens": 999, "output_tokens": 1,
             "num_model_requests": 1, "model": "gpt-4o-mini"}
        ]}));
    }
    Mock::given(method("GET"))
        .and(path_regex(
            "^/organization/usage/(embeddings|images|moderations)",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(buckets, None)))
        .with_priority(3)
        .mount(&servers.openai)
        .await;
    let output = usagekit(
        &servers,
        &args(&["--format", "csv", "--provider", "openai"]),
        &[],
    )
    .await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut expected = servers.expected.clone();
    expected.retain(|(provider, _, _), _| provider == "openai");
    assert_eq!(totals(&csv_rows(&output.stdout)), expected);
}

/// An operation the server does not have is left out with a note; the rest stands.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operation_the_server_lacks_is_left_out_with_a_note() {
    let servers = servers().await;
    Mock::given(method("GET"))
        .and(path("/organization/usage/images"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "error": {"message": "Unknown endpoint", "type": "invalid_request_error", "param": null, "code": null}
        })))
        .with_priority(1)
        .mount(&servers.openai)
        .await;
    let output = usagekit(
        &servers,
        &args(&["--format", "csv", "--provider", "openai"]),
        &[],
    )
    .await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("openai skipped: left out, the server does not have it"),
        "{stderr}"
    );
    assert!(stderr.contains("usage-images"), "{stderr}");
    let mut expected = servers.expected.clone();
    expected.retain(|(provider, _, _), _| provider == "openai");
    assert_eq!(totals(&csv_rows(&output.stdout)), expected);

    // Every operation 404: the base URL is wrong, and that is a failure.
    let nowhere = MockServer::start().await;
    let output = usagekit(
        &servers,
        &args(&["--provider", "openai"]),
        &[("OPENAI_BASE_URL", Some(&nowhere.uri()))],
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("every report operation answered 404")
    );
}

/// The table a person reads, every provider at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_table_reads_well() {
    let servers = servers().await;
    let output = usagekit(&servers, &args(&["--group-by", "provider,model"]), &[]).await;
    assert!(output.status.success());
    insta::assert_snapshot!(without_rolling_dates(&String::from_utf8_lossy(
        &output.stdout
    )));
}

/// BokaMera's window ends now: its dates change every day.
fn without_rolling_dates(table: &str) -> String {
    table
        .lines()
        .map(
            |line| match (line.find("rolling window ("), line.find(')')) {
                (Some(start), Some(end)) => {
                    let start = start + "rolling window (".len();
                    format!("{}<window>{}", &line[..start], &line[end..])
                }
                _ => line.to_owned(),
            },
        )
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_prints_every_page_as_the_server_sent_it() {
    let servers = servers().await;
    let output = usagekit(
        &servers,
        &[
            "call",
            "openai",
            "usage-completions",
            "--start_time",
            "1793491200",
            "--end_time=1793750400",
            "--bucket_width",
            "1d",
            "--group_by",
            "model",
            "--limit",
            "31",
        ],
        &[],
    )
    .await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let pages: Vec<Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[0]["next_page"], "p2");
    assert_eq!(pages[1]["data"][0]["start_time"], DAYS[2].0);

    let bad = usagekit(
        &servers,
        &[
            "call",
            "openai",
            "usage-completions",
            "--bucket_width",
            "2d",
        ],
        &[],
    )
    .await;
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("\"2d\" is not a valid `bucket_width`"));
}

#[test]
fn demo_shows_a_report_without_any_account() {
    let output = Command::new(env!("CARGO_BIN_EXE_usagekit"))
        .args(["demo", "--group-by", "provider"])
        .env_remove("OPENAI_ADMIN_KEY")
        .env_remove("ANTHROPIC_ADMIN_KEY")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    insta::assert_snapshot!(without_rolling_dates(&String::from_utf8_lossy(
        &output.stdout
    )));
}

#[test]
fn providers_lists_operations_and_which_credentials_are_set() {
    let output = Command::new(env!("CARGO_BIN_EXE_usagekit"))
        .arg("providers")
        .env("OPENAI_ADMIN_KEY", "sk-admin-secret")
        .env_remove("ANTHROPIC_ADMIN_KEY")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("OPENAI_ADMIN_KEY is set"), "{text}");
    assert!(text.contains("ANTHROPIC_ADMIN_KEY is not set"), "{text}");
    assert!(
        text.contains("get-claude-code-usage-report (claude_code_usage_report, every page)"),
        "{text}"
    );
    assert!(!text.contains("sk-admin-secret"));
}
