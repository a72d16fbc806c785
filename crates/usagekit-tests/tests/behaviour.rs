//! What a user relies on beyond the request shape: retries, pagination, typed
//! errors, timeouts, and secrets kept out of every message. Real servers on loopback.

use std::time::{Duration, Instant};

use openai_usage::{ErrorKind, RetryPolicy, TryStreamExt};
use usagekit_tests::{SECRET, fixture, json, serve};
use wiremock::matchers::{path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer};

const COSTS: &str = "/organization/costs";

fn page(buckets: usize, next: Option<&str>) -> String {
    let bucket = r#"{"object":"bucket","start_time":1,"end_time":2,"results":[{"object":"organization.costs.result","amount":{"value":1.5,"currency":"usd"}}]}"#;
    let data = vec![bucket; buckets].join(",");
    let next_json = next.map_or("null".to_owned(), |n| format!("\"{n}\""));
    format!(
        r#"{{"object":"page","data":[{data}],"has_more":{},"next_page":{next_json}}}"#,
        next.is_some()
    )
}

fn client(server: &MockServer) -> openai_usage::ClientBuilder {
    // Short backoff keeps the suite fast; Retry-After still rules where sent.
    openai_usage::Client::builder()
        .base_url(server.uri())
        .api_key(SECRET)
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(10),
            ..RetryPolicy::default()
        })
}

/// Answers only after 10 s: longer than any test waits.
async fn never_answering_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path(COSTS))
        .respond_with(json(200, page(1, None)).set_delay(Duration::from_secs(10)))
        .mount(&server)
        .await;
    server
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

#[tokio::test]
async fn rate_limit_is_retried_after_the_stated_delay_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(path(COSTS))
        .respond_with(json(429, fixture("openai_error.json")).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path(COSTS))
        .respond_with(json(200, page(1, None)))
        .mount(&server)
        .await;

    let started = Instant::now();
    let response = client(&server)
        .build()
        .unwrap()
        .usage_costs()
        .start_time(0)
        .send_with_response()
        .await
        .unwrap();
    let waited = started.elapsed();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(requests(&server).await, 2);
    assert!(
        waited >= Duration::from_secs(1),
        "retried after {waited:?}, before Retry-After"
    );
    assert!(waited < Duration::from_secs(3), "waited {waited:?}");
}

#[tokio::test]
async fn retry_after_longer_than_the_cap_is_not_waited_for() {
    let server = MockServer::start().await;
    Mock::given(path(COSTS))
        .respond_with(json(429, fixture("openai_error.json")).insert_header("Retry-After", "3600"))
        .mount(&server)
        .await;
    let started = Instant::now();
    let err = client(&server)
        .build()
        .unwrap()
        .usage_costs()
        .start_time(0)
        .send()
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn bad_request_is_not_retried_and_its_body_is_typed() {
    let server = serve(COSTS, 400, fixture("openai_error.json")).await;
    let err = client(&server)
        .build()
        .unwrap()
        .usage_costs()
        .start_time(0)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        requests(&server).await,
        1,
        "4xx other than 408/429 must not be retried"
    );
    let api = err.api_error().expect("a documented error body");
    assert_eq!(api.status.as_u16(), 400);
    assert_eq!(api.body.error.type_, "invalid_request_error");
    assert_eq!(api.body.error.param.as_deref(), Some("bucket_width"));
    let shown = err.to_string();
    assert!(shown.contains("usage-costs"), "{shown}");
    assert!(shown.contains("400"), "{shown}");
    assert!(
        shown.contains("Invalid value for 'bucket_width'"),
        "{shown}"
    );
}

#[tokio::test]
async fn retries_stop_at_the_limit() {
    let server = serve(COSTS, 503, fixture("openai_error.json")).await;
    let err = client(&server)
        .max_retries(2)
        .build()
        .unwrap()
        .usage_costs()
        .start_time(0)
        .send()
        .await
        .unwrap_err();
    assert_eq!(requests(&server).await, 3, "one attempt and two retries");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));

    let server = serve(COSTS, 503, fixture("openai_error.json")).await;
    let _ = client(&server)
        .max_retries(0)
        .build()
        .unwrap()
        .usage_costs()
        .start_time(0)
        .send()
        .await;
    assert_eq!(
        requests(&server).await,
        1,
        "max_retries(0) turns retries off"
    );
}

