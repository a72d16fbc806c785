//! Faults a server can throw at a client, and what the client does: cycling cursors,
//! redirects to another origin, bodies that break after the status, overload codes.
//! Real servers on loopback (127.0.0.1, and 127.0.0.2 as "another host").

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use openai_usage::{ErrorKind, RetryPolicy, TryStreamExt};
use usagekit_tests::{SECRET, json};
use wiremock::matchers::{path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const COSTS: &str = "/organization/costs";

fn page(next: Option<&str>) -> String {
    let next_json = next.map_or("null".to_owned(), |n| format!("\"{n}\""));
    format!(
        r#"{{"object":"page","data":[{{"object":"bucket","start_time":1,"end_time":2,"results":[]}}],"has_more":{},"next_page":{next_json}}}"#,
        next.is_some()
    )
}

async fn mount_page(server: &MockServer, cursor: Option<&str>, next: Option<&str>) {
    let mock = Mock::given(path(COSTS));
    let mock = match cursor {
        None => mock.and(query_param_is_missing("page")),
        Some(cursor) => mock.and(query_param("page", cursor)),
    };
    mock.respond_with(json(200, page(next))).mount(server).await;
}

fn openai(base_url: &str) -> openai_usage::ClientBuilder {
    openai_usage::Client::builder()
        .base_url(base_url)
        .api_key(SECRET)
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(10),
            ..RetryPolicy::default()
        })
}

type CostsResult = Result<
    openai_usage::types::UsageResponse,
    openai_usage::Error<openai_usage::types::ErrorResponse>,
>;

/// One `usage_costs` call from `builder`'s client.
async fn send_costs(builder: openai_usage::ClientBuilder) -> CostsResult {
    builder
        .build()
        .unwrap()
        .usage_costs()
        .start_time(0)
        .send()
        .await
}

/// One `usage_costs` call, no retries, that must fail.
async fn costs_once(
    builder: openai_usage::ClientBuilder,
) -> openai_usage::Error<openai_usage::types::ErrorResponse> {
    send_costs(builder.max_retries(0)).await.unwrap_err()
}

#[tokio::test]
async fn cycling_cursors_end_the_stream_with_a_pagination_error() {
    let server = MockServer::start().await;
    mount_page(&server, None, Some("A")).await;
    mount_page(&server, Some("A"), Some("B")).await;
    mount_page(&server, Some("B"), Some("A")).await;
    let client = openai(&server.uri()).build().unwrap();

    let mut stream = client.usage_costs().start_time(0).stream();
    let mut items = 0;
    let err = loop {
        match stream.try_next().await {
            Ok(Some(_)) => items += 1,
            Ok(None) => panic!("the stream ended without noticing the cycle"),
            Err(err) => break err,
        }
    };
    assert_eq!(items, 3, "every page's items come before the error");
    assert!(matches!(err.kind(), ErrorKind::Pagination(_)), "{err:?}");
    let message = err.to_string();
    assert!(message.starts_with("usage-costs: "), "{message}");
    assert!(message.contains("\"A\""), "{message}");
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
    assert!(
        stream.try_next().await.unwrap().is_none(),
        "nothing after the error"
    );
}

#[tokio::test]
async fn max_pages_caps_a_stream_that_never_ends() {
    let server = MockServer::start().await;
    // Every page points to a new cursor: only a cap can stop this.
    Mock::given(path(COSTS))
        .respond_with(move |request: &wiremock::Request| {
            let n: u64 = request
                .url
                .query_pairs()
                .find(|(k, _)| k == "page")
                .map_or(0, |(_, v)| v.parse().unwrap());
            json(200, page(Some(&(n + 1).to_string())))
        })
        .mount(&server)
        .await;
    let client = openai(&server.uri()).max_pages(5).build().unwrap();
    let items: Vec<_> = client
        .usage_costs()
        .start_time(0)
        .stream()
        .collect::<Vec<_>>()
        .await;
    assert_eq!(items.iter().filter(|item| item.is_ok()).count(), 5);
    let err = items.last().unwrap().as_ref().unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Pagination(_)), "{err:?}");
    assert!(err.to_string().contains("max_pages"), "{err}");
    assert_eq!(server.received_requests().await.unwrap().len(), 5);
}

/// A server on 127.0.0.2: another host, as far as origins go.
async fn other_host() -> MockServer {
    let listener = TcpListener::bind("127.0.0.2:0").expect("127.0.0.2 is loopback too");
    let server = MockServer::builder().listener(listener).start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(json(200, page(None)))
        .mount(&server)
        .await;
    server
}

