//! Per operation: the exact request each generated client sends, checked by a real
//! HTTP server on loopback, and committed example responses decoded field by field.

use openai_usage::types::UsageResult;
use usagekit_tests::{SECRET, fixture, serve};
use wiremock::MockServer;

/// The one request the server received: (path, query, headers as `name: value`).
async fn only_request(server: &MockServer) -> (String, String, Vec<(String, String)>) {
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "expected exactly one request");
    let request = &requests[0];
    assert_eq!(request.method.as_str(), "GET");
    let mut headers: Vec<(String, String)> = request
        .headers
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap().to_owned()))
        .collect();
    headers.sort();
    (
        request.url.path().to_owned(),
        request.url.query().unwrap_or_default().to_owned(),
        headers,
    )
}

/// Query pairs sorted by key; repeated keys keep their order (array order matters).
fn sorted_query(query: &str) -> Vec<&str> {
    let mut pairs: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
    pairs.sort_by_key(|pair| pair.split('=').next().unwrap_or_default());
    pairs
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Only the headers the spec or the user asked for, plus HTTP's own.
fn assert_no_stray_headers(headers: &[(String, String)], allowed: &[&str]) {
    let standard = [
        "accept",
        "accept-encoding",
        "host",
        "user-agent",
        "content-length",
        "connection",
    ];
    for (name, _) in headers {
        assert!(
            standard.contains(&name.as_str()) || allowed.contains(&name.as_str()),
            "stray header `{name}`"
        );
    }
}

fn openai(server: &MockServer) -> openai_usage::Client {
    openai_usage::Client::builder()
        .base_url(server.uri())
        .api_key(SECRET)
        .build()
        .unwrap()
}

/// Each of the eleven OpenAI operations, with every parameter it has set.
#[tokio::test]
async fn openai_operations_send_exactly_the_documented_request() {
    let page = fixture("openai_all_kinds.json");
    let common = "start_time=1730419200&end_time=1730505600";
    let users = "user_ids=u1&user_ids=u2&api_key_ids=k1&models=gpt-4o&models=o1";

    macro_rules! case {
        ($route:literal, $query:expr, |$c:ident| $call:expr) => {{
            let server = serve($route, 200, page.clone()).await;
            let $c = openai(&server);
            let response = $call.await.unwrap_or_else(|e| panic!("{}: {e}", $route));
            assert_eq!(response.status().as_u16(), 200);
            let (got_path, query, headers) = only_request(&server).await;
            assert_eq!(got_path, $route);
            assert_eq!(sorted_query(&query), sorted_query(&$query), "{}", $route);
            assert_eq!(
                header(&headers, "authorization"),
                Some(format!("Bearer {SECRET}").as_str())
            );
            assert_eq!(header(&headers, "accept"), Some("application/json"));
            assert!(header(&headers, "api-version").is_none());
            assert_no_stray_headers(&headers, &["authorization"]);
        }};
    }

    case!(
        "/organization/usage/completions",
        format!(
            "{common}&bucket_width=1h&project_ids=p1&{users}&batch=true&group_by=model&group_by=batch&group_by=service_tier&limit=24&page=cur"
        ),
        |c| c
            .usage_completions()
            .start_time(1730419200)
            .end_time(1730505600)
            .bucket_width("1h")
            .project_ids(vec!["p1".to_owned()])
            .user_ids(vec!["u1".to_owned(), "u2".to_owned()])
            .api_key_ids(vec!["k1".to_owned()])
            .models(vec!["gpt-4o".to_owned(), "o1".to_owned()])
            .batch(true)
            .group_by(vec!["model", "batch", "service_tier"])
            .limit(24)
            .page("cur")
            .send_with_response()
    );
    case!(
        "/organization/usage/embeddings",
        format!("{common}&bucket_width=1m&project_ids=p1&{users}&group_by=project_id&limit=60"),
        |c| c
            .usage_embeddings()
            .start_time(1730419200)
            .end_time(1730505600)
            .bucket_width("1m")
            .project_ids(vec!["p1".to_owned()])
            .user_ids(vec!["u1".to_owned(), "u2".to_owned()])
            .api_key_ids(vec!["k1".to_owned()])
            .models(vec!["gpt-4o".to_owned(), "o1".to_owned()])
            .group_by(vec!["project_id"])
            .limit(60)
            .send_with_response()
    );
    case!(
        "/organization/usage/moderations",
        format!("{common}&bucket_width=1d&{users}&group_by=user_id&group_by=api_key_id"),
        |c| c
            .usage_moderations()
            .start_time(1730419200)
            .end_time(1730505600)
            .bucket_width("1d")
            .user_ids(vec!["u1".to_owned(), "u2".to_owned()])
            .api_key_ids(vec!["k1".to_owned()])
            .models(vec!["gpt-4o".to_owned(), "o1".to_owned()])
            .group_by(vec!["user_id", "api_key_id"])
            .send_with_response()
    );
    case!(
        "/organization/usage/images",
        format!(
            "{common}&sources=image.generation&sources=image.variation&sizes=1024x1792&sizes=256x256&project_ids=p1&group_by=size&group_by=source"
        ),
        |c| c
            .usage_images()
            .start_time(1730419200)
            .end_time(1730505600)
            .sources(vec!["image.generation", "image.variation"])
            .sizes(vec!["1024x1792", "256x256"])
            .project_ids(vec!["p1".to_owned()])
            .group_by(vec!["size", "source"])
            .send_with_response()
    );
    case!(
        "/organization/usage/audio_speeches",
        format!("{common}&{users}&group_by=model"),
        |c| c
            .usage_audio_speeches()
            .start_time(1730419200)
            .end_time(1730505600)
            .user_ids(vec!["u1".to_owned(), "u2".to_owned()])
            .api_key_ids(vec!["k1".to_owned()])
            .models(vec!["gpt-4o".to_owned(), "o1".to_owned()])
            .group_by(vec!["model"])
            .send_with_response()
    );
    case!(
        "/organization/usage/audio_transcriptions",
        "start_time=1730419200&limit=7",
        |c| c
            .usage_audio_transcriptions()
            .start_time(1730419200)
            .limit(7)
            .send_with_response()
    );
    case!(
        "/organization/usage/vector_stores",
        "start_time=1730419200&project_ids=p1&project_ids=p2&group_by=project_id",
        |c| c
            .usage_vector_stores()
            .start_time(1730419200)
            .project_ids(vec!["p1".to_owned(), "p2".to_owned()])
            .group_by(vec!["project_id"])
            .send_with_response()
    );
    case!(
        "/organization/usage/code_interpreter_sessions",
        "start_time=1730419200&bucket_width=1m&page=next",
        |c| c
            .usage_code_interpreter_sessions()
            .start_time(1730419200)
            .bucket_width("1m")
            .page("next")
            .send_with_response()
    );
    case!(
        "/organization/costs",
        format!(
            "{common}&bucket_width=1d&project_ids=p1&api_key_ids=k1&api_key_ids=k2&group_by=project_id&group_by=line_item&group_by=api_key_id&limit=180"
        ),
        |c| c
            .usage_costs()
            .start_time(1730419200)
            .end_time(1730505600)
            .bucket_width("1d")
            .project_ids(vec!["p1".to_owned()])
            .api_key_ids(vec!["k1".to_owned(), "k2".to_owned()])
            .group_by(vec!["project_id", "line_item", "api_key_id"])
            .limit(180)
            .send_with_response()
    );
    case!(
        "/organization/usage/file_search_calls",
        format!(
            "{common}&bucket_width=1d&project_ids=p1&user_ids=u1&user_ids=u2&api_key_ids=k1&vector_store_ids=vs1&vector_store_ids=vs2&group_by=vector_store_id&group_by=user_id&limit=7&page=cur"
        ),
        |c| c
            .usage_file_search_calls()
            .start_time(1730419200)
            .end_time(1730505600)
            .bucket_width("1d")
            .project_ids(vec!["p1".to_owned()])
            .user_ids(vec!["u1".to_owned(), "u2".to_owned()])
            .api_key_ids(vec!["k1".to_owned()])
            .vector_store_ids(vec!["vs1".to_owned(), "vs2".to_owned()])
            .group_by(vec!["vector_store_id", "user_id"])
            .limit(7)
            .page("cur")
            .send_with_response()
    );
    case!(
        "/organization/usage/web_search_calls",
        format!(
            "{common}&bucket_width=1h&project_ids=p1&{users}&context_levels=low&context_levels=high&group_by=model&group_by=context_level&limit=24"
        ),
        |c| c
            .usage_web_search_calls()
            .start_time(1730419200)
            .end_time(1730505600)
            .bucket_width("1h")
            .project_ids(vec!["p1".to_owned()])
            .user_ids(vec!["u1".to_owned(), "u2".to_owned()])
            .api_key_ids(vec!["k1".to_owned()])
            .models(vec!["gpt-4o".to_owned(), "o1".to_owned()])
            .context_levels(vec!["low", "high"])
            .group_by(vec!["model", "context_level"])
            .limit(24)
            .send_with_response()
    );
}

#[tokio::test]
async fn openai_missing_required_start_time_is_an_invalid_request_not_a_call() {
    let server = serve("/organization/costs", 200, fixture("openai_all_kinds.json")).await;
    let err = openai(&server).usage_costs().send().await.unwrap_err();
    assert_eq!(err.operation(), "usage-costs");
    assert!(
        matches!(err.kind(), openai_usage::ErrorKind::InvalidRequest(_)),
        "{err}"
    );
    assert!(
        err.to_string().contains(
            "`usage_costs()` needs the query parameter `start_time`: set it with `.start_time(…)`"
        ),
        "{err}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn openai_page_mixing_all_eleven_kinds_and_an_unknown_one_decodes() {
    let server = serve(
        "/organization/usage/completions",
        200,
        fixture("openai_all_kinds.json"),
    )
    .await;
    let page = openai(&server)
        .usage_completions()
        .start_time(1730419200)
        .send()
        .await
        .unwrap();
    assert!(page.has_more);
    assert_eq!(
        page.next_page.as_deref(),
        Some("page_AAAAAGdGxdEiJdKOAAAAAGcqsYA=")
    );
    assert_eq!(page.data.len(), 2);
    assert_eq!(
        (page.data[0].start_time, page.data[0].end_time),
        (1730419200, 1730505600)
    );
    let results: Vec<&UsageResult> = page.data.iter().flat_map(|b| &b.results).collect();
    assert_eq!(results.len(), 12);

    let UsageResult::UsageCompletionsResult(c) = results[0] else {
        panic!("{:?}", results[0])
    };
    assert_eq!(
        (c.input_tokens, c.output_tokens, c.num_model_requests),
        (5000, 1000, 5)
    );
    assert_eq!(
        (
            c.input_cached_tokens,
            c.input_audio_tokens,
            c.output_audio_tokens
        ),
        (Some(4000), Some(300), Some(200))
    );
    assert_eq!(c.project_id.as_deref(), Some("proj_abc"));
    assert_eq!(c.model.as_deref(), Some("gpt-4o-mini-2024-07-18"));
    assert_eq!(c.batch, Some(false));
    // The counters OpenAI serves beyond the 2025 spec.
    assert_eq!(c.service_tier.as_deref(), Some("default"));
    assert_eq!(
        (
            c.input_cache_write_tokens,
            c.input_uncached_tokens,
            c.input_text_tokens,
            c.output_text_tokens,
            c.input_cached_text_tokens,
            c.input_cached_audio_tokens,
            c.input_image_tokens,
            c.input_cached_image_tokens,
            c.output_image_tokens,
        ),
        (
            Some(11),
            Some(1000),
            Some(4500),
            Some(900),
            Some(3900),
            Some(100),
            Some(200),
            Some(0),
            Some(100)
        )
    );
    let UsageResult::UsageEmbeddingsResult(e) = results[1] else {
        panic!()
    };
    assert_eq!(
        (e.input_tokens, e.num_model_requests, e.user_id.as_deref()),
        (20, 2, None)
    );
    let UsageResult::UsageModerationsResult(m) = results[2] else {
        panic!()
    };
    assert_eq!(
        (m.input_tokens, m.model.as_deref()),
        (16, Some("text-moderation"))
    );
    let UsageResult::UsageImagesResult(i) = results[3] else {
        panic!()
    };
    assert_eq!(
        (i.images, i.size.as_deref(), i.source.as_deref()),
        (2, Some("1024x1024"), Some("image.generation"))
    );
    let UsageResult::UsageAudioSpeechesResult(s) = results[4] else {
        panic!()
    };
    assert_eq!((s.characters, s.num_model_requests), (45, 1));
    let UsageResult::UsageAudioTranscriptionsResult(t) = results[5] else {
        panic!()
    };
    assert_eq!((t.seconds, t.model.as_deref()), (20, Some("whisper-1")));
    let UsageResult::UsageVectorStoresResult(v) = results[6] else {
        panic!()
    };
    assert_eq!(
        (v.usage_bytes, v.project_id.as_deref()),
        (1024, Some("proj_abc"))
    );
    let UsageResult::UsageCodeInterpreterSessionsResult(ci) = results[7] else {
        panic!()
    };
    assert_eq!(ci.num_sessions, 1);
    let UsageResult::CostsResult(cost) = results[8] else {
        panic!()
    };
    let amount = cost.amount.as_ref().unwrap();
    // Dollars as a JSON number, decoded exactly: 0.06, not 0.059999….
    let value = amount.value.unwrap();
    assert_eq!(value.to_string(), "0.06");
    assert_eq!(amount.currency.as_deref(), Some("usd"));
    let three = value + value + value;
    assert_eq!(
        three.to_string(),
        "0.18",
        "sums stay exact (0.06 * 3 in f64 is 0.18000000000000002)"
    );
    assert_eq!(cost.line_item.as_deref(), Some("Image models"));
    assert_eq!(cost.api_key_id.as_deref(), Some("key_abc"));
    assert_eq!(
        (cost.quantity.into_option(), cost.quantity_unit.as_deref()),
        (Some(1250000.5), Some("1000_tokens"))
    );
    let UsageResult::UsageFileSearchCallsResult(fs) = results[9] else {
        panic!("{:?}", results[9])
    };
    assert_eq!(
        (
            fs.num_requests,
            fs.vector_store_id.as_deref(),
            fs.user_id.as_deref()
        ),
        (7, Some("vs_abc"), None)
    );
    let UsageResult::UsageWebSearchCallsResult(ws) = results[10] else {
        panic!("{:?}", results[10])
    };
    assert_eq!(
        (
            ws.num_model_requests,
            ws.num_requests,
            ws.context_level.as_deref()
        ),
        (3, 9, Some("medium"))
    );
    assert_eq!(ws.model.as_deref(), Some("gpt-4o-search-preview"));
    // A kind this client does not know yet is kept, not an error.
    let UsageResult::Unknown(unknown) = results[11] else {
        panic!("{:?}", results[11])
    };
    assert_eq!(
        results[11].tag(),
        Some("organization.usage.realtime_sessions.result")
    );
    assert_eq!(unknown["num_sessions"], 2);
}

#[tokio::test]
async fn openai_last_page_has_null_next_page() {
    let body = r#"{"object":"page","data":[],"has_more":false,"next_page":null}"#;
    let server = serve("/organization/costs", 200, body.to_owned()).await;
    let page = openai(&server)
        .usage_costs()
        .start_time(0)
        .send()
        .await
        .unwrap();
    assert_eq!((page.has_more, page.next_page), (false, None));
}

#[tokio::test]
async fn chatbotkit_fetch_usage() {
    let server = serve("/usage/fetch", 200, fixture("chatbotkit_usage.json")).await;
    let client = chatbotkit_usage::Client::builder()
        .base_url(server.uri())
        .api_secret(SECRET)
        .build()
        .unwrap();
    let usage = client
        .fetch_usage()
        .x_timezone("Europe/London")
        .x_run_as_user_id("user_42")
        .send()
        .await
        .unwrap();
    assert_eq!(
        (usage.tokens, usage.conversations, usage.messages),
        (152340.0, 87.0, 1204.0)
    );
    let db = &usage.database;
    assert_eq!(
        (
            db.abilities,
            db.datasets,
            db.files,
            db.records,
            db.skillsets,
            db.users
        ),
        (3.0, 2.0, 14.0, 5120.0, 1.0, 6.0)
    );
    let (got_path, query, headers) = only_request(&server).await;
    assert_eq!((got_path.as_str(), query.as_str()), ("/usage/fetch", ""));
    assert_eq!(
        header(&headers, "authorization"),
        Some(format!("Bearer {SECRET}").as_str())
    );
    assert_eq!(header(&headers, "x-timezone"), Some("Europe/London"));
    assert_eq!(header(&headers, "x-runas-userid"), Some("user_42"));
    assert_no_stray_headers(&headers, &["authorization", "x-timezone", "x-runas-userid"]);
}

#[tokio::test]
async fn bokamera_get_ai_chat_usage() {
    let server = serve(
        "/assistant/ai-chat/usage",
        200,
        fixture("bokamera_usage.json"),
    )
    .await;
    let client = bokamera_usage::Client::builder()
        .base_url(server.uri())
        .api_key("0b6a3f2e-0000-4000-8000-000000000001")
        .access_token(SECRET)
        .build()
        .unwrap();
    let company: uuid::Uuid = "3b5c2c9e-1f7a-4d0e-9a6b-2f1d8c7e4a10".parse().unwrap();
    let usage = client
        .ai_chat_usage()
        .company_id(company)
        .x_language("sv")
        .send()
        .await
        .unwrap();
    assert_eq!(usage.company_id, Some(company));
    assert_eq!(
        (usage.tokens_used, usage.token_limit, usage.tokens_remaining),
        (Some(125000), Some(500000), Some(375000))
    );
    assert_eq!(
        (usage.is_within_budget, usage.window_days),
        (Some(true), Some(30))
    );
    assert!(usage.response_status.is_none());
    let (got_path, query, headers) = only_request(&server).await;
    assert_eq!(got_path, "/assistant/ai-chat/usage");
    assert_eq!(query, format!("CompanyId={company}"));
    assert_eq!(
        header(&headers, "x-api-key"),
        Some("0b6a3f2e-0000-4000-8000-000000000001")
    );
    assert_eq!(
        header(&headers, "authorization"),
        Some(format!("Bearer {SECRET}").as_str())
    );
    assert_eq!(
        header(&headers, "accept"),
        Some("application/json"),
        "the client asks for JSON, not XML"
    );
    assert_eq!(header(&headers, "x-language"), Some("sv"));
    assert_no_stray_headers(&headers, &["authorization", "x-api-key", "x-language"]);
}

#[tokio::test]
async fn bokamera_every_field_is_optional_on_the_wire() {
    let server = serve("/assistant/ai-chat/usage", 200, "{}".to_owned()).await;
    let client = bokamera_usage::Client::builder()
        .base_url(server.uri())
        .api_key("k")
        .access_token("t")
        .build()
        .unwrap();
    let usage = client.ai_chat_usage().send().await.unwrap();
    assert_eq!(usage.company_id, None);
    assert_eq!(usage.tokens_used, None);
    let (_, query, _) = only_request(&server).await;
    assert_eq!(query, "", "CompanyId is left out when not set");
}

#[tokio::test]
async fn arthur_get_token_usage() {
    let server = serve("/api/v2/usage/tokens", 200, fixture("arthur_usage.json")).await;
    let client = arthur_usage::Client::builder()
        .base_url(server.uri())
        .api_key(SECRET)
        .build()
        .unwrap();
    let start = chrono::DateTime::parse_from_rfc3339("2024-11-01T00:00:00Z")
        .unwrap()
        .to_utc();
    let end = chrono::DateTime::parse_from_rfc3339("2024-11-02T12:30:00Z")
        .unwrap()
        .to_utc();
    let rows = client
        .token_usage()
        .start_time(start)
        .end_time(end)
        .group_by(vec![
            arthur_usage::types::TokenUsageScope::RuleType,
            arthur_usage::types::TokenUsageScope::Task,
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].rule_type.as_deref(), Some("PromptInjectionRule"));
    assert_eq!(rows[0].task_id, None);
    let count = &rows[0].count;
    assert_eq!(
        (count.inference, count.eval_prompt, count.eval_completion),
        (1200, 340, 56)
    );
    assert_eq!(rows[1].rule_type, None);
    assert_eq!(
        rows[1].task_id.as_deref(),
        Some("8f14e45f-ceea-467a-9575-0d3d5b3a2c11")
    );
    let (got_path, query, headers) = only_request(&server).await;
    assert_eq!(got_path, "/api/v2/usage/tokens");
    assert_eq!(
        sorted_query(&query),
        sorted_query(
            "start_time=2024-11-01T00%3A00%3A00Z&end_time=2024-11-02T12%3A30%3A00Z&group_by=rule_type&group_by=task"
        ),
        "RFC 3339 times, repeated group_by keys"
    );
    assert_eq!(
        header(&headers, "authorization"),
        Some(format!("Bearer {SECRET}").as_str())
    );
    assert_no_stray_headers(&headers, &["authorization"]);
}

/// `value` as JSON text, with every object's `object` field written last.
fn json_with_tag_last(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Object(fields) => {
            let (tag, others): (Vec<_>, Vec<_>) =
                fields.iter().partition(|(name, _)| *name == "object");
            let parts: Vec<String> = others
                .into_iter()
                .chain(tag)
                .map(|(name, value)| {
                    format!(
                        "{}:{}",
                        serde_json::Value::from(name.as_str()),
                        json_with_tag_last(value)
                    )
                })
                .collect();
            format!("{{{}}}", parts.join(","))
        }
        serde_json::Value::Array(items) => {
            let items: Vec<String> = items.iter().map(json_with_tag_last).collect();
            format!("[{}]", items.join(","))
        }
        other => other.to_string(),
    }
}

/// The same results with each `object` tag written last: decoded through the
/// buffered path instead of the streaming one, to the same values.
#[tokio::test]
async fn openai_results_decode_the_same_whatever_the_field_order() {
    let original = fixture("openai_all_kinds.json");
    let reordered = json_with_tag_last(&serde_json::from_str(&original).unwrap());
    assert!(!reordered.contains(r#"{"object":"organization."#));

    let decode = |body: String| async move {
        let server = serve("/organization/usage/completions", 200, body).await;
        openai(&server)
            .usage_completions()
            .start_time(1730419200)
            .send()
            .await
            .unwrap()
    };
    let tag_first = decode(original).await;
    let tag_last = decode(reordered).await;
    assert_eq!(tag_first.data[0].results.len(), 5);
    assert_eq!(tag_first, tag_last);
}

fn anthropic(server: &MockServer) -> anthropic_usage::Client {
    anthropic_usage::Client::builder()
        .base_url(server.uri())
        .admin_key(SECRET)
        .build()
        .unwrap()
}

fn utc(text: &str) -> chrono::DateTime<chrono::Utc> {
    text.parse().unwrap()
}

/// Every parameter set: bracketed array names, one key per value, and the fixed
/// `anthropic-version` header nobody passed.
#[tokio::test]
async fn anthropic_messages_usage_report_sends_exactly_the_documented_request() {
    use anthropic_usage::types::{
        BucketWidth, ContextWindow, InferenceGeo, MessagesGroupBy, ServiceTier, Speed,
    };
    let route = "/v1/organizations/usage_report/messages";
    let server = serve(route, 200, fixture("anthropic_messages.json")).await;
    let report = anthropic(&server)
        .messages_usage_report()
        .starting_at(utc("2026-11-01T00:00:00Z"))
        .ending_at(utc("2026-11-03T00:00:00Z"))
        .bucket_width(BucketWidth::X1d)
        .limit(std::num::NonZeroU64::new(7).unwrap())
        .page("page_abc")
        .group_by(vec![MessagesGroupBy::Model, MessagesGroupBy::WorkspaceId])
        .api_key_ids(vec!["k1".to_owned()])
        .workspace_ids(vec!["w1".to_owned(), "w2".to_owned()])
        .models(vec!["claude-sonnet-4-5".to_owned()])
        .service_tiers(vec![ServiceTier::Standard, ServiceTier::Batch])
        .context_window(vec![ContextWindow::X0200k, ContextWindow::X200k1m])
        .inference_geos(vec![InferenceGeo::Us])
        .speeds(vec![Speed::Fast])
        .anthropic_beta(vec!["fast-mode-2026-01-01".to_owned(), "other".to_owned()])
        .send()
        .await
        .unwrap();

    let (path, query, headers) = only_request(&server).await;
    assert_eq!(path, route);
    let decoded: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let expected = [
        ("starting_at", "2026-11-01T00:00:00Z"),
        ("ending_at", "2026-11-03T00:00:00Z"),
        ("bucket_width", "1d"),
        ("limit", "7"),
        ("page", "page_abc"),
        ("group_by[]", "model"),
        ("group_by[]", "workspace_id"),
        ("api_key_ids[]", "k1"),
        ("workspace_ids[]", "w1"),
        ("workspace_ids[]", "w2"),
        ("models[]", "claude-sonnet-4-5"),
        ("service_tiers[]", "standard"),
        ("service_tiers[]", "batch"),
        ("context_window[]", "0-200k"),
        ("context_window[]", "200k-1M"),
        ("inference_geos[]", "us"),
        ("speeds[]", "fast"),
    ];
    for (key, value) in expected {
        assert!(
            decoded.iter().any(|(k, v)| k == key && v == value),
            "missing {key}={value} in {query}"
        );
    }
    assert_eq!(decoded.len(), expected.len(), "{query}");
    assert_eq!(header(&headers, "x-api-key"), Some(SECRET));
    assert_eq!(header(&headers, "anthropic-version"), Some("2023-06-01"));
    assert_eq!(
        header(&headers, "anthropic-beta"),
        Some("fast-mode-2026-01-01,other")
    );
    assert!(header(&headers, "authorization").is_none());
    assert_no_stray_headers(
        &headers,
        &["x-api-key", "anthropic-version", "anthropic-beta"],
    );

    assert_eq!(report.data.len(), 2);
    assert!(report.has_more);
    assert_eq!(
        report.next_page.as_deref(),
        Some("page_MjAyNi0xMS0wM1QwMDowMDowMFo=")
    );
    let grouped = &report.data[0].results[0];
    assert_eq!(grouped.uncached_input_tokens, 1500);
    assert_eq!(grouped.cache_creation.ephemeral_1h_input_tokens, 1000);
    assert_eq!(grouped.cache_creation.ephemeral_5m_input_tokens, 500);
    assert_eq!(grouped.cache_read_input_tokens, 200);
    assert_eq!(grouped.output_tokens, 500);
    assert_eq!(
        grouped
            .server_tool_use
            .as_ref()
            .map(|s| s.web_search_requests),
        Some(10)
    );
    assert_eq!(grouped.model.as_deref(), Some("claude-sonnet-4-5-20250929"));
    assert_eq!(grouped.context_window.as_deref(), Some("0-200k"));
    let console = &report.data[0].results[1];
    assert_eq!(console.api_key_id, None, "Console usage has no API key");
    assert_eq!(console.workspace_id, None, "the default workspace is null");
    assert!(console.server_tool_use.is_none());
    assert_eq!(console.speed.as_deref(), Some("fast"));
    assert_eq!(report.data[1].starting_at, utc("2026-11-02T00:00:00Z"));
    assert!(report.data[1].results.is_empty());
}

#[tokio::test]
async fn anthropic_minimal_request_sends_only_what_is_required() {
    let route = "/v1/organizations/usage_report/messages";
    let server = serve(route, 200, fixture("anthropic_messages.json")).await;
    anthropic(&server)
        .messages_usage_report()
        .starting_at(utc("2026-11-01T00:00:00Z"))
        .send()
        .await
        .unwrap();
    let (_, query, headers) = only_request(&server).await;
    assert_eq!(query, "starting_at=2026-11-01T00%3A00%3A00Z");
    assert_no_stray_headers(&headers, &["x-api-key", "anthropic-version"]);
}

/// Amounts stay the exact decimal strings (cents) the API sent.
#[tokio::test]
async fn anthropic_cost_report_keeps_amounts_exact() {
    use anthropic_usage::types::CostGroupBy;
    let route = "/v1/organizations/cost_report";
    let server = serve(route, 200, fixture("anthropic_cost.json")).await;
    let report = anthropic(&server)
        .cost_report()
        .starting_at(utc("2026-11-01T00:00:00Z"))
        .ending_at(utc("2026-11-02T00:00:00Z"))
        .group_by(vec![CostGroupBy::WorkspaceId, CostGroupBy::Description])
        .send()
        .await
        .unwrap();
    let (path, query, headers) = only_request(&server).await;
    assert_eq!(path, route);
    assert_eq!(
        sorted_query(&query),
        [
            "ending_at=2026-11-02T00%3A00%3A00Z",
            "group_by%5B%5D=workspace_id",
            "group_by%5B%5D=description",
            "starting_at=2026-11-01T00%3A00%3A00Z",
        ]
    );
    assert_eq!(header(&headers, "anthropic-version"), Some("2023-06-01"));
    assert!(!report.has_more);
    assert_eq!(report.next_page, None);
    let results = &report.data[0].results;
    assert_eq!(results[0].amount.to_string(), "123.45");
    assert_eq!(results[0].currency, "USD");
    assert_eq!(
        results[0].token_type.as_deref(),
        Some("uncached_input_tokens")
    );
    assert_eq!(
        results[1].amount.to_string(),
        "0.000000000000000000000000001",
        "no float could hold this"
    );
    assert_eq!(results[1].cost_type.as_deref(), Some("code_execution"));
    assert!(results[1].workspace_id.is_none() && results[1].model.is_none());
}

#[tokio::test]
async fn anthropic_claude_code_report_decodes_actors_metrics_and_tools() {
    use anthropic_usage::types::{Actor, ClaudeCodeRecordCustomerType};
    let route = "/v1/organizations/usage_report/claude_code";
    let server = serve(route, 200, fixture("anthropic_claude_code.json")).await;
    let report = anthropic(&server)
        .claude_code_usage_report()
        .starting_at(chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap())
        .limit(std::num::NonZeroU64::new(2).unwrap())
        .send()
        .await
        .unwrap();
    let (path, query, _) = only_request(&server).await;
    assert_eq!(path, route);
    assert_eq!(sorted_query(&query), ["limit=2", "starting_at=2026-11-01"]);
    let person = &report.data[0];
    match &person.actor {
        Actor::UserActor(actor) => assert_eq!(actor.email_address, "dev@example.com"),
        other => panic!("expected a user, got {other:?}"),
    }
    assert!(matches!(
        person.customer_type,
        ClaudeCodeRecordCustomerType::Api
    ));
    assert_eq!(person.core_metrics.lines_of_code.added, 1543);
    assert_eq!(person.core_metrics.commits_by_claude_code, 12);
    assert_eq!(person.tool_actions["edit_tool"].accepted, 45);
    assert_eq!(person.tool_actions["write_tool"].rejected, 1);
    let model = &person.model_breakdown[0];
    assert_eq!(model.tokens.cache_creation, 5000);
    assert_eq!(model.estimated_cost.amount, 1025, "cents");
    let key = &report.data[1];
    match &key.actor {
        Actor::ApiActor(actor) => assert_eq!(actor.api_key_name, "ci-bot"),
        other => panic!("expected an API key, got {other:?}"),
    }
    assert!(key.tool_actions.is_empty());
}

fn deepseek(server: &MockServer) -> deepseek_usage::Client {
    deepseek_usage::Client::builder()
        .base_url(server.uri())
        .api_key(SECRET)
        .build()
        .unwrap()
}

/// The documented example of "Get User Balance", with a second currency.
const DEEPSEEK_BALANCE: &str = r#"{"is_available":true,"balance_infos":[
    {"currency":"CNY","total_balance":"110.00","granted_balance":"10.00","topped_up_balance":"100.00"},
    {"currency":"USD","total_balance":"15.32","granted_balance":"0.00","topped_up_balance":"15.32"}]}"#;

#[tokio::test]
async fn deepseek_balance_sends_exactly_the_documented_request_and_keeps_every_digit() {
    let server = serve("/user/balance", 200, DEEPSEEK_BALANCE).await;
    let balance = deepseek(&server).balance().send().await.unwrap();
    assert!(balance.is_available);
    let amounts: Vec<(String, String, String, String)> = balance
        .balance_infos
        .iter()
        .map(|info| {
            let text = |d: Option<rust_decimal::Decimal>| d.unwrap().to_string();
            (
                info.currency.as_ref().unwrap().to_string(),
                text(info.total_balance),
                text(info.granted_balance),
                text(info.topped_up_balance),
            )
        })
        .collect();
    let expected = [
        ("CNY", "110.00", "10.00", "100.00"),
        ("USD", "15.32", "0.00", "15.32"),
    ]
    .map(|(c, t, g, u)| (c.to_owned(), t.to_owned(), g.to_owned(), u.to_owned()));
    assert_eq!(amounts, expected);
    let (got_path, query, headers) = only_request(&server).await;
    assert_eq!((got_path.as_str(), query.as_str()), ("/user/balance", ""));
    assert_eq!(
        header(&headers, "authorization"),
        Some(format!("Bearer {SECRET}").as_str())
    );
    assert_eq!(header(&headers, "accept"), Some("application/json"));
    assert_no_stray_headers(&headers, &["authorization"]);
}

#[tokio::test]
async fn deepseek_error_bodies_are_decoded_and_402_is_not_retried() {
    let body = r#"{"error":{"message":"Insufficient Balance","type":"unknown_error","param":null,"code":"invalid_request_error"}}"#;
    let server = serve("/user/balance", 402, body).await;
    let err = deepseek(&server).balance().send().await.unwrap_err();
    let api = err.api_error().unwrap();
    assert_eq!(api.status.as_u16(), 402);
    let error = api.body.error.as_ref().unwrap();
    assert_eq!(error.message.as_deref(), Some("Insufficient Balance"));
    assert_eq!(error.type_.as_deref(), Some("unknown_error"));
    let shown = err.to_string();
    assert!(
        shown.contains("getUserBalance")
            && shown.contains("HTTP 402")
            && shown.contains("Insufficient Balance"),
        "{shown}"
    );
    assert!(!shown.contains(SECRET) && !format!("{err:?}").contains(SECRET));
    let received = server.received_requests().await.unwrap().len();
    assert_eq!(received, 1, "a 402 (no balance) is not retried");
}

/// The report reads each currency's balance as one level of that currency: the
/// figures the provider sent, never added across currencies.
#[tokio::test]
async fn deepseek_balance_in_the_report_is_one_level_per_currency() {
    use usagekit_runtime::report::{Granularity, ReportQuery};
    let server = serve("/user/balance", 200, DEEPSEEK_BALANCE).await;
    let summary = deepseek_usage::SERVICE
        .summarize(
            &deepseek(&server),
            &ReportQuery::last_days(7, &[]),
            Granularity::Day,
        )
        .await
        .unwrap();
    let mut rows: Vec<(String, String, String)> = summary
        .rows()
        .map(|(row, value)| (row.metric.to_string(), row.unit.clone(), value.to_string()))
        .collect();
    rows.sort();
    // Computed from the body above, independently of the mapping.
    let body: serde_json::Value = serde_json::from_str(DEEPSEEK_BALANCE).unwrap();
    let mut expected = Vec::new();
    for info in body["balance_infos"].as_array().unwrap() {
        for (metric, field) in [
            ("balance", "total_balance"),
            ("granted_balance", "granted_balance"),
            ("topped_up_balance", "topped_up_balance"),
        ] {
            let exact: rust_decimal::Decimal = info[field].as_str().unwrap().parse().unwrap();
            expected.push((
                metric.to_owned(),
                info["currency"].as_str().unwrap().to_owned(),
                exact.normalize().to_string(),
            ));
        }
    }
    expected.sort();
    assert_eq!(rows, expected);
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "a balance is read once"
    );
}