#[tokio::test]
async fn server_errors_then_success_is_retried_transparently() {
    let server = MockServer::start().await;
    Mock::given(path(COSTS))
        .respond_with(json(502, "bad gateway"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path(COSTS))
        .respond_with(json(500, "{}"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path(COSTS))
        .respond_with(json(200, page(2, None)))
        .mount(&server)
        .await;
    let page = client(&server)
        .build()
        .unwrap()
        .usage_costs()
        .start_time(0)
        .send()
        .await
        .unwrap();
    assert_eq!(page.data.len(), 2);
    assert_eq!(requests(&server).await, 3);
}

#[tokio::test]
async fn connection_refused_is_retried_then_reported() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = openai_usage::Client::builder()
        .base_url(url)
        .api_key(SECRET)
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(5),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap();
    let err = client.usage_costs().start_time(0).send().await.unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Transport(e) if e.is_connect()),
        "{err}"
    );
    assert!(!format!("{err} {err:?}").contains(SECRET));
}

#[tokio::test]
async fn a_server_that_never_answers_hits_the_timeout() {
    let server = never_answering_server().await;
    let started = Instant::now();
    let err = client(&server)
        .timeout(Duration::from_millis(300))
        .max_retries(0)
        .build()
        .unwrap()
        .usage_costs()
        .start_time(0)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn the_overall_deadline_bounds_all_attempts() {
    let server = never_answering_server().await;
    let started = Instant::now();
    let err = client(&server)
        .timeout(Duration::from_secs(5))
        .retry_policy(RetryPolicy {
            max_retries: 5,
            deadline: Duration::from_millis(700),
            initial_backoff: Duration::from_millis(10),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap()
        .usage_costs()
        .start_time(0)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "took {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn malformed_json_is_an_error_with_status_and_snippet() {
    let server = serve(COSTS, 200, "{\"object\": \"page\", \"data\": [tru").await;
    let err = client(&server)
        .build()
        .unwrap()
        .usage_costs()
        .start_time(0)
        .send()
        .await
        .unwrap_err();
    let ErrorKind::Decode {
        status, snippet, ..
    } = err.kind()
    else {
        panic!("{err}")
    };
    assert_eq!(status.map(|s| s.as_u16()), Some(200));
    assert!(snippet.contains("\"data\": [tru"), "{snippet}");
    assert!(err.to_string().contains("usage-costs"), "{err}");

    // An error body that is not the documented shape: status and snippet, no panic.
    let server = serve(COSTS, 404, "<html>not here</html>").await;
    let err = client(&server)
        .build()
        .unwrap()
        .usage_costs()
        .start_time(0)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert!(err.to_string().contains("<html>not here</html>"), "{err}");
}

/// Serves `body` for the costs page whose cursor is `cursor` (`None`: the first page).
async fn mount_page(server: &MockServer, cursor: Option<&str>, body: String) {
    let mock = Mock::given(path(COSTS));
    let mock = match cursor {
        None => mock.and(query_param_is_missing("page")),
        Some(cursor) => mock.and(query_param("page", cursor)),
    };
    mock.respond_with(json(200, body)).mount(server).await;
}

#[tokio::test]
async fn stream_follows_three_pages_and_stops_on_has_more_false() {
    let server = MockServer::start().await;
    mount_page(&server, None, page(2, Some("p2"))).await;
    mount_page(&server, Some("p2"), page(3, Some("p3"))).await;
    mount_page(&server, Some("p3"), page(1, None)).await;
    let client = client(&server).build().unwrap();

    let mut stream = client
        .usage_costs()
        .start_time(0)
        .group_by(vec!["line_item"])
        .stream();
    let first = stream.try_next().await.unwrap().unwrap();
    assert_eq!(first.start_time, 1);
    assert_eq!(
        requests(&server).await,
        1,
        "the next page is fetched only when needed"
    );
    let rest: Vec<_> = stream.try_collect().await.unwrap();
    assert_eq!(rest.len(), 5);
    let sent = server.received_requests().await.unwrap();
    assert_eq!(sent.len(), 3);
    for request in &sent {
        let query = request.url.query().unwrap();
        assert!(
            query.contains("group_by=line_item") && query.contains("start_time=0"),
            "filters kept on every page: {query}"
        );
    }

    let all = client
        .usage_costs()
        .start_time(0)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.len(), 6);
}

#[tokio::test]
async fn stream_surfaces_an_error_mid_way_and_refuses_to_loop() {
    let server = MockServer::start().await;
    mount_page(&server, None, page(1, Some("same"))).await;
    mount_page(&server, Some("same"), page(1, Some("same"))).await;
    let items: Vec<_> = client(&server)
        .build()
        .unwrap()
        .usage_costs()
        .start_time(0)
        .stream()
        .collect_items()
        .await;
    assert_eq!(items.iter().filter(|r| r.is_ok()).count(), 2);
    let err = items.last().unwrap().as_ref().unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Pagination(_)), "{err:?}");
    assert!(err.to_string().contains("\"same\" again"), "{err}");
}

