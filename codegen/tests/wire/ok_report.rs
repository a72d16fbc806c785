//! A spec's `x-usagekit-report` alone puts its provider in the report: this crate
//! is generated, and the runtime reads its pages into records with no Rust
//! written for it. Also: operations called by operationId with text parameters.

use std::str::FromStr;

use fixture_ok_report::{Client, SERVICE};
use futures_util::StreamExt;
use rust_decimal::Decimal;
use usagekit_runtime::ClientBuilder;
use usagekit_runtime::report::{self, Coverage, Dimension, Record, ReportQuery};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn time(text: &str) -> chrono::DateTime<chrono::Utc> {
    text.parse().unwrap()
}

fn query() -> ReportQuery {
    ReportQuery {
        since: time("2026-11-01T00:00:00Z"),
        until: time("2026-11-03T00:00:00Z"),
        group_by: vec![Dimension::Provider, Dimension::Model],
        hourly: false,
    }
}

async fn server() -> MockServer {
    let server = MockServer::start().await;
    let first = serde_json::json!({
        "days": [{"day": "2026-11-01", "until": "2026-11-02", "lines": [
            {"kind": "usage", "model": "m1", "team": "red", "tokens": {"fresh": 100, "cache_hits": 20, "out": 7},
             "price": {"cents": "12.5", "currency": "usd"}},
            {"kind": "usage", "model": "m2", "team": null, "pictures": 3},
            // Another kind of line: `where` leaves it out.
            {"kind": "forecast", "model": "m1", "tokens": {"fresh": 1000000}}
        ]}],
        "next": "p2"
    });
    let second = serde_json::json!({
        "days": [{"day": "2026-11-02", "until": "2026-11-03", "lines": [
            {"kind": "usage", "model": "m1", "tokens": {"fresh": 1, "out": 2}, "price": {"cents": "0.05", "currency": "eur"}}
        ]}],
        "next": null
    });
    // The range, day buckets, the chosen grouping and the fixed page size.
    Mock::given(method("GET"))
        .and(path("/usage"))
        .and(query_param("from", "2026-11-01T00:00:00Z"))
        .and(query_param("to", "2026-11-03T00:00:00Z"))
        .and(query_param("width", "day"))
        .and(query_param("group[]", "model"))
        .and(query_param("size", "100"))
        .and(query_param_is_missing("cursor"))
        .respond_with(ResponseTemplate::new(200).set_body_json(first))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/usage"))
        .and(query_param("cursor", "p2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(second))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/balance"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"remaining": 41.5, "days": 30})),
        )
        .mount(&server)
        .await;
    server
}

fn record(records: &[Record], metric: &str, model: &str) -> Vec<(String, String, Decimal)> {
    records
        .iter()
        .filter(|r| r.metric == metric && r.model.as_deref() == Some(model))
        .map(|r| {
            (
                r.period_start.unwrap().date_naive().to_string(),
                r.unit.clone(),
                r.value,
            )
        })
        .collect()
}

#[tokio::test]
async fn the_mapping_reads_every_page_into_records() {
    let server = server().await;
    let client = (SERVICE.connect)(
        ClientBuilder::new(SERVICE.info)
            .base_url(server.uri())
            .credential("Bearer", "t"),
    )
    .unwrap();
    let mut records = Vec::new();
    let mut pages = 0;
    SERVICE
        .run_report(
            client.as_ref(),
            &query(),
            &|_| true,
            &mut |_| pages += 1,
            &mut |record| records.push(record),
        )
        .await
        .unwrap();
    assert_eq!(pages, 3, "two usage pages and the balance");
    let decimal = |text: &str| Decimal::from_str(text).unwrap();
    // Input is fresh + cache hits; a missing counter is left out, not zero.
    assert_eq!(
        record(&records, "input_tokens", "m1"),
        [
            ("2026-11-01".into(), "tokens".into(), decimal("120")),
            ("2026-11-02".into(), "tokens".into(), decimal("1"))
        ]
    );
    assert_eq!(record(&records, "cached_input_tokens", "m1").len(), 1);
    assert_eq!(
        record(&records, "images", "m2"),
        [("2026-11-01".into(), "images".into(), decimal("3"))]
    );
    // Cents, scaled exactly; currencies upper-cased and kept apart.
    assert_eq!(
        record(&records, "cost", "m1"),
        [
            ("2026-11-01".into(), "USD".into(), decimal("0.125")),
            ("2026-11-02".into(), "EUR".into(), decimal("0.0005"))
        ]
    );
    let red = records
        .iter()
        .find(|r| r.metric == "output_tokens")
        .unwrap();
    assert_eq!(red.project.as_deref(), Some("red"));
    assert_eq!(red.period_end.unwrap(), time("2026-11-02T00:00:00Z"));
    assert_eq!(red.provider, "fixture");
    let balance = records.iter().find(|r| r.metric == "credits").unwrap();
    assert_eq!(balance.coverage, Coverage::Snapshot("this month".into()));
    assert_eq!(balance.value, decimal("41.5"));
    let (start, end) = (balance.period_start.unwrap(), balance.period_end.unwrap());
    assert_eq!((end - start).num_days(), 30);

    let mut aggregator =
        report::Aggregator::new(report::Granularity::Month, &[Dimension::Provider]);
    for record in records {
        aggregator.add(record);
    }
    let input: Vec<Decimal> = aggregator
        .rows()
        .filter(|(row, _)| row.metric == "input_tokens")
        .map(|(_, value)| value)
        .collect();
    assert_eq!(input, [decimal("121")]);
}

#[tokio::test]
async fn operations_are_called_by_id_with_text_parameters() {
    let server = server().await;
    let client = Client::builder()
        .base_url(server.uri())
        .token("t")
        .build()
        .unwrap();
    let client: &dyn usagekit_runtime::dynamic::DynamicClient = &client;
    let params: Vec<(String, String)> = [
        ("from", "2026-11-01T00:00:00Z"),
        ("to", "2026-11-03T00:00:00Z"),
        ("width", "day"),
        ("group", "model"),
        ("size", "100"),
    ]
    .map(|(name, value)| (name.to_owned(), value.to_owned()))
    .to_vec();
    let pages: Vec<serde_json::Value> = client
        .call("get-usage", &params)
        .unwrap()
        .map(|page| page.unwrap().value)
        .collect()
        .await;
    assert_eq!(pages.len(), 2);
    // The server's own JSON, fields the spec leaves out included.
    assert_eq!(pages[0]["days"][0]["lines"][0]["price"]["cents"], "12.5");
    assert_eq!(pages[1]["next"], serde_json::Value::Null);

    let refused = |params: &[(&str, &str)]| {
        let params: Vec<(String, String)> = params
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect();
        client.call("get_usage", &params).err().unwrap()
    };
    assert_eq!(
        refused(&[("widht", "day")]),
        "`get_usage()` has no parameter `widht`; it has `from`, `to`, `width`, `group[]`, `size`, `cursor`"
    );
    assert!(
        refused(&[("width", "week")])
            .contains("\"week\" is not a valid `width`; expected one of `hour`, `day`")
    );
    assert!(
        client
            .call("delete-everything", &[])
            .err()
            .unwrap()
            .contains("no operation `delete-everything`")
    );
}