/// Answers every request with `status` and `Location: target`.
async fn redirecting_to(status: u16, target: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(status).insert_header("Location", target))
        .mount(&server)
        .await;
    server
}

fn assert_refused_redirect<E: std::fmt::Debug>(err: &usagekit_runtime::Error<E>, status: u16) {
    let ErrorKind::Redirect {
        status: got,
        location,
    } = err.kind()
    else {
        panic!("expected a refused redirect, got {err:?}");
    };
    assert_eq!(got.as_u16(), status);
    assert!(location.as_deref().unwrap().contains("127.0.0.2"));
    let message = err.to_string();
    assert!(message.contains(&format!("HTTP {status}")), "{message}");
    assert!(!message.contains(SECRET), "{message}");
}

#[tokio::test]
async fn no_credential_follows_a_redirect_to_another_host() {
    let elsewhere = other_host().await;
    let target = format!("{}{COSTS}", elsewhere.uri());

    for status in [301, 302, 303, 307, 308] {
        // A bearer token plus a sensitive user header (OpenAI).
        let origin = redirecting_to(status, &target).await;
        let err = send_costs(openai(&origin.uri()).header("x-custom-secret", SECRET))
            .await
            .unwrap_err();
        assert_refused_redirect(&err, status);
        assert_eq!(err.operation(), "usage-costs");
    }

    // An apiKey header credential (BokaMera's `x-api-key`) and a bearer token.
    let origin = redirecting_to(307, &format!("{}/v1/aichat/usage", elsewhere.uri())).await;
    let err = bokamera_usage::Client::builder()
        .base_url(origin.uri())
        .api_key(SECRET)
        .access_token(SECRET)
        .build()
        .unwrap()
        .ai_chat_usage()
        .send()
        .await
        .unwrap_err();
    assert_refused_redirect(&err, 307);

    let reached = elsewhere.received_requests().await.unwrap();
    assert!(
        reached.is_empty(),
        "the other host was reached: {:?}",
        reached.iter().map(|r| &r.headers).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_redirect_to_another_port_on_the_same_host_is_another_origin() {
    let elsewhere = MockServer::start().await;
    let origin = redirecting_to(307, &format!("{}{COSTS}", elsewhere.uri())).await;
    let err = send_costs(openai(&origin.uri())).await.unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Redirect { .. }), "{err:?}");
    assert!(elsewhere.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn same_origin_redirects_are_followed_with_credentials_up_to_a_limit() {
    let server = MockServer::start().await;
    Mock::given(path("/moved/organization/costs"))
        .respond_with(ResponseTemplate::new(308).insert_header("Location", COSTS))
        .mount(&server)
        .await;
    Mock::given(path(COSTS))
        .and(wiremock::matchers::header(
            "authorization",
            format!("Bearer {SECRET}").as_str(),
        ))
        .respond_with(json(200, page(None)))
        .mount(&server)
        .await;
    let page = send_costs(openai(&format!("{}/moved", server.uri())))
        .await
        .unwrap();
    assert!(!page.has_more, "the page behind the redirect was decoded");

    // A loop on the same origin ends instead of spinning.
    let looping = MockServer::start().await;
    Mock::given(path(COSTS))
        .respond_with(ResponseTemplate::new(302).insert_header("Location", COSTS))
        .mount(&looping)
        .await;
    let err = costs_once(openai(&looping.uri())).await;
    assert!(matches!(err.kind(), ErrorKind::Transport(_)), "{err:?}");
    let hops = looping.received_requests().await.unwrap().len();
    assert_eq!(hops, usagekit_runtime::MAX_REDIRECTS + 1);
}

/// A raw server that sends `head` then `body`, then closes, for every connection.
fn raw_server(head: &'static str, body: &'static str, hold: Duration) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(8) {
            let Ok(mut stream) = stream else { return };
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body.as_bytes());
            let _ = stream.flush();
            std::thread::sleep(hold);
        }
    });
    format!("http://{address}")
}

#[tokio::test]
async fn a_body_that_breaks_after_the_status_names_the_status() {
    // Truncated: the length promises more than arrives before the close.
    let base = raw_server(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n",
        r#"{"object":"page","data":[{"object":"bucket","#,
        Duration::ZERO,
    );
    let err = costs_once(openai(&base)).await;
    let ErrorKind::Body { status, .. } = err.kind() else {
        panic!("{err:?}")
    };
    assert_eq!(status.as_u16(), 200);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    let message = err.to_string();
    assert!(
        message.starts_with("usage-costs: HTTP 200 OK: reading the body failed"),
        "{message}"
    );

    // Stalled: headers, a little body, then silence past the attempt timeout.
    let base = raw_server(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n",
        r#"{"object":"page","#,
        Duration::from_secs(3),
    );
    let started = Instant::now();
    let err = costs_once(openai(&base).timeout(Duration::from_millis(300))).await;
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200), "{err}");

    // Reset mid-way through a chunked body.
    let base = raw_server(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n",
        "10\r\n{\"object\":\"page\"\r\n",
        Duration::ZERO,
    );
    let err = costs_once(openai(&base)).await;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200), "{err:?}");
}