trait CollectItems: futures_like::Stream {
    async fn collect_items(self) -> Vec<Self::Item>;
}

mod futures_like {
    pub use openai_usage::Stream;
}

impl<S: futures_like::Stream + Unpin> CollectItems for S {
    async fn collect_items(mut self) -> Vec<S::Item> {
        let mut out = Vec::new();
        while let Some(item) =
            std::future::poll_fn(|cx| std::pin::Pin::new(&mut self).poll_next(cx)).await
        {
            out.push(item);
        }
        out
    }
}

#[tokio::test]
async fn each_provider_error_body_is_decoded() {
    // ChatBotKit: {message, code}
    let server = serve("/usage/fetch", 401, fixture("chatbotkit_error.json")).await;
    let err = chatbotkit_usage::Client::builder()
        .base_url(server.uri())
        .api_secret(SECRET)
        .build()
        .unwrap()
        .fetch_usage()
        .send()
        .await
        .unwrap_err();
    let api = err.api_error().unwrap();
    assert_eq!(
        (api.body.code.as_str(), api.status.as_u16()),
        ("UNAUTHORIZED", 401)
    );
    assert!(
        err.to_string()
            .contains("fetchUsage: HTTP 401 Unauthorized: Unauthorized: the secret is not valid"),
        "{err}"
    );

    // BokaMera: ServiceStack's ResponseStatus
    let server = serve(
        "/assistant/ai-chat/usage",
        400,
        fixture("bokamera_error.json"),
    )
    .await;
    let err = bokamera_usage::Client::builder()
        .base_url(server.uri())
        .api_key("k")
        .access_token(SECRET)
        .build()
        .unwrap()
        .ai_chat_usage()
        .send()
        .await
        .unwrap_err();
    let status = err
        .api_error()
        .unwrap()
        .body
        .response_status
        .as_ref()
        .unwrap();
    assert_eq!(status.error_code.as_deref(), Some("NotEmpty"));
    assert_eq!(
        status.errors.as_ref().unwrap()[0].field_name.as_deref(),
        Some("CompanyId")
    );
    assert!(
        err.to_string().contains("'Company Id' must not be empty."),
        "{err}"
    );

    // Arthur: FastAPI's 422, and the untyped 401 `{"detail": "Unauthorized"}`
    let server = serve(
        "/api/v2/usage/tokens",
        422,
        fixture("arthur_validation_error.json"),
    )
    .await;
    let arthur = arthur_usage::Client::builder()
        .base_url(server.uri())
        .api_key(SECRET)
        .build()
        .unwrap();
    let err = arthur.token_usage().send().await.unwrap_err();
    let arthur_usage::types::TokenUsageError::HttpValidationError(validation) =
        &err.api_error().unwrap().body
    else {
        panic!("422 is FastAPI's validation body: {err:?}");
    };
    let detail = &validation.detail.as_ref().unwrap()[0];
    assert_eq!(detail.type_, "datetime_from_date_parsing");
    assert_eq!(detail.loc.len(), 2);
    assert!(
        err.to_string().contains("Input should be a valid datetime"),
        "{err}"
    );

    let server = serve("/api/v2/usage/tokens", 401, r#"{"detail": "Unauthorized"}"#).await;
    let arthur = arthur_usage::Client::builder()
        .base_url(server.uri())
        .api_key(SECRET)
        .build()
        .unwrap();
    let err = arthur.token_usage().send().await.unwrap_err();
    // 401 has its own documented body: `{"detail": "Unauthorized"}`.
    match &err.api_error().unwrap().body {
        arthur_usage::types::TokenUsageError::HttpError(body) => {
            assert_eq!(body.detail, "Unauthorized")
        }
        other => panic!("401 is FastAPI's HTTPError body: {other:?}"),
    }
    assert!(
        err.to_string()
            .ends_with("HTTP 401 Unauthorized: Unauthorized"),
        "{err}"
    );
}

#[tokio::test]
async fn no_secret_in_any_debug_or_display() {
    let server = serve(COSTS, 400, fixture("openai_error.json")).await;
    let builder = client(&server).header("x-extra", SECRET);
    let openai = builder.clone().build().unwrap();
    let mut shown = vec![format!("{builder:?}"), format!("{openai:?}")];
    let err = openai.usage_costs().start_time(0).send().await.unwrap_err();
    shown.push(format!("{err}"));
    shown.push(format!("{err:?}"));
    let bokamera = bokamera_usage::Client::builder()
        .api_key(SECRET)
        .access_token(SECRET)
        .build()
        .unwrap();
    shown.push(format!("{bokamera:?}"));
    let missing = bokamera_usage::Client::builder()
        .api_key(SECRET)
        .build()
        .unwrap_err();
    shown.push(format!("{missing} {missing:?}"));
    shown.push(format!("{:?}", usagekit_runtime::Secret::new(SECRET)));
    shown.push(format!("{}", usagekit_runtime::Secret::new(SECRET)));
    for text in &shown {
        assert!(!text.contains(SECRET), "secret leaked: {text}");
        assert!(!text.contains("NEVER-BE-PRINTED"), "secret leaked: {text}");
    }
}

#[test]
fn from_env_names_the_missing_variable_and_reads_the_base_url() {
    // The only test touching these variables; nothing else reads them.
    unsafe {
        std::env::remove_var("ARTHUR_API_KEY");
        std::env::remove_var("ARTHUR_BASE_URL");
    }
    let err = arthur_usage::Client::from_env().unwrap_err();
    assert!(err.to_string().contains("ARTHUR_API_KEY"), "{err}");
    unsafe {
        std::env::set_var("ARTHUR_API_KEY", SECRET);
        std::env::set_var("ARTHUR_BASE_URL", "http://127.0.0.1:9/");
    }
    let client = arthur_usage::Client::from_env().unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:9");
    assert!(!format!("{client:?}").contains(SECRET));
}

#[test]
fn default_base_url_is_the_specs_first_server() {
    let client = openai_usage::Client::builder()
        .api_key("k")
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "https://api.openai.com/v1");
    let client = bokamera_usage::Client::builder()
        .api_key("k")
        .access_token("t")
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "https://api.bookmore.com");
}