fn openrouter(server: &MockServer) -> openrouter_usage::Client {
    openrouter_usage::Client::builder()
        .base_url(server.uri())
        .api_key(SECRET)
        .build()
        .unwrap()
}

/// Three days of activity: one before the asked range, as OpenRouter always answers
/// with its last 30 days.
const OPENROUTER_ACTIVITY: &str = r#"{"data":[
  {"date":"2026-10-31","model":"openai/gpt-4.1","model_permaslug":"openai/gpt-4.1-2025-04-14","endpoint_id":"e1","provider_name":"OpenAI","usage":7.5,"byok_usage_inference":0,"requests":900,"prompt_tokens":9000,"completion_tokens":900,"reasoning_tokens":0},
  {"date":"2026-11-01","model":"openai/gpt-4.1","model_permaslug":"openai/gpt-4.1-2025-04-14","endpoint_id":"e1","provider_name":"OpenAI","usage":0.015,"byok_usage_inference":0,"requests":5,"prompt_tokens":50,"completion_tokens":125,"reasoning_tokens":25},
  {"date":"2026-11-01","model":"openai/gpt-4.1","model_permaslug":"openai/gpt-4.1-2025-04-14","endpoint_id":"e2","provider_name":"Azure","usage":0.1,"byok_usage_inference":0.02,"requests":2,"prompt_tokens":10,"completion_tokens":20,"reasoning_tokens":0},
  {"date":"2026-11-02","model":"anthropic/claude-sonnet-4.5","model_permaslug":"anthropic/claude-4.5-sonnet-20250929","endpoint_id":"e3","provider_name":"Anthropic","usage":0.4215,"byok_usage_inference":0,"requests":12,"prompt_tokens":98000,"completion_tokens":8450,"reasoning_tokens":0}
]}"#;

