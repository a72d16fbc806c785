//! Formats on the wire: decimals read digit for digit from a number or a string
//! and written back in the shape the spec gives them; dates, times and UUIDs.

use fixture_ok_formats::Client;
use rust_decimal::Decimal;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

const PAGE: &str = r#"[{"id":"67e55044-10b1-426f-9247-bb680e5fe0c8","day":"2026-11-01","issued_at":"2026-11-01T12:00:00Z","amount":"1234.567890123456789","cost":1234.567890123456789,"credit":"7.5e-3","discounts":["0.10"],"rate":0.5,"count":3,"big":9007199254740993}]"#;

#[tokio::test]
async fn decimals_keep_every_digit_and_their_shape() {
    let server = MockServer::start().await;
    Mock::given(path("/invoices"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(PAGE, "application/json"))
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).token("t").build().unwrap();
    let invoices = client
        .list_invoices()
        .from("2026-11-01".parse::<chrono::NaiveDate>().unwrap())
        .send()
        .await
        .unwrap();
    let exact = Decimal::from_str_exact("1234.567890123456789").unwrap();
    assert_eq!(invoices[0].amount, exact);
    assert_eq!(invoices[0].cost, Some(exact));
    assert_eq!(invoices[0].credit, Some(Decimal::from_str_exact("0.0075").unwrap()));
    assert_eq!(invoices[0].big, Some(9_007_199_254_740_993));
    assert_eq!(invoices[0].amount + invoices[0].cost.unwrap(), exact * Decimal::TWO);

    // Written back as it came: the number a number, the string a string.
    let written = serde_json::to_string(&invoices).unwrap();
    for part in [
        r#""amount":"1234.567890123456789""#,
        r#""cost":1234.567890123456789"#,
        r#""big":9007199254740993"#,
    ] {
        assert!(written.contains(part), "{part} not in {written}");
    }
    let mut again: serde_json::Value = serde_json::from_str(&written).unwrap();
    let mut sent: serde_json::Value = serde_json::from_str(PAGE).unwrap();
    // A number field sent as a string is read, and written as the spec's number.
    assert_eq!(again[0]["credit"], serde_json::json!(0.0075));
    again[0]["credit"].take();
    sent[0]["credit"].take();
    assert_eq!(again, sent);
}
