//! `--tz` end to end: a loopback OpenAI that reports hours, summed into the days of
//! New York across the end of daylight saving time (2026-11-01 has 25 hours there).

use std::collections::BTreeMap;
use std::process::{Command, Output};

use serde_json::json;
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// One bucket per hour of `[start_time, end_time)` when asked for `1h` (each
/// hour's tokens are its hour of the day plus one), nothing otherwise.
struct Hours;

impl Respond for Hours {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let query: BTreeMap<String, String> = request.url.query_pairs().into_owned().collect();
        let empty = json!({"object": "page", "data": [], "has_more": false, "next_page": null});
        if request.url.path() != "/organization/usage/completions" || query["bucket_width"] != "1h"
        {
            return ResponseTemplate::new(200).set_body_json(empty);
        }
        let start: i64 = query["start_time"].parse().unwrap();
        let end: i64 = query["end_time"].parse().unwrap();
        let offset: i64 = query.get("page").map_or(0, |p| p.parse().unwrap());
        let hours: Vec<i64> = (start..end).step_by(3600).collect();
        let page: Vec<serde_json::Value> = hours
            .iter()
            .skip(offset as usize)
            .take(31)
            .map(|hour| {
                json!({"object": "bucket", "start_time": hour, "end_time": hour + 3600, "results": [
                    {"object": "organization.usage.completions.result", "input_tokens": hour / 3600 % 24 + 1,
                     "output_tokens": 0, "input_cached_tokens": 0, "num_model_requests": 1,
                     "model": null, "project_id": null, "api_key_id": null, "user_id": null, "batch": null}]})
            })
            .collect();
        let more = hours.len() as i64 > offset + 31;
        ResponseTemplate::new(200).set_body_json(json!({
            "object": "page", "data": page, "has_more": more,
            "next_page": more.then(|| (offset + 31).to_string())
        }))
    }
}

fn usagekit(server: &MockServer, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_usagekit"))
        .env_clear()
        .env("OPENAI_ADMIN_KEY", "sk-admin-zone")
        .env("OPENAI_BASE_URL", server.uri())
        .args(args)
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hours_are_summed_into_the_zones_days_across_a_dst_change() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path_regex("^/organization/"))
        .respond_with(Hours)
        .mount(&server)
        .await;
    let args = [
        "report",
        "--since",
        "2026-11-01",
        "--until",
        "2026-11-03",
        "--tz",
        "America/New_York",
        "--format",
        "csv",
        "--no-store",
    ];
    let output = usagekit(&server, &args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let csv = String::from_utf8_lossy(&output.stdout);
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let value = header.iter().position(|c| *c == "value").unwrap();
    let mut got = BTreeMap::new();
    for line in csv.lines().filter(|l| l.contains(",input_tokens,")) {
        let cells: Vec<&str> = line.split(',').collect();
        got.insert(cells[0].to_owned(), cells[value].to_owned());
    }
    // Independently: New York's days in UTC (EDT until 06:00Z on the 1st, then EST).
    let hours_sum =
        |from: i64, to: i64| -> i64 { (from..to).step_by(3600).map(|h| h / 3600 % 24 + 1).sum() };
    let utc = |text: &str| {
        chrono::DateTime::parse_from_rfc3339(text)
            .unwrap()
            .timestamp()
    };
    let first = (utc("2026-11-01T04:00:00Z"), utc("2026-11-02T05:00:00Z"));
    let second = (utc("2026-11-02T05:00:00Z"), utc("2026-11-03T05:00:00Z"));
    assert_eq!(
        (first.1 - first.0) / 3600,
        25,
        "the day daylight saving time ends"
    );
    let expected = BTreeMap::from([
        (
            "2026-11-01T00:00:00-04:00".to_owned(),
            hours_sum(first.0, first.1).to_string(),
        ),
        (
            "2026-11-02T00:00:00-05:00".to_owned(),
            hours_sum(second.0, second.1).to_string(),
        ),
    ]);
    assert_eq!(got, expected, "{csv}");
    // The range asked is New York's, in hours.
    let asked = server.received_requests().await.unwrap();
    let completions = asked
        .iter()
        .find(|r| r.url.path() == "/organization/usage/completions")
        .unwrap();
    let query: BTreeMap<String, String> = completions.url.query_pairs().into_owned().collect();
    assert_eq!(query["start_time"], first.0.to_string());
    assert_eq!(query["end_time"], second.1.to_string());
    assert_eq!(query["bucket_width"], "1h");
    // Hours come 168 a page (the day's page size is 31).
    assert_eq!(query["limit"], "168");
    // Costs come only in whole UTC days: the note says so.
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("its API reports whole UTC days"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    // Through the store: the same figures, and offline too.
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("zone-store");
    let _ = std::fs::remove_dir_all(&dir);
    let store = dir.join("usage.sqlite3").display().to_string();
    let stored_args = [&args[..args.len() - 1], &["--store", &store]].concat();
    let stored = usagekit(&server, &stored_args);
    assert_eq!(stored.stdout, output.stdout);
    let offline = usagekit(&server, &[&stored_args[..], &["--offline"]].concat());
    assert_eq!(offline.stdout, output.stdout);

    // A zone half an hour off UTC cannot be cut from hours: refused, with why.
    let refused = usagekit(
        &server,
        &[
            "report",
            "--since",
            "2026-11-01",
            "--tz",
            "Asia/Kolkata",
            "--no-store",
        ],
    );
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not a whole number of hours"));
    let unknown = usagekit(
        &server,
        &["report", "--since", "2026-11-01", "--tz", "Mars/Base"],
    );
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("unknown time zone"));
}