#[tokio::test]
async fn openrouter_activity_sends_exactly_the_documented_request() {
    let server = serve("/activity", 200, OPENROUTER_ACTIVITY).await;
    let activity = openrouter(&server)
        .activity()
        .date(chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap())
        .api_key_hash("ab12")
        .send()
        .await
        .unwrap();
    assert_eq!(activity.data.len(), 4);
    let row = &activity.data[1];
    assert_eq!(row.date.to_string(), "2026-11-01");
    assert_eq!(row.usage.to_string(), "0.015");
    assert_eq!(
        (
            row.requests,
            row.prompt_tokens,
            row.completion_tokens,
            row.reasoning_tokens
        ),
        (5, 50, 125, 25)
    );
    let (got_path, query, headers) = only_request(&server).await;
    assert_eq!(got_path, "/activity");
    assert_eq!(
        sorted_query(&query),
        ["api_key_hash=ab12", "date=2026-11-01"]
    );
    assert_eq!(
        header(&headers, "authorization"),
        Some(format!("Bearer {SECRET}").as_str())
    );
    assert_no_stray_headers(&headers, &["authorization"]);
}

#[tokio::test]
async fn openrouter_credits_and_key_keep_every_digit_and_errors_decode() {
    let server = MockServer::start().await;
    for (route, body) in [
        (
            "/credits",
            r#"{"data":{"total_credits":100.5,"total_usage":25.75}}"#,
        ),
        (
            "/key",
            r#"{"data":{"label":"sk-or-v1-0e6...1c96","limit":null,"limit_remaining":null,"limit_reset":null,"usage":25.75,"usage_daily":1.5,"usage_weekly":9.25,"usage_monthly":25.75,"is_free_tier":false}}"#,
        ),
    ] {
        wiremock::Mock::given(wiremock::matchers::path(route))
            .respond_with(usagekit_tests::json(200, body))
            .mount(&server)
            .await;
    }
    let client = openrouter(&server);
    let credits = client.credits().send().await.unwrap();
    assert_eq!(
        (
            credits.data.total_credits.to_string(),
            credits.data.total_usage.to_string()
        ),
        ("100.5".to_owned(), "25.75".to_owned())
    );
    let key = client.current_key().send().await.unwrap();
    assert_eq!(key.data.usage_weekly.unwrap().to_string(), "9.25");
    assert!(key.data.limit.is_null());

    let body = r#"{"error":{"code":401,"message":"No auth credentials found"}}"#;
    let server = serve("/activity", 401, body).await;
    let err = openrouter(&server).activity().send().await.unwrap_err();
    let api = err.api_error().unwrap();
    assert_eq!(api.status.as_u16(), 401);
    assert_eq!(api.body.error.as_ref().unwrap().code, Some(401));
    let shown = err.to_string();
    assert!(
        shown.contains("get-user-activity") && shown.contains("No auth credentials found"),
        "{shown}"
    );
    assert!(!shown.contains(SECRET) && !format!("{err:?}").contains(SECRET));
}

