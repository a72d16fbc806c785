//! Operations as published APIs define them, on the wire: credential
//! alternatives (bearer, basic, query and cookie keys), query styles, cookie
//! parameters, form, multipart and raw bodies, text and byte responses, and a
//! `default` error response.

use fixture_ok_operations::types::{SearchFilter, SearchFilterCreated};
use fixture_ok_operations::{Client, ErrorKind, File, TryStreamExt};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

async fn server(verb: &str, at: &str, response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method(verb))
        .and(path(at))
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    requests.remove(0)
}

fn query(request: &Request) -> String {
    let query = request.url.query().unwrap_or_default();
    percent_decode(query)
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[tokio::test]
async fn query_styles_cookies_and_a_query_key() {
    let server = server(
        "GET",
        "/search",
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"count": 2})),
    )
    .await;
    let client = Client::builder()
        .base_url(server.uri())
        .query_key("qk-secret")
        .build()
        .unwrap();
    let filter = SearchFilter {
        created: Some(SearchFilterCreated { gte: Some(10), lt: None }),
        status: Some("open".to_owned()),
    };
    let found = client
        .search()
        .ids([1, 2, 3])
        .tags(["a", "b"])
        .filter(filter)
        .user_id("snake")
        .user_id_query("camel")
        .trace("t-1")
        .send()
        .await
        .unwrap();
    assert_eq!(found.count, 2);
    let request = only_request(&server).await;
    let query = query(&request);
    for expected in [
        "ids=1,2,3",
        "tags=a|b",
        "filter[created][gte]=10",
        "filter[status]=open",
        "user_id=snake",
        "userId=camel",
        "api_key=qk-secret",
    ] {
        assert!(query.split('&').any(|pair| pair == expected), "{expected} not in {query}");
    }
    assert!(!query.contains("filter[created][lt]"), "{query}");
    assert_eq!(request.headers["cookie"], "trace=t-1");
    assert!(request.headers.get("authorization").is_none(), "only the configured alternative");
}

#[tokio::test]
async fn the_first_configured_alternative_is_sent() {
    let server = server(
        "GET",
        "/search",
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"count": 0})),
    )
    .await;
    let client = Client::builder().base_url(server.uri()).token("tok").build().unwrap();
    client.search().send().await.unwrap();
    let request = only_request(&server).await;
    assert_eq!(request.headers["authorization"], "Bearer tok");
    assert!(!query(&request).contains("api_key"));
}

#[tokio::test]
async fn a_default_error_response_decodes_and_the_query_key_stays_out_of_it() {
    let server = server(
        "GET",
        "/search",
        ResponseTemplate::new(503).set_body_json(serde_json::json!({"message": "down for a bit"})),
    )
    .await;
    let client = Client::builder()
        .base_url(server.uri())
        .query_key("qk-secret")
        .max_retries(0)
        .build()
        .unwrap();
    let err = client.search().send().await.unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Api(api) if api.body.message == "down for a bit"),
        "{err:?}"
    );
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(shown.contains("down for a bit") || shown.contains("Api"), "{shown}");
        assert!(!shown.contains("qk-secret"), "the key leaked: {shown}");
    }
}

#[tokio::test]
async fn http_basic_and_a_cookie_key_with_a_text_response() {
    let session = server("GET", "/session", ResponseTemplate::new(200).set_body_string("ada")).await;
    let client = Client::builder()
        .base_url(session.uri())
        .session("sid-secret")
        .build()
        .unwrap();
    assert_eq!(client.get_session().send().await.unwrap(), "ada");
    let request = only_request(&session).await;
    assert_eq!(request.headers["cookie"], "sid=sid-secret");

    let charges = server(
        "POST",
        "/charges",
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "ch_1"})),
    )
    .await;
    let client = Client::builder()
        .base_url(charges.uri())
        .basic("ada", "pa:ss")
        .build()
        .unwrap();
    client.create_charge().body_map(|b| b.amount(1)).send().await.unwrap();
    let request = only_request(&charges).await;
    // base64("ada:pa:ss")
    assert_eq!(request.headers["authorization"], "Basic YWRhOnBhOnNz");
    assert!(!format!("{client:?}").contains("pa:ss"));
}