const ANTHROPIC_MESSAGES: &str = "/v1/organizations/usage_report/messages";

fn anthropic(server: &MockServer) -> anthropic_usage::Client {
    anthropic_usage::Client::builder()
        .base_url(server.uri())
        .admin_key(SECRET)
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(10),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap()
}

fn anthropic_messages(
    client: &anthropic_usage::Client,
) -> anthropic_usage::builder::MessagesUsageReport<'_> {
    client.messages_usage_report().starting_at(
        "2026-11-01T00:00:00Z"
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap(),
    )
}

/// 529 `overloaded_error` is retried like a 503, honouring `retry-after`.
#[tokio::test]
async fn anthropic_overloaded_is_retried_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(path(ANTHROPIC_MESSAGES))
        .respond_with(json(529, fixture("anthropic_error.json")).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path(ANTHROPIC_MESSAGES))
        .respond_with(json(200, fixture("anthropic_messages.json")))
        .mount(&server)
        .await;
    let started = Instant::now();
    let report = anthropic_messages(&anthropic(&server))
        .send()
        .await
        .unwrap();
    assert_eq!(report.data.len(), 2);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "retry-after honoured"
    );
    assert_eq!(requests(&server).await, 2);
}

/// The error body is typed, `Display` shows Anthropic's message and type, an
/// error type the spec does not list is kept, and the key never shows.
#[tokio::test]
async fn anthropic_error_body_is_decoded_and_shown() {
    let body = r#"{"type":"error","error":{"type":"brand_new_error","message":"Something new"},"request_id":"req_1"}"#;
    let server = serve(ANTHROPIC_MESSAGES, 402, body).await;
    let err = anthropic_messages(&anthropic(&server))
        .send()
        .await
        .unwrap_err();
    let api = err.api_error().unwrap();
    assert_eq!(api.status.as_u16(), 402);
    assert_eq!(api.body.error.type_, "brand_new_error");
    assert_eq!(api.body.request_id.as_deref(), Some("req_1"));
    let shown = err.to_string();
    assert!(
        shown.contains("get-messages-usage-report")
            && shown.contains("HTTP 402")
            && shown.contains("Something new"),
        "{shown}"
    );
    assert!(!shown.contains(SECRET) && !format!("{err:?}").contains(SECRET));
    assert_eq!(requests(&server).await, 1, "402 is not retried");
}