/// The report's daily totals equal sums computed from the body independently, and a
/// day outside the asked range is not in them.
#[tokio::test]
async fn openrouter_activity_in_the_report_sums_each_asked_day() {
    use rust_decimal::Decimal;
    use usagekit_runtime::report::{Granularity, ReportQuery};
    let server = serve("/activity", 200, OPENROUTER_ACTIVITY).await;
    wiremock::Mock::given(wiremock::matchers::path("/credits"))
        .respond_with(usagekit_tests::json(
            200,
            r#"{"data":{"total_credits":100.5,"total_usage":25.75}}"#,
        ))
        .mount(&server)
        .await;
    let query = ReportQuery::examples(&[]);
    let summary = openrouter_usage::SERVICE
        .summarize(&openrouter(&server), &query, Granularity::Day)
        .await
        .unwrap();
    let got: std::collections::BTreeMap<(String, String, String), Decimal> = summary
        .rows()
        .map(|(row, value)| {
            let day = row
                .period_start
                .map(|d| d.date_naive().to_string())
                .unwrap_or_else(|| row.period_label(Granularity::Day));
            ((day, row.metric.to_string(), row.unit.clone()), value)
        })
        .collect();
    let body: serde_json::Value = serde_json::from_str(OPENROUTER_ACTIVITY).unwrap();
    let mut expected = std::collections::BTreeMap::new();
    for row in body["data"].as_array().unwrap() {
        let day = row["date"].as_str().unwrap().to_owned();
        if day.as_str() < "2026-11-01" || day.as_str() >= "2026-11-04" {
            continue;
        }
        for (metric, field, unit) in [
            ("cost", "usage", "USD"),
            ("byok_cost", "byok_usage_inference", "USD"),
            ("requests", "requests", "requests"),
            ("input_tokens", "prompt_tokens", "tokens"),
            ("output_tokens", "completion_tokens", "tokens"),
            ("reasoning_tokens", "reasoning_tokens", "tokens"),
        ] {
            let value: Decimal = row[field].to_string().parse().unwrap();
            *expected
                .entry((day.clone(), metric.to_owned(), unit.to_owned()))
                .or_insert(Decimal::ZERO) += value;
        }
    }
    expected.insert(
        ("credits now".into(), "total_credits".into(), "USD".into()),
        "100.5".parse().unwrap(),
    );
    expected.insert(
        (
            "credits now".into(),
            "total_credits_used".into(),
            "USD".into(),
        ),
        "25.75".parse().unwrap(),
    );
    let expected: std::collections::BTreeMap<_, Decimal> = expected
        .into_iter()
        .map(|(k, v): (_, Decimal)| (k, v.normalize()))
        .collect();
    assert_eq!(got, expected);
    assert!(!got.keys().any(|(day, _, _)| day == "2026-10-31"));

    // By the provider OpenRouter routed to: each one's spend in the asked days.
    use usagekit_runtime::report::Dimension;
    let by_upstream = openrouter_usage::SERVICE
        .summarize(
            &openrouter(&server),
            &ReportQuery::examples(&[Dimension::Upstream]),
            Granularity::Month,
        )
        .await
        .unwrap();
    let spend: std::collections::BTreeMap<String, Decimal> = by_upstream
        .rows()
        .filter(|(row, _)| row.metric == "cost")
        .map(|(row, value)| (row.dimension(Dimension::Upstream).to_owned(), value))
        .collect();
    let mut expected_spend = std::collections::BTreeMap::new();
    for row in body["data"].as_array().unwrap() {
        let day = row["date"].as_str().unwrap();
        if ("2026-11-01".."2026-11-04").contains(&day) {
            let value: Decimal = row["usage"].to_string().parse().unwrap();
            *expected_spend
                .entry(row["provider_name"].as_str().unwrap().to_owned())
                .or_insert(Decimal::ZERO) += value;
        }
    }
    let expected_spend: std::collections::BTreeMap<_, Decimal> = expected_spend
        .into_iter()
        .map(|(k, v): (_, Decimal)| (k, v.normalize()))
        .collect();
    assert_eq!(spend, expected_spend);
    assert_eq!(spend.len(), 3, "OpenAI, Azure and Anthropic");
}