/// A provider that declares Anthropic's overload status, as `providers.toml`'s
/// `retry-statuses` makes generated crates do.
static OVERLOADED_PROVIDER: usagekit_runtime::ProviderInfo = usagekit_runtime::ProviderInfo {
    name: "Overloaded",
    default_base_url: "http://127.0.0.1:9",
    base_url_env: "USAGEKIT_TESTS_OVERLOADED_BASE_URL",
    user_agent: "overloaded-usage/0.1.0",
    credentials: &[],
    security: &[],
    retry_statuses: &[408, 429, 500, 502, 503, 504, 529],
    default_headers: &[("anthropic-version", "2023-06-01")],
    parameters: &[],
};

#[tokio::test]
async fn a_declared_overload_status_is_retried_after_retry_after() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/report"))
        .respond_with(json(529, r#"{"type":"error"}"#).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/v1/report"))
        .and(wiremock::matchers::header(
            "anthropic-version",
            "2023-06-01",
        ))
        .respond_with(json(200, "{}"))
        .mount(&server)
        .await;
    let runtime = usagekit_runtime::ClientBuilder::new(&OVERLOADED_PROVIDER)
        .base_url(server.uri())
        .build()
        .unwrap();
    use usagekit_runtime::__private::{Decoders, Request, send};
    let decoders: Decoders<serde_json::Value, ()> = Decoders {
        success: |_, body| Some(usagekit_runtime::__private::json(&body)),
        error: |_, _| None,
        message_pointers: &[],
    };
    let request = Request::new("report", "GET", Ok("/v1/report".to_owned()));
    let started = Instant::now();
    let response = send(&runtime, request, &decoders).await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After honoured"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);

    // Without the declaration, 529 is an answer, not a reason to retry.
    let server = MockServer::start().await;
    Mock::given(path(COSTS))
        .respond_with(json(529, "{}").insert_header("Retry-After", "1"))
        .mount(&server)
        .await;
    let err = send_costs(openai(&server.uri())).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(529));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn values_the_spec_does_not_list_yet_decode_instead_of_failing_the_page() {
    use openai_usage::types::{
        UsageCompletionsResult, UsageCompletionsResultObject, UsageResponseObject,
        UsageTimeBucketObject,
    };
    // The envelope and a bucket carry `object` values this client has never seen.
    let body = r#"{"object":"list","data":[{"object":"bucket.v2","start_time":1,"end_time":2,"results":[]}],"has_more":false,"next_page":null}"#;
    let server = usagekit_tests::serve(COSTS, 200, body).await;
    let page = send_costs(openai(&server.uri())).await.unwrap();
    assert_eq!(page.object, UsageResponseObject::Unknown("list".into()));
    assert_eq!(page.object.to_string(), "list");
    assert_eq!(
        page.data[0].object,
        UsageTimeBucketObject::Unknown("bucket.v2".into())
    );

    // An enum field inside a result, decoded on its own.
    let result: UsageCompletionsResult = serde_json::from_str(
        r#"{"object":"organization.usage.completions.result.v2","input_tokens":1,"output_tokens":2,"num_model_requests":3}"#,
    )
    .unwrap();
    assert_eq!(
        result.object,
        UsageCompletionsResultObject::Unknown("organization.usage.completions.result.v2".into())
    );
    // Known values still map to their variants, and re-encode as they came.
    let known: UsageResponseObject = serde_json::from_str(r#""page""#).unwrap();
    assert_eq!(known, UsageResponseObject::Page);
    assert_eq!(serde_json::to_string(&page.object).unwrap(), r#""list""#);
}

#[test]
fn request_enums_accept_only_the_values_the_spec_lists() {
    use openai_usage::types::{UsageCompletionsBucketWidth, UsageResponseObject};
    assert!("1d".parse::<UsageCompletionsBucketWidth>().is_ok());
    assert!("2d".parse::<UsageCompletionsBucketWidth>().is_err());
    assert!(serde_json::from_str::<UsageCompletionsBucketWidth>(r#""2d""#).is_err());
    // Response enums decode openly, but a user's string is still checked.
    assert!("list".parse::<UsageResponseObject>().is_err());
}