/// `stream()` follows `next_page` as `page` until `has_more` is false.
#[tokio::test]
async fn anthropic_stream_follows_next_page() {
    let server = MockServer::start().await;
    Mock::given(path(ANTHROPIC_MESSAGES))
        .and(query_param_is_missing("page"))
        .respond_with(json(200, fixture("anthropic_messages.json")))
        .mount(&server)
        .await;
    let last = r#"{"data":[{"starting_at":"2026-11-03T00:00:00Z","ending_at":"2026-11-04T00:00:00Z","results":[]}],"has_more":false,"next_page":null}"#;
    Mock::given(path(ANTHROPIC_MESSAGES))
        .and(query_param("page", "page_MjAyNi0xMS0wM1QwMDowMDowMFo="))
        .respond_with(json(200, last))
        .mount(&server)
        .await;
    let buckets = anthropic_messages(&anthropic(&server))
        .collect_all()
        .await
        .unwrap();
    let starts: Vec<String> = buckets.iter().map(|b| b.starting_at.to_rfc3339()).collect();
    assert_eq!(
        starts,
        [
            "2026-11-01T00:00:00+00:00",
            "2026-11-02T00:00:00+00:00",
            "2026-11-03T00:00:00+00:00"
        ]
    );
    let sent = server.received_requests().await.unwrap();
    assert!(
        sent.iter()
            .all(|r| r.headers["anthropic-version"] == "2023-06-01")
    );
}

/// The version header is data: a user can replace it on the builder.
#[tokio::test]
async fn anthropic_version_header_can_be_overridden() {
    let server = serve(ANTHROPIC_MESSAGES, 200, fixture("anthropic_messages.json")).await;
    let client = anthropic_usage::Client::builder()
        .base_url(server.uri())
        .admin_key(SECRET)
        .header("anthropic-version", "2099-01-01")
        .build()
        .unwrap();
    anthropic_messages(&client).send().await.unwrap();
    let sent = server.received_requests().await.unwrap();
    let versions: Vec<_> = sent[0]
        .headers
        .get_all("anthropic-version")
        .iter()
        .collect();
    assert_eq!(versions, ["2099-01-01"]);
}

/// Every documented error type, at its status, decodes into the typed body and
/// shows Anthropic's message; nothing is retried when retries are off.
#[tokio::test]
async fn anthropic_every_error_type_decodes() {
    for (status, kind) in [
        (400, "invalid_request_error"),
        (401, "authentication_error"),
        (402, "billing_error"),
        (403, "permission_error"),
        (404, "not_found_error"),
        (413, "request_too_large"),
        (429, "rate_limit_error"),
        (500, "api_error"),
        (529, "overloaded_error"),
    ] {
        let body = format!(
            r#"{{"type":"error","error":{{"type":"{kind}","message":"message for {kind}"}},"request_id":"req_{status}"}}"#
        );
        let server = serve(ANTHROPIC_MESSAGES, status, body).await;
        let client = anthropic_usage::Client::builder()
            .base_url(server.uri())
            .admin_key(SECRET)
            .max_retries(0)
            .build()
            .unwrap();
        let err = anthropic_messages(&client).send().await.unwrap_err();
        let api = err
            .api_error()
            .unwrap_or_else(|| panic!("{status}: {err:?}"));
        assert_eq!(api.status.as_u16(), status);
        assert_eq!(api.body.error.type_, kind);
        assert_eq!(
            api.body.request_id.as_deref(),
            Some(format!("req_{status}").as_str())
        );
        assert!(
            err.to_string().contains(&format!("message for {kind}")),
            "{err}"
        );
        assert_eq!(requests(&server).await, 1);
    }
}