fn xai(server: &MockServer) -> xai_usage::Client {
    xai_usage::Client::builder()
        .base_url(server.uri())
        .management_key(SECRET)
        .team_id("team-1")
        .build()
        .unwrap()
}

/// The prepaid ledger as xAI sends it: credit is negative USD cents, as a string.
const XAI_BALANCE: &str = r#"{"changes":[],"total":{"val":"-12550"}}"#;

#[tokio::test]
async fn xai_balance_names_the_clients_team_and_reads_the_inverted_ledger() {
    let route = "/v1/billing/teams/team-1/prepaid/balance";
    let server = serve(route, 200, XAI_BALANCE).await;
    let balance = xai(&server).prepaid_balance().send().await.unwrap();
    assert_eq!(balance.total.val, "-12550");
    let (got_path, query, headers) = only_request(&server).await;
    assert_eq!((got_path.as_str(), query.as_str()), (route, ""));
    assert_eq!(
        header(&headers, "authorization"),
        Some(format!("Bearer {SECRET}").as_str())
    );
    assert_no_stray_headers(&headers, &["authorization"]);

    // A call may name another team; without any, the error says how to set one.
    let other = serve("/v1/billing/teams/team-2/prepaid/balance", 200, XAI_BALANCE).await;
    xai(&other)
        .prepaid_balance()
        .team_id("team-2")
        .send()
        .await
        .unwrap();
    let unset = xai_usage::Client::builder()
        .base_url(other.uri())
        .management_key(SECRET)
        .build()
        .unwrap();
    let err = unset
        .prepaid_balance()
        .send()
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("team_id") && err.contains("XAI_TEAM_ID"),
        "{err}"
    );

    // The report: one level in USD, the ledger's cents negated (computed here
    // independently). The invoice preview is not served: left out with a note.
    use usagekit_runtime::report::{Granularity, ReportQuery};
    let mut rows = Vec::new();
    let notes = xai_usage::SERVICE
        .run_report(
            &xai(&server),
            &ReportQuery::last_days(7, &[]),
            &|_| true,
            &mut |_| {},
            &mut |record| rows.push(record),
        )
        .await
        .unwrap();
    assert!(
        notes.iter().any(|n| n.contains("previewPostpaidInvoice")),
        "{notes:?}"
    );
    let cents: rust_decimal::Decimal = "-12550".parse().unwrap();
    let expected = (-cents / rust_decimal::Decimal::from(100)).normalize();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (
            rows[0].metric.as_ref(),
            rows[0].unit.as_str(),
            rows[0].value,
            rows[0].level
        ),
        ("balance", "USD", expected, true)
    );
    let summary = xai_usage::SERVICE
        .summarize(
            &xai(&server),
            &ReportQuery::last_days(7, &[]),
            Granularity::Day,
        )
        .await
        .unwrap();
    let values: Vec<String> = summary.rows().map(|(_, v)| v.to_string()).collect();
    assert_eq!(values, ["125.5"]);
}