#[tokio::test]
async fn form_bodies_write_nested_objects_as_deep_objects() {
    let server = server(
        "POST",
        "/charges",
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "ch_1"})),
    )
    .await;
    let client = Client::builder().base_url(server.uri()).token("t").build().unwrap();
    let charge = client
        .create_charge()
        .body_map(|b| {
            b.amount(1250)
                .currency(Some("usd".to_owned()))
                .metadata(std::collections::HashMap::from([("order".to_owned(), "7 & 8".to_owned())]))
                .expand(vec!["customer".to_owned(), "invoice".to_owned()])
        })
        .send()
        .await
        .unwrap();
    assert_eq!(charge.id, "ch_1");
    let request = only_request(&server).await;
    assert_eq!(request.headers["content-type"], "application/x-www-form-urlencoded");
    let body = std::str::from_utf8(&request.body).unwrap();
    let pairs: Vec<String> = body.split('&').map(percent_decode).collect();
    assert_eq!(
        pairs,
        ["amount=1250", "currency=usd", "expand=customer", "expand=invoice", "metadata[order]=7 & 8"]
    );
}

#[tokio::test]
async fn multipart_bodies_send_files_and_fields() {
    let server = server(
        "POST",
        "/files",
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "file_1"})),
    )
    .await;
    let client = Client::builder().base_url(server.uri()).token("t").build().unwrap();
    let file = File::new(b"a,b\n1,2\n".to_vec()).name("data.csv").content_type("text/csv");
    client
        .upload_file()
        .body_map(|b| b.file(file).purpose("batch"))
        .send()
        .await
        .unwrap();
    let request = only_request(&server).await;
    let content_type = request.headers["content-type"].to_str().unwrap().to_owned();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("{content_type}"));
    let body = String::from_utf8(request.body.clone()).unwrap();
    assert!(body.contains(&format!("--{boundary}\r\n")), "{body}");
    assert!(body.contains("Content-Disposition: form-data; name=\"file\"; filename=\"data.csv\"\r\n"), "{body}");
    assert!(body.contains("Content-Type: text/csv\r\n\r\na,b\n1,2\n\r\n"), "{body}");
    assert!(body.contains("Content-Disposition: form-data; name=\"purpose\"\r\n"), "{body}");
    assert!(body.contains("\r\n\r\nbatch\r\n"), "{body}");
    assert!(body.ends_with(&format!("--{boundary}--\r\n")), "{body}");
}

#[tokio::test]
async fn raw_bodies_go_out_and_byte_responses_stream_back() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/files/f%201/content"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let payload: Vec<u8> = (0..=255).collect();
    Mock::given(method("GET"))
        .and(path("/files/f1/content"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(payload.clone(), "application/octet-stream"))
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).token("t").build().unwrap();
    client.replace_file().id("f 1").body(payload.clone()).send().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].headers["content-type"], "application/octet-stream");
    assert_eq!(requests[0].body, payload);

    let stream = client.download_file().id("f1").send().await.unwrap();
    let chunks: Vec<_> = stream.try_collect().await.unwrap();
    assert_eq!(chunks.concat(), payload);
}

#[tokio::test]
async fn server_sent_events_arrive_as_a_byte_stream() {
    let events = "event: usage\ndata: {\"tokens\": 1}\n\nevent: usage\ndata: {\"tokens\": 2}\n\n";
    let server = server(
        "GET",
        "/events",
        ResponseTemplate::new(200).set_body_raw(events, "text/event-stream"),
    )
    .await;
    let client = Client::builder().base_url(server.uri()).token("t").build().unwrap();
    let stream = client.watch_events().send().await.unwrap();
    let chunks: Vec<_> = stream.try_collect().await.unwrap();
    assert_eq!(chunks.concat(), events.as_bytes());
    let request = only_request(&server).await;
    assert_eq!(request.headers["accept"], "text/event-stream");
}