/// The cost and Claude Code reports page like the messages report.
#[tokio::test]
async fn anthropic_cost_and_claude_code_reports_stream_across_pages() {
    let server = MockServer::start().await;
    let cost_page = |start: &str, next: Option<&str>| {
        let next_json = next.map_or("null".to_owned(), |n| format!("\"{n}\""));
        format!(
            r#"{{"data":[{{"starting_at":"{start}","ending_at":"2026-12-01T00:00:00Z","results":[{{"amount":"1.5","currency":"USD"}}]}}],"has_more":{},"next_page":{next_json}}}"#,
            next.is_some()
        )
    };
    Mock::given(path("/v1/organizations/cost_report"))
        .and(query_param_is_missing("page"))
        .respond_with(json(200, cost_page("2026-11-01T00:00:00Z", Some("c2"))))
        .mount(&server)
        .await;
    Mock::given(path("/v1/organizations/cost_report"))
        .and(query_param("page", "c2"))
        .respond_with(json(200, cost_page("2026-11-02T00:00:00Z", None)))
        .mount(&server)
        .await;
    let code_first: serde_json::Value =
        serde_json::from_str(&fixture("anthropic_claude_code.json")).unwrap();
    let mut first = code_first.clone();
    first["has_more"] = true.into();
    first["next_page"] = "cc2".into();
    Mock::given(path("/v1/organizations/usage_report/claude_code"))
        .and(query_param_is_missing("page"))
        .respond_with(json(200, first.to_string()))
        .mount(&server)
        .await;
    Mock::given(path("/v1/organizations/usage_report/claude_code"))
        .and(query_param("page", "cc2"))
        .respond_with(json(200, code_first.to_string()))
        .mount(&server)
        .await;
    let client = anthropic(&server);
    let costs = client
        .cost_report()
        .starting_at(
            "2026-11-01T00:00:00Z"
                .parse::<chrono::DateTime<chrono::Utc>>()
                .unwrap(),
        )
        .collect_all()
        .await
        .unwrap();
    assert_eq!(costs.len(), 2);
    assert!(
        costs
            .iter()
            .all(|bucket| bucket.results[0].amount.to_string() == "1.5")
    );
    let records = client
        .claude_code_usage_report()
        .starting_at(chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap())
        .collect_all()
        .await
        .unwrap();
    assert_eq!(records.len(), 4, "two records on each of two pages");
}

/// List setters take what a user has at hand; a value the spec does not allow is
/// named, with the allowed ones, before any request is sent.
#[tokio::test]
async fn list_setters_take_iterables_and_bad_values_are_named() {
    let server = serve(COSTS, 200, page(1, None)).await;
    let openai = client(&server).build().unwrap();
    openai
        .usage_costs()
        .start_time(0)
        .project_ids(vec!["proj_a", "proj_b"])
        .api_key_ids(["key_1"])
        .group_by(["project_id", "line_item"])
        .send()
        .await
        .unwrap();
    let sent = server.received_requests().await.unwrap();
    let query = sent[0].url.query().unwrap().to_owned();
    for pair in [
        "project_ids=proj_a",
        "project_ids=proj_b",
        "api_key_ids=key_1",
        "group_by=project_id",
        "group_by=line_item",
    ] {
        assert!(query.contains(pair), "{pair} missing from {query}");
    }

    let err = openai
        .usage_costs()
        .start_time(0)
        .bucket_width("2d")
        .send()
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains(
            "`usage_costs()`: \"2d\" is not a valid `bucket_width`; expected one of `1d`"
        ),
        "{err}"
    );
    let err = openai
        .usage_costs()
        .start_time(0)
        .group_by(["project_id", "planet"])
        .send()
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("\"planet\" is not a valid `group_by`; expected one of `project_id`, `line_item`, `api_key_id`"),
        "{err}"
    );
    assert_eq!(
        requests(&server).await,
        1,
        "invalid values never reach the server"
    );
}