#[tokio::test]
async fn xai_error_bodies_are_decoded_without_the_key() {
    let route = "/v1/billing/teams/team-1/prepaid/balance";
    let server = serve(
        route,
        403,
        r#"{"code":"forbidden","error":"not a management key"}"#,
    )
    .await;
    let err = xai(&server).prepaid_balance().send().await.unwrap_err();
    let api = err.api_error().unwrap();
    assert_eq!(api.status.as_u16(), 403);
    assert_eq!(api.body.error.as_deref(), Some("not a management key"));
    let shown = err.to_string();
    assert!(
        shown.contains("getPrepaidBalance") && shown.contains("not a management key"),
        "{shown}"
    );
    assert!(!shown.contains(SECRET) && !format!("{err:?}").contains(SECRET));
}

fn fireworks(server: &MockServer) -> fireworks_usage::Client {
    fireworks_usage::Client::builder()
        .base_url(server.uri())
        .api_key(SECRET)
        .account_id("acct-1")
        .build()
        .unwrap()
}

/// Two days by model; money in parts, one with a negative adjustment.
const FIREWORKS_COSTS: &str = r#"{"usageCosts":[
    {"startTime":"2026-11-01T00:00:00Z","model":"m-a","subtotal":{"currencyCode":"USD","units":"12","nanos":340000001}},
    {"startTime":"2026-11-01T00:00:00Z","model":"m-b","subtotal":{"currencyCode":"USD","units":"0","nanos":999999999}},
    {"startTime":"2026-11-02T00:00:00Z","model":"m-a","subtotal":{"currencyCode":"USD","units":"-1","nanos":-250000000}},
    {"startTime":"2026-11-02T00:00:00Z","model":"m-c","subtotal":{"currencyCode":"EUR","units":"7","nanos":5}}],
  "subtotal":{"currencyCode":"USD","units":"12","nanos":89999999},"nextPageToken":""}"#;

/// The report asks with a POST body (its range, DAY and MODEL, the fixed scope and
/// page size), and sums `units + nanos × 10⁻⁹` exactly, per currency.
#[tokio::test]
async fn fireworks_report_posts_its_query_and_reads_money_in_parts_exactly() {
    use rust_decimal::Decimal;
    use usagekit_runtime::report::{Dimension, Granularity, ReportQuery};
    let server = MockServer::start().await;
    let route = "/v1/accounts/acct-1/usageCosts:query";
    // Two pages: the first says the token of the second, which the report sends in
    // the body; the second is FIREWORKS_COSTS, the last.
    let first_page = r#"{"usageCosts":[
        {"startTime":"2026-11-03T00:00:00Z","model":"m-a","subtotal":{"currencyCode":"USD","units":"2","nanos":500000000}}],
      "nextPageToken":"page-2"}"#;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .and(wiremock::matchers::path(route))
        .and(wiremock::matchers::body_partial_json(
            serde_json::json!({"pageToken": "page-2"}),
        ))
        .respond_with(usagekit_tests::json(200, FIREWORKS_COSTS))
        .with_priority(1)
        .mount(&server)
        .await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .and(wiremock::matchers::path(route))
        .respond_with(usagekit_tests::json(200, first_page))
        .with_priority(2)
        .mount(&server)
        .await;
    let query = ReportQuery::examples(&[Dimension::Model]);
    let summary = fireworks_usage::SERVICE
        .summarize(&fireworks(&server), &query, Granularity::Day)
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2, "both pages, then no more");
    let request = &requests[0];
    assert_eq!(request.url.query(), None);
    let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
    let mut expected_body = serde_json::json!({
        "startTime": query.since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "endTime": query.until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "groupBy": ["DAY", "MODEL"],
        "scope": "ACCOUNT",
        "pageSize": 1000
    });
    assert_eq!(body, expected_body);
    let second: serde_json::Value = serde_json::from_slice(&requests[1].body).unwrap();
    expected_body["pageToken"] = "page-2".into();
    assert_eq!(second, expected_body);
    let content_type = request
        .headers
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap();
    assert_eq!(content_type, "application/json");

    let got: std::collections::BTreeMap<(String, String, String), Decimal> = summary
        .rows()
        .map(|(row, value)| {
            let day = row.period_start.unwrap().date_naive().to_string();
            ((day, row.model.clone().unwrap(), row.unit.clone()), value)
        })
        .collect();
    // Independently: whole units plus billionths.
    let mut expected = std::collections::BTreeMap::new();
    let pages: Vec<serde_json::Value> = [first_page, FIREWORKS_COSTS]
        .iter()
        .map(|page| serde_json::from_str(page).unwrap())
        .collect();
    for row in pages
        .iter()
        .flat_map(|page| page["usageCosts"].as_array().unwrap())
    {
        let money = &row["subtotal"];
        let units: Decimal = money["units"].as_str().unwrap().parse().unwrap();
        let nanos = Decimal::new(money["nanos"].as_i64().unwrap(), 9);
        let day = row["startTime"].as_str().unwrap()[..10].to_owned();
        let key = (
            day,
            row["model"].as_str().unwrap().to_owned(),
            money["currencyCode"].as_str().unwrap().to_owned(),
        );
        *expected.entry(key).or_insert(Decimal::ZERO) += units + nanos;
    }
    let expected: std::collections::BTreeMap<_, Decimal> = expected
        .into_iter()
        .map(|(k, v)| (k, v.normalize()))
        .collect();
    assert_eq!(got, expected);
    assert_eq!(
        got[&("2026-11-01".into(), "m-a".into(), "USD".into())].to_string(),
        "12.340000001"
    );
}

#[tokio::test]
async fn fireworks_typed_call_sends_its_body_and_decodes_errors() {
    use fireworks_usage::types::{GroupBy, UsageCostsQuery};
    let server = MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(usagekit_tests::json(
            400,
            r#"{"code":3,"message":"endTime must be after startTime","details":[]}"#,
        ))
        .mount(&server)
        .await;
    let err = fireworks(&server)
        .usage_costs()
        .body(
            UsageCostsQuery::builder()
                .start_time(utc("2026-11-02T00:00:00Z"))
                .end_time(utc("2026-11-01T00:00:00Z"))
                .group_by(vec![GroupBy::Model]),
        )
        .send()
        .await
        .unwrap_err();
    let api = err.api_error().unwrap();
    assert_eq!(api.status.as_u16(), 400);
    let shown = err.to_string();
    assert!(
        shown.contains("queryUsageCosts") && shown.contains("endTime must be after startTime"),
        "{shown}"
    );
    assert!(!shown.contains(SECRET) && !format!("{err:?}").contains(SECRET));
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests[0].url.path(),
        "/v1/accounts/acct-1/usageCosts:query"
    );
    let body: serde_json::Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "startTime": "2026-11-02T00:00:00Z",
            "endTime": "2026-11-01T00:00:00Z",
            "groupBy": ["MODEL"]
        })
    );
}

const ANTHROPIC_ANALYTICS_USAGE: &str = r#"{"data":[
  {"starting_at":"2026-11-01T00:00:00Z","ending_at":"2026-11-02T00:00:00Z","results":[
    {"uncached_input_tokens":820000,"cache_creation":{"ephemeral_1h_input_tokens":150000,"ephemeral_5m_input_tokens":40000},
     "cache_read_input_tokens":2100000,"output_tokens":260000,"requests":1840,"model":"claude-sonnet-4-5","product":null}]}],
  "has_more":false,"next_page":null}"#;

const ANTHROPIC_ANALYTICS_COST: &str = r#"{"data":[
  {"starting_at":"2026-11-01T00:00:00Z","ending_at":"2026-11-02T00:00:00Z","results":[
    {"amount":"636.0125","list_amount":"702.50","currency":"USD","model":"claude-sonnet-4-5","requests":1840},
    {"amount":"0.0001","list_amount":"0.0001","currency":"USD","model":null,"requests":null}]}],
  "has_more":false,"next_page":null}"#;

/// Both generations of Anthropic's reports answer: the analytics API's figures are
/// read, the legacy reports are not asked at all, and every analytics call carries
/// the beta flag from the settings.
#[tokio::test]
async fn anthropic_analytics_replace_the_legacy_reports_and_nothing_is_counted_twice() {
    use rust_decimal::Decimal;
    use usagekit_runtime::report::{Granularity, ReportQuery};
    let server = MockServer::start().await;
    for (route, body) in [
        (
            "/v1/organizations/analytics/usage_report",
            ANTHROPIC_ANALYTICS_USAGE.to_owned(),
        ),
        (
            "/v1/organizations/analytics/cost_report",
            ANTHROPIC_ANALYTICS_COST.to_owned(),
        ),
        (
            "/v1/organizations/usage_report/messages",
            fixture("anthropic_messages.json"),
        ),
        (
            "/v1/organizations/cost_report",
            fixture("anthropic_cost.json"),
        ),
    ] {
        wiremock::Mock::given(wiremock::matchers::path(route))
            .respond_with(usagekit_tests::json(200, body))
            .mount(&server)
            .await;
    }
    let query = ReportQuery::examples(&[]);
    let mut notes = Vec::new();
    let mut records = Vec::new();
    notes.extend(
        anthropic_usage::SERVICE
            .run_report(
                &anthropic(&server),
                &query,
                &|_| true,
                &mut |_| {},
                &mut |record| records.push(record),
            )
            .await
            .unwrap(),
    );
    let requests = server.received_requests().await.unwrap();
    let paths: Vec<&str> = requests.iter().map(|r| r.url.path()).collect();
    assert!(
        !paths.contains(&"/v1/organizations/usage_report/messages")
            && !paths.contains(&"/v1/organizations/cost_report"),
        "legacy reports asked: {paths:?}"
    );
    for request in &requests {
        let beta = request
            .headers
            .get("anthropic-beta")
            .map(|v| v.to_str().unwrap());
        assert_eq!(
            beta,
            Some("analytics-usage-cost-2026-08-24"),
            "{}",
            request.url
        );
        assert_eq!(
            request
                .headers
                .get("anthropic-version")
                .unwrap()
                .to_str()
                .unwrap(),
            "2023-06-01"
        );
        let query: Vec<&str> = sorted_query(request.url.query().unwrap_or_default());
        assert_eq!(
            query,
            [
                "bucket_width=1d",
                "ending_at=2026-11-04T00%3A00%3A00Z",
                "limit=31",
                "starting_at=2026-11-01T00%3A00%3A00Z"
            ]
        );
    }
    assert!(
        notes.iter().any(|n| n.starts_with("get-cost-report"))
            && notes
                .iter()
                .any(|n| n.starts_with("get-messages-usage-report")),
        "{notes:?}"
    );
    // Every record says its source; the sums are the analytics bodies', computed here.
    assert!(
        records
            .iter()
            .all(|r| r.source.starts_with("get-analytics-"))
    );
    let sum = |metric: &str| -> Decimal {
        records
            .iter()
            .filter(|r| r.metric == metric)
            .map(|r| r.value)
            .sum::<Decimal>()
            .normalize()
    };
    let cost: Decimal = ["636.0125", "0.0001"]
        .iter()
        .map(|a| a.parse::<Decimal>().unwrap() / Decimal::from(100))
        .sum();
    assert_eq!(sum("cost"), cost.normalize());
    assert_eq!(
        sum("input_tokens"),
        Decimal::from(820_000 + 150_000 + 40_000 + 2_100_000)
    );
    assert_eq!(sum("requests"), Decimal::from(1840));
    let _ = Granularity::Day;
}

/// Without the analytics API (a key without the scope: 403), the legacy reports
/// are read instead, and the notes say so.
#[tokio::test]
async fn anthropic_legacy_reports_are_read_when_the_analytics_api_refuses() {
    use usagekit_runtime::report::{Granularity, ReportQuery};
    let server = MockServer::start().await;
    let refused = r#"{"type":"error","error":{"type":"permission_error","message":"analytics needs read:analytics"}}"#;
    for (route, status, body) in [
        (
            "/v1/organizations/analytics/usage_report",
            403,
            refused.to_owned(),
        ),
        (
            "/v1/organizations/analytics/cost_report",
            403,
            refused.to_owned(),
        ),
        (
            "/v1/organizations/usage_report/messages",
            200,
            last_page("anthropic_messages.json"),
        ),
        (
            "/v1/organizations/cost_report",
            200,
            last_page("anthropic_cost.json"),
        ),
    ] {
        wiremock::Mock::given(wiremock::matchers::path(route))
            .respond_with(usagekit_tests::json(status, body))
            .mount(&server)
            .await;
    }
    let query = ReportQuery::examples(&[]);
    let mut notes = Vec::new();
    let mut sources = std::collections::BTreeSet::new();
    notes.extend(
        anthropic_usage::SERVICE
            .run_report(
                &anthropic(&server),
                &query,
                &|_| true,
                &mut |_| {},
                &mut |record| {
                    sources.insert(record.source.to_string());
                },
            )
            .await
            .unwrap(),
    );
    assert_eq!(
        sources.into_iter().collect::<Vec<_>>(),
        ["get-cost-report", "get-messages-usage-report"]
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("get-messages-usage-report was read instead")),
        "{notes:?}"
    );
    let _ = Granularity::Day;
}

/// A committed page as the last one: no more pages after it.
fn last_page(name: &str) -> String {
    let mut page: serde_json::Value = serde_json::from_str(&fixture(name)).unwrap();
    page["has_more"] = false.into();
    page["next_page"] = serde_json::Value::Null;
    page.to_string()
}

/// A server that hands out the same page token again is stopped, not followed
/// forever, and the error names the operation.
#[tokio::test]
async fn fireworks_repeated_page_token_stops_the_report() {
    use usagekit_runtime::report::{Granularity, ReportQuery};
    let server = MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(usagekit_tests::json(
            200,
            r#"{"usageCosts":[],"nextPageToken":"again"}"#,
        ))
        .mount(&server)
        .await;
    let error = fireworks_usage::SERVICE
        .summarize(
            &fireworks(&server),
            &ReportQuery::examples(&[]),
            Granularity::Day,
        )
        .await
        .unwrap_err();
    assert!(
        error.contains("queryUsageCosts") && error.contains("page token"),
        "{error}"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}
